#!/usr/bin/env bash
# Runs every benchmark of the workspace and regenerates the generated part of docs/benchmarks.md and the whole of
# docs/cost.md from their outputs (bench-report, crate bench-harness). NOT part of CI; takes ~10 min on the 2-core
# machine once the release builds are cached (a cold build adds its compile time).
#
#   scripts/bench-report.sh                 # everything
#   BENCH_MEASUREMENT_TIME=5 scripts/bench-report.sh   # longer criterion measurements (default 3 s per bench)
#   BENCH_RUN_DIR=/tmp/run scripts/bench-report.sh     # keep the raw outputs there (default: a fresh temp dir)
#
# Criterion runs: webhook-receipt (receipt CPU + latency vs a fixed-latency SQS endpoint), event-processor
# (engine), synth (synth time), cfn-checks, hubspot, deal-mapping, partner-central-server.
# event-processor's workload bench: processor throughput and external calls per event on issue 5's scripted workload
# (about 3 min: two of its configurations wait on simulated API latency and the 1 write/s quota).
# lambda-bench: cold start, peak RSS and warm latency of both release binaries.
# Needs the botocore Partner Central model (PARTNER_CENTRAL_MODEL), found in .venv-tools once scripts/test.sh ran.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN=${BENCH_RUN_DIR:-$(mktemp -d /tmp/bench-report.XXXXXX)}
mkdir -p "$RUN"
export CRITERION_HOME="$RUN/criterion"
MEASURE=${BENCH_MEASUREMENT_TIME:-3}
CRIT=(--warm-up-time 1 --measurement-time "$MEASURE")
load() { cut -d' ' -f1-3 /proc/loadavg; }
# The workspace's [profile.release] settings as one line, e.g. `lto = "fat", codegen-units = 1, ...`.
release_profile() {
  awk '/^\[/ { on = ($0 == "[profile.release]"); next } on && /=/ { sub(/ *#.*/, ""); printf "%s%s", sep, $0; sep = ", " }' Cargo.toml
}
step() { printf '\n== %s (%s, load %s)\n' "$1" "$(date -u +%H:%M:%S)" "$(load)"; }

if [[ -z "${PARTNER_CENTRAL_MODEL:-}" ]]; then
  PARTNER_CENTRAL_MODEL=$(ls -d .venv-tools/lib/python3*/site-packages/botocore/data/partnercentral-selling/*/service-2.json* 2>/dev/null | head -n1 || true)
  export PARTNER_CENTRAL_MODEL
fi
if [[ -z "$PARTNER_CENTRAL_MODEL" || ! -f "$PARTNER_CENTRAL_MODEL" ]]; then
  echo "bench-report: no Partner Central model; run scripts/test.sh once (it creates .venv-tools) or set PARTNER_CENTRAL_MODEL" >&2
  exit 1
fi

START_UTC=$(date -u '+%Y-%m-%d %H:%M')
LOAD_START=$(load)
SECONDS=0

step "release builds (binaries and benches)"
cargo build --release -p webhook-receipt -p event-processor -p bench-harness --bins
BENCH_PKGS=(webhook-receipt event-processor synth cfn-checks hubspot deal-mapping partner-central-server)
cargo bench --no-run $(printf -- '-p %s ' "${BENCH_PKGS[@]}")
BUILD_SECONDS=$SECONDS

bench() { # package bench-name
  step "criterion: $1 --bench $2"
  cargo bench -q -p "$1" --bench "$2" -- "${CRIT[@]}" 2>&1 | grep -E '^[^ ].*|time:' | grep -v '^Benchmarking' || true
}
RUN_START=$SECONDS
bench webhook-receipt receipt
bench webhook-receipt latency
bench event-processor engine
bench synth synth
bench cfn-checks checks
bench hubspot client
bench deal-mapping map
bench partner-central-server validate

step "workload: the processor on the scripted workload (throughput, external calls per event)"
WORKLOAD_BENCH_JSON="$RUN/workload.json" cargo bench -q -p event-processor --bench workload

step "lambda-bench (cold start, RSS, warm latency of both functions)"
target/release/lambda-bench --out "$RUN/lambda-bench.md" --json "$RUN/lambda-bench.json" --log-dir "$RUN/logs"

step "synth: production templates (alarm and dashboard count for the cost model)"
SYNTH_START=$(date +%s%N)
cargo run -q -p synth -- --env production --format json --out "$RUN/synth" >/dev/null
SYNTH_MS=$(( ($(date +%s%N) - SYNTH_START) / 1000000 ))
RUN_SECONDS=$((SECONDS - RUN_START))

{
  echo "- date: $START_UTC UTC; revision \`$(git describe --always --dirty)\`"
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "- $(rustc --version); release profile of the workspace: $(release_profile)"
  echo "- load average (1/5/15 min) at start: $LOAD_START; at end: $(load) (other engineers share the machine)"
  echo "- criterion settings: \`--warm-up-time 1 --measurement-time $MEASURE\`; build ${BUILD_SECONDS} s, benchmark runs ${RUN_SECONDS} s"
  echo "- raw outputs: \`$RUN\`"
} >"$RUN/machine.md"
echo "- synth CLI (dev build, \`cargo run -p synth -- --env production --format json\`), wall time incl. cargo start-up: ${SYNTH_MS} ms" >"$RUN/extra.md"

step "bench-report: docs/benchmarks.md and docs/cost.md"
target/release/bench-report \
  --criterion "$CRITERION_HOME" \
  --lambda-json "$RUN/lambda-bench.json" --lambda-md "$RUN/lambda-bench.md" --log-dir "$RUN/logs" \
  --templates "$RUN/synth/production" --stack stacks/production.yaml \
  --workload-json "$RUN/workload.json" \
  --machine "$RUN/machine.md" --extra "$RUN/extra.md" \
  --benchmarks docs/benchmarks.md --cost docs/cost.md
echo "done in ${SECONDS} s; raw outputs in $RUN"
