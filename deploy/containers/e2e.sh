#!/usr/bin/env bash
# End-to-end test of the compose stack as users run it: the repository's docker-compose.yml, a .env made from
# .env.example with generated secrets, docker-compose on the local engine (docker, or podman through its
# Docker-compatible socket). Checks, each counted in the closing "e2e: N passed, N failed" line:
#   every service healthy; the demo group's members become technicians in the Rescue emulator (time from `up`
#   printed); the adsync CLI talks to the config service; a directory change arrives in Rescue; `adsync mapping add
#   --group-name` resolves the name in the config container (needs libldap there); each service container restarted
#   or stopped while the directory changes loses nothing; a Kerberos bind with a mounted keytab to a Samba AD DC that
#   requires LDAP signing (deploy/containers/test-dc, e2e-kerberos.yml); `docker-compose down` leaves no container running; with
#   podman, `podman kube play` of the rendered k8s/overlays/dev (deploy/containers/kube-play.py) starts every pod and
#   each container stays up and live.
# Cleans up (down -v, the podman service it started, temp files) on every exit.
#
# Usage: deploy/containers/e2e.sh        (build.sh first: it builds the images and writes images.env)
# Environment: E2E_PORT_BASE (first of the eight host ports, default 47080), CONTAINER_ENGINE (docker|podman),
# IMAGE_TAG (of the service images, default latest).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
here=deploy/containers

passed=0 failed=0
log() { echo "e2e: $*"; }
pass() { passed=$((passed + 1)); echo "e2e: PASS $*"; }
fail() { failed=$((failed + 1)); echo "e2e: FAIL $*" >&2; }
summary() { echo "e2e: $passed passed, $failed failed"; }
die() { fail "$*"; summary; exit 1; }

[ -f "$here/images.env" ] || die "no $here/images.env: run deploy/containers/build.sh first"
command -v docker-compose >/dev/null || die "docker-compose is missing (deploy/local/install-deps.sh installs it)"
command -v ldapmodify >/dev/null || die "ldapmodify is missing (ldap-utils; deploy/local/install-deps.sh installs it)"

work=$(mktemp -d /tmp/adsync-e2e.XXXXXX)
project=adsync-e2e-$$
service_pid=""
ticker_pid=""
engine=${CONTAINER_ENGINE:-}
if [ -z "$engine" ]; then
  if command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1; then engine=docker; else engine=podman; fi
fi

kube_played=0
binary() { case $1 in config) echo /app/RescueAdSync.Config ;; ad-reader) echo /app/RescueAdSync.AdReader ;;
  provisioner) echo /app/RescueAdSync.Provisioner ;; rescue-emulator) echo /app/RescueAdSync.RescueEmulator ;; esac; }
kube_down() {
  [ "$kube_played" = 1 ] || return 0
  podman kube down "$work/play.yaml" >/dev/null 2>&1 || true
  podman secret rm rescue-adsync >/dev/null 2>&1 || true
  # The volumes kube play made (the PVC, ConfigMaps mounted as volumes): those that were not there before it.
  podman volume ls -q | grep -vxFf "$work/volumes-before" | xargs -r podman volume rm -f >/dev/null 2>&1 || true
  kube_played=0
}
compose() { docker-compose -p "$project" -f "$root/docker-compose.yml" --env-file "$work/.env" "$@"; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -f "$work/.env" ]; then
    compose down -v --remove-orphans -t 10 >"$work/down.log" 2>&1 || cat "$work/down.log" >&2
  fi
  kube_down
  [ -z "$ticker_pid" ] || { kill "$ticker_pid" 2>/dev/null || true; wait "$ticker_pid" 2>/dev/null || true; }
  if [ -n "$service_pid" ]; then
    kill "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  if [ "$engine" = podman ]; then
    podman network rm -f "${project}_default" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the engine ---------------------------------------------------------------------------------------------------
if [ "$engine" = podman ]; then
  command -v podman >/dev/null || die "podman is missing (deploy/local/install-deps.sh installs it)"
  podman system service --time=0 "unix://$work/podman.sock" >"$work/podman-service.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 100); do [ -S "$work/podman.sock" ] && break; sleep 0.1; done
  [ -S "$work/podman.sock" ] || die "podman system service did not open its socket ($(cat "$work/podman-service.log"))"
  export DOCKER_HOST="unix://$work/podman.sock"
  # podman runs health checks from systemd timers; without systemd (containers, CI runners) nobody runs them and
  # `depends_on: condition: service_healthy` would wait forever. Run them here, as the timers would.
  (
    while :; do
      for id in $(podman ps -q --filter "label=com.docker.compose.project=$project" 2>/dev/null); do
        podman healthcheck run "$id" >/dev/null 2>&1 || true
      done
      sleep 3
    done
  ) &
  ticker_pid=$!
fi
log "engine: $engine, project $project"

# --- .env: .env.example with generated secrets, the images build.sh chose, free host ports ------------------------
rand() { openssl rand -hex "$1"; }
port=${E2E_PORT_BASE:-47080}
sed -e '/^COMPOSE_PROJECT_NAME=/d' -e '/_PORT=/d' -e '/^IMAGE_/d' .env.example >"$work/.env"
echo "IMAGE_TAG=${IMAGE_TAG:-latest}" >>"$work/.env"
set_env() { # <name> <value>: replaces the line, or adds it
  python3 - "$work/.env" "$1" "$2" <<'PY'
import sys
path, name, value = sys.argv[1:]
lines = open(path, encoding="utf-8").read().splitlines()
out = [f"{name}={value}" if l.startswith(name + "=") else l for l in lines]
if out == lines:
    out.append(f"{name}={value}")
open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
}
ldap_password=$(rand 12); admin_key=$(rand 16)
set_env LDAP_ADMIN_PASSWORD "$ldap_password"
set_env RABBITMQ_PASSWORD "$(rand 12)"
set_env CONFIG_SECRETS_KEY "$(openssl rand -base64 32)"
set_env CONFIG_ADMIN_API_KEY "$admin_key"
set_env CONFIG_READER_API_KEY "$(rand 16)"
set_env CONFIG_PROVISIONER_API_KEY "$(rand 16)"
set_env RESCUE_MAH_PASSWORD "$(rand 12)"
set_env RESCUE_SERVICE_TOKEN "$(rand 16)"
set_env RESCUE_DEFAULT_PASSWORD "Welcome-$(rand 6)-1!"
set_env GRAFANA_ADMIN_PASSWORD "$(rand 12)"
grep -q 'change-me' <(grep -v '^#' "$work/.env") && die ".env still holds a change-me value"
for name in LDAP_PORT RABBITMQ_UI_PORT EMULATOR_PORT CONFIG_PORT READER_PORT PROVISIONER_PORT PROMETHEUS_PORT GRAFANA_PORT; do
  while [ -n "$(ss -Hltn "sport = :$port")" ]; do port=$((port + 1)); done
  set_env "$name" "$port"; declare "$name=$port"; port=$((port + 1))
done
while IFS='=' read -r name value; do [ -n "$name" ] && set_env "$name" "$value"; done <"$here/images.env"

# --- up ------------------------------------------------------------------------------------------------------------
health() { "$engine" inspect --format '{{.State.Health.Status}}' "$(compose ps -q "$1")" 2>/dev/null || echo none; }
wait_healthy() { # <service> <seconds>
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    [ "$(health "$1")" = healthy ] && return 0
    sleep 1
  done
  return 1
}
state() { curl -fsS "http://127.0.0.1:$EMULATOR_PORT/admin/state"; }
# Technicians of the emulator that are enabled and not deleted, by e-mail, one a line.
enabled_technicians() {
  state | python3 -c 'import json,sys; print("\n".join(sorted(t["email"] for t in json.load(sys.stdin)["technicians"] if t["status"].lower()=="enabled" and not t["deleted"])))'
}
wait_technicians() { # <seconds> <email>...: until every e-mail is an enabled technician
  local deadline=$(($1 + SECONDS)); shift
  while [ $SECONDS -lt $deadline ]; do
    local have missing=0
    have=$(enabled_technicians 2>/dev/null || true)
    for email in "$@"; do grep -qx "$email" <<<"$have" || missing=1; done
    [ $missing = 0 ] && return 0
    sleep 0.5
  done
  return 1
}
ldap() { ldapmodify -x -H "ldap://127.0.0.1:$LDAP_PORT" -D cn=admin,dc=example,dc=org -w "$ldap_password" >>"$work/ldap.log" 2>&1; }
add_technician() { # <uid>: a new person in the demo group
  ldap <<LDIF
dn: uid=$1,ou=people,dc=example,dc=org
changetype: add
objectClass: inetOrgPerson
uid: $1
cn: $1 Example
sn: Example
mail: $1@example.org

dn: cn=rescue-technicians,ou=groups,dc=example,dc=org
changetype: modify
add: member
member: uid=$1,ou=people,dc=example,dc=org
LDIF
}

up_started=$SECONDS
log "docker-compose up -d (images from $here/images.env)"
if ! compose up -d --no-build >"$work/up.log" 2>&1; then
  # The services' logs first and docker-compose's own error last: a CI log that keeps only its tail keeps the cause.
  for svc in directory rabbitmq config rescue-emulator prometheus provisioner ad-reader setup; do
    echo "--- $svc" >&2; compose logs --no-color --tail 12 "$svc" 2>&1 | cut -c1-400 >&2 || true
  done
  echo "--- containers" >&2
  "$engine" ps -a --filter "label=com.docker.compose.project=$project" \
    --format '{{.Names}} {{.Status}} exit={{.ExitCode}}' >&2 2>&1 || true
  echo "--- docker-compose up" >&2
  cat "$work/up.log" >&2
  die "docker-compose up failed: $(grep -E 'ERROR|Error|error' "$work/up.log" | tail -n 3 | tr '\n' ' ')"
fi
log "up returned after $((SECONDS - up_started)) s"

all_healthy=1
for svc in directory rabbitmq config rescue-emulator ad-reader provisioner prometheus; do
  if wait_healthy "$svc" 180; then log "$svc healthy"; else all_healthy=0; fail "$svc is not healthy: $(health "$svc")"; compose logs --tail 40 "$svc" >&2 || true; fi
done
[ $all_healthy = 1 ] && pass "every service is healthy ($((SECONDS - up_started)) s after up)"

setup_rc=$("$engine" inspect --format '{{.State.ExitCode}}' "$(compose ps -q setup)" 2>/dev/null || echo "?")
[ "$setup_rc" = 0 ] && pass "setup configured the stack (exit 0)" || fail "setup exited $setup_rc"

if wait_technicians 120 alice@example.org bob@example.org carol@example.org; then
  first=$((SECONDS - up_started))
  pass "the demo group's members are technicians in Rescue"
  log "time from up to the technicians: $first s"
else
  fail "the demo group's members did not become technicians; emulator has: $(enabled_technicians 2>&1 | tr '\n' ' ')"
  compose logs --tail 40 ad-reader provisioner >&2 || true
fi

# JSON console logs with a timestamp (the images' default).
compose logs --no-color config >"$work/config.log" 2>&1 || true
if grep -Eq '"Timestamp":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z"' "$work/config.log"; then
  pass "the services log JSON lines with a UTC timestamp"
else
  fail "no JSON log line with a Timestamp from config: $(tail -c 400 "$work/config.log")"
fi

# --- the adsync CLI, as docs/operations.md configures the stack ------------------------------------------------------
cli_dll=tools/cli/bin/Release/net10.0/adsync.dll
[ -f "$cli_dll" ] || dotnet build tools/cli/RescueAdSync.Cli.csproj -c Release -nologo -v:q >"$work/cli-build.log" 2>&1 \
  || { cat "$work/cli-build.log" >&2; die "the adsync CLI did not build"; }
adsync() { ADSYNC_URL="http://127.0.0.1:$CONFIG_PORT" ADSYNC_API_KEY="$admin_key" dotnet "$cli_dll" "$@"; }
if adsync mapping list >"$work/mappings.txt" 2>&1 && grep -q 'cn=rescue-technicians,ou=groups,dc=example,dc=org' "$work/mappings.txt"; then
  pass "adsync mapping list shows the demo mapping"
else
  fail "adsync mapping list: $(cat "$work/mappings.txt")"
fi

# --- a directory change arrives in Rescue ------------------------------------------------------------------------------
add_technician erin
if wait_technicians 60 erin@example.org; then pass "a directory change (erin added to the group) arrives in Rescue"; else fail "erin did not arrive in Rescue"; fi

# --- a mapping by group name: the config service resolves it over LDAP (libldap in the config image) ----------------
ldap <<LDIF || true
dn: uid=frank,ou=people,dc=example,dc=org
changetype: add
objectClass: inetOrgPerson
uid: frank
cn: Frank Example
sn: Example
mail: frank@example.org

dn: cn=rescue-helpdesk,ou=groups,dc=example,dc=org
changetype: add
objectClass: groupOfNames
cn: rescue-helpdesk
member: uid=frank,ou=people,dc=example,dc=org
LDIF
support_id=$(state | python3 -c 'import json,sys; print(next(g["nodeId"] for g in json.load(sys.stdin)["groups"] if g["name"]=="Support"))')
if adsync mapping add --group-name rescue-helpdesk --technician-group "$support_id" >"$work/mapping-add.txt" 2>&1 \
   && grep -qi 'cn=rescue-helpdesk,ou=groups,dc=example,dc=org' "$work/mapping-add.txt"; then
  pass "adsync mapping add --group-name resolves the group in the config container"
  if wait_technicians 60 frank@example.org; then pass "the member of the group added by name arrives in Rescue"; else fail "frank did not arrive in Rescue"; fi
else
  fail "adsync mapping add --group-name: $(cat "$work/mapping-add.txt")"
  compose logs --tail 20 config >&2 || true
fi

# --- restarts lose nothing ---------------------------------------------------------------------------------------------
# rescue-emulator is not restarted: it is the in-memory double of the Rescue cloud, and restarting it wipes Rescue.
n=0
for svc in config ad-reader provisioner rabbitmq directory; do
  n=$((n + 1)); user=restart$n
  if [ "$svc" = directory ]; then
    # The change must be made in the directory itself: restart it, then change it at once.
    compose restart -t 10 "$svc" >>"$work/restart.log" 2>&1
    wait_healthy "$svc" 120 || true
    add_technician "$user" || true
  else
    compose stop -t 10 "$svc" >>"$work/restart.log" 2>&1
    add_technician "$user" || true
    compose start "$svc" >>"$work/restart.log" 2>&1
  fi
  if wait_healthy "$svc" 180 && wait_technicians 120 "$user@example.org"; then
    pass "$svc stopped and started again: the change made meanwhile ($user) arrives in Rescue"
  else
    fail "after restarting $svc, $user did not arrive in Rescue (health: $(health "$svc"))"
    compose logs --tail 30 "$svc" ad-reader provisioner >&2 || true
  fi
done
if wait_technicians 30 alice@example.org bob@example.org carol@example.org erin@example.org frank@example.org; then
  pass "after every restart all earlier technicians are still there"
else
  fail "technicians missing after the restarts: $(enabled_technicians | tr '\n' ' ')"
fi

# --- Kerberos: a domain controller that requires LDAP signing, the keytab mounted into the services ----------------
# A Samba AD DC (deploy/containers/test-dc) joins the stack as dc1.example.org; a password bind on plain LDAP is refused
# there. The config service and the ad-reader get the service account's keytab as a mounted file
# (deploy/containers/e2e-kerberos.yml), the directory connection "corp" says --auth Kerberos, and a member of an AD
# group becomes a technician.
kerberos() { E2E_KEYTAB="$work/sync.keytab" docker-compose -p "$project" -f "$root/docker-compose.yml" -f "$root/$here/e2e-kerberos.yml" --env-file "$work/.env" "$@"; }
dc_image=localhost/rescue-adsync-test/dc:latest
format=()
[ "$engine" = podman ] && format=(--format docker --network host)
native_image=$(sed -n 's/^NATIVE_LIBS_IMAGE=//p' "$here/images.env")
krb_password="Sync-$(rand 6)-1!"
: >"$work/sync.keytab"
if ! "$engine" build -q "${format[@]}" -t "$dc_image" --build-arg "DEBIAN_IMAGE=${native_image:-debian:bookworm-slim}" \
     -f "$here/test-dc/Dockerfile" deploy >"$work/dc-build.log" 2>&1; then
  fail "the test domain controller image did not build: $(tail -n 5 "$work/dc-build.log" | tr '\n' ' ')"
elif ! TEST_DC_IMAGE=$dc_image kerberos up -d --no-deps test-dc >"$work/dc-up.log" 2>&1; then
  fail "the test domain controller did not start: $(tail -n 5 "$work/dc-up.log" | tr '\n' ' ')"
else
  deadline=$((SECONDS + 180))
  until kerberos logs --no-color test-dc 2>/dev/null | grep -q 'samba AD DC ready' || [ $SECONDS -ge $deadline ]; do sleep 1; done
  dc=$(kerberos ps -q test-dc)
  smb=/var/lib/adsync-dc/etc/smb.conf
  if ! kerberos logs --no-color test-dc 2>/dev/null | grep -q 'samba AD DC ready'; then
    fail "the test domain controller is not ready: $(kerberos logs --no-color --tail 10 test-dc 2>&1 | tr '\n' ' ' | cut -c1-600)"
  elif ! "$engine" exec "$dc" bash -c "set -e
      samba-tool user create rescue-sync '$krb_password' -s $smb
      samba-tool user create kerb1 '$krb_password' --given-name=Kerb --surname=One --mail-address=kerb1@example.org -s $smb
      samba-tool group add 'Rescue Kerberos' -s $smb
      samba-tool group addmembers 'Rescue Kerberos' kerb1 -s $smb
      samba-tool domain exportkeytab /tmp/sync.keytab --principal=rescue-sync@EXAMPLE.ORG -s $smb" >"$work/dc-setup.log" 2>&1 \
     || ! "$engine" cp "$dc:/tmp/sync.keytab" "$work/sync.keytab"; then
    fail "the service account and its keytab could not be made on the test DC: $(tail -n 5 "$work/dc-setup.log" | tr '\n' ' ')"
  else
    # The services run as the user app (1654): the mounted keytab must be readable by it.
    chmod 0644 "$work/sync.keytab"
    kerberos up -d --no-deps --no-build config ad-reader >"$work/krb-up.log" 2>&1 || fail "recreating config and ad-reader with the keytab failed: $(tail -n 3 "$work/krb-up.log")"
    if wait_healthy config 180 && wait_healthy ad-reader 180 \
       && adsync directory set --name corp --kind ActiveDirectory --server ldap://dc1.example.org --base-dn DC=example,DC=org \
            --auth Kerberos --principal rescue-sync@EXAMPLE.ORG --keytab "$work/sync.keytab" >"$work/krb-directory.txt" 2>&1; then
      pass "a Kerberos directory connection to a DC that requires signing is saved"
      if adsync directory test --name corp >"$work/krb-test.txt" 2>&1; then
        pass "adsync directory test passes for the Kerberos connection (bind from the config container)"
      else
        fail "adsync directory test --name corp: $(cat "$work/krb-test.txt")"
      fi
      if adsync mapping add --directory corp --group-name 'Rescue Kerberos' --technician-group "$support_id" >"$work/krb-mapping.txt" 2>&1 \
         && wait_technicians 120 kerb1@example.org; then
        pass "the ad-reader binds with the mounted keytab: the AD group's member is a technician in Rescue"
      else
        fail "kerb1 did not arrive in Rescue: $(cat "$work/krb-mapping.txt")"
        kerberos logs --no-color --tail 30 ad-reader >&2 || true
      fi
    else
      fail "the Kerberos directory connection was not saved: $(cat "$work/krb-directory.txt" 2>/dev/null)"
      kerberos logs --no-color --tail 30 config ad-reader >&2 || true
    fi
  fi
fi

# --- down leaves nothing --------------------------------------------------------------------------------------------
compose down -v --remove-orphans -t 10 >"$work/down.log" 2>&1 || { cat "$work/down.log" >&2; fail "docker-compose down failed"; }
left=$("$engine" ps -aq --filter "label=com.docker.compose.project=$project" | wc -l)
[ "$left" = 0 ] && pass "docker-compose down leaves no container" || fail "$left containers left after down"
rm -f "$work/.env"

# --- podman kube play: the dev overlay's Deployments on the same images --------------------------------------------
# Only podman plays Kubernetes YAML. kube-play.py keeps what podman can play and says what it changes and why.
if [ "$engine" = podman ]; then
  if ! command -v kubectl >/dev/null; then
    fail "kubectl is missing: the kube play check renders k8s/overlays/dev with kubectl kustomize"
  elif podman secret inspect rescue-adsync >/dev/null 2>&1 || podman volume inspect config-data >/dev/null 2>&1; then
    fail "kube play: a podman secret \"rescue-adsync\" or volume \"config-data\" exists already; not touching it"
  elif kubectl kustomize k8s/overlays/dev >"$work/dev.yaml" 2>"$work/kube.log" \
       && python3 "$here/kube-play.py" "${IMAGE_REGISTRY:-rescue-adsync}" "${IMAGE_TAG:-latest}" "$work/secret.json" <"$work/dev.yaml" >"$work/play.yaml" 2>>"$work/kube.log"; then
    podman volume ls -q >"$work/volumes-before"
    podman secret create rescue-adsync "$work/secret.json" >/dev/null
    kube_played=1
    if podman kube play "$work/play.yaml" >>"$work/kube.log" 2>&1; then
      pass "podman kube play started the dev overlay's pods"
      kube_ok=1
      for svc in config ad-reader provisioner rescue-emulator; do
        ctr=$svc-pod-0-$svc
        deadline=$((SECONDS + 120))
        until podman exec "$ctr" "$(binary "$svc")" --health >/dev/null 2>&1 || [ $SECONDS -ge $deadline ]; do sleep 1; done
      done
      sleep 15  # then every container must still be the first one, running and live
      for svc in config ad-reader provisioner rescue-emulator; do
        ctr=$svc-pod-0-$svc
        state=$(podman inspect --format '{{.State.Status}} {{.RestartCount}}' "$ctr" 2>&1 || true)
        if [ "$state" = "running 0" ] && podman exec "$ctr" "$(binary "$svc")" --health >/dev/null 2>&1; then
          log "kube play: $ctr running, no restart, /health/live answers"
        else
          kube_ok=0
          fail "kube play: $ctr is \"$state\" or not live: $(podman logs --tail 5 "$ctr" 2>&1 | tail -c 600)"
        fi
      done
      [ $kube_ok = 1 ] && pass "podman kube play: every pod's container stays up and live"
    else
      fail "podman kube play failed: $(tail -5 "$work/kube.log")"
    fi
    kube_down
  else
    fail "could not render k8s/overlays/dev for podman: $(tail -5 "$work/kube.log")"
  fi
fi

[ -z "$ticker_pid" ] || { kill "$ticker_pid" 2>/dev/null || true; wait "$ticker_pid" 2>/dev/null || true; ticker_pid=""; }
if [ -n "$service_pid" ]; then
  kill "$service_pid" 2>/dev/null || true
  wait "$service_pid" 2>/dev/null || true
  if kill -0 "$service_pid" 2>/dev/null; then fail "the podman service ($service_pid) still runs"; else pass "the podman service this test started has ended"; fi
  service_pid=""
fi
summary
[ $failed = 0 ]
