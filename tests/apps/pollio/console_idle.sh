#!/usr/bin/env bash
# An image waiting for console input must not spin (issue 12): a blocking
# read of stdin with the input 2 s away, and a 2 s poll of stdin with none,
# must leave the CPU (kvm: the COM1 interrupt wakes the reader, the CPU
# halts meanwhile; linuxu: the process sleeps in the host). Checked on CPU
# time used, a bound, not on timing: spinning for 2 s would cost ~2 s.
#   console_idle.sh <pollio image dir> <linuxu|kvm>
set -u
dir=$1 plat=$2
run=$(dirname "$0")/../../../support/run.sh
img=$dir/pollio_$plat-x86_64
for what in readwait none; do
  if [ $what = readwait ]; then feed='sleep 2; echo typed; sleep 1'; args=(readwait); else feed='sleep 3'; args=(none 2000); fi
  if [ $plat = linuxu ]; then cmd=("$img" "${args[@]}"); else cmd=("$run" --image "$img" -- "${args[@]}"); fi
  out=$( { bash -c "$feed" | /usr/bin/time -f "cpu %U %S" "${cmd[@]}"; } 2>&1 ) || { echo "FAIL: $plat $what run failed: $out"; exit 1; }
  read -r user sys < <(sed -n 's/^cpu \([0-9.]*\) \([0-9.]*\)$/\1 \2/p' <<<"$out")
  [ -n "${user:-}" ] || { echo "FAIL: $plat $what: no CPU time measured: $out"; exit 1; }
  total=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  awk -v t="$total" 'BEGIN { exit !(t < 1.0) }' || { echo "FAIL: $plat $what: a 2 s wait for console input used ${total} s of CPU: it spins"; exit 1; }
  echo "$plat $what: 2 s waiting for console input cost ${total} s of CPU"
done
