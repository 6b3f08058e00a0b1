#!/bin/bash
# A database that survives a restart (issue 15), with SQLite's own sqlite3
# shell built from Debian's source (tests/apps/sqlite):
#   sqlite_test.sh hostfs <linuxu image>   the database in a host folder
#   sqlite_test.sh ext4 <kvm image>        the database on an ext4 disk
#                                          (virtio-blk, made with mke2fs)
# Run 1 creates a database and inserts 10,000 rows; the image exits. The host
# checks the file (its own sqlite3; for ext4, e2fsck -fn and debugfs first).
# Run 2 (a new process / a new boot) reads the rows back and runs PRAGMA
# integrity_check; its output must equal the host's sqlite3 on the same file.
# Then an SQL script (rootfs/sql/queries.sql, embedded in the image) runs in
# the guest and on the host: equal outputs. A file that is not a database
# gives the same error as on the host. Last, the same folder or disk is the
# image's root (vfs.mount=TYPE:/:...): the rows at /t.db, /dev/null there.
set -u
mode=${1:?usage: sqlite_test.sh hostfs|ext4 <image>}
img=${2:?usage: sqlite_test.sh hostfs|ext4 <image>}
src=$(cd "$(dirname "$0")/../.." && pwd)
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail=0
note() { echo "FAIL: $*"; fail=1; }

case $mode in
  hostfs)
    mkdir "$d/share"
    guest() { "$img" "vfs.mount=hostfs:/data:$d/share" -- "$@"; }
    guest_root() { "$img" "vfs.mount=hostfs:/:$d/share" -- "$@"; }
    host_file() { cp "$d/share/$1" "$d/$1.host"; }
    put_file() { cp "$1" "$d/share/$2"; } ;;
  ext4)
    disk=$d/disk.img
    mkdir "$d/empty"
    mke2fs -q -t ext4 -F -d "$d/empty" "$disk" 64M || { echo "FAIL: mke2fs"; exit 1; }
    guest() { "$src/support/run.sh" --image "$img" --mem 128M --disk "$disk" \
                --append "vfs.mount=ext4:/data:vda" -- "$@"; }
    guest_root() { "$src/support/run.sh" --image "$img" --mem 128M --disk "$disk" \
                     --append "vfs.mount=ext4:/:vda" -- "$@"; }
    host_file() {
      e2fsck -fn "$disk" > "$d/fsck.out" 2>&1 || { cat "$d/fsck.out"; note "e2fsck -fn after the guest wrote $1"; }
      debugfs -R "dump /$1 $d/$1.host" "$disk" > /dev/null 2>&1 || note "debugfs could not dump /$1"
    }
    put_file() { debugfs -w -R "write $1 $2" "$disk" > /dev/null 2>&1 || note "debugfs could not write $2"; } ;;
  *) echo "usage: sqlite_test.sh hostfs|ext4 <image>"; exit 2 ;;
esac

fill="CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, x REAL);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10000)
INSERT INTO t SELECT i, printf('row %05d', i), i * 0.25 FROM c;
SELECT count(*) FROM t;"
check="SELECT count(*), sum(id), sum(x), min(v), max(v) FROM t; PRAGMA integrity_check;"

echo "== run 1: create and fill /data/t.db"
out=$(guest /data/t.db "$fill" 2>&1); rc=$?
echo "$out" | tail -3
[ $rc = 0 ] || note "run 1 exited with $rc"
grep -qx 10000 <<<"$out" || note "run 1 did not print 10000"

host_file t.db
if [ -f "$d/t.db.host" ]; then
  want=$(sqlite3 "$d/t.db.host" "$check" 2>&1)
  echo "host: $want" | head -3
  grep -qx ok <<<"$want" || note "the host's integrity_check of the guest's database"
else
  note "no database file on the host side"; want=missing
fi

echo "== run 2: read it back"
out=$(guest /data/t.db "$check" 2>&1); rc=$?
got=$(grep -Ev '^kiln(:|-run:)' <<<"$out")
echo "guest: $got" | head -3
[ $rc = 0 ] || note "run 2 exited with $rc"
[ "$got" = "$want" ] || note "run 2's output differs from the host's sqlite3 on the same file"

echo "== an SQL script, guest and host"
out=$(guest /data/q.db ".read /sql/queries.sql" 2>&1); rc=$?
got=$(grep -Ev '^kiln(:|-run:)' <<<"$out")
want=$(cd "$d" && sqlite3 "$d/q-host.db" ".read $src/tests/apps/sqlite/rootfs/sql/queries.sql" 2>&1)
[ $rc = 0 ] || note "the script exited with $rc"
if [ "$got" != "$want" ]; then
  note "the script's output differs from the host's sqlite3"
  diff <(echo "$want") <(echo "$got") | head -20
fi
echo "$got" | tail -2

echo "== a file that is not a database"
head -c 8192 /dev/urandom > "$d/junk.db"
put_file "$d/junk.db" junk.db
out=$(guest /data/junk.db "SELECT * FROM sqlite_master;" 2>&1); rc=$?
got=$(grep -Ev '^kiln(:|-run:)' <<<"$out")
want=$(sqlite3 "$d/junk.db" "SELECT * FROM sqlite_master;" 2>&1); hrc=$?
echo "guest ($rc): $got"
[ "$got" = "$want" ] || note "guest said '$got', host said '$want'"
[ $rc = $hrc ] || note "guest exited with $rc, host with $hrc"

echo "== the same folder or disk as the root (vfs.mount=$mode:/:...)"
# The database at /t.db; /dev and /proc moved onto the new root (made there).
out=$(guest_root /t.db "SELECT count(*), length(readfile('/dev/null')), length(readfile('/t.db')) > 0 FROM t;" 2>&1); rc=$?
got=$(grep -Ev '^kiln(:|-run:)' <<<"$out")
echo "guest ($rc): $got"
[ $rc = 0 ] || note "the root run exited with $rc"
[ "$got" = "10000|0|1" ] || note "with the root on $mode: expected 10000|0|1 (rows, /dev/null, /t.db)"

[ "$mode" = ext4 ] && host_file t.db
[ $fail = 0 ] && echo "sqlite_test: $mode passed"
exit $fail
