#!/bin/bash
# Starts slapd on :389 for LDAP_DOMAIN with the admin cn=admin,<suffix>; on first start (empty /var/lib/ldap) adds the
# base entry and every LDIF in the osixia bootstrap "custom" folder, in name order. Arguments are ignored.
set -euo pipefail
: "${LDAP_DOMAIN:?LDAP_DOMAIN is required}" "${LDAP_ADMIN_PASSWORD:?LDAP_ADMIN_PASSWORD is required}"
suffix=$(printf 'dc=%s' "${LDAP_DOMAIN//./,dc=}")
conf=/etc/ldap/slapd.d/slapd.conf
mkdir -p /var/lib/ldap/data /var/lib/ldap/accesslog /run/slapd
cat >"$conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile /run/slapd/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload syncprov
moduleload memberof
moduleload accesslog
sizelimit unlimited

database mdb
suffix "cn=accesslog"
rootdn "cn=admin,$suffix"
directory /var/lib/ldap/accesslog
maxsize 1073741824
index entryCSN,objectClass,reqEnd,reqResult,reqStart,reqType,reqDN eq
overlay syncprov
syncprov-nopresent TRUE
syncprov-reloadhint TRUE

database mdb
suffix "$suffix"
rootdn "cn=admin,$suffix"
rootpw $(slappasswd -s "$LDAP_ADMIN_PASSWORD")
directory /var/lib/ldap/data
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
CONF
chmod 600 "$conf"
first_start=0
[ -e /var/lib/ldap/data/data.mdb ] || first_start=1

/usr/sbin/slapd -f "$conf" -h "ldap://0.0.0.0:389/" -d 0 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' TERM INT
for _ in $(seq 1 100); do
  ldapsearch -x -H ldap://127.0.0.1:389 -b "" -s base >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { echo "openldap: slapd exited" >&2; exit 1; }
  sleep 0.1
done
if [ $first_start = 1 ]; then
  first_dc=${LDAP_DOMAIN%%.*}
  ldapadd -x -H ldap://127.0.0.1:389 -D "cn=admin,$suffix" -w "$LDAP_ADMIN_PASSWORD" <<LDIF
dn: $suffix
objectClass: top
objectClass: dcObject
objectClass: organization
o: ${LDAP_ORGANISATION:-$LDAP_DOMAIN}
dc: $first_dc
LDIF
  for ldif in /container/service/slapd/assets/config/bootstrap/ldif/custom/*.ldif; do
    [ -e "$ldif" ] || continue
    echo "openldap: loading $ldif"
    ldapadd -x -c -H ldap://127.0.0.1:389 -D "cn=admin,$suffix" -w "$LDAP_ADMIN_PASSWORD" -f "$ldif"
  done
fi
echo "openldap: slapd serves $suffix on :389"
wait $pid
