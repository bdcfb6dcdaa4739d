#!/usr/bin/env bash
# Runs a throwaway RabbitMQ node (Debian's rabbitmq-server, management plugin on) as a local process.
#   rabbitmq.sh start <dir> <amqpPort> <mgmtPort> <epmdPort> [distPort]
#   rabbitmq.sh stop  <dir>     graceful (rabbitmqctl stop), then the node's own epmd
#   rabbitmq.sh kill  <dir>     SIGKILL the broker only (crash tests); "start" again restarts it
# User guest/guest, reachable from anywhere (loopback_users = none).
set -euo pipefail

# Not /usr/sbin/rabbitmqctl: that wrapper switches HOME to /var/lib/rabbitmq (another Erlang cookie).
RABBITMQCTL=/usr/lib/rabbitmq/bin/rabbitmqctl

usage() { echo "usage: $0 start <dir> <amqpPort> <mgmtPort> <epmdPort> [distPort] | stop <dir> | kill <dir>" >&2; exit 2; }
die() { echo "rabbitmq.sh: $*" >&2; exit 1; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Every rabbitmqctl call needs the same HOME (Erlang cookie), node name and epmd port as the node.
node_env() {
  local dir=$1
  # shellcheck disable=SC1091
  . "$dir/env"
  export HOME=$dir/home RABBITMQ_NODENAME RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbit.pid" RABBITMQ_DIST_PORT ERL_EPMD_PORT \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

# Every rabbitmqctl call below runs with -start_epmd false: when the node's own epmd is gone, Erlang
# would otherwise start a new epmd daemon on ERL_EPMD_PORT, bound to 0.0.0.0, that outlives every
# script and cleanup.
wait_gone() {
  local pid=$1
  for _ in $(seq 1 "${2:-150}"); do alive "$pid" || return 0; sleep 0.1; done
  return 1
}

kill_group() {
  local pid=$1
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 50 || true
}

kill_broker() {
  local dir=$1 pid
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  alive "$pid" && kill_group "$pid"
  rm -f "$dir/pid" "$dir/rabbit.pid"
}

stop() {
  local dir=$1 pid epmd
  if [ -f "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    if alive "$pid"; then
      ( node_env "$dir"; timeout 60 env ERL_FLAGS="${ERL_FLAGS:-} -start_epmd false" "$RABBITMQCTL" stop "$dir/rabbit.pid" >>"$dir/stop.log" 2>&1 ) || true
      wait_gone "$pid" 100 || { kill -TERM -- "-$pid" 2>/dev/null || true; wait_gone "$pid" 100 || kill_group "$pid"; }
    fi
    rm -f "$dir/pid" "$dir/rabbit.pid"
  fi
  if [ -f "$dir/epmd.pid" ]; then
    epmd=$(cat "$dir/epmd.pid" 2>/dev/null || echo "shared, port $epmd_port")
    if alive "$epmd"; then kill -TERM "$epmd" 2>/dev/null || true; wait_gone "$epmd" 50 || kill_group "$epmd"; fi
    rm -f "$dir/epmd.pid"
  fi
}

start() {
  local dir=$1 amqp=$2 mgmt=$3 epmd_port=$4 dist=${5:-} pid epmd
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
  if [ -f "$dir/pid" ] && alive "$(cat "$dir/pid")"; then die "already running in $dir (pid $(cat "$dir/pid"))"; fi
  if [ -z "$dist" ]; then
    dist=$((amqp + 20000)); [ "$dist" -le 65535 ] || die "give a distPort: $amqp + 20000 is not a port"
  fi
  mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"
  cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$amqp
management.tcp.ip = 127.0.0.1
management.tcp.port = $mgmt
loopback_users = none
default_user = guest
default_pass = guest
CONF
  # The provisioner spreads users over its partition queues with the consistent-hash exchange.
  echo '[rabbitmq_management,rabbitmq_consistent_hash_exchange].' >"$dir/enabled_plugins"
  # Write the Erlang cookie first: the node and rabbitmqctl would otherwise race to create
  # different ones, and every rabbitmqctl call then fails with "Invalid challenge reply".
  if [ ! -s "$dir/home/.erlang.cookie" ]; then
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/home/.erlang.cookie"
    chmod 400 "$dir/home/.erlang.cookie"
  fi
  # One node name per port: several brokers may share an epmd.
  cat >"$dir/env" <<ENV
RABBITMQ_NODENAME=rabbit-$amqp@localhost
RABBITMQ_DIST_PORT=$dist
ERL_EPMD_PORT=$epmd_port
ENV
  printf '%s %s %s %s\n' "$amqp" "$mgmt" "$epmd_port" "$dist" >"$dir/ports"
  node_env "$dir"

  # Our own epmd, bound to loopback: the one RabbitMQ would start binds 0.0.0.0 and outlives it. An epmd that
  # already answers on the port and is not ours (a cluster's, see rabbitmq-cluster.sh) is shared, never stopped here.
  if ! { [ -f "$dir/epmd.pid" ] && alive "$(cat "$dir/epmd.pid")"; } && ! epmd -port "$epmd_port" -names >/dev/null 2>&1; then
    setsid epmd -address 127.0.0.1 -port "$epmd_port" </dev/null >>"$dir/epmd.log" 2>&1 &
    echo $! >"$dir/epmd.pid"
    for _ in $(seq 1 50); do epmd -port "$epmd_port" -names >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  epmd=$(cat "$dir/epmd.pid" 2>/dev/null || echo "shared, port $epmd_port")

  setsid /usr/lib/rabbitmq/bin/rabbitmq-server </dev/null >>"$dir/server.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/pid"
  # rabbitmqctl wait blocks until the node is up, but not when the node dies during boot:
  # run it in the background and give up as soon as the broker process is gone.
  timeout 150 env ERL_FLAGS="${ERL_FLAGS:-} -start_epmd false" "$RABBITMQCTL" wait --timeout 120 "$dir/rabbit.pid" >>"$dir/wait.log" 2>&1 &
  local waiter=$! ok=0
  while alive "$waiter"; do
    alive "$pid" || { kill "$waiter" 2>/dev/null || true; break; }
    sleep 0.2
  done
  if wait "$waiter" 2>/dev/null && alive "$pid"; then ok=1; fi
  if [ "$ok" = 1 ]; then
    echo "rabbitmq ready on amqp://127.0.0.1:$amqp, management http://127.0.0.1:$mgmt (pid $pid, epmd $epmd, $dir)"
    return 0
  fi
  echo "rabbitmq did not start; last lines of $dir/server.log and $dir/wait.log:" >&2
  tail -n 30 "$dir/server.log" >&2 || true
  tail -n 10 "$dir/wait.log" >&2 || true
  stop "$dir"
  exit 1
}

case "${1:-}" in
  start) [ $# -ge 5 ] || usage; start "$2" "$3" "$4" "$5" "${6:-}" ;;
  stop) [ $# -ge 2 ] || usage; stop "$2" ;;
  kill) [ $# -ge 2 ] || usage; kill_broker "$2" ;;
  *) usage ;;
esac
