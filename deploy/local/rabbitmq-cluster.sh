#!/usr/bin/env bash
# Runs a throwaway three-node (or N-node) RabbitMQ cluster of local processes (Debian's rabbitmq-server), each node
# started by rabbitmq.sh in <dir>/node<i>, all with one Erlang cookie and one epmd (bound to 127.0.0.1), nodes 2..N
# joined to node 1 with rabbitmqctl join_cluster.
#   rabbitmq-cluster.sh start <dir> <epmdPort> <amqp>:<mgmt>:<dist> <amqp>:<mgmt>:<dist> <amqp>:<mgmt>:<dist> ...
#   rabbitmq-cluster.sh stop  <dir>                 every node (graceful), then the epmd
#   rabbitmq-cluster.sh node-stop|node-kill|node-start <dir> <i>
#                                                   one node: graceful stop, SIGKILL, or start again (it rejoins)
#   rabbitmq-cluster.sh await <dir> <count>         waits until <count> nodes run in the cluster
#   rabbitmq-cluster.sh ctl <dir> <i> <rabbitmqctl args...>
# Node i is rabbit-<amqp>@localhost, user guest/guest.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
RABBITMQCTL=/usr/lib/rabbitmq/bin/rabbitmqctl

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "rabbitmq-cluster.sh: $*" >&2; exit 1; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# rabbitmqctl against node i, with the node's HOME (cookie), name and epmd port; never starting an epmd of its own.
ctl() {
  local dir=$1 i=$2; shift 2
  local node=$dir/node$i
  [ -f "$node/env" ] || die "no node $i in $dir"
  (
    # shellcheck disable=SC1091
    . "$node/env"
    export HOME=$node/home RABBITMQ_NODENAME ERL_EPMD_PORT
    timeout 180 env ERL_FLAGS="${ERL_FLAGS:-} -start_epmd false" "$RABBITMQCTL" -n "$RABBITMQ_NODENAME" "$@"
  )
}

node_ports() { tr ' ' ':' <"$1/node$2/cluster-ports"; }

start_node() {
  local dir=$1 i=$2 amqp mgmt dist
  IFS=: read -r amqp mgmt dist <<<"$(node_ports "$dir" "$i")"
  "$HERE/rabbitmq.sh" start "$dir/node$i" "$amqp" "$mgmt" "$(cat "$dir/epmd.port")" "$dist"
}

nodes() { local n; n=$(cat "$1/nodes"); seq 1 "$n"; }

start() {
  local dir=$1 epmd_port=$2; shift 2
  [ $# -ge 2 ] || die "give at least two nodes as <amqp>:<mgmt>:<dist>"
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
  echo "$#" >"$dir/nodes"
  echo "$epmd_port" >"$dir/epmd.port"
  # One cookie for every node (and every rabbitmqctl): nodes with different cookies cannot talk.
  [ -s "$dir/cookie" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/cookie"
  local i=0 spec
  for spec in "$@"; do
    i=$((i + 1))
    [[ $spec =~ ^[0-9]+:[0-9]+:[0-9]+$ ]] || die "node $i: expected <amqp>:<mgmt>:<dist>, got '$spec'"
    mkdir -p "$dir/node$i/home"
    install -m 400 "$dir/cookie" "$dir/node$i/home/.erlang.cookie"
    echo "$spec" | tr ':' ' ' >"$dir/node$i/cluster-ports"
  done

  # The nodes' shared epmd, bound to loopback; rabbitmq.sh finds it answering and leaves it alone.
  if ! { [ -f "$dir/epmd.pid" ] && alive "$(cat "$dir/epmd.pid")"; }; then
    epmd -port "$epmd_port" -names >/dev/null 2>&1 && die "something already answers as epmd on port $epmd_port"
    setsid epmd -address 127.0.0.1 -port "$epmd_port" </dev/null >>"$dir/epmd.log" 2>&1 &
    echo $! >"$dir/epmd.pid"
    for _ in $(seq 1 50); do epmd -port "$epmd_port" -names >/dev/null 2>&1 && break; sleep 0.1; done
  fi

  start_node "$dir" 1
  local first
  first=$(. "$dir/node1/env"; echo "$RABBITMQ_NODENAME")
  # The other nodes boot side by side, then join node 1's cluster one at a time.
  local pids=()
  for i in $(nodes "$dir" | tail -n +2); do start_node "$dir" "$i" >"$dir/node$i.start.log" 2>&1 & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || { cat "$dir"/node*.start.log >&2; stop "$dir"; die "a node did not start"; }; done
  for i in $(nodes "$dir" | tail -n +2); do
    ctl "$dir" "$i" stop_app >/dev/null
    ctl "$dir" "$i" join_cluster "$first" >/dev/null
    ctl "$dir" "$i" start_app >/dev/null
  done
  await "$dir" "$(cat "$dir/nodes")"
  echo "rabbitmq cluster of $(cat "$dir/nodes") nodes ready in $dir:"
  for i in $(nodes "$dir"); do
    IFS=: read -r amqp mgmt _ <<<"$(node_ports "$dir" "$i")"
    echo "  node $i: amqp://127.0.0.1:$amqp, management http://127.0.0.1:$mgmt"
  done
}

await() { ctl "$1" "$(first_running "$1")" await_online_nodes "$2" --timeout 120000 >/dev/null; }

first_running() {
  local dir=$1 i
  for i in $(nodes "$dir"); do
    if [ -f "$dir/node$i/pid" ] && alive "$(cat "$dir/node$i/pid")"; then echo "$i"; return; fi
  done
  die "no node of $dir runs"
}

stop() {
  local dir=$1 i
  [ -f "$dir/nodes" ] && for i in $(nodes "$dir" | sort -r); do "$HERE/rabbitmq.sh" stop "$dir/node$i" || true; done
  if [ -f "$dir/epmd.pid" ]; then
    local epmd; epmd=$(cat "$dir/epmd.pid")
    alive "$epmd" && kill -TERM "$epmd" 2>/dev/null || true
    rm -f "$dir/epmd.pid"
  fi
}

case "${1:-}" in
  start) [ $# -ge 5 ] || usage; start "${@:2}" ;;
  stop) [ $# -ge 2 ] || usage; stop "$2" ;;
  node-stop) [ $# -ge 3 ] || usage; "$HERE/rabbitmq.sh" stop "$2/node$3" ;;
  node-kill) [ $# -ge 3 ] || usage; "$HERE/rabbitmq.sh" kill "$2/node$3" ;;
  node-start) [ $# -ge 3 ] || usage; start_node "$2" "$3" ;;
  await) [ $# -ge 3 ] || usage; await "$2" "$3" ;;
  ctl) [ $# -ge 4 ] || usage; ctl "${@:2}" ;;
  *) usage ;;
esac
