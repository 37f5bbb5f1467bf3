#!/usr/bin/env bash
# Builds both Lambda functions as arm64 (Graviton) `bootstrap` zips for the provided.al2023 runtime.
#
# 1. Creates .venv-build (pinned cargo-lambda + ziglang from scripts/python/requirements-build.txt) once per
#    requirements change; PyPI wheels carry the prebuilt binaries, so no Rust tool is compiled.
# 2. Checks the aarch64-unknown-linux-gnu standard library is installed (rustup target add ... if not).
# 3. Runs `cargo lambda build --release --arm64 --output-format zip` for the two function binaries.
#
# Output: target/lambda/webhook-receipt/bootstrap.zip and target/lambda/event-processor/bootstrap.zip
# (each zip holds one `bootstrap` executable at its root).
#
# Usage: scripts/build-lambdas.sh                 (both functions)
#        scripts/build-lambdas.sh webhook-receipt (one function)
#        PYTHON=python3.11 scripts/build-lambdas.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
venv="$root/.venv-build"
req="scripts/python/requirements-build.txt"
target="aarch64-unknown-linux-gnu"

step() { printf '\n==> %s\n' "$*" >&2; }

want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/cargo-lambda" || ! -f "$venv/.requirements.sha256" || "$(cat "$venv/.requirements.sha256")" != "$want" ]]; then
  step "installing $req into $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  echo "$want" > "$venv/.requirements.sha256"
fi
export PATH="$venv/bin:$PATH"

if command -v rustup > /dev/null; then
  if ! rustup target list --installed | grep -qx "$target"; then
    step "adding the $target standard library (rustup)"
    if ! rustup target add "$target"; then
      echo "error: the $target standard library is missing and rustup could not download it;" >&2
      echo "       run 'rustup target add $target' on a machine with access to the Rust distribution server" >&2
      exit 1
    fi
  fi
fi

if [[ $# -gt 0 ]]; then fns=("$@"); else fns=(webhook-receipt event-processor); fi
bins=()
for fn in "${fns[@]}"; do
  case "$fn" in
    webhook-receipt | event-processor) bins+=(--bin "$fn") ;;
    *) echo "error: unknown function '$fn' (expected webhook-receipt or event-processor)" >&2; exit 1 ;;
  esac
done

step "cargo lambda build --release --arm64 ${fns[*]} ($(cargo lambda --version))"
start=$(date +%s)
cargo lambda build --release --arm64 --locked --output-format zip "${bins[@]}"
end=$(date +%s)

for fn in "${fns[@]}"; do
  zip="target/lambda/$fn/bootstrap.zip"
  if [[ ! -f "$zip" ]]; then echo "error: $zip was not produced" >&2; exit 1; fi
  printf '%s\t%s bytes\t%s\n' "$zip" "$(stat -c %s "$zip")" "$(sha256sum "$zip" | cut -d' ' -f1)" >&2
done
printf 'built in %s s\n' "$((end - start))" >&2
