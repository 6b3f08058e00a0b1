#!/usr/bin/env bash
# `make test`: build the test images, then run every test through ctest
# (host unit tests, image tests, integration tests). Ends with one line:
# "test: N passed, N failed". Extra arguments go to ctest (e.g. -R linuxu).
set -uo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=${KILN_TEST_DIR:-$SRC/build/test}
# Nothing of an outer make may leak into the builds the tests make.
unset MAKEFLAGS MAKELEVEL MFLAGS KCONFIG_CONFIG srctree KILN_APP_DIR O A V
"$SRC/support/setup.sh" || exit 1
mkdir -p "$T"
start=$(date +%s)

build_failed=()
for cfg in "$SRC"/tests/images/*.defconfig; do
  name=$(basename "$cfg" .defconfig)
  app=$(sed -n 's/^# app: //p' "$cfg")
  log=$T/$name.build.log
  printf 'test: building image set %-12s (%s)\n' "$name" "$app"
  if ! { make -s -C "$SRC" O="$T/$name" A="$SRC/$app" DEFCONFIG="$cfg" defconfig &&
         make -s -C "$SRC" O="$T/$name" A="$SRC/$app"; } >"$log" 2>&1; then
    echo "test: building $name failed; its tests will fail. Last lines of $log:"
    tail -15 "$log"
    build_failed+=("$name")
  fi
done

echo "test: building host tests"
if ! { cmake -G Ninja -S "$SRC/tests" -B "$T/ctest" -DKILN_TEST_IMAGES="$T" >"$T/ctest.log" 2>&1 &&
       ninja -C "$T/ctest" >>"$T/ctest.log" 2>&1; }; then
  echo "test: building the test suite failed:"; tail -30 "$T/ctest.log"
  echo "test: 0 passed, 1 failed"
  exit 1
fi

cd "$T/ctest"
ctest -j"$(nproc)" --output-on-failure --timeout 600 "$@" | tee "$T/ctest.out"
rc=${PIPESTATUS[0]}
line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$T/ctest.out" | tail -1)
total=$(sed -E 's/.* out of ([0-9]+)/\1/' <<<"$line")
failed=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
if [ -z "$line" ]; then total=1; failed=1; fi
[ ${#build_failed[@]} -gt 0 ] && echo "test: image sets that did not build: ${build_failed[*]}"
echo "test: took $(( $(date +%s) - start )) s"
echo "test: $((total - failed)) passed, $failed failed"
[ "$rc" -eq 0 ] && [ ${#build_failed[@]} -eq 0 ]
