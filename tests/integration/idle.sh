#!/usr/bin/env bash
# An idle image must not spin: an app that sleeps one second must leave the
# CPU (kvm: hlt until the timer interrupt, QEMU waits; linuxu: the process
# sleeps in the host). Checked on CPU time used, a bound, not on timing.
source "$(dirname "$0")/lib.sh"
T=${KILN_TEST_IMAGES:-$SRC/build/test}
img=$T/crash/crash
for plat in linuxu kvm; do
  if [ $plat = linuxu ]; then cmd=("$img"_linuxu-x86_64 idle); else cmd=("$SRC/support/run.sh" --image "$img"_kvm-x86_64 -- idle); fi
  out=$( { /usr/bin/time -f "cpu %U %S" "${cmd[@]}" >/dev/null; } 2>&1 ) || fail "$plat: idle run failed: $out"
  read -r user sys < <(sed -n 's/^cpu \([0-9.]*\) \([0-9.]*\)$/\1 \2/p' <<<"$out")
  [ -n "$user" ] || fail "$plat: no CPU time measured: $out"
  total=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  # Spinning for the whole second would use about 1 s of CPU.
  awk -v t="$total" 'BEGIN { exit !(t < 0.6) }' || fail "$plat: a 1 s sleep used ${total} s of CPU: it spins"
  echo "$plat: 1 s asleep cost ${total} s of CPU"
done
