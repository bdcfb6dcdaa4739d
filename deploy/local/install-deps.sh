#!/usr/bin/env bash
# Installs, from Debian's apt, what the local stack and the tests need (Debian 12, as root).
#   install-deps.sh          everything: the stack and every server and tool the tests use (deploy/local/test.sh)
#   install-deps.sh --run    only what deploy/local/run.sh needs to run the stack (OpenLDAP, RabbitMQ)
#   install-deps.sh [--run] --list    prints the package list, installs nothing
# Idempotent: when every package is already installed it does not touch apt at all.
set -euo pipefail

# What running the stack needs: the directory, the broker and the tools run.sh calls.
RUN_PACKAGES=(
  slapd ldap-utils libldap-2.5-0
  # Kerberos binds with a keytab: Cyrus SASL's GSSAPI plugin and MIT Kerberos's libraries.
  libsasl2-modules-gssapi-mit libgssapi-krb5-2
  rabbitmq-server
  curl python3 iproute2
)
# What only the tests need: a Samba AD DC, PostgreSQL, Prometheus (promtool), compose and YAML checks, a headless browser, afl++.
TEST_PACKAGES=(
  samba samba-ad-dc samba-ad-provision winbind krb5-user python3-samba samba-dsdb-modules samba-vfs-modules
  postgresql prometheus
  docker-compose yamllint
  chromium
  podman runc netavark aardvark-dns catatonit mmdebstrap uidmap slirp4netns python3-yaml
  # The nightly fuzzing (deploy/local/fuzz.sh) drives its harness with afl-fuzz.
  afl++
)

set_name=all list=0
for arg in "$@"; do
  case "$arg" in
    --run) set_name=run ;;
    --list) list=1 ;;
    *) echo "install-deps: unknown argument '$arg' (expected --run and/or --list)" >&2; exit 2 ;;
  esac
done
PACKAGES=("${RUN_PACKAGES[@]}")
if [ "$set_name" = all ]; then PACKAGES+=("${TEST_PACKAGES[@]}"); fi
if [ "$list" = 1 ]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
SUDO=()
if [ "$(id -u)" != 0 ]; then SUDO=(sudo -E); fi

# podman (deploy/containers/): runc instead of crun (crun refuses hybrid cgroups), cgroupfs without systemd, no
# default nofile ulimit (podman's default exceeds the hard limit of some CI machines), and netavark, whose
# aardvark-dns lets compose services find each other by name (the CNI backend has no DNS without extra plugins). Only missing settings are added;
# an existing file is backed up first and its other settings are kept.
containers_conf() {
  local conf=/etc/containers/containers.conf
  local -a need=("containers|default_ulimits|default_ulimits = []" "engine|runtime|runtime = \"runc\"" "engine|cgroup_manager|cgroup_manager = \"cgroupfs\""
    "network|network_backend|network_backend = \"netavark\"")
  local -a add=()
  local item table key line
  for item in "${need[@]}"; do
    IFS='|' read -r table key line <<<"$item"
    grep -Eq "^[[:space:]]*$key[[:space:]]*=" "$conf" 2>/dev/null || add+=("$table|$line")
  done
  [ ${#add[@]} -gt 0 ] || return 0
  "${SUDO[@]}" mkdir -p /etc/containers
  if [ -s "$conf" ]; then
    local backup
    backup="$conf.bak.$(date +%Y%m%d%H%M%S)"
    "${SUDO[@]}" cp "$conf" "$backup"
    echo "install-deps: $conf lacks settings podman needs here; backed up to $backup"
  fi
  python3 - "$conf" "${add[@]}" <<'PY' | "${SUDO[@]}" tee "$conf.new" >/dev/null
import re, sys
path, items = sys.argv[1], [a.split("|", 1) for a in sys.argv[2:]]
try:
    lines = open(path, encoding="utf-8").read().splitlines()
except FileNotFoundError:
    lines = []
for table, line in items:
    header = next((i for i, l in enumerate(lines) if re.match(r"^\s*\[" + table + r"\]\s*$", l)), None)
    if header is None:
        lines += ["", f"[{table}]", line]
    else:
        lines.insert(header + 1, line)
print("\n".join(lines))
PY
  "${SUDO[@]}" mv "$conf.new" "$conf"
  echo "install-deps: added to $conf: $(printf '%s; ' "${add[@]#*|}")"
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages ($set_name) already installed"
  [ "$set_name" = run ] || containers_conf
  exit 0
fi

echo "install-deps: installing ${missing[*]}"

# Packages must not start their own daemons: the tests run throwaway servers on their own ports.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${SUDO[@]}" chmod +x /usr/sbin/policy-rc.d
fi
# slapd: no default database; krb5-user and samba: no questions.
echo "slapd slapd/no_configuration boolean true" | "${SUDO[@]}" debconf-set-selections

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
[ "$set_name" = run ] || containers_conf
echo "install-deps: done"
