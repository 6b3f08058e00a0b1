#!/usr/bin/env python3
"""ext2/3/4 image tests (lib/extfs, tests/apps/ext4) with real e2fsprogs.

  ext4_test.py CASE IMAGE WORKDIR

IMAGE is the ext4 test image (ext4_kvm-x86_64), WORKDIR a scratch folder.
Disks are made on the host with mke2fs (-d FOLDER: no root, no loop device),
attached with support/run.sh --disk, and checked afterwards with e2fsck -fn
and debugfs. Cases:
  roundtrip   the guest writes a tree and a 64 MiB file; e2fsck -fn clean;
              debugfs stat/ls/rdump: the files' SHA-256s are the guest's;
              a second boot lists the same tree with the same SHA-256s
  hostmade    mke2fs -t ext4 -d FOLDER; the guest's listing and SHA-256s
              equal the host's; e2fsck -fn clean after the guest unmounted
  ext2, ext3  the same with mke2fs -t ext2 / -t ext3
  roundtrip-4k, hostmade-2k, hostmade-4k
              the same with mke2fs -b 4096 / -b 2048 (the other cases
              get mke2fs' small-disk default, 1 KiB blocks)
  full        a 16 MiB disk written until ENOSPC; e2fsck -fn clean
  readonly    --disk FILE,ro and a ",ro" mount: writes fail with EROFS,
              the disk image is byte for byte unchanged
  parallel-1k, parallel-4k
              IMAGE is storebench's kvm image (image set storebench-ext4):
              its verify test (15 threads pread, aligned and not, while one
              rewrites blocks; every word checked, then the whole file) on
              1 KiB / 4 KiB blocks; e2fsck -fn clean; the file dumped with
              debugfs has the FNV-1a 64 the guest printed
  refused     garbage, no disk and a journal needing recovery: one boot line
              naming vda and the reason, and the app still runs
Prints what it checks; exits 1 at the first difference.
"""
import hashlib
import os
import random
import re
import shutil
import subprocess
import sys

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN = os.path.join(SRC, "support", "run.sh")


def fail(msg):
    print(f"ext4_test: FAIL: {msg}")
    sys.exit(1)


def sh(*cmd, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode != 0:
        fail(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
    return r


def boot(image, disk, opts, *args, status=0, mem="256M"):
    cmd = [RUN, "--image", image, "--mem", mem]
    if disk:
        cmd += ["--disk", disk]
    cmd += ["--append", " ".join(opts + ["--"] + list(args))]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1500)
    out = r.stdout + r.stderr
    if status is not None and r.returncode != status:
        fail(f"boot {' '.join(args)} exited {r.returncode}, expected {status}:\n{out}")
    for line in out.splitlines():
        if line.startswith("ext4: vda ") or line.startswith("ext4: wrote") or line.startswith("ext4: fill") or line.startswith("ext4: cost") or line.startswith("ext4: meminfo"):
            print(f"  guest: {line}")
    return out


def listing(out):
    """The guest's tree lines (dir/file/link), as a sorted list."""
    return sorted(l.strip() for l in out.splitlines() if re.match(r"ext4: (dir|file|link) ", l))


def host_listing(root, rel=""):
    lines = []
    for name in sorted(os.listdir(os.path.join(root, rel) if rel else root)):
        if not rel and name == "lost+found":
            continue
        r = f"{rel}/{name}" if rel else name
        p = os.path.join(root, r)
        if os.path.islink(p):
            lines.append(f"ext4: link {r} {os.readlink(p)}")
        elif os.path.isdir(p):
            lines.append(f"ext4: dir {r} {os.stat(p).st_mode & 0o7777:o}")
            lines += host_listing(root, r)
        else:
            h = hashlib.sha256(open(p, "rb").read()).hexdigest()
            lines.append(f"ext4: file {r} {os.path.getsize(p)} {h}")
    return sorted(lines)


def fsck(disk):
    r = sh("e2fsck", "-fn", disk, check=False)
    if r.returncode != 0:
        fail(f"e2fsck -fn {disk} exited {r.returncode}:\n{r.stdout}{r.stderr}")
    print(f"  e2fsck -fn clean: {r.stdout.strip().splitlines()[-1]}")


def debugfs(disk, req):
    return sh("debugfs", "-R", req, disk).stdout


def compare(want, got, what):
    if want != got:
        w, g = set(want), set(got)
        fail(f"{what}: only expected: {sorted(w - g)[:10]}; only got: {sorted(g - w)[:10]}")
    print(f"  {what}: {len(want)} entries equal")


def make_folder(root, seed, big=5 << 20):
    rnd = random.Random(seed)
    os.makedirs(os.path.join(root, "docs/deep/er"))
    os.makedirs(os.path.join(root, "empty-dir"))
    os.chmod(os.path.join(root, "docs/deep"), 0o750)
    for i in range(30):
        n = rnd.choice([0, 1, 100, 1023, 1024, 4095, 4096, 4097, 60000, 300000])
        with open(os.path.join(root, "docs" if i % 2 else "docs/deep/er", f"f{i:02d}.bin"), "wb") as f:
            f.write(rnd.randbytes(n))
    with open(os.path.join(root, "big.bin"), "wb") as f:
        f.write(rnd.randbytes(big))
    os.symlink("docs/f01.bin", os.path.join(root, "short-link"))
    os.symlink("x" * 150, os.path.join(root, "long-link"))
    os.link(os.path.join(root, "docs/f01.bin"), os.path.join(root, "hard.bin"))


def mkfs(disk, size, fstype, folder=None, extra=()):
    if os.path.exists(disk):
        os.unlink(disk)
    with open(disk, "wb") as f:
        f.truncate(size)
    cmd = ["mke2fs", "-q", "-F", "-t", fstype, *extra]
    if folder:
        cmd += ["-d", folder]
    sh(*cmd, disk)


def case_roundtrip(image, work, bsize=None):
    disk = os.path.join(work, f"roundtrip{bsize or ''}.img")
    mkfs(disk, 160 << 20, "ext4", extra=("-b", str(bsize)) if bsize else ())
    if bsize and f"Block size:               {bsize}" not in debugfs(disk, "stats"):
        fail(f"mke2fs -b {bsize} did not make {bsize}-byte blocks")
    out = boot(image, disk, ["vfs.mount=ext4:/data:vda"], "write")
    first = listing(out)
    if not any(l.startswith("ext4: file tree/big 67108864 ") for l in first):
        fail("the guest did not list tree/big with 64 MiB")
    print(f"  guest wrote and listed {len(first)} entries")
    fsck(disk)
    st = debugfs(disk, "stat /tree/big")
    if "Size: 67108864" not in st or "EXTENTS" not in st.upper():
        fail(f"debugfs stat /tree/big: no 64 MiB extent-mapped file:\n{st[:800]}")
    print("  debugfs stat /tree/big: 67108864 bytes, extents")
    ls = debugfs(disk, "ls -l /tree")
    for name in ("big", "link", "hard", "empty", "trunc", "a", "longlink"):
        if not re.search(rf"\s{re.escape(name)}\s*$", ls, re.M):
            fail(f"debugfs ls -l /tree has no {name}:\n{ls}")
    if re.search(r"\sgone\s*$", ls, re.M):
        fail("debugfs ls: the unlinked file is still there")
    print("  debugfs ls -l /tree: the names expected")
    dump = os.path.join(work, "roundtrip-dump")
    shutil.rmtree(dump, ignore_errors=True)
    os.makedirs(dump)
    sh("debugfs", "-R", f"rdump /tree {dump}", disk)
    host = host_listing(dump)
    # rdump /tree makes DUMP/tree; its directories get the host's umask:
    # compare files and links.
    compare([l for l in first if " tree/" in l and not l.startswith("ext4: dir ")],
            [l for l in host if not l.startswith("ext4: dir ")], "debugfs rdump vs the guest's SHA-256s")
    out2 = boot(image, disk, ["vfs.mount=ext4:/data:vda"], "list")
    compare(first, listing(out2), "second boot's listing")
    fsck(disk)


def case_hostmade(image, work, fstype="ext4", bsize=None):
    folder = os.path.join(work, f"{fstype}-folder{bsize or ''}")
    shutil.rmtree(folder, ignore_errors=True)
    make_folder(folder, seed=len(fstype) * 7 + 1)
    disk = os.path.join(work, f"{fstype}-hostmade{bsize or ''}.img")
    mkfs(disk, 48 << 20, fstype, folder, extra=("-b", str(bsize)) if bsize else ())
    out = boot(image, disk, [f"vfs.mount={fstype}:/data:vda", "log.level=info"], "list")
    m = re.search(r"extfs: vda: (ext\d).* blocks of (\d+) bytes", out)
    print(f"  guest mounted it: {m.group(0) if m else '(no info line)'}")
    if bsize and (not m or m.group(2) != str(bsize)):
        fail(f"the guest did not mount {bsize}-byte blocks:\n{out}")
    compare(host_listing(folder), listing(out), f"mke2fs -t {fstype} -d: host vs guest")
    fsck(disk)


def case_full(image, work):
    disk = os.path.join(work, "full.img")
    mkfs(disk, 16 << 20, "ext4")
    out = boot(image, disk, ["vfs.mount=ext4:/data:vda"], "fill", "nolist")
    if not re.search(r"ext4: fill: No space left on device after \d+ bytes", out):
        fail(f"no ENOSPC:\n{out}")
    if "fill: size matches what was written" not in out or "space back after unlink" not in out:
        fail(f"after ENOSPC:\n{out}")
    fsck(disk)


def case_readonly(image, work):
    folder = os.path.join(work, "ro-folder")
    shutil.rmtree(folder, ignore_errors=True)
    make_folder(folder, seed=3, big=1 << 20)
    disk = os.path.join(work, "ro.img")
    mkfs(disk, 16 << 20, "ext4", folder)
    before = hashlib.sha256(open(disk, "rb").read()).hexdigest()
    for label, d, opt in (("--disk FILE,ro", disk + ",ro", "vda"), (",ro mount", disk, "vda,ro")):
        out = boot(image, d, [f"vfs.mount=ext4:/data:{opt}"], "readonly")
        for what in ("create", "mkdir", "open for writing"):
            if f"ext4: {what}: Read-only file system" not in out:
                fail(f"{label}: {what} was not refused with EROFS:\n{out}")
        if "ext4: read: ok" not in out:
            fail(f"{label}: reading failed:\n{out}")
        compare(host_listing(folder), listing(out), f"{label}: listing")
        after = hashlib.sha256(open(disk, "rb").read()).hexdigest()
        if after != before:
            fail(f"{label}: the disk changed")
        print(f"  {label}: create/mkdir/open for writing: EROFS; disk unchanged")


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h


def case_parallel(image, work, bsize):
    disk = os.path.join(work, f"parallel{bsize}.img")
    mkfs(disk, 32 << 20, "ext4", extra=("-b", str(bsize)))
    out = boot(image, disk, ["vfs.mount=ext4:/data:vda"], "-s", "2", "-n", "1500", "/data", "verify")
    m = re.search(r"storebench: verify: ok fnv1a64 ([0-9a-f]{16}) after (\d+) rewrites and (\d+) reads", out)
    if not m or "storebench: error" in out:
        fail(f"verify did not pass:\n{out[-3000:]}")
    print(f"  guest: {m.group(0)}")
    fsck(disk)
    dump = os.path.join(work, f"parallel{bsize}.dat")
    if os.path.exists(dump):
        os.unlink(dump)
    sh("debugfs", "-R", f"dump /storebench.dat {dump}", disk)
    data = open(dump, "rb").read()
    if len(data) != 2 << 20 or f"{fnv1a64(data):016x}" != m.group(1):
        fail(f"the file on the disk ({len(data)} bytes, FNV-1a {fnv1a64(data):016x}) is not the guest's")
    print(f"  debugfs dump: {len(data)} bytes, FNV-1a 64 equal")


def one_line(out, pattern, label):
    lines = [l for l in out.splitlines() if "extfs" in l or "vfs: mount" in l]
    if len(lines) != 1 or not re.search(pattern, lines[0]):
        fail(f"{label}: expected one line matching {pattern!r}, got {lines}:\n{out}")
    if "ext4: done, 0 errors" not in out:
        fail(f"{label}: the image did not go on:\n{out}")
    print(f"  {label}: {lines[0].strip()}")


def case_refused(image, work):
    disk = os.path.join(work, "garbage.img")
    with open(disk, "wb") as f:
        f.write(random.Random(9).randbytes(4 << 20))
    out = boot(image, disk, ["vfs.mount=ext4:/data:vda"], "list")
    one_line(out, r"extfs: cannot mount vda: not an ext2/ext3/ext4 filesystem", "garbage")
    out = boot(image, None, ["vfs.mount=ext4:/data:vda"], "list")
    one_line(out, r"extfs: cannot mount vda: no such block device", "no disk")
    disk = os.path.join(work, "recover.img")
    mkfs(disk, 16 << 20, "ext4")
    sh("debugfs", "-w", "-R", "feature needs_recovery", disk)
    out = boot(image, disk, ["vfs.mount=ext4:/data:vda"], "list")
    one_line(out, r"extfs: cannot mount vda: journal needs recovery: run e2fsck on the host", "journal")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    case, image, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    print(f"ext4_test: {case}")
    if case in ("ext2", "ext3"):
        case_hostmade(image, work, case)
    elif case == "hostmade":
        case_hostmade(image, work)
    elif case == "roundtrip-4k":
        case_roundtrip(image, work, 4096)
    elif case in ("parallel-1k", "parallel-4k"):
        case_parallel(image, work, int(case[-2]) * 1024)
    elif case in ("hostmade-2k", "hostmade-4k"):
        case_hostmade(image, work, bsize=int(case[-2]) * 1024)
    else:
        {"roundtrip": case_roundtrip, "full": case_full, "readonly": case_readonly,
         "refused": case_refused}[case](image, work)
    print(f"ext4_test: {case}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
