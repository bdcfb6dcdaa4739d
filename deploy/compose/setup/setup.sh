#!/bin/sh
# One-shot set-up of the compose stack, as a Master Account Holder and an operator would do it (see deploy/local/run.sh):
# the service token and default password in the (emulated) Rescue Admin Center, then the Rescue account, the directory
# and the mapping in the config service. Safe to run again: PUTs replace, the mapping is added only once.
# A call that cannot reach its service yet (name not resolvable, connection refused, timeout) or gets a 429 or 5xx
# is tried again for up to SETUP_WAIT_SECONDS (60); any other refusal stops at once and prints the service's answer.
set -eu

fail() { echo "setup: $*" >&2; exit 1; }
json_escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
answer=$(mktemp)
trap 'rm -f "$answer" "$answer.err"' EXIT
call() { # <what> <curl arguments...>: the body lands in $answer; fails with the service's answer
  what=$1; shift
  deadline=$(($(date +%s) + ${SETUP_WAIT_SECONDS:-60}))
  while :; do
    code=$(curl -sS -o "$answer" -w '%{http_code}' --connect-timeout 5 --max-time 30 "$@" 2>"$answer.err") && rc=0 || rc=$?
    case "$rc:$code" in
      0:2??) return 0 ;;
      0:429 | 0:5??) why="HTTP $code: $(head -c 300 "$answer")" ;;
      0:*) fail "$what refused: HTTP $code: $(head -c 500 "$answer")" ;;
      6:* | 7:* | 28:* | 52:* | 56:*) why="$(cat "$answer.err")" ;;
      *) fail "$what failed: $(cat "$answer.err")" ;;
    esac
    [ "$(date +%s)" -lt "$deadline" ] || fail "$what failed for ${SETUP_WAIT_SECONDS:-60} s, last: $why"
    echo "setup: $what: $why; trying again" >&2
    sleep 2
  done
}
config_call() { # <method> <path> <json>
  call "config service $1 $2" -X "$1" "$CONFIG_URL$2" -H "Authorization: Bearer $CONFIG_ADMIN_API_KEY" \
    -H 'Content-Type: application/json' -d "$3"
}

case "$RESCUE_API_URL" in
  "$EMULATOR_URL"*)
    echo "setup: setting the service token and default password in the Rescue emulator"
    call "emulator token" -X POST "$EMULATOR_URL/admin/token" -H 'Content-Type: application/json' \
      -d "{\"token\":\"$(json_escape "$RESCUE_SERVICE_TOKEN")\"}"
    call "emulator default password" -X PUT "$EMULATOR_URL/admin/default-password" -H 'Content-Type: application/json' \
      -d "{\"password\":\"$(json_escape "$RESCUE_DEFAULT_PASSWORD")\"}"
    # GroupView records serialize as {"nodeId":N,"parentId":N,"name":"...",...}.
    call "emulator state" "$EMULATOR_URL/admin/state"
    group_id=$(tr -d '\n' <"$answer" |
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
call "config service GET /api/mappings" "$CONFIG_URL/api/mappings" -H "Authorization: Bearer $CONFIG_ADMIN_API_KEY"
if grep -q "\"sourceGroupDn\":\"$SOURCE_GROUP_DN\"" "$answer"; then
  echo "setup: the mapping of $SOURCE_GROUP_DN already exists"
else
  config_call POST /api/mappings "{\"sourceGroupDn\":\"$SOURCE_GROUP_DN\",\"technicianGroupId\":$group_id}"
fi
echo "setup: done"
