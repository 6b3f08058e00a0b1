#!/bin/bash
# Kiln Xen test rig: download (apt-get download) and unpack (dpkg -x) the
# Debian packages the rig boots -- Xen 4.17, a Linux dom0 kernel and its
# modules, busybox and the xl toolstack with its libraries -- into
# DEPS (default build/deps/xen). Nothing is installed system-wide and
# nothing here is committed. Cached: a stamp records the package list;
# a second run with the same list does nothing.
#
#   support/xen/fetch.sh [DEPS]
# Prints nothing on success when cached; exit status 0 when DEPS/root holds
# the unpacked files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
deps=${1:-$here/../../build/deps/xen}
mkdir -p "$deps"
deps=$(cd "$deps" && pwd)

die() { echo "kiln-xen-fetch: $*" >&2; exit 2; }
command -v apt-get >/dev/null || die "apt-get not found: the rig needs a Debian/Ubuntu host with the bookworm archive"

# linux-image-amd64 is a metapackage: download the versioned package it
# depends on (it holds vmlinuz and the modules).
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64 (run apt-get update?)"

pkgs="xen-hypervisor-4.17-amd64 $kpkg busybox-static xen-utils-4.17 libxencall1 libxenevtchn1
libxenforeignmemory1 libxengnttab1 libxenmisc4.17 libxenstore4 libxentoollog1 libxendevicemodel1
libxenhypfs1 libxentoolcore1 libyajl2 xenstore-utils"
pkgs=$(echo $pkgs)
stamp="$deps/.stamp"
# One fetch at a time per DEPS (two rigs may start together).
exec 9>"$deps/.lock"
flock 9
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ] && [ -d "$deps/root" ]; then
  exit 0
fi

echo "kiln-xen-fetch: downloading $pkgs" >&2
rm -rf "$deps/debs" "$deps/root"
mkdir -p "$deps/debs" "$deps/root"
# apt-get download drops privileges to _apt, which may not write here.
chmod 777 "$deps/debs" 2>/dev/null || true
(cd "$deps/debs" && apt-get download -q $pkgs >/dev/null) || die "apt-get download failed"
for d in "$deps"/debs/*.deb; do dpkg -x "$d" "$deps/root"; done
echo "$pkgs" >"$stamp"
echo "kiln-xen-fetch: unpacked into $deps/root" >&2
