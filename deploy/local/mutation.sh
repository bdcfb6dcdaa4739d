#!/usr/bin/env bash
# Mutation testing (Stryker.NET, installed from the repository's tool manifest dotnet-tools.json) of the pure rule
# files: the provisioning decision (services/provisioner/Sync/ProvisioningDecision.cs), the reader's cycle plan and
# membership diff (services/ad-reader/Sync/CyclePlan.cs, MembershipDiff.cs, MembershipDiffResult.cs), each against its
# own unit tests in tests/RescueAdSync.UnitTests. Configuration: tests/stryker/*.json, one run per mutated project.
# Reports: artifacts/mutation/<run>/reports/mutation-report.{html,json}, Stryker's console output in
# artifacts/mutation/<run>.log.
# Prints one line per mutated file (score, killed, survived, timeout, no coverage) and exits non-zero when a run
# fails or any file scores below the threshold (85 %; Stryker's own "break" in the configuration is the same).
# Usage: deploy/local/mutation.sh [provisioner] [ad-reader]   (no argument: both)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
threshold=85
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(provisioner ad-reader)
for run in "${runs[@]}"; do
  [ -f "tests/stryker/$run.json" ] || { echo "mutation.sh: unknown run '$run' (expected provisioner and/or ad-reader)" >&2; exit 2; }
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
out="$root/artifacts/mutation"
mkdir -p "$out"
dotnet tool restore >/dev/null

status=0
lines=()
for run in "${runs[@]}"; do
  started=$SECONDS
  rm -rf "${out:?}/$run"
  rc=0
  # Stryker runs from tests/stryker: a solution file in its directory would switch it to solution mode.
  (cd tests/stryker && dotnet stryker --config-file "$run.json" --output "$out/$run" --skip-version-check) >"$out/$run.log" 2>&1 || rc=$?
  grep -E '^(Killed|Survived|Timeout|Errors):|final mutation score' "$out/$run.log" | sed "s/^/mutation.sh: $run: /" || true
  report="$out/$run/reports/mutation-report.json"
  if [ ! -f "$report" ]; then
    status=1
    lines+=("mutation: $run: no report (Stryker exited $rc; see artifacts/mutation/$run.log):")
    tail -n 20 "$out/$run.log"
    continue
  fi
  # Per mutated file, as Stryker counts them: compile errors and ignored mutants do not count towards the score.
  file_rc=0
  python3 - "$report" "$run" "$threshold" "$((SECONDS - started))" >"$out/$run.scores" <<'PY' || file_rc=$?
import collections, json, sys
report, run, threshold, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
files = json.load(open(report, encoding="utf-8"))["files"]
low = 0
for path, data in sorted(files.items()):
    counts = collections.Counter(m["status"] for m in data["mutants"])
    detected = counts["Killed"] + counts["Timeout"]
    total = detected + counts["Survived"] + counts["NoCoverage"]
    if total == 0:
        continue
    score = 100.0 * detected / total
    low += score < threshold
    print(f"mutation: {path.split('/services/', 1)[-1]}: {score:.2f} % (killed {counts['Killed']}, survived {counts['Survived']}, "
          f"timeout {counts['Timeout']}, no coverage {counts['NoCoverage']}; compile errors {counts['CompileError']}) in the {run} run of {seconds} s")
sys.exit(1 if low else 0)
PY
  while IFS= read -r line; do lines+=("$line"); done <"$out/$run.scores"
  if [ "$rc" != 0 ] || [ "$file_rc" != 0 ]; then
    status=1
    lines+=("mutation: $run: below ${threshold} % or failed (Stryker exited $rc); surviving mutants: artifacts/mutation/$run/reports/mutation-report.html")
  fi
done
printf '%s\n' "${lines[@]}"
[ "$status" = 0 ] && echo "mutation: every file at or above ${threshold} %" || echo "mutation: FAILED: a file below ${threshold} % or a run that failed"
exit $status
