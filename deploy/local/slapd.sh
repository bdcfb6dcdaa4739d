#!/usr/bin/env bash
# Runs a throwaway OpenLDAP server (slapd 2.5 from Debian) as a local process.
#   slapd.sh start <dir> <port> [suffix]   (suffix defaults to dc=example,dc=org)
#   slapd.sh stop  <dir>
#   slapd.sh modify <dir> <suffix> <ldif>   (stopped server only: slapmodify, which runs no overlay)
# Admin: cn=admin,<suffix>, password from SLAPD_ADMIN_PASSWORD (default "admin").
# Data lives in <dir>, so "stop" then "start" again keeps it.
set -euo pipefail

usage() { echo "usage: $0 start <dir> <port> [suffix] | stop <dir> | modify <dir> <suffix> <ldif>" >&2; exit 2; }
die() { echo "slapd.sh: $*" >&2; exit 1; }

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

stop() {
  local dir=$1 pid
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  fi
  rm -f "$dir/pid"
}

write_config() {
  local dir=$1 suffix=$2 hash
  hash=$(slappasswd -s "${SLAPD_ADMIN_PASSWORD:-admin}")
  mkdir -p "$dir/data" "$dir/accesslog"
  cat >"$dir/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload syncprov
moduleload memberof
moduleload accesslog
sizelimit unlimited

# Change log: the only way to see deletes through System.DirectoryServices.Protocols.
database mdb
suffix "cn=accesslog"
rootdn "cn=admin,$suffix"
directory $dir/accesslog
maxsize 1073741824
index default eq
index entryCSN,objectClass,reqEnd,reqResult,reqStart,reqType,reqDN
overlay syncprov
syncprov-nopresent TRUE
syncprov-reloadhint TRUE

database mdb
suffix "$suffix"
rootdn "cn=admin,$suffix"
rootpw $hash
directory $dir/data
maxsize 1073741824
index objectClass eq
index entryCSN,entryUUID eq
index member,memberOf eq
index uid,mail,cn eq
overlay memberof
memberof-refint TRUE
overlay syncprov
syncprov-checkpoint 100 10
overlay accesslog
logdb cn=accesslog
logops writes
logsuccess TRUE
logpurge 07+00:00 01+00:00
limits dn.exact="cn=admin,$suffix" size=unlimited time=unlimited
CONF
  slaptest -f "$dir/slapd.conf" -u >"$dir/slaptest.log" 2>&1 || { cat "$dir/slaptest.log" >&2; die "slaptest rejected $dir/slapd.conf"; }
}

seed() {
  local dir=$1 port=$2 suffix=$3 rdn
  rdn=${suffix%%,*}; rdn=${rdn#*=}
  ldapadd -x -H "ldap://127.0.0.1:$port" -D "cn=admin,$suffix" -w "${SLAPD_ADMIN_PASSWORD:-admin}" >"$dir/seed.log" 2>&1 <<LDIF || { cat "$dir/seed.log" >&2; die "could not add the base entries"; }
dn: $suffix
objectClass: top
objectClass: dcObject
objectClass: organization
o: $rdn
dc: $rdn

dn: ou=people,$suffix
objectClass: organizationalUnit
ou: people

dn: ou=groups,$suffix
objectClass: organizationalUnit
ou: groups
LDIF
}

start() {
  local dir=$1 port=$2 suffix=${3:-dc=example,dc=org} pid fresh=0
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
  if [ -f "$dir/pid" ] && alive "$(cat "$dir/pid")"; then die "already running in $dir (pid $(cat "$dir/pid"))"; fi
  if [ ! -f "$dir/slapd.conf" ]; then write_config "$dir" "$suffix"; fresh=1; fi
  # setsid: own process group, so nothing is tied to the caller's terminal or test host.
  # SLAPD_LDAPS_PORT: also listen for ldaps:// there (the TLS certificate directives must be in slapd.conf).
  local urls="ldap://127.0.0.1:$port/"
  [ -n "${SLAPD_LDAPS_PORT:-}" ] && urls="$urls ldaps://127.0.0.1:$SLAPD_LDAPS_PORT/"
  setsid /usr/sbin/slapd -f "$dir/slapd.conf" -h "$urls" -d 0 </dev/null >>"$dir/slapd.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/pid"
  echo "$port" >"$dir/port"
  for _ in $(seq 1 150); do
    if ldapsearch -x -H "ldap://127.0.0.1:$port" -b "" -s base -LLL namingContexts >/dev/null 2>&1; then
      [ "$fresh" = 1 ] && seed "$dir" "$port" "$suffix"
      echo "slapd ready on ldap://127.0.0.1:$port (pid $pid, $dir)"
      return 0
    fi
    alive "$pid" || break
    sleep 0.1
  done
  echo "slapd did not answer on port $port; last lines of $dir/slapd.log:" >&2
  tail -n 30 "$dir/slapd.log" >&2 || true
  stop "$dir"
  exit 1
}

# Applies an LDIF of changes to the data of a stopped server with slapmodify. No overlay runs: the memberof overlay
# writes no memberOf for a member added this way, the state a slapd stopped between a group write and the overlay's
# own write leaves behind.
modify() {
  local dir=$1 suffix=$2 ldif=$3
  if [ -f "$dir/pid" ] && alive "$(cat "$dir/pid")"; then die "slapd is running in $dir: stop it first"; fi
  [ -f "$dir/slapd.conf" ] || die "no slapd.conf in $dir"
  [ -f "$ldif" ] || die "no LDIF file $ldif"
  slapmodify -q -f "$dir/slapd.conf" -b "$suffix" -l "$ldif" >"$dir/slapmodify.log" 2>&1 || { cat "$dir/slapmodify.log" >&2; die "slapmodify failed"; }
}

case "${1:-}" in
  start) [ $# -ge 3 ] || usage; start "$2" "$3" "${4:-}" ;;
  stop) [ $# -ge 2 ] || usage; stop "$2" ;;
  modify) [ $# -ge 4 ] || usage; modify "$2" "$3" "$4" ;;
  *) usage ;;
esac
