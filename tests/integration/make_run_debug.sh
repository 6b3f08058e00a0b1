#!/usr/bin/env bash
# The README's main command and the debugger: `make run` builds and boots
# helloworld (kvm image under QEMU) with arguments; `make debug`'s runner
# mode stops the image at its entry point in gdb, with symbols.
source "$(dirname "$0")/lib.sh"
make -s -C "$SRC" O="$W" A="$SRC/apps/helloworld" defconfig >/dev/null
out=$(make -s -C "$SRC" O="$W" run ARGS="first second" 2>&1) || fail "make run failed: $out"
grep -qx "Hello world!" <<<"$out" || fail "make run did not print Hello world!: $out"
grep -qx "argv\[2\] = second" <<<"$out" || fail "make run lost the arguments: $out"
grep -q "kiln-run: accel" <<<"$out" || fail "the runner did not say which accelerator it chose: $out"

"$SRC/support/run.sh" --build "$W" --app helloworld --gdb >"$W/qemu.out" 2>&1 &
qpid=$!
sleep 0.5
gout=$(timeout 60 gdb -q -batch "$W/helloworld_kvm-x86_64.dbg" -ex "target remote :1234" \
  -ex "hbreak _kiln_pvh_start" -ex continue -ex "info symbol \$pc" -ex kill 2>&1)
kill $qpid 2>/dev/null || true
wait $qpid 2>/dev/null || true
grep -q "_kiln_pvh_start in section" <<<"$gout" || fail "gdb did not stop at the entry: $gout"

# make debug (support/run.sh --debug, each platform's runner): gdb on the
# image's symbols, stopped at the kvm entry and at main on linuxu; gdb's
# commands come from stdin here.
dout=$(printf 'info symbol $pc\nkill\nquit\n' | timeout 120 make -s -C "$SRC" O="$W" debug PLAT=kvm 2>&1) ||
  fail "make debug PLAT=kvm failed: $dout"
grep -q "_kiln_pvh_start in section" <<<"$dout" || fail "make debug (kvm) did not stop at the entry: $dout"
dout=$(printf 'info symbol $pc\nkill\nquit\n' | timeout 120 make -s -C "$SRC" O="$W" debug PLAT=linuxu 2>&1) ||
  fail "make debug PLAT=linuxu failed: $dout"
grep -q "^(gdb) main in section" <<<"$dout" || fail "make debug (linuxu) did not stop at main: $dout"
echo "make run boots helloworld; gdb stops at _kiln_pvh_start; make debug stops at the entry (kvm) and main (linuxu)"
