#!/usr/bin/env bash
# Runs every test of the project on a fresh machine.
#
# 1. Creates the project-local Python virtualenvs with the pinned tools the tests need
#    (.venv-tools: moto server + cfn-lint + botocore models; .venv-checkov: checkov, which pins an old boto3).
# 2. Starts moto's server on a free loopback port (SQS, STS, Secrets Manager, CloudFormation, IAM) and stops it on exit.
# 3. Runs cargo fmt --check, clippy -D warnings, the whole cargo test suite (insta snapshots fail on drift),
#    synthesizes every environment, then cfn-lint and checkov over the synthesized templates.
#
# Usage: scripts/test.sh            (everything)
#        SKIP_LINT=1 scripts/test.sh (skip fmt + clippy, for a quicker local loop)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"

step() { printf '\n==> %s\n' "$*"; }

# --- Python tools (installed once per requirements change) -------------------------------------------------
ensure_venv() {
  local dir="$1" req="$2" stamp
  stamp="$dir/.requirements.sha256"
  local want
  want="$(sha256sum "$req" | cut -d' ' -f1)"
  if [[ -x "$dir/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  step "installing $(basename "$req") into $dir"
  rm -rf "$dir"
  "$python" -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
}
ensure_venv .venv-tools scripts/python/requirements-tools.txt
ensure_venv .venv-checkov scripts/python/requirements-checkov.txt

# --- moto server ---------------------------------------------------------------------------------------------
port="$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p target
step "starting moto_server on 127.0.0.1:$port"
.venv-tools/bin/moto_server -H 127.0.0.1 -p "$port" > target/moto_server.log 2>&1 &
moto_pid=$!
cleanup() { kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 200); do
  if curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/"; then break; fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then echo "moto_server died; see target/moto_server.log" >&2; exit 1; fi
  sleep 0.1
done
export MOTO_ENDPOINT="http://127.0.0.1:$port"
export MOTO_SERVER_BIN="$root/.venv-tools/bin/moto_server"
model="$(ls .venv-tools/lib/python3*/site-packages/botocore/data/partnercentral-selling/2022-07-26/service-2.json* | head -n1)"
export PARTNER_CENTRAL_MODEL="$root/$model"
export CFN_LINT="$root/.venv-tools/bin/cfn-lint"
export CFN_CHECKS_REQUIRE_CFN_LINT=1
export CFN_LINT_SCHEMAS="$(ls -d "$root"/.venv-tools/lib/python3*/site-packages/cfnlint/data/schemas | head -n1)"

# Incremental artefacts only pay off on repeated local builds; in CI they double the disk use.
if [[ -n "${CI:-}" ]]; then export CARGO_INCREMENTAL=0; fi

# --- Rust ------------------------------------------------------------------------------------------------------
if [[ -z "${SKIP_LINT:-}" ]]; then
  step "cargo fmt --check"
  cargo fmt --all -- --check
  step "cargo clippy -D warnings"
  cargo clippy --workspace --all-targets --locked -- -D warnings
fi

step "cargo test (workspace)"
# CI=true makes insta fail on any snapshot drift instead of writing new snapshots.
CI=true INSTA_UPDATE=no cargo test --workspace --locked

# --- Synthesized templates: drift, cfn-lint, checkov -------------------------------------------------------------
out="target/synth-out"
rm -rf "$out"
step "synth every environment"
cargo run --quiet --locked -p synth -- --all --format yaml --out "$out"
step "synth --diff against the committed snapshots"
cargo run --quiet --locked -p synth -- --all --diff --out "$out"

step "cfn-lint (0 errors, 0 warnings expected)"
shopt -s nullglob
templates=("$out"/*/*.template.yaml)
if (( ${#templates[@]} == 0 )); then echo "no templates synthesized" >&2; exit 1; fi
.venv-tools/bin/cfn-lint --non-zero-exit-code informational -- "${templates[@]}"
echo "cfn-lint: ${#templates[@]} templates, no findings"

step "checkov (suppressions carry reasons in the model)"
.venv-checkov/bin/checkov -d "$out" --framework cloudformation --skip-download --quiet --compact

step "GitHub Actions workflows (structure: triggers, approval gate, OIDC, pipefail)"
.venv-tools/bin/python .github/scripts/check-workflows.py

step "all tests passed"
