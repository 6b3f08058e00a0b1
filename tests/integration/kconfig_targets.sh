#!/usr/bin/env bash
# The configuration targets: olddefconfig completes a hand-edited .config,
# savedefconfig writes only what differs from the defaults, <app>_defconfig
# picks an app, alldefconfig gives a config that builds.
source "$(dirname "$0")/lib.sh"
make -s -C "$SRC" O="$W/a" A="$SRC/apps/helloworld" defconfig >/dev/null
echo "CONFIG_LIBPTHREAD=y" >> "$W/a/.config"
make -s -C "$SRC" O="$W/a" olddefconfig >/dev/null
grep -qx "CONFIG_LIBPTHREAD=y" "$W/a/.config" || fail "olddefconfig lost the edit"
grep -qx "CONFIG_LIBSCHED=y" "$W/a/.config" || fail "olddefconfig did not follow the select of LIBPTHREAD"
make -s -C "$SRC" O="$W/a" savedefconfig >/dev/null
grep -qx "CONFIG_LIBPTHREAD=y" "$W/a/defconfig" || fail "savedefconfig lost LIBPTHREAD: $(cat "$W/a/defconfig")"
if grep -q "CONFIG_LIBSCHED=y\|CONFIG_LIBBOOT" "$W/a/defconfig"; then fail "savedefconfig is not minimal: $(cat "$W/a/defconfig")"; fi

make -s -C "$SRC" O="$W/b" hellocpp_defconfig >/dev/null
grep -qx 'CONFIG_KILN_APP_DIR="apps/hellocpp"' "$W/b/.config" || fail "hellocpp_defconfig did not pick apps/hellocpp"
grep -qx "CONFIG_LIBSTDCXX=y" "$W/b/.config" || fail "hellocpp_defconfig did not apply the app's defconfig"
if make -s -C "$SRC" O="$W/c" nosuchapp_defconfig 2>"$W/err"; then fail "unknown app accepted"; fi
grep -q "no app apps/nosuchapp" "$W/err" || fail "unclear error: $(cat "$W/err")"

make -s -C "$SRC" O="$W/d" A="$SRC/apps/helloworld" alldefconfig >/dev/null
make -s -C "$SRC" O="$W/d" >/dev/null || fail "alldefconfig does not build"
"$W/d/helloworld_linuxu-x86_64" | grep -qx "Hello world!" || fail "alldefconfig image does not run"
echo "olddefconfig, savedefconfig, <app>_defconfig, alldefconfig work"
