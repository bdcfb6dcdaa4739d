#!/usr/bin/env bash
# Runs the whole system on this machine without Docker: an OpenLDAP directory seeded with a demo
# organization, RabbitMQ, the Rescue emulator, the config service, the provisioner and the
# ad-reader. Configures them as a Master Account Holder and an operator would, prints where to
# look, and stays up until Ctrl-C, which stops everything it started.
# Ports (127.0.0.1 only) can be moved with the variables below.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

LDAP_PORT=${LDAP_PORT:-3389}
AMQP_PORT=${AMQP_PORT:-5672}
RABBIT_UI_PORT=${RABBIT_UI_PORT:-15672}
EPMD_PORT=${EPMD_PORT:-4371}
EMULATOR_PORT=${EMULATOR_PORT:-5090}
CONFIG_PORT=${CONFIG_PORT:-5080}
PROVISIONER_PORT=${PROVISIONER_PORT:-5082}
READER_PORT=${READER_PORT:-5081}
run=${ADSYNC_RUN_ROOT:-/tmp/adsync}/stack
suffix=dc=example,dc=org
# OpenLDAP has no standard "account disabled" flag: the demo directory connection names this inetOrgPerson attribute,
# so a user with any value in it but FALSE is disabled (a real directory would use e.g. pwdAccountLockedTime).
disabled_attribute=employeeType
cli="$root/tools/cli/bin/Release/net10.0/adsync.dll"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { echo "run.sh: $*" >&2; exit 1; }

for port in $LDAP_PORT $AMQP_PORT $RABBIT_UI_PORT $EPMD_PORT $EMULATOR_PORT $CONFIG_PORT $PROVISIONER_PORT $READER_PORT; do
  if ss -Hltn "sport = :$port" | grep -q .; then
    die "port $port is already in use (another run.sh still running?). Stop it, or set the *_PORT variables."
  fi
done

say "Installing what the stack needs (skipped when already installed)"
# Only the run set (OpenLDAP, RabbitMQ): the test servers and tools come with deploy/local/test.sh.
bash deploy/local/install-deps.sh --run

say "Building (Release)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build RescueAdSync.slnx -c Release -nologo -v:q

rm -rf "$run" && mkdir -p "$run/logs"
secret() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }
ldap_password=$(secret); token=$(secret); admin_key=$(secret); reader_key=$(secret); provisioner_key=$(secret)
# Rescue's policy wants a letter and a digit: eight random base64 characters hold no digit about one time in four.
default_password="Welcome-$(secret | head -c 8)-2026!"
service_pids=()

stop_all() {
  trap - EXIT INT TERM
  say "Stopping everything"
  for pid in "${service_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${service_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash deploy/local/rabbitmq.sh stop "$run/rabbitmq" >/dev/null 2>&1 || true
  bash deploy/local/slapd.sh stop "$run/slapd" >/dev/null 2>&1 || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

say "Starting OpenLDAP on ldap://127.0.0.1:$LDAP_PORT with the demo organization"
SLAPD_ADMIN_PASSWORD=$ldap_password bash deploy/local/slapd.sh start "$run/slapd" "$LDAP_PORT" "$suffix"
ldapadd -x -H "ldap://127.0.0.1:$LDAP_PORT" -D "cn=admin,$suffix" -w "$ldap_password" -f deploy/demo/directory.ldif >/dev/null

say "Starting RabbitMQ on 127.0.0.1:$AMQP_PORT"
bash deploy/local/rabbitmq.sh start "$run/rabbitmq" "$AMQP_PORT" "$RABBIT_UI_PORT" "$EPMD_PORT"

# start_service <name> <folder> <assembly> <port> [VAR=value ...]
start_service() {
  local name=$1 folder=$2 assembly=$3 port=$4; shift 4
  local bin="$root/services/$folder/bin/Release/net10.0"
  # --contentRoot: the service reads its appsettings.json (log levels) as it does in its container.
  env "$@" dotnet "$bin/$assembly.dll" --urls "http://127.0.0.1:$port" --contentRoot "$bin" \
    >"$run/logs/$name.log" 2>&1 &
  service_pids+=($!)
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null 2>&1 && return 0
    kill -0 "${service_pids[-1]}" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 40 "$run/logs/$name.log" >&2
  die "$name did not start (log: $run/logs/$name.log)"
}

say "Starting the Rescue emulator on http://127.0.0.1:$EMULATOR_PORT"
cat >"$run/emulator-seed.json" <<JSON
{
  "organization": { "name": "Example Demo", "email": "mah@example.org", "password": "$(secret)", "mahName": "Mia Holder", "mobileLicences": 2 },
  "defaultPassword": "$default_password",
  "serviceToken": "$token",
  "groups": [ { "name": "Support", "description": "Technicians synchronized from Active Directory" } ]
}
JSON
start_service rescue-emulator rescue-emulator RescueAdSync.RescueEmulator "$EMULATOR_PORT" \
  "Emulator__SeedFile=$run/emulator-seed.json"
group_id=$(curl -fsS "http://127.0.0.1:$EMULATOR_PORT/admin/state" |
  python3 -c 'import json,sys; print(next(g["nodeId"] for g in json.load(sys.stdin)["groups"] if g["name"] == "Support"))')

say "Starting the config service on http://127.0.0.1:$CONFIG_PORT"
start_service config config RescueAdSync.Config "$CONFIG_PORT" \
  ASPNETCORE_ENVIRONMENT=Production \
  "ConnectionStrings__Config=Data Source=$run/config.db" \
  "Secrets__Key=$(head -c 32 /dev/urandom | base64)" \
  "Auth__ApiKeys__0__Key=$admin_key" Auth__ApiKeys__0__Role=admin \
  "Auth__ApiKeys__1__Key=$reader_key" Auth__ApiKeys__1__Role=reader \
  "Auth__ApiKeys__2__Key=$provisioner_key" Auth__ApiKeys__2__Role=provisioner \
  RabbitMq__Host=127.0.0.1 "RabbitMq__Port=$AMQP_PORT"

config_call() { # <method> <path> <json>
  curl -fsS -X "$1" "http://127.0.0.1:$CONFIG_PORT$2" -H "Authorization: Bearer $admin_key" \
    -H 'Content-Type: application/json' -d "$3" >/dev/null || die "config service refused $1 $2"
}
say "Submitting the Rescue account, the directory and the mapping to the config service"
config_call PUT /api/rescue-account "{\"apiBaseUrl\":\"http://127.0.0.1:$EMULATOR_PORT/API/\",\"mahEmail\":\"mah@example.org\",\"mahPassword\":\"$(secret)\",\"serviceToken\":\"$token\",\"defaultPassword\":\"$default_password\"}"
config_call PUT /api/directory "{\"kind\":\"OpenLdap\",\"serverUrls\":[\"ldap://127.0.0.1:$LDAP_PORT\"],\"bindDn\":\"cn=admin,$suffix\",\"bindPassword\":\"$ldap_password\",\"baseDn\":\"$suffix\",\"disabledAttribute\":\"$disabled_attribute\",\"pollIntervalSeconds\":2}"
config_call POST /api/mappings "{\"sourceGroupDn\":\"cn=rescue-technicians,ou=groups,$suffix\",\"technicianGroupId\":$group_id}"

services_env=("ConfigService__Url=http://127.0.0.1:$CONFIG_PORT" RabbitMq__Host=127.0.0.1 "RabbitMq__Port=$AMQP_PORT")
say "Starting the provisioner and the ad-reader"
start_service provisioner provisioner RescueAdSync.Provisioner "$PROVISIONER_PORT" "${services_env[@]}" "ConfigService__ApiKey=$provisioner_key"
start_service ad-reader ad-reader RescueAdSync.AdReader "$READER_PORT" "${services_env[@]}" "ConfigService__ApiKey=$reader_key"

say "Waiting for the demo users to appear as technicians"
show_technicians() {
  curl -fsS "http://127.0.0.1:$EMULATOR_PORT/admin/state" | python3 -c '
import json, sys
techs = json.load(sys.stdin)["technicians"]
for t in techs:
    print("  %7s  %-9s %-20s %s" % (t["nodeId"], t["status"], t["name"], t["email"]))
sys.exit(0 if len(techs) >= 3 else 1)'
}
for _ in $(seq 1 60); do show_technicians >/dev/null 2>&1 && break; sleep 1; done
show_technicians || echo "  (not all there yet: see $run/logs/)"

cat <<INFO

The stack is up. Where to look:
  Admin page               http://127.0.0.1:$CONFIG_PORT/admin/   (log in with the admin key below)
  Rescue emulator state    http://127.0.0.1:$EMULATOR_PORT/admin/state
  Config service API       http://127.0.0.1:$CONFIG_PORT/api/...   (Authorization: Bearer <admin key>)
  RabbitMQ management      http://127.0.0.1:$RABBIT_UI_PORT   (guest / guest)
  Metrics                  http://127.0.0.1:{$CONFIG_PORT,$READER_PORT,$PROVISIONER_PORT,$EMULATOR_PORT}/metrics
  Service logs             $run/logs/
  Directory                ldap://127.0.0.1:$LDAP_PORT  bind cn=admin,$suffix  password $ldap_password

The CLI, in another shell (paste these three lines; or run it from the repository as: dotnet run --project tools/cli -- status):
  export ADSYNC_URL=http://127.0.0.1:$CONFIG_PORT
  export ADSYNC_API_KEY=$admin_key
  alias adsync='dotnet $cli'
then: adsync status, adsync mapping list, adsync log --follow, adsync preview <mapping-id>, adsync --help

Try: change a user's mail and watch the technician follow within seconds:
  printf 'dn: uid=alice,ou=people,$suffix\nchangetype: modify\nreplace: mail\nmail: alice.anders@example.org\n' | ldapmodify -x -H ldap://127.0.0.1:$LDAP_PORT -D cn=admin,$suffix -w '$ldap_password'

Try: disable a user in the directory (the demo's disabled attribute is $disabled_attribute) and watch the technician become Disabled:
  printf 'dn: uid=bob,ou=people,$suffix\nchangetype: modify\nreplace: $disabled_attribute\n$disabled_attribute: disabled\n' | ldapmodify -x -H ldap://127.0.0.1:$LDAP_PORT -D cn=admin,$suffix -w '$ldap_password'
and enable it again:
  printf 'dn: uid=bob,ou=people,$suffix\nchangetype: modify\ndelete: $disabled_attribute\n' | ldapmodify -x -H ldap://127.0.0.1:$LDAP_PORT -D cn=admin,$suffix -w '$ldap_password'

Press Ctrl-C to stop everything.
INFO
while :; do
  for pid in "${service_pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || die "a service stopped unexpectedly (pid $pid); see $run/logs/"
  done
  sleep 2
done
