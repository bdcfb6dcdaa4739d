#!/bin/bash
# Provisions (first start) and runs the DC on the container's own address; the domain is example.org, the DC
# dc1.example.org (SAMBA_NETBIOS_NAME). Stops it on SIGTERM.
set -euo pipefail
dir=/var/lib/adsync-dc
ip=$(hostname -i | awk '{print $1}')
/usr/local/bin/samba.sh start "$dir" "$ip"
trap '/usr/local/bin/samba.sh stop "$dir"; exit 0' TERM INT
pid=$(cat "$dir/pid")
# samba runs in its own session (setsid): watch it rather than wait for it.
while kill -0 "$pid" 2>/dev/null; do sleep 2 & wait $!; done
echo "test-dc: samba exited; last lines of its log:" >&2
tail -n 20 "$dir/samba.out" >&2 || true
exit 1
