#!/bin/sh
# One-shot set-up of the compose stack, as a Master Account Holder and an operator would do it (see deploy/local/run.sh):
# the service token and default password in the (emulated) Rescue Admin Center, then the Rescue account, the directory
# and the mapping in the config service. Safe to run again: PUTs replace, the mapping is added only once.
set -eu

fail() { echo "setup: $*" >&2; exit 1; }
json_escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
config_call() { # <method> <path> <json>
  curl -fsS -X "$1" "$CONFIG_URL$2" -H "Authorization: Bearer $CONFIG_ADMIN_API_KEY" \
    -H 'Content-Type: application/json' -d "$3" >/dev/null || fail "config service refused $1 $2"
}

case "$RESCUE_API_URL" in
  "$EMULATOR_URL"*)
    echo "setup: setting the service token and default password in the Rescue emulator"
    curl -fsS -X POST "$EMULATOR_URL/admin/token" -H 'Content-Type: application/json' \
      -d "{\"token\":\"$(json_escape "$RESCUE_SERVICE_TOKEN")\"}" >/dev/null || fail "emulator refused the token"
    curl -fsS -X PUT "$EMULATOR_URL/admin/default-password" -H 'Content-Type: application/json' \
      -d "{\"password\":\"$(json_escape "$RESCUE_DEFAULT_PASSWORD")\"}" >/dev/null || fail "emulator refused the default password"
    # GroupView records serialize as {"nodeId":N,"parentId":N,"name":"...",...}.
    group_id=$(curl -fsS "$EMULATOR_URL/admin/state" | tr -d '\n' |
      sed -n "s/.*\"nodeId\":\([0-9]*\),\"parentId\":[0-9]*,\"name\":\"$TECHNICIAN_GROUP\".*/\1/p")
    ;;
  *)
    group_id=${TECHNICIAN_GROUP_ID:-}
    ;;
esac
[ -n "$group_id" ] || fail "no Technician Group id for \"$TECHNICIAN_GROUP\" (set TECHNICIAN_GROUP_ID for a real Rescue account)"

echo "setup: submitting the Rescue account, the directory and the mapping (Technician Group $group_id)"
config_call PUT /api/rescue-account "{\"apiBaseUrl\":\"$(json_escape "$RESCUE_API_URL")\",\"mahEmail\":\"$(json_escape "$RESCUE_MAH_EMAIL")\",\"mahPassword\":\"$(json_escape "$RESCUE_MAH_PASSWORD")\",\"serviceToken\":\"$(json_escape "$RESCUE_SERVICE_TOKEN")\",\"defaultPassword\":\"$(json_escape "$RESCUE_DEFAULT_PASSWORD")\"}"
config_call PUT /api/directory "{\"kind\":\"OpenLdap\",\"serverUrls\":[\"$DIRECTORY_URL\"],\"bindDn\":\"$DIRECTORY_BIND_DN\",\"bindPassword\":\"$(json_escape "$LDAP_ADMIN_PASSWORD")\",\"baseDn\":\"$DIRECTORY_BASE_DN\",\"pollIntervalSeconds\":5}"
if curl -fsS "$CONFIG_URL/api/mappings" -H "Authorization: Bearer $CONFIG_ADMIN_API_KEY" | grep -q "\"sourceGroupDn\":\"$SOURCE_GROUP_DN\""; then
  echo "setup: the mapping of $SOURCE_GROUP_DN already exists"
else
  config_call POST /api/mappings "{\"sourceGroupDn\":\"$SOURCE_GROUP_DN\",\"technicianGroupId\":$group_id}"
fi
echo "setup: done"
