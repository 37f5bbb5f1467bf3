#!/usr/bin/env bash
# Runs the whole sync pipeline on this machine and posts a signed sample webhook through it.
#
# 1. Creates .venv-tools (moto server + botocore models) like scripts/test.sh, if it is missing or stale.
# 2. Starts moto_server on a free loopback port (SQS FIFO queue + DLQ, Secrets Manager) and stops it on exit.
# 3. Runs `cargo run -p local-pipeline` with MOTO_ENDPOINT and PARTNER_CENTRAL_MODEL set; arguments are passed on
#    (e.g. `scripts/local.sh --serve` keeps the webhook endpoint up until Ctrl-C; `--help` lists the options).
#
# Real HubSpot / Partner Central Sandbox instead of the local servers: see docs/local.md (LOCAL_HUBSPOT_TOKEN,
# LOCAL_PARTNER_CENTRAL=sandbox, ...).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"

ensure_venv() {
  local dir="$1" req="$2" stamp want
  stamp="$dir/.requirements.sha256"
  want="$(sha256sum "$req" | cut -d' ' -f1)"
  if [[ -x "$dir/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  echo "==> installing $(basename "$req") into $dir"
  rm -rf "$dir"
  "$python" -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
}
ensure_venv .venv-tools scripts/python/requirements-tools.txt

port="$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p target
log="target/moto_server-local.log"
.venv-tools/bin/moto_server -H 127.0.0.1 -p "$port" > "$log" 2>&1 &
moto_pid=$!
cleanup() { kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 200); do
  if curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/"; then break; fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then echo "moto_server died; see $log" >&2; exit 1; fi
  sleep 0.1
done
export MOTO_ENDPOINT="http://127.0.0.1:$port"
model="$(ls .venv-tools/lib/python3*/site-packages/botocore/data/partnercentral-selling/2022-07-26/service-2.json* | head -n1)"
export PARTNER_CENTRAL_MODEL="$root/$model"

cargo run --quiet -p local-pipeline -- "$@"
