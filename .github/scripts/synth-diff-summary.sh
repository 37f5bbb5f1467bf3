#!/usr/bin/env bash
# Prints (Markdown, for $GITHUB_STEP_SUMMARY) the semantic diff between the stacks this checkout synthesizes for
# every environment and the snapshots committed on BASE (a git ref, e.g. origin/main): what merging the pull
# request would change in each deployed environment. Exit 0 with or without differences; non-zero only when
# synth itself fails.
#
# Uses `synth --diff --summary markdown` when synth has it, else wraps the plain `synth --diff` text.
set -euo pipefail
base="${1:?usage: synth-diff-summary.sh BASE_REF}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/base"
if git cat-file -e "$base:snapshots" 2>/dev/null; then
  git archive "$base" snapshots | tar -x -C "$work/base"
else
  mkdir -p "$work/base/snapshots" # no snapshots on the base yet: everything is new
fi

cargo build --quiet --locked -p synth
args=(--all --diff --snapshots-dir "$work/base/snapshots")
markdown=0
if cargo run --quiet --locked -p synth -- --help | grep -q -- '--summary'; then
  args+=(--summary markdown)
  markdown=1
fi

set +e
cargo run --quiet --locked -p synth -- "${args[@]}" > "$work/diff.out" 2> "$work/diff.err"
code=$?
set -e

echo "## Stack changes against \`$base\`"
echo
case "$code" in
  0) echo "No changes to any environment's stacks." ;;
  2) echo "This pull request changes the deployed stacks:" ;;
  *)
    echo "**synth failed (exit $code):**"
    echo '```'
    cat "$work/diff.err"
    echo '```'
    exit "$code"
    ;;
esac
echo
if [[ "$markdown" == 1 ]]; then
  cat "$work/diff.out"
else
  echo '```'
  cat "$work/diff.out"
  echo '```'
fi
