#!/usr/bin/env bash
# Builds the four service images (services/*/Dockerfile) with the container engine present: docker when its daemon
# answers, else podman. Prints each image's size.
#
# The Dockerfiles take their base images as build arguments (SDK_IMAGE, RUNTIME_BASE, NATIVE_LIBS_IMAGE). When
# mcr.microsoft.com cannot be reached, local bases are made from Debian 12 packages (mmdebstrap, then import):
#   runtime-deps  only the libraries a self-contained .NET app needs (glibc, libstdc++, OpenSSL, zlib, CA certificates,
#                 tzdata) and the user "app" (1654): no shell, no package manager, like the chiseled image
#   debian        minbase with apt: the stage that collects libldap, and the base of the third-party stand-ins
#   sdk           that Debian base plus the .NET SDK of this machine (NuGet is reached for the restore); it trusts the
#                 certificate authorities this machine adds in /usr/local/share/ca-certificates (a TLS-inspecting proxy)
# The same goes for the third-party images docker-compose.yml uses (OpenLDAP, RabbitMQ, curl, Prometheus): when the
# registry cannot be reached, stand-ins are built from Debian packages (deploy/containers/standins/README.md).
# Either way the images docker-compose.yml should use are written to deploy/containers/images.env (not committed),
# which deploy/containers/e2e.sh adds to its .env.
#
# Each service image must stay within IMAGE_SIZE_LIMIT_MB (120 MB, the size the engine reports, as printed): the images
# are all built and images.env written first, then build.sh exits 3 naming every image over the limit. A failure and
# not a warning because a warning scrolls by unread in a CI log while the images grow; 0 turns the check off.
#
# Usage: deploy/containers/build.sh [--local-bases]   (--local-bases: do not even try the registry)
# Environment: IMAGE_REGISTRY (rescue-adsync), IMAGE_TAG (latest), CONTAINER_ENGINE (docker|podman),
# IMAGE_SIZE_LIMIT_MB (120; 0: no limit).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
here=deploy/containers
log() { echo "build.sh: $*"; }
die() { echo "build.sh: $*" >&2; exit 1; }

force_local=0
[ "${1:-}" = --local-bases ] && force_local=1

engine=${CONTAINER_ENGINE:-}
if [ -z "$engine" ]; then
  if command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1; then engine=docker
  elif command -v podman >/dev/null; then engine=podman
  else die "neither a docker daemon nor podman is available (deploy/local/install-deps.sh installs podman)"; fi
fi
log "engine: $engine"
# podman writes OCI images by default, and the OCI format has no HEALTHCHECK: build Docker-format images. Its build
# steps use the host's network: apt and NuGet are reached as the host reaches them (with netavark's bridge, DNS to the
# host's resolver failed on our CI machines).
format=()
[ "$engine" = podman ] && format=(--format docker --network host)
registry=${IMAGE_REGISTRY:-rescue-adsync}
tag=${IMAGE_TAG:-latest}
size_limit=${IMAGE_SIZE_LIMIT_MB:-120}
[[ $size_limit =~ ^[0-9]+$ ]] || die "IMAGE_SIZE_LIMIT_MB must be a whole number of MB (0: no limit), not \"$size_limit\""
local_base=localhost/rescue-adsync-base

exists() { "$engine" image inspect "$1" >/dev/null 2>&1; }
# An image is usable when it is here already or a pull succeeds within a minute.
# Short names are Docker Hub's (as docker-compose resolves them): podman is given the full name.
pullable() {
  [ $force_local = 0 ] || return 1
  exists "$1" && return 0
  local name=$1
  if [ "$name" = "${name#*/}" ]; then
    name=docker.io/library/$name
  else
    case ${name%%/*} in *.*|*:*|localhost) ;; *) name=docker.io/$name ;; esac
  fi
  timeout 60 "$engine" pull -q "$name" >/dev/null 2>&1
}

# mmdebstrap <name> <variant> <packages> [hooks...]: a Debian 12 root file system imported as $local_base/<name>:bookworm.
make_base() {
  local name=$1 variant=$2 packages=$3; shift 3
  local image=$local_base/$name:bookworm tmp
  if exists "$image"; then log "$image exists"; return 0; fi
  command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (deploy/local/install-deps.sh installs it)"
  tmp=$(mktemp -d)
  log "making $image from Debian packages"
  mmdebstrap --quiet --variant="$variant" --include="$packages" "$@" bookworm "$tmp/rootfs.tar" \
    || { rm -rf "$tmp"; die "mmdebstrap failed for $image"; }
  local -a changes=()
  while IFS= read -r change; do [ -n "$change" ] && changes+=(--change "$change"); done <<<"${BASE_CHANGES:-}"
  "$engine" import "${changes[@]}" "$tmp/rootfs.tar" "$image" >/dev/null || { rm -rf "$tmp"; die "import of $image failed"; }
  rm -rf "$tmp"
}

sdk_image=mcr.microsoft.com/dotnet/sdk:10.0-noble
runtime_base=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
native_image=ubuntu:24.04
debian_image=debian:bookworm-slim
if pullable "$runtime_base" && pullable "$sdk_image" && pullable "$native_image"; then
  log "using Microsoft's base images"
else
  log "mcr.microsoft.com cannot be reached: making local base images from Debian 12 packages"
  runtime_base=$local_base/runtime-deps:bookworm
  sdk_image=$local_base/sdk:bookworm
  native_image=$local_base/debian:bookworm
  # runtime-deps: extracted (not installed) packages, then everything that is not a library, certificate or zone
  # file removed: no shell, no dpkg/apt, no perl. The user "app" as in Microsoft's images.
  BASE_CHANGES=$'ENV APP_UID=1654\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nUSER 1654' \
  make_base runtime-deps extract libc6,libgcc-s1,libstdc++6,libssl3,zlib1g,ca-certificates,tzdata \
    --customize-hook='cd "$1" && cat usr/share/ca-certificates/mozilla/*.crt > etc/ssl/certs/ca-certificates.crt' \
    --customize-hook='cd "$1" && rm -rf bin sbin usr/bin usr/sbin usr/share/doc usr/share/man usr/share/perl5 usr/share/debconf usr/share/lintian usr/lib/ssl/misc var/lib/dpkg var/lib/apt var/cache/apt var/cache/debconf etc/apt etc/dpkg' \
    --customize-hook='cd "$1" && mkdir -p tmp home/app && chmod 1777 tmp && chown 1654:1654 home/app' \
    --customize-hook='cd "$1" && printf "root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654:app:/home/app:/sbin/nologin\n" > etc/passwd && printf "root:x:0:\napp:x:1654:\n" > etc/group' \
    --customize-hook='ldconfig -r "$1"'
  BASE_CHANGES= make_base debian minbase ca-certificates
  dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  [ -x "$dotnet_root/dotnet" ] || die "the local SDK image copies this machine's .NET SDK, and none was found"
  BASE_CHANGES=$'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nENV DOTNET_CLI_TELEMETRY_OPTOUT=1\nENV DOTNET_NOLOGO=1\nENV DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1' \
  make_base sdk minbase ca-certificates,libicu72,libssl3,libstdc++6,zlib1g \
    --customize-hook="cp -a '$dotnet_root' \"\$1/usr/share/dotnet\" && ln -s /usr/share/dotnet/dotnet \"\$1/usr/bin/dotnet\"" \
    --customize-hook='cp -a /usr/local/share/ca-certificates/. "$1/usr/local/share/ca-certificates/" && chroot "$1" update-ca-certificates >/dev/null'
fi

images_env=$here/images.env
: >"$images_env.new"
started=$SECONDS
for svc in rescue-emulator config ad-reader provisioner; do
  t=$SECONDS
  log "building $registry/$svc:$tag"
  build_log=$(mktemp)
  "$engine" build "${format[@]}" -f "services/$svc/Dockerfile" -t "$registry/$svc:$tag" \
    --build-arg "SDK_IMAGE=$sdk_image" --build-arg "RUNTIME_BASE=$runtime_base" --build-arg "NATIVE_LIBS_IMAGE=$native_image" \
    . >"$build_log" 2>&1 || { grep -v 'since it is a socket' "$build_log" | tail -n 40 >&2; rm -f "$build_log"; die "the $svc image did not build"; }
  rm -f "$build_log"
  log "built $registry/$svc:$tag in $((SECONDS - t)) s"
done
{
  echo "SDK_IMAGE=$sdk_image"
  echo "RUNTIME_BASE=$runtime_base"
  echo "NATIVE_LIBS_IMAGE=$native_image"
} >>"$images_env.new"

# Third-party images: the registry's, else a stand-in from Debian packages.
standin() { # <VAR> <registry image> <stand-in dir>
  local var=$1 image=$2 dir=$3
  if pullable "$image"; then
    echo "$var=$image" >>"$images_env.new"
    return 0
  fi
  if [ "$debian_image" = debian:bookworm-slim ] && ! pullable "$debian_image"; then
    BASE_CHANGES= make_base debian minbase ca-certificates
    debian_image=$local_base/debian:bookworm
  fi
  log "$image cannot be pulled: building the stand-in $local_base/$dir (deploy/containers/standins/$dir)"
  "$engine" build -q "${format[@]}" -t "$local_base/$dir:bookworm" --build-arg "DEBIAN_IMAGE=$debian_image" "$here/standins/$dir" >/dev/null \
    || die "the $dir stand-in did not build"
  echo "$var=$local_base/$dir:bookworm" >>"$images_env.new"
}
standin OPENLDAP_IMAGE osixia/openldap:1.5.0 openldap
standin RABBITMQ_IMAGE rabbitmq:3.13-management rabbitmq
standin CURL_IMAGE curlimages/curl:8.11.1 curl
standin PROMETHEUS_IMAGE prom/prometheus:v2.55.1 prometheus
mv "$images_env.new" "$images_env"

log "images ($((SECONDS - started)) s; limit: ${size_limit} MB each, 0 = none):"
over=()
for svc in config ad-reader provisioner rescue-emulator; do
  size=$("$engine" image inspect "$registry/$svc:$tag" --format '{{.Size}}')
  mb=$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1000000 }')
  verdict=""
  if [ "$size_limit" != 0 ] && [ "$size" -gt $((size_limit * 1000000)) ]; then verdict="  OVER ${size_limit} MB"; over+=("$svc ($mb MB)"); fi
  printf 'build.sh:   %-40s %6s MB%s\n' "$registry/$svc:$tag" "$mb" "$verdict"
done
log "compose images: $(tr '\n' ' ' <"$images_env")"
if [ ${#over[@]} -gt 0 ]; then
  echo "build.sh: over the ${size_limit} MB image size limit: ${over[*]}. The images are built and images.env written;" \
       "see docs/operations.md (\"Images\") for what makes up their size. IMAGE_SIZE_LIMIT_MB=0 turns the check off." >&2
  exit 3
fi
