#!/usr/bin/env bash
# Fetch lwIP 2.1.3 from Debian's source package, once per deps dir.
#   lwip.sh <deps-dir>
# Result: <deps-dir>/lwip/{src,...} and a stamp. Uses a private apt
# configuration inside the deps dir: the system's apt sources and lists are
# never read or changed. Nothing of lwIP is committed to the tree.
set -euo pipefail
deps=$(realpath -m "$1")
out=$deps/lwip
want=2.1.3
key=$(sha256sum "$0" | cut -c1-16)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$key" ]; then exit 0; fi

apt=$deps/lwip-apt
work=$deps/lwip-download
rm -rf "$work" "$out"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$work"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" \
  > "$apt/sources.list"
opts=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root)
echo "kiln: fetching lwIP $want source from Debian (once per build tree)"
if ! apt-get "${opts[@]}" update >"$work/apt.log" 2>&1; then
  echo "kiln: could not fetch lwIP: apt-get update of deb.debian.org (bookworm deb-src) failed; see $work/apt.log" >&2
  exit 1
fi
if ! (cd "$work" && apt-get "${opts[@]}" source --download-only lwip) >>"$work/apt.log" 2>&1; then
  echo "kiln: could not fetch lwIP: apt-get source --download-only lwip failed; see $work/apt.log" >&2
  exit 1
fi
tarball=$(ls "$work"/lwip_${want}*.orig.tar.* 2>/dev/null | head -1)
if [ -z "$tarball" ]; then
  echo "kiln: could not fetch lwIP: no lwip_${want}*.orig.tar.* in the download (Debian moved on?); see $work/apt.log" >&2
  exit 1
fi
mkdir -p "$out"
tar -C "$out" -xf "$tarball" --strip-components=1
[ -f "$out/src/core/tcp.c" ] || { echo "kiln: $tarball does not hold lwIP's src/core" >&2; exit 1; }
rm -rf "$work"
echo "$key" > "$out/.stamp"
