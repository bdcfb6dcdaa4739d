#!/usr/bin/env bash
# Start-to-ready time of each service image: from `run` of a new container until its /health/live answers 200 (image
# already on the machine, so no pull). Each container runs alone on a bridge network this script makes (and removes),
# asked at its address there, with only the settings the service needs to start: its dependencies (config service,
# RabbitMQ) point at a closed port on the container's own loopback, so no traffic leaves it. Prints every run and the
# median per image.
#
# Usage: deploy/containers/start-time.sh [runs]   (default 5; build.sh first)
# Environment: IMAGE_REGISTRY (rescue-adsync), IMAGE_TAG (latest), CONTAINER_ENGINE (docker|podman),
# START_TIME_SERVICES (which images, default "config ad-reader provisioner rescue-emulator").
set -euo pipefail
runs=${1:-5}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "start-time.sh: runs must be a positive number, not \"$runs\"" >&2; exit 2; }
engine=${CONTAINER_ENGINE:-}
if [ -z "$engine" ]; then
  if command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1; then engine=docker; else engine=podman; fi
fi
registry=${IMAGE_REGISTRY:-rescue-adsync}
tag=${IMAGE_TAG:-latest}
network=adsync-start-time-$$
errors=$(mktemp)

ctr=""
cleanup() {
  [ -z "$ctr" ] || "$engine" rm -f -v "$ctr" >/dev/null 2>&1 || true
  "$engine" network rm "$network" >/dev/null 2>&1 || true
  rm -f "$errors"
}
trap cleanup EXIT
"$engine" network create "$network" >/dev/null

settings() { # <service>: sets opts to the -e options it needs to start
  local nowhere=127.0.0.1 key
  key=$(openssl rand -hex 16)
  opts=()
  case $1 in
    config) opts=(-e "ConnectionStrings__Config=Data Source=/data/config.db" -e "Secrets__Key=$(openssl rand -base64 32)"
                  -e "Auth__ApiKeys__0__Key=$key" -e Auth__ApiKeys__0__Role=admin) ;;
    ad-reader|provisioner)
      opts=(-e "ConfigService__Url=http://$nowhere:9" -e "ConfigService__ApiKey=$key" -e "RabbitMq__Host=$nowhere" -e RabbitMq__Port=9
            -e RabbitMq__Username=guest -e "RabbitMq__Password=$key") ;;
  esac
}

now() { date +%s%N; }
echo "start-time.sh: $engine, $runs runs per image, start-to-ready = run until /health/live answers 200"
for svc in ${START_TIME_SERVICES:-config ad-reader provisioner rescue-emulator}; do
  image=$registry/$svc:$tag
  "$engine" image inspect "$image" >/dev/null 2>&1 || { echo "start-time.sh: no image $image (run build.sh)" >&2; exit 1; }
  times=()
  for _ in $(seq 1 "$runs"); do
    settings "$svc"
    t0=$(now)
    ctr=$("$engine" run -d --no-healthcheck --network "$network" "${opts[@]}" "$image" 2>"$errors") || { cat "$errors" >&2; exit 1; }
    ip=$("$engine" inspect --format "{{(index .NetworkSettings.Networks \"$network\").IPAddress}}" "$ctr")
    ready=""
    while [ $(( ($(now) - t0) / 1000000 )) -lt 60000 ]; do
      if curl -fsS -o /dev/null --max-time 1 "http://$ip:8080/health/live" 2>/dev/null; then ready=$(now); break; fi
      [ "$("$engine" inspect --format '{{.State.Running}}' "$ctr" 2>/dev/null)" = true ] || break
      sleep 0.02
    done
    if [ -z "$ready" ]; then
      echo "start-time.sh: $image did not answer /health/live within 60 s:" >&2
      "$engine" logs --tail 20 "$ctr" >&2 || true
      exit 1
    fi
    times+=($(( (ready - t0) / 1000000 )))
    "$engine" rm -f -v "$ctr" >/dev/null; ctr=""
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf 'start-time.sh:   %-40s median %5d ms  (runs: %s ms)\n' "$image" "$median" "${times[*]}"
done
