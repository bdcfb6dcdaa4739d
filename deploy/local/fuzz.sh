#!/usr/bin/env bash
# Fuzzes the product's input surfaces with afl++ through SharpFuzz (docs/reliability.md, "Fuzzing").
# Usage: deploy/local/fuzz.sh [--minutes N] [target...]
#   targets: rescue-response (Rescue API answers), ldap-entry (directory entries and DNs), config-json (config API bodies);
#            all three when none is named.
#   --minutes N   the total time, split evenly over the targets (default 10).
# Needs afl++ (deploy/local/install-deps.sh) and the sharpfuzz tool of the repository's manifest (`dotnet tool restore`);
# installs neither. Seeds: tests/RescueAdSync.Fuzz/corpus/<target>/, with the words of each format in dictionaries/.
# Findings go to artifacts/fuzz/<target>/ (afl-fuzz's output: queue/, crashes/, hangs/), and each crash's
# exception to artifacts/fuzz/<target>/crashes.txt. Prints one line per target and exits 1 when a target crashed or hung.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

all_targets=(rescue-response ldap-entry config-json)
minutes=10
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) [ $# -ge 2 ] || { echo "fuzz.sh: --minutes needs a value" >&2; exit 2; }; minutes=$2; shift ;;
    --minutes=*) minutes=${1#--minutes=} ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option '$1' (expected --minutes N)" >&2; exit 2 ;;
    *)
      case " ${all_targets[*]} " in
        *" $1 "*) targets+=("$1") ;;
        *) echo "fuzz.sh: unknown target '$1' (expected one of: ${all_targets[*]})" >&2; exit 2 ;;
      esac ;;
  esac
  shift
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
if ! [[ "$minutes" =~ ^[0-9]+$ ]] || [ "$minutes" -lt 1 ]; then
  echo "fuzz.sh: --minutes must be a whole number of minutes, at least 1 (got '$minutes')" >&2
  exit 2
fi
seconds=$((minutes * 60 / ${#targets[@]}))

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "fuzz.sh: afl-fuzz not found; install the Debian package afl++ (bash deploy/local/install-deps.sh)" >&2
  exit 2
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! dotnet tool run sharpfuzz 2>/dev/null | grep -q "^Usage: sharpfuzz"; then
  echo "fuzz.sh: the sharpfuzz tool is not restored; run \`dotnet tool restore\` (the manifest is dotnet-tools.json)" >&2
  exit 2
fi

out="$root/artifacts/fuzz"
bin="$out/bin"
rm -rf "$bin" && mkdir -p "$out"
echo "fuzz.sh: publishing the harness (tests/RescueAdSync.Fuzz) to $bin"
dotnet publish tests/RescueAdSync.Fuzz -c Release -o "$bin" -nologo -v:q >"$out/publish.log" 2>&1 \
  || { cat "$out/publish.log"; echo "fuzz.sh: the harness did not build" >&2; exit 2; }
# The product's own assemblies get afl's edge coverage; the framework, the harness and SharpFuzz itself do not.
for assembly in Contracts ServiceDefaults Provisioner AdReader Config; do
  dotnet tool run sharpfuzz "$bin/RescueAdSync.$assembly.dll" >>"$out/instrument.log" 2>&1 \
    || { cat "$out/instrument.log"; echo "fuzz.sh: sharpfuzz could not instrument RescueAdSync.$assembly.dll" >&2; exit 2; }
done

# afl-fuzz checks the machine before it starts; on a shared machine (or a container) none of that can be changed.
# AFL_SKIP_BIN_CHECK: the binary is dotnet, the instrumentation is in the assemblies.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1
export AFL_SKIP_CRASHES=0 AFL_FORKSRV_INIT_TMOUT=60000
dotnet=$(command -v dotnet)
timeout_ms=2000
failed=0
summary=()
for target in "${targets[@]}"; do
  findings="$out/$target"
  rm -rf "$findings"
  echo "fuzz.sh: $target for $seconds s (corpus tests/RescueAdSync.Fuzz/corpus/$target, findings $findings)"
  started=$SECONDS
  dictionary=()
  [ ! -f "tests/RescueAdSync.Fuzz/dictionaries/$target.dict" ] || dictionary=(-x "tests/RescueAdSync.Fuzz/dictionaries/$target.dict")
  afl-fuzz -i "tests/RescueAdSync.Fuzz/corpus/$target" -o "$findings" -t "$timeout_ms" -m none -V "$seconds" ${dictionary[@]+"${dictionary[@]}"} \
    -- "$dotnet" "$bin/RescueAdSync.Fuzz.dll" "$target" >"$findings.log" 2>&1 || true
  elapsed=$((SECONDS - started))
  stats="$findings/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    tail -n 30 "$findings.log"
    summary+=("fuzz $target: afl-fuzz did not run (see $findings.log)")
    failed=1
    continue
  fi
  stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  crashes=$(find "$findings/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
  hangs=$(find "$findings/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
  # A crash's exception, for the report; a hang counts only when it hangs again on its own (a busy machine makes
  # slow runs that are no hang).
  real_hangs=0
  : >"$findings/crashes.txt"
  for file in "$findings"/default/crashes/id:* "$findings"/default/hangs/id:*; do
    [ -f "$file" ] || continue
    if [[ "$file" == */hangs/* ]]; then
      rc=0
      timeout 20 "$dotnet" "$bin/RescueAdSync.Fuzz.dll" "$target" --replay "$file" >/dev/null 2>&1 || rc=$?
      if [ "$rc" = 124 ]; then
        real_hangs=$((real_hangs + 1))
        echo "$file: HANG (over 20 s when replayed alone)" >>"$findings/crashes.txt"
      fi
    else
      timeout 20 "$dotnet" "$bin/RescueAdSync.Fuzz.dll" "$target" --replay "$file" >>"$findings/crashes.txt" 2>&1 || true
    fi
  done
  line="fuzz $target: $(stat execs_done) execs in $elapsed s, $(stat corpus_count) paths, $crashes crashes, $hangs hangs"
  [ "$hangs" = 0 ] || line+=" ($real_hangs reproduced)"
  summary+=("$line")
  if [ "$crashes" -gt 0 ] || [ "$real_hangs" -gt 0 ]; then
    failed=1
  fi
done

printf '%s\n' "${summary[@]}"
if [ "$failed" != 0 ]; then
  echo "fuzz.sh: findings in $out/<target>/crashes.txt; replay one with" \
    "\`dotnet $bin/RescueAdSync.Fuzz.dll <target> --replay <file>\`"
fi
exit "$failed"
