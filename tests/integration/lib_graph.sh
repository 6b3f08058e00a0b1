#!/usr/bin/env bash
# The build's library graph rules: a dependency cycle, a library that
# REQUIRES what no platform of the image provides while another library
# of the image depends on it. Each is refused at configure time with one
# clear line naming the libraries; a well-formed extra library builds.
source "$(dirname "$0")/lib.sh"
app=$W/graphapp
mkdir -p "$app"
cat > "$app/main.c" <<'C'
#include <stdio.h>
int main(void) { puts("graph ok"); return 0; }
C
configure() {  # <CMakeLists body>: write the app, configure and build it
  printf '%s\n' "$1" > "$app/CMakeLists.txt"
  rm -rf "$W/b"
  make -s -C "$SRC" O="$W/b" A="$app" defconfig >/dev/null
  make -s -C "$SRC" O="$W/b" A="$app" >"$W/raw" 2>&1
  local rc=$?
  tr -s ' \n' ' ' < "$W/raw" > "$W/out"  # CMake wraps its messages
  return $rc
}
printf 'int graph_a(void) { return 1; }\n' > "$app/a.c"
printf 'int graph_b(void) { return 2; }\n' > "$app/b.c"

configure 'kiln_library(ga KCONFIG LIBDEBUG SOURCES a.c DEPENDS gb)
kiln_library(gb KCONFIG LIBDEBUG SOURCES b.c DEPENDS ga)
kiln_app(SOURCES main.c)' && fail "a dependency cycle was accepted"
grep -q "kiln: library dependency cycle: g[ab] -> g[ab] -> g[ab]" "$W/out" || fail "unclear cycle error: $(cat "$W/out")"

configure 'kiln_library(ga KCONFIG LIBDEBUG SOURCES a.c DEPENDS gb)
kiln_library(gb KCONFIG LIBDEBUG SOURCES b.c REQUIRES devices)
kiln_app(SOURCES main.c)' && fail "a library without its dependency in the linuxu image was accepted"
grep -q "kiln: library ga is in the linuxu image but needs gb, which requires devices" "$W/out" ||
  fail "unclear capability error: $(cat "$W/out")"

configure 'kiln_library(ga KCONFIG LIBDEBUG SOURCES a.c DEPENDS gb)
kiln_library(gb KCONFIG LIBDEBUG SOURCES b.c)
kiln_app(SOURCES main.c)' || fail "a well-formed library graph did not build: $(tail -5 "$W/out")"
[ "$("$W/b/graphapp_linuxu-x86_64")" = "graph ok" ] || fail "the image did not run"
echo "library graph: cycle and missing capability refused, good graph builds"
