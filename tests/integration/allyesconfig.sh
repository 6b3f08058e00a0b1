#!/usr/bin/env bash
# `make allyesconfig` gives a configuration that builds; its linuxu image
# runs every in-image test suite and then the app.
source "$(dirname "$0")/lib.sh"
make -s -C "$SRC" O="$W" A="$SRC/apps/helloworld" allyesconfig >/dev/null
make -s -C "$SRC" O="$W" >/dev/null || fail "allyesconfig does not build"
out=$("$W/helloworld_linuxu-x86_64") || fail "allyesconfig image failed: $out"
grep -qE "^ktest: [1-9][0-9]* passed, 0 failed$" <<<"$out" || fail "in-image tests: $out"
grep -qx "Hello world!" <<<"$out" || fail "no Hello world!: $out"
ls "$W"/helloworld_*-x86_64
echo "allyesconfig builds and passes"
