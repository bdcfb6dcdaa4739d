#!/usr/bin/env bash
# Runs a throwaway PostgreSQL 15 cluster as a local process.
#   postgres.sh start <dir> <port>   (initdb on first start; trust auth on 127.0.0.1, user postgres)
#   postgres.sh stop  <dir>
# initdb and pg_ctl refuse root, so they run as the postgres user on a dir it owns.
set -euo pipefail

usage() { echo "usage: $0 start <dir> <port> | stop <dir>" >&2; exit 2; }
die() { echo "postgres.sh: $*" >&2; exit 1; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

bindir() {
  local b
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$b" ] || die "PostgreSQL is not installed (run deploy/local/install-deps.sh)"
  echo "$b"
}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop() {
  local dir=$1 pid
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  if alive "$pid"; then
    as_pg "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >>"$dir/ctl.log" 2>&1 || true
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  fi
  rm -f "$dir/pid"
}

start() {
  local dir=$1 port=$2 bin pid
  bin=$(bindir)
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
  if [ -f "$dir/pid" ] && alive "$(cat "$dir/pid")"; then die "already running in $dir (pid $(cat "$dir/pid"))"; fi
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { tail -n 20 "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  if ! as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >>"$dir/ctl.log" 2>&1; then
    echo "postgres did not start on port $port; last lines of $dir/postgres.log:" >&2
    tail -n 30 "$dir/postgres.log" >&2 || true
    exit 1
  fi
  pid=$(head -n 1 "$dir/data/postmaster.pid")
  echo "$pid" >"$dir/pid"
  echo "$port" >"$dir/port"
  for _ in $(seq 1 100); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
      echo "postgres ready on 127.0.0.1:$port (pid $pid, $dir)"
      return 0
    fi
    sleep 0.1
  done
  tail -n 30 "$dir/postgres.log" >&2 || true
  stop "$dir"
  die "postgres did not answer on port $port"
}

case "${1:-}" in
  start) [ $# -ge 3 ] || usage; start "$2" "$3" ;;
  stop) [ $# -ge 2 ] || usage; stop "$2" ;;
  *) usage ;;
esac
