#!/usr/bin/env bash
# The performance benchmark (docs/performance.md): installs what it needs, builds Release, generates the
# directories, starts real slapd / Samba AD / RabbitMQ and the services as processes, runs the scenarios, prints a
# table and writes artifacts/bench/results.json.
#   deploy/local/bench.sh            full sizes (10k/100k users; ~20-30 minutes on 2 cores)
#   deploy/local/bench.sh --quick    smaller sizes, a complete table in a few minutes
#   deploy/local/bench.sh --only read,latency --sizes 1000,100000 ...   (--help lists every option)
# Servers run under /tmp/adsync/bench-<pid>; everything started is stopped on exit, also on Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export ADSYNC_RUN_ROOT=${ADSYNC_RUN_ROOT:-/tmp/adsync}/bench-$$
mkdir -p "$ADSYNC_RUN_ROOT"

cleanup() {
  # The benchmark stops its own servers; this catches what a crash or a kill left behind.
  bash deploy/local/cleanup.sh --remove >/dev/null 2>&1 || true
  [ -n "${ADSYNC_KEEP_RUN_DIRS:-}" ] || rm -rf "$ADSYNC_RUN_ROOT"
}
trap cleanup EXIT

bash deploy/local/install-deps.sh

# Only the benchmark and the services it starts: the test projects are not needed. Retried because other builds
# on a shared machine can hold the same output files for a moment.
projects=(services/rescue-emulator services/config services/ad-reader services/provisioner benchmarks/RescueAdSync.Benchmarks)
for attempt in 1 2 3; do
  ok=1
  for p in "${projects[@]}"; do
    dotnet build "$p" -c Release -nologo -v:q || { ok=0; break; }
  done
  [ "$ok" = 1 ] && break
  [ "$attempt" = 3 ] && { echo "bench.sh: build failed" >&2; exit 1; }
  echo "bench.sh: build failed (attempt $attempt), retrying in 5 s" >&2; sleep 5
done

dotnet benchmarks/RescueAdSync.Benchmarks/bin/Release/net10.0/RescueAdSync.Benchmarks.dll "$@"
