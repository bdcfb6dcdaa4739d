#!/bin/bash
# Writes rabbitmq.conf from RABBITMQ_DEFAULT_USER/RABBITMQ_DEFAULT_PASS and runs the broker in the foreground as the
# user "rabbitmq" (Debian's rabbitmq-diagnostics, the health check, switches to that user and reads its Erlang cookie).
set -euo pipefail
: "${RABBITMQ_DEFAULT_USER:?RABBITMQ_DEFAULT_USER is required}" "${RABBITMQ_DEFAULT_PASS:?RABBITMQ_DEFAULT_PASS is required}"
mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
umask 077
cat >"$RABBITMQ_CONFIG_FILE" <<CONF
loopback_users = none
listeners.tcp.default = 5672
management.tcp.port = 15672
default_user = $RABBITMQ_DEFAULT_USER
default_pass = $RABBITMQ_DEFAULT_PASS
CONF
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups /usr/lib/rabbitmq/bin/rabbitmq-server
