#!/usr/bin/env bash
# Apps outside the tree: one with a plain sources.txt (C), one with a
# CMakeLists.txt (C++), each with its own Kconfig option and defconfig.
source "$(dirname "$0")/lib.sh"

mkdir -p "$W/greeter/src"
cat > "$W/greeter/Kconfig" <<'K'
config APP_GREETER_TIMES
	int "How many greetings"
	default 2
K
echo "CONFIG_APP_GREETER_TIMES=3" > "$W/greeter/defconfig"
printf 'src/main.c\nsrc/util.c\n' > "$W/greeter/sources.txt"
cat > "$W/greeter/src/util.c" <<'C'
int twice(int x) { return 2 * x; }
C
cat > "$W/greeter/src/main.c" <<'C'
#include <kiln/config.h>
#include <stdio.h>
int twice(int x);
int main(int argc, char** argv) {
  for (int i = 0; i < CONFIG_APP_GREETER_TIMES; i++) printf("greeting %d from outside\n", i);
  printf("twice(21) = %d, argc = %d\n", twice(21), argc);
  return argc > 1 ? 9 : 0;
}
C
make -s -C "$SRC" A="$W/greeter" O="$W/build1" defconfig >/dev/null
make -s -C "$SRC" A="$W/greeter" O="$W/build1" >/dev/null || fail "out-of-tree C app did not build"
out=$("$W/build1/greeter_linuxu-x86_64" x) && fail "expected exit status 9" || rc=$?
[ "${rc:-0}" -eq 9 ] || fail "exit status ${rc:-0}, expected 9"
grep -q "greeting 2 from outside" <<<"$out" || fail "Kconfig option of the app not applied: $out"
grep -q "twice(21) = 42, argc = 2" <<<"$out" || fail "unexpected output: $out"
# The .config remembers the app: a plain `make` rebuilds the same one.
make -s -C "$SRC" O="$W/build1" >/dev/null || fail "rebuild without A= failed"

mkdir -p "$W/cppapp"
cat > "$W/cppapp/CMakeLists.txt" <<'K'
kiln_app(SOURCES app.cpp DEFINES GREETING="from-cmake")
K
cat > "$W/cppapp/app.cpp" <<'C'
#include <stdio.h>
template <typename T> T triple(T v) { return v * 3; }
struct Init { Init() { puts("static init ran"); } } init;
int main() { printf("%s %d\n", GREETING, triple(14)); return 0; }
C
make -s -C "$SRC" A="$W/cppapp" O="$W/build2" defconfig >/dev/null
make -s -C "$SRC" A="$W/cppapp" O="$W/build2" >/dev/null || fail "out-of-tree C++ app did not build"
out=$("$W/build2/cppapp_linuxu-x86_64") || fail "C++ app failed"
[ "$out" = $'static init ran\nfrom-cmake 42' ] || fail "unexpected output: $out"

# A folder that is not an app gets a clear error.
mkdir -p "$W/empty"
if make -s -C "$SRC" A="$W/empty" O="$W/build3" defconfig 2>"$W/err"; then fail "empty folder accepted"; fi
grep -q "is not a Kiln app" "$W/err" || fail "unclear error: $(cat "$W/err")"
echo "out-of-tree apps build and run"
