#!/usr/bin/env bash
# Installs, from Debian's apt, everything the tests and the local stack need (Debian 12, as root).
# Idempotent: when every package is already installed it does not touch apt at all.
set -euo pipefail

PACKAGES=(
  slapd ldap-utils libldap-2.5-0
  samba samba-ad-dc samba-ad-provision winbind krb5-user python3-samba samba-dsdb-modules samba-vfs-modules
  rabbitmq-server postgresql prometheus
  docker-compose yamllint
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
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
