#!/usr/bin/env bash
# Fetch a Debian bookworm source package's upstream (orig) tarball, once per
# deps dir and version.
#   debsrc.sh <deps-dir> <source package> <version prefix>
# Result: <deps-dir>/<package>-<version prefix>/ holding the unpacked orig
# tarball (its top folder stripped) and a stamp; the path is printed on the
# last line of stdout. Fails, saying why, when Debian's bookworm version of the
# package does not start with <version prefix>. Uses a private apt
# configuration inside the deps dir (<deps-dir>/debsrc-apt), like lwip.sh:
# the system's apt sources and lists are never read or changed. Nothing of
# the fetched sources is committed to the tree. See docs/apps.md.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: debsrc.sh <deps-dir> <source package> <version prefix>" >&2
  exit 2
fi
deps=$(realpath -m "$1") pkg=$2 want=$3
case $pkg$want in
  *[!A-Za-z0-9.+~-]*) echo "kiln: debsrc.sh: bad package name or version: $pkg $want" >&2; exit 2 ;;
esac
out=$deps/$pkg-$want
key="$(sha256sum "$0" | cut -c1-16) $pkg $want"
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$key" ]; then echo "$out"; exit 0; fi

mkdir -p "$deps"
# One fetch at a time per deps dir: the apt lists are shared by all packages.
exec 9>"$deps/debsrc.lock"
flock 9
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$key" ]; then echo "$out"; exit 0; fi

apt=$deps/debsrc-apt
work=$deps/$pkg-$want.download
rm -rf "$work" "$out"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$work"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" \
  > "$apt/sources.list"
opts=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root)
echo "kiln: fetching $pkg $want source from Debian (once per deps dir)" >&2
# The lists are refreshed at most once a day (every package's fetch shares them).
if [ -z "$(find "$apt/lists" -maxdepth 1 -name '*Sources*' -mmin -1440 2>/dev/null | head -1)" ]; then
  if ! apt-get "${opts[@]}" update >"$work/apt.log" 2>&1; then
    echo "kiln: could not fetch $pkg: apt-get update of deb.debian.org (bookworm deb-src) failed; see $work/apt.log" >&2
    exit 1
  fi
fi
if ! (cd "$work" && apt-get "${opts[@]}" source --download-only "$pkg") >>"$work/apt.log" 2>&1; then
  echo "kiln: could not fetch $pkg: apt-get source --download-only $pkg failed; see $work/apt.log" >&2
  exit 1
fi
# The main orig tarball only (not orig-<component> ones, not the debian/ part).
tarball=$(ls "$work/${pkg}_${want}"*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1 || true)
if [ -z "$tarball" ]; then
  have=$(cd "$work" && ls ./*.dsc 2>/dev/null | head -1)
  echo "kiln: could not fetch $pkg $want: no ${pkg}_${want}*.orig.tar.* in the download (Debian has ${have:-nothing}); see $work/apt.log" >&2
  exit 1
fi
mkdir -p "$out"
tar -C "$out" -xf "$tarball" --strip-components=1
rm -rf "$work"
echo "$key" > "$out/.stamp"
echo "$out"
