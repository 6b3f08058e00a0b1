#!/usr/bin/env bash
# SQLite's amalgamation (sqlite3.c, sqlite3.h), its shell (shell.c) and
# test/speedtest1.c from
# Debian's sqlite3 source package, once per deps dir:
#   sqlite-src.sh <deps-dir>
# Fetches the source tree with support/deps/debsrc.sh, generates the
# amalgamation with SQLite's own configure + `make sqlite3.c` (needs tclsh)
# and prints the folder holding sqlite3.c, sqlite3.h, shell.c and
# speedtest1.c on its last line. Used by this app's CMakeLists.txt, by
# tests/apps/sqlite (the sqlite3 shell) and by support/bench.sh (the host
# build), so all compile the same files. Nothing is committed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deps=$(realpath -m "$1")
version=3.40.1
src=$("$here/../../../support/deps/debsrc.sh" "$deps" sqlite3 "$version" | tail -1)
out=$deps/sqlite3-$version-amalgamation
key="$(sha256sum "$0" | cut -c1-16) $(cat "$src/.stamp")"
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$key" ]; then echo "$out"; exit 0; fi
exec 9>"$deps/debsrc.lock"
flock 9
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$key" ]; then echo "$out"; exit 0; fi
command -v tclsh >/dev/null || { echo "kiln: sqlite-src.sh: tclsh is needed to make SQLite's amalgamation (apt-get install tcl)" >&2; exit 1; }
echo "kiln: generating SQLite $version's amalgamation (once per deps dir)" >&2
rm -rf "$out"
mkdir -p "$out/bld"
if ! (cd "$out/bld" && "$src/configure" --disable-tcl && make sqlite3.c shell.c) >"$out/build.log" 2>&1; then
  echo "kiln: sqlite-src.sh: SQLite's configure or make sqlite3.c failed; see $out/build.log" >&2
  exit 1
fi
cp "$out/bld/sqlite3.c" "$out/bld/sqlite3.h" "$out/bld/shell.c" "$src/test/speedtest1.c" "$out/"
rm -rf "$out/bld"
echo "$key" > "$out/.stamp"
echo "$out"
