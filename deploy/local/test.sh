#!/usr/bin/env bash
# Runs the whole test suite on a Debian 12 machine without Docker: installs the servers the tests
# start (idempotent apt-get), builds, checks the code's conventions (dotnet format, .editorconfig), runs every test
# project, then stops anything left running.
# Then builds the container images and runs the compose stack end to end (deploy/containers/build.sh, e2e.sh).
# Usage: deploy/local/test.sh [--nightly] [--no-containers] [extra dotnet test arguments]
# Tests marked [Trait("Category", "Nightly")] (30 s outages, the 5-minute soak; docs/reliability.md) are left out
# unless --nightly is given or ADSYNC_NIGHTLY=1. A --filter among the extra arguments is combined with that rule.
# The nightly run also mutation-tests the pure rule files (deploy/local/mutation.sh, Stryker.NET: minutes of CPU, too
# long for every run); a file below its mutation-score threshold fails it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

nightly=${ADSYNC_NIGHTLY:-0}
containers=1
args=()
user_filter=""
while [ $# -gt 0 ]; do
  case "$1" in
    --nightly) nightly=1 ;;
    --no-containers) containers=0 ;;
    --filter) [ $# -ge 2 ] || { echo "test.sh: --filter needs a value" >&2; exit 2; }; user_filter=$2; shift ;;
    --filter=*) user_filter=${1#--filter=} ;;
    *) args+=("$1") ;;
  esac
  shift
done
filter=$user_filter
if [ "$nightly" != 1 ]; then
  filter=${user_filter:+($user_filter)&}Category!=Nightly
fi
[ -z "$filter" ] || args+=(--filter "$filter")
echo "test.sh: nightly=$nightly filter=${filter:-<none>}"

bash deploy/local/install-deps.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="$root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"

trap 'bash deploy/local/cleanup.sh >/dev/null 2>&1 || true' EXIT

dotnet build RescueAdSync.slnx -c Release -warnaserror -nologo -v:q
status=0
# The code's conventions (.editorconfig: whitespace, braces on every body); a difference fails the run after the tests.
format_rc=0
dotnet format RescueAdSync.slnx --verify-no-changes --severity warn --no-restore >"$results/format.log" 2>&1 || format_rc=$?
dotnet test RescueAdSync.slnx -c Release --no-build --results-directory "$results" \
  --logger "trx;LogFilePrefix=results" --logger "console;verbosity=minimal" ${args[@]+"${args[@]}"} 2>&1 | tee "$results/console.log" || status=$?

if [ "$nightly" = 1 ]; then
  started=$SECONDS
  bash deploy/local/mutation.sh 2>&1 | tee "$results/mutation.log" || { status=1; echo "test.sh: mutation testing failed (mutation.sh above)"; }
  echo "test.sh: mutation.sh took $((SECONDS - started)) s"
fi

# Nightly only: 10 minutes of fuzzing split over the harness's targets (deploy/local/fuzz.sh); a crash or a reproduced
# hang fails the run, the findings stay in artifacts/fuzz/.
if [ "$nightly" = 1 ]; then
  fuzz_rc=0
  { dotnet tool restore >/dev/null && bash deploy/local/fuzz.sh --minutes 10; } 2>&1 | tee "$results/fuzz.log" || fuzz_rc=${PIPESTATUS[0]}
  if [ "$fuzz_rc" != 0 ]; then status=1; echo "test.sh: fuzzing found a crash or could not run (fuzz.sh above, artifacts/fuzz/)"; fi
fi

# The compose stack in containers, as users deploy it: images built, every service run, checked end to end.
e2e_line="e2e: not run (--no-containers)"
if [ "$containers" = 1 ]; then
  started=$SECONDS
  # build.sh exits 3 when every image was built but one is over the size limit: that fails the run, and the images
  # are still checked end to end.
  build_rc=0
  bash deploy/containers/build.sh 2>&1 | tee "$results/containers-build.log" || build_rc=${PIPESTATUS[0]}
  if [ "$build_rc" = 3 ]; then status=1; echo "test.sh: an image is over the size limit (build.sh above)"; fi
  if [ "$build_rc" = 0 ] || [ "$build_rc" = 3 ]; then
    echo "test.sh: build.sh took $((SECONDS - started)) s"
    e2e_started=$SECONDS
    bash deploy/containers/e2e.sh 2>&1 | tee "$results/containers-e2e.log" || status=1
    echo "test.sh: e2e.sh took $((SECONDS - e2e_started)) s"
    e2e_line=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed$' "$results/containers-e2e.log" | tail -n 1 || true)
    [ -n "$e2e_line" ] || { e2e_line="e2e: 0 passed, 1 failed (e2e.sh ended without its summary)"; status=1; }
  else
    status=1
    e2e_line="e2e: 0 passed, 1 failed (build.sh could not build the images)"
  fi
fi

if [ "$format_rc" != 0 ]; then
  status=1
  echo "test.sh: the code does not follow .editorconfig; \`dotnet format RescueAdSync.slnx --severity warn\` fixes it:"
  grep -E 'error|warning' "$results/format.log" | head -n 20 || cat "$results/format.log"
fi

# The container checks' line, then one closing line summed over every test project ("Passed!  - Failed: 0, Passed:
# 12, Skipped: 0, ...") and the container checks.
python3 - "$results/console.log" "$e2e_line" <<'PY' || status=1
import re, sys
passed = failed = skipped = 0
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.search(r"(?:Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+)", line)
    if m:
        failed += int(m[1]); passed += int(m[2]); skipped += int(m[3])
print(f"dotnet tests: {passed} passed, {failed} failed, {skipped} skipped; containers {sys.argv[2]}")
e2e = re.search(r"(\d+) passed, (\d+) failed", sys.argv[2])
if e2e:
    passed += int(e2e[1]); failed += int(e2e[2])
print(f"Tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if passed == 0 else 0)  # a run that ran nothing is not green
PY
exit $status
