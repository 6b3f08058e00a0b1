#!/usr/bin/env bash
# `make run PLAT=xen`: builds helloworld with the xen platform and boots it
# as a PVH domU under the real-Xen test rig (support/run.sh -> run-xen.py),
# with arguments; the exit status comes back from xenstore.
source "$(dirname "$0")/lib.sh"
printf '# app: apps/helloworld\nCONFIG_PLAT_LINUXU=y\nCONFIG_PLAT_XEN=y\n' >"$W/xen.defconfig"
make -s -C "$SRC" O="$W" A="$SRC/apps/helloworld" DEFCONFIG="$W/xen.defconfig" defconfig >/dev/null
out=$(make -s -C "$SRC" O="$W" run PLAT=xen ARGS="first 'second word'" 2>&1) || fail "make run PLAT=xen failed: $out"
grep -qx "Hello world!" <<<"$out" || fail "make run PLAT=xen did not print Hello world!: $out"
grep -qx "argv\[2\] = second word" <<<"$out" || fail "make run PLAT=xen lost the arguments: $out"
grep -q "kiln-run: xen: booting Xen" <<<"$out" || fail "the runner did not say it boots Xen: $out"
bad=$(make -s -C "$SRC" O="$W" run PLAT=xen NET=user 2>&1) && fail "make run PLAT=xen NET=user should fail"
grep -q "not supported for xen images" <<<"$bad" || fail "no clear error for NET=user on xen: $bad"
echo "make run PLAT=xen boots helloworld under Xen with its arguments"
