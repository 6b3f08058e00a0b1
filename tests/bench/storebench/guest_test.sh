#!/usr/bin/env bash
# The Linux guest kit (support/linuxguest.py) builds and boots: Debian's
# kernel and busybox-static fetched (once, into the deps dir), an initramfs
# with the storage modules and a static storebench, booted under QEMU
# (TCG here, microvm, -m 256M); the guest runs storebench on its own
# rootfs and powers off with its status. ~10-30 s under TCG.
#   guest_test.sh <source dir> <work dir>
set -euo pipefail
src=${1:?usage: guest_test.sh <source dir> <work dir>} w=${2:?}
mkdir -p "$w"
gcc -O2 -static -pthread -o "$w/storebench" "$src/tests/bench/storebench/main.c"
kit=$(/usr/bin/python3 "$src/support/linuxguest.py" kit "$src/build/deps" | tail -1)
/usr/bin/python3 "$src/support/linuxguest.py" initramfs "$kit" "$w/initrd.cpio" --bin "$w/storebench"
out=$(/usr/bin/python3 "$src/support/linuxguest.py" run "$kit" "$w/initrd.cpio" --accel tcg --mem 256M \
      --timeout 240 -- /bin/storebench -s 1 -n 64 -f 8 /tmp)
echo "$out"
for m in seq_write_MBps seq_read_warm_MBps rand_read_qd16_warm_iops create_4k_files_per_s; do
  grep -q "^result $m [0-9]" <<<"$out" || { echo "FAIL: no $m from the guest"; exit 1; }
done
grep -q '^@@LG status 0$' <<<"$out" || { echo "FAIL: the guest's status is not 0"; exit 1; }
grep -Eq '^@@LG .*boot_to_init_ms=[0-9.]+ ' <<<"$out" || { echo "FAIL: no boot-to-init time"; exit 1; }
echo "linuxguest: ok"
