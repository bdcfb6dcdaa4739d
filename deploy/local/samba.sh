#!/usr/bin/env bash
# Runs a throwaway Samba 4 Active Directory domain controller as a local process.
#   samba.sh start <dir> <ip>   (provisions EXAMPLE.ORG / EXAMPLE into <dir> on first start)
#   samba.sh stop  <dir>
# Admin password: SAMBA_ADMIN_PASSWORD (default "Passw0rd!1"). Every listener is bound to <ip>
# only, so several DCs can run at once on different loopback addresses (127.0.0.x).
# SAMBA_HARDENED=yes runs the DC as enterprises run AD: its own DNS server on <ip>:53 (the DC's SRV and
# A records), the KDC, an ldap/ service principal for Kerberos binds, and LDAP signing required
# ("ldap server require strong auth"): a simple bind on plain ldap:// is refused.
# SAMBA_NETBIOS_NAME names the DC (DC1 → dc1.example.org); by default a hardened DC is named after its address.
set -euo pipefail

REALM=EXAMPLE.ORG
DOMAIN=EXAMPLE
PASSWORD=${SAMBA_ADMIN_PASSWORD:-Passw0rd!1}
HARDENED=${SAMBA_HARDENED:-no}
DIR=
case "$HARDENED" in yes|no) ;; *) echo "samba.sh: SAMBA_HARDENED must be yes or no, not '$HARDENED'" >&2; exit 2 ;; esac

usage() { echo "usage: $0 start <dir> <ip> | stop <dir>" >&2; exit 2; }
die() { echo "samba.sh: $*" >&2; exit 1; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

stop() {
  local dir=$1 pid
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  if alive "$pid"; then
    # The server runs in its own process group (setsid): take its helpers down with it.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  fi
  rm -f "$dir/pid"
}

netbios_name() {
  local n
  # A hardened DC is named after its address (127.0.0.41 → DC41, dc41.example.org), so that several can run on
  # one machine and each host name can resolve to its own address.
  if [ -n "${SAMBA_NETBIOS_NAME:-}" ]; then echo "$SAMBA_NETBIOS_NAME"; return; fi
  if [ "$HARDENED" = yes ] && [ -f "$DIR/ip" ]; then echo "DC$(cut -d. -f4 <"$DIR/ip")"; return; fi
  n=$(hostname -s | tr '[:lower:]' '[:upper:]' | tr -c 'A-Z0-9-\n' '-')
  echo "${n:0:15}"
}

provision() {
  local dir=$1 ip=$2 dns=NONE
  [ "$HARDENED" = yes ] && dns=SAMBA_INTERNAL
  rm -rf "$dir/etc" "$dir/private" "$dir/state" "$dir/bind-dns"
  # The default /etc/samba/smb.conf must not leak into the provision: point it at an empty one.
  : >"$dir/empty.conf"
  samba-tool domain provision -s "$dir/empty.conf" --targetdir="$dir" --realm="$REALM" --domain="$DOMAIN" \
    --server-role=dc --dns-backend="$dns" --adminpass="$PASSWORD" --host-ip="$ip" \
    --host-name="$(netbios_name)" --use-rfc2307 >"$dir/provision.log" 2>&1 \
    || { tail -n 30 "$dir/provision.log" >&2; die "provisioning failed (log: $dir/provision.log)"; }
}

write_config() {
  local dir=$1 ip=$2 services="ldap, cldap, rpc, kdc" strong=no
  if [ "$HARDENED" = yes ]; then services="$services, dns"; strong=yes; fi
  mkdir -p "$dir/log" "$dir/pid.d" "$dir/ncalrpc" "$dir/state/sysvol/${REALM,,}/scripts" "$dir/winbindd" "$dir/ntp_signd"
  cat >"$dir/etc/smb.conf" <<CONF
[global]
	netbios name = $(netbios_name)
	realm = $REALM
	workgroup = $DOMAIN
	server role = active directory domain controller
	private dir = $dir/private
	state directory = $dir/state
	cache directory = $dir/cache
	lock directory = $dir/lock
	binddns dir = $dir/bind-dns
	pid directory = $dir/pid.d
	ncalrpc dir = $dir/ncalrpc
	winbindd socket directory = $dir/winbindd
	ntp signd socket directory = $dir/ntp_signd
	log file = $dir/log/samba.log
	# With a mask Samba takes the address as given; a bare 127.0.0.x must match an interface exactly.
	interfaces = $ip/8
	bind interfaces only = yes
	server services = $services
	ldap server require strong auth = $strong
	dns forwarder =
	idmap_ldb:use rfc2307 = yes

[sysvol]
	path = $dir/state/sysvol
	read only = No

[netlogon]
	path = $dir/state/sysvol/${REALM,,}/scripts
	read only = No
CONF
}

ready() {
  local ip=$1
  if [ "$HARDENED" = yes ]; then
    # A simple bind on plain LDAP is refused by design; LDAPS with the DC's own self-signed certificate is not.
    LDAPTLS_REQCERT=never ldapsearch -x -H "ldaps://$ip" -D "Administrator@${REALM,,}" -w "$PASSWORD" -b "" -s base -LLL dnsHostName >/dev/null 2>&1
  else
    ldapsearch -x -H "ldap://$ip" -D "Administrator@${REALM,,}" -w "$PASSWORD" -b "" -s base -LLL dnsHostName >/dev/null 2>&1
  fi
}

# The DC's host name as its own DNS and SRV records give it.
dc_host() { echo "$(netbios_name | tr '[:upper:]' '[:lower:]').${REALM,,}"; }

# Samba's KDC does not map ldap/<host> to the DC's HOST/ principal: Kerberos binds need the SPN itself.
add_ldap_spn() {
  local dir=$1
  [ "$HARDENED" = yes ] || return 0
  [ -f "$dir/ldap-spn" ] && return 0
  samba-tool spn add "ldap/$(dc_host)" "$(netbios_name)\$" -s "$dir/etc/smb.conf" >>"$dir/provision.log" 2>&1 \
    || die "adding the SPN ldap/$(dc_host) failed (log: $dir/provision.log)"
  echo "ldap/$(dc_host)" >"$dir/ldap-spn"
}

start() {
  local dir=$1 ip=$2 pid
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
  DIR=$dir
  echo "$ip" >"$dir/ip"
  if [ -f "$dir/pid" ] && alive "$(cat "$dir/pid")"; then die "already running in $dir (pid $(cat "$dir/pid"))"; fi
  if [ ! -f "$dir/private/sam.ldb" ] || [ ! -f "$dir/etc/smb.conf" ]; then provision "$dir" "$ip"; fi
  # Rewritten on every start: the generated smb.conf is replaced by a minimal one bound to <ip>.
  write_config "$dir" "$ip"
  add_ldap_spn "$dir"
  dc_host >"$dir/host"
  setsid samba -s "$dir/etc/smb.conf" --foreground --no-process-group --model=single </dev/null >>"$dir/samba.out" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/pid"
  for _ in $(seq 1 300); do
    if ready "$ip"; then echo "samba AD DC ready on ldap://$ip (pid $pid, $dir)"; return 0; fi
    alive "$pid" || break
    sleep 0.1
  done
  echo "samba did not answer on ldap://$ip; last lines of $dir/samba.out and $dir/log/samba.log:" >&2
  tail -n 20 "$dir/samba.out" >&2 || true
  tail -n 20 "$dir/log/samba.log" >&2 2>/dev/null || true
  stop "$dir"
  exit 1
}

case "${1:-}" in
  start) [ $# -ge 3 ] || usage; start "$2" "$3" ;;
  stop) [ $# -ge 2 ] || usage; stop "$2" ;;
  *) usage ;;
esac
