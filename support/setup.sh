#!/usr/bin/env bash
# Install the Debian packages Kiln needs (idempotent; quick when all are
# there). Never touches the system's apt sources. When not root, prints the
# one command to run and stops.
set -euo pipefail
pkgs=(qemu-system-x86 python3-kconfiglib newlib-source libgtest-dev ninja-build cmake gdb
      g++ make tmux binutils iproute2 curl netcat-openbsd iputils-ping wrk
      dnsmasq-base tcl sqlite3 e2fsprogs)  # dnsmasq-base: the dnsmasq binary without the system service;
      # tcl: SQLite's amalgamation is generated with tclsh; sqlite3: the host side of its tests;
      # e2fsprogs: mke2fs/e2fsck/debugfs for the ext4 tests
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "kiln: missing packages: ${missing[*]}" >&2
  echo "kiln: run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "kiln: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/kiln-setup.log 2>&1; then
  apt-get update >>/tmp/kiln-setup.log 2>&1 || true
  apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/kiln-setup.log 2>&1 \
    || { echo "kiln: apt-get install failed; see /tmp/kiln-setup.log" >&2; tail -5 /tmp/kiln-setup.log >&2; exit 1; }
fi
