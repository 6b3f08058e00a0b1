#!/usr/bin/env bash
# lwIP's random numbers (TCP ISNs, ports, DNS ids) come from a generator
# seeded from the platform's entropy source: the boot log names the source
# (linuxu: the host's getrandom; kvm: RDSEED/RDRAND of QEMU's -cpu max or
# host), two boots give different first values, and a CPU without RDRAND
# (-cpu qemu64) boots with the one warning and still different values.
# Uses the net-probe image set (netprobe's `rand` prints LWIP_RAND twice).
source "$(dirname "$0")/lib.sh"
T=${KILN_TEST_IMAGES:-$SRC/build/test}
img=$T/net-probe/netprobe
boot() {  # boot PLAT [run.sh flags...]: prints the log
  local plat=$1
  shift
  if [ "$plat" = linuxu ]; then timeout 60 "${img}_linuxu-x86_64" log.level=info -- rand 2>&1
  else timeout 120 "$SRC/support/run.sh" --image "${img}_kvm-x86_64" "$@" --append "log.level=info --" -- rand 2>&1; fi
}
first_values() { sed -n 's/^rand: \([0-9a-f]\{8\} [0-9a-f]\{8\}\)$/\1/p' <<<"$1"; }
check() {  # check NAME SOURCE_REGEX PLAT [flags...]
  local name=$1 re=$2 plat=$3
  shift 3
  local a b va vb
  a=$(boot "$plat" "$@") || fail "$name: boot failed: $a"
  b=$(boot "$plat" "$@") || fail "$name: second boot failed: $b"
  grep -qE "$re" <<<"$a" || fail "$name: the boot log does not show /$re/: $a"
  va=$(first_values "$a") vb=$(first_values "$b")
  [ -n "$va" ] && [ -n "$vb" ] || fail "$name: no rand line: $a"
  [ "$va" != "$vb" ] || fail "$name: two boots gave the same random values $va"
  [ "${va% *}" != "${va#* }" ] || fail "$name: two draws in one boot were equal: $va"
  echo "$name: $(grep -oE "$re" <<<"$a" | head -1); boots gave $va / $vb"
}
check linuxu "kiln: random numbers seeded from getrandom \(the host\)" linuxu
check kvm "kiln: random numbers seeded from (rdseed|rdrand) \(the CPU\)" kvm
# No RDRAND/RDSEED: the warning, once, and the clock seed still differs per boot.
check kvm-qemu64 "kiln: warning: random: no entropy source on this platform or CPU" kvm --qemu-arg -cpu --qemu-arg qemu64
n=$(boot kvm --qemu-arg -cpu --qemu-arg qemu64 | grep -c "no entropy source") || true
[ "$n" = 1 ] || fail "kvm-qemu64: the warning came $n times, expected once"
