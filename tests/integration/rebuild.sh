#!/usr/bin/env bash
# A second `make` does nothing; a changed .config rebuilds only the files
# that read the changed option; V=1 shows the commands.
source "$(dirname "$0")/lib.sh"
make -s -C "$SRC" O="$W" A="$SRC/apps/helloworld" defconfig >/dev/null
make -s -C "$SRC" O="$W" >/dev/null
total=$(ninja -C "$W/obj" -t commands | grep -c -- ' -c ')
ninja -C "$W/obj" -n | grep -q "no work to do" || fail "second build is not a no-op"
sed -i 's/^CONFIG_LIBDEBUG_LOG_LEVEL=.*/CONFIG_LIBDEBUG_LOG_LEVEL=3/' "$W/.config"
out=$(make -C "$SRC" O="$W" V=1)
rebuilt=$(grep -c -- ' -c /' <<<"$out" || true)
[ "$rebuilt" -gt 0 ] || fail "changing LIBDEBUG_LOG_LEVEL rebuilt nothing"
[ "$rebuilt" -lt "$total" ] || fail "changing one option rebuilt everything ($rebuilt of $total)"
grep -q -- "-ffunction-sections" <<<"$out" || fail "V=1 does not show compiler commands"
"$W/helloworld_linuxu-x86_64" | grep -q "kiln: heap: tlsf" || fail "new log level not in effect"
echo "rebuilt $rebuilt of $total objects after a one-option change"
