#!/usr/bin/env bash
# Stops every server that deploy/local/{slapd,samba,rabbitmq,postgres}.sh started under the runs
# root (${ADSYNC_RUN_ROOT:-/tmp/adsync}) and that is still running, e.g. after a crashed test run.
#   cleanup.sh [--remove]   (--remove also deletes the run dirs of test runs whose process is gone)
set -uo pipefail

ROOT=${ADSYNC_RUN_ROOT:-/tmp/adsync}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -d "$ROOT" ] || { echo "cleanup: nothing under $ROOT"; exit 0; }

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# A pid file may outlive its process and the pid be reused: only touch a process whose command
# line names the run dir, or which is a server binary of ours in its own process group.
ours() {
  local pid=$1 dir=$2 cmd comm pgid
  alive "$pid" || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  case "$cmd" in *"$dir"*) return 0 ;; esac
  comm=$(cat "/proc/$pid/comm" 2>/dev/null)
  pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
  case "$comm" in slapd|samba|epmd|beam.smp|postgres|rabbitmq-server|sh|bash) [ "$pgid" = "$pid" ] || [ "$comm" = postgres ] ;; *) return 1 ;; esac
}

# Servers of a test run whose test host still runs belong to that run (another run may be going
# on beside this one): leave them alone.
owned_by_live_run() {
  local top owner
  top=${1#"$ROOT"/}; top=${top%%/*}
  case "$top" in test-*) owner=$(echo "$top" | cut -d- -f2); alive "$owner" ;; *) return 1 ;; esac
}

stopped=0
# Each server writes <dir>/pid; RabbitMQ also <dir>/epmd.pid.
while IFS= read -r pidfile; do
  dir=$(dirname "$pidfile")
  owned_by_live_run "$dir" && continue
  pid=$(cat "$pidfile" 2>/dev/null)
  if ! ours "$pid" "$dir"; then rm -f "$pidfile"; continue; fi
  if [ -f "$dir/slapd.conf" ]; then kind=slapd
  elif [ -f "$dir/etc/smb.conf" ]; then kind=samba
  elif [ -f "$dir/rabbitmq.conf" ]; then kind=rabbitmq
  elif [ -d "$dir/data" ] && [ -f "$dir/data/PG_VERSION" ]; then kind=postgres
  else kind=; fi
  echo "cleanup: stopping ${kind:-process} $pid ($dir)"
  # </dev/null: the stop scripts (rabbitmqctl) would otherwise eat the rest of the pid file list.
  if [ -n "$kind" ]; then timeout 60 "$HERE/$kind.sh" stop "$dir" </dev/null >/dev/null 2>&1 || true; fi
  if alive "$pid"; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; fi
  stopped=$((stopped + 1))
done < <(find "$ROOT" -maxdepth 4 -type f -name pid 2>/dev/null)

# A RabbitMQ node killed by SIGKILL (or already stopped) can leave its own epmd behind.
while IFS= read -r pidfile; do
  dir=$(dirname "$pidfile")
  owned_by_live_run "$dir" && continue
  pid=$(cat "$pidfile" 2>/dev/null)
  if ours "$pid" "$dir"; then
    echo "cleanup: stopping epmd $pid ($dir)"
    kill -TERM "$pid" 2>/dev/null || true
    sleep 0.2
    alive "$pid" && kill -KILL "$pid" 2>/dev/null
    stopped=$((stopped + 1))
  fi
  rm -f "$pidfile"
done < <(find "$ROOT" -maxdepth 4 -type f -name epmd.pid 2>/dev/null)

if [ "${1:-}" = --remove ]; then
  for d in "$ROOT"/test-*; do
    [ -d "$d" ] || continue
    owner=$(basename "$d" | cut -d- -f2)
    alive "$owner" || rm -rf "$d"
  done
fi
echo "cleanup: stopped $stopped server process(es) under $ROOT"
