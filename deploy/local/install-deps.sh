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
  rabbitmq-server
  curl python3 iproute2
)
# What only the tests need: a Samba AD DC, PostgreSQL, Prometheus (promtool), compose and YAML checks, a headless browser.
TEST_PACKAGES=(
  samba samba-ad-dc samba-ad-provision winbind krb5-user python3-samba samba-dsdb-modules samba-vfs-modules
  postgresql prometheus
  docker-compose yamllint
  chromium
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
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages ($set_name) already installed"
  exit 0
fi

SUDO=()
if [ "$(id -u)" != 0 ]; then SUDO=(sudo -E); fi
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
echo "install-deps: done"
