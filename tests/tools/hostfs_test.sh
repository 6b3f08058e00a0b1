#!/bin/bash
# hostfs (lib/hostfs) end to end on linuxu: make a host folder, run the
# image (tests/apps/hostfs) with it mounted at /host, check what the guest
# printed, then check on the host what the guest wrote.
#   hostfs_test.sh <image>
set -u
img=${1:?usage: hostfs_test.sh <image>}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir "$d/sub"
echo "hello from the host" > "$d/in.txt"
echo deep > "$d/sub/deep.txt"
echo bye > "$d/victim.txt"
echo abcdefgh > "$d/trunc.txt"
ln -s ../../../etc/passwd "$d/escape-rel"
ln -s /etc/passwd "$d/escape-abs"
fail=0
expect() { grep -qxF -- "$1" "$d.out" || { echo "FAIL: the guest did not print: $1"; fail=1; }; }
"$img" "vfs.mount=hostfs:/host:$d" -- rw > "$d.out" 2>&1
rc=$?
cat "$d.out"
[ $rc = 0 ] || { echo "FAIL: exit status $rc"; fail=1; }
expect "hostfs: ls /host = escape-abs escape-rel in.txt sub trunc.txt victim.txt"
expect "hostfs: cat /host/in.txt: hello from the host"
expect "hostfs: cat /host/sub/deep.txt: deep"
expect "hostfs: cat /host/../etc/passwd: No such file or directory"
expect "hostfs: cat /host/escape-rel: No such file or directory"
expect "hostfs: cat /host/escape-abs: No such file or directory"
expect "hostfs: cat /host/sub/../in.txt: hello from the host"
expect "hostfs: stat in.txt: 20 bytes, mode 644"
expect "hostfs: statvfs: sizes"
expect "hostfs: getcwd /host/sub"
expect "hostfs: 1 MiB written 1048576, read back the same"
expect "hostfs: ls /host/out = big.bin final.txt link"
expect "hostfs: cat /host/out/link: written by the guest"
# What the host sees.
[ "$(cat "$d/out/final.txt" 2>/dev/null)" = "written by the guest" ] || { echo "FAIL: out/final.txt on the host"; fail=1; }
[ ! -e "$d/out/guest.txt" ] || { echo "FAIL: the renamed file is still there"; fail=1; }
[ ! -e "$d/victim.txt" ] || { echo "FAIL: victim.txt was not removed"; fail=1; }
[ "$(readlink "$d/out/link")" = final.txt ] || { echo "FAIL: out/link on the host"; fail=1; }
[ "$(cat "$d/trunc.txt")" = abc ] || { echo "FAIL: trunc.txt not truncated to 3 bytes"; fail=1; }
want=$(python3 -c "import sys,hashlib; print(hashlib.sha256(bytes(((i*31+7)&0xff) for i in range(1<<20))).hexdigest())")
[ "$(sha256sum < "$d/out/big.bin" | cut -d' ' -f1)" = "$want" ] || { echo "FAIL: out/big.bin differs on the host"; fail=1; }
# Read-only: the same folder, nothing may change.
before=$(cd "$d" && find . -printf '%p %s %T@\n' | sort | sha256sum)
"$img" "vfs.mount=hostfs:/host:$d,ro" -- ro > "$d.out" 2>&1
rc=$?
[ $rc = 0 ] || { echo "FAIL: read-only run exit status $rc"; cat "$d.out"; fail=1; }
expect "hostfs: create on a read-only mount: Read-only file system"
after=$(cd "$d" && find . -printf '%p %s %T@\n' | sort | sha256sum)
[ "$before" = "$after" ] || { echo "FAIL: the read-only mount changed the host folder"; fail=1; }
# A missing host folder: one boot line naming the mount and the reason.
"$img" "vfs.mount=hostfs:/host:$d/missing" -- rw > "$d.out" 2>&1
grep -qF "vfs: mount hostfs on /host (vfs.mount=) failed: No such file or directory" "$d.out" ||
  { echo "FAIL: no clear error for a missing host folder"; cat "$d.out"; fail=1; }
rm -f "$d.out"
[ $fail = 0 ] && echo "hostfs_test: ok"
exit $fail
