#!/usr/bin/env python3
"""9p end to end on kvm (lib/ninep, virtio-9p; tests/apps/ninep).

  ninep_share.py IMAGE rw    [RUNNER-ARGS...]   host writes a folder, the guest
                                                reads it (checksums) and writes
                                                to it; the host checks the result
  ninep_share.py IMAGE ro    [RUNNER-ARGS...]   shared ,ro: reads work, writes
                                                EROFS, the folder is unchanged
  ninep_share.py IMAGE notag [RUNNER-ARGS...]   mounts a tag no device has: the
                                                boot line names the tag and why
  ninep_share.py IMAGE bench [RUNNER-ARGS...]   a 64 MiB file read sequentially,
                                                1000 files created (prints rates)

RUNNER-ARGS go to support/run.sh (e.g. --machine q35, --qemu-arg ...).
Prints what failed; exits 1 on any failure.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN = os.path.join(SRC, "support", "run.sh")
TAG = "hostshare"
failures = []


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def pseudo_random(n, seed=b"kiln-9p"):
    out = bytearray()
    block = seed
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:n])


def make_share(d, big=False):
    os.makedirs(os.path.join(d, "sub"))
    os.makedirs(os.path.join(d, "emptydir"))
    for name, text in (("hello.txt", "hello from the host\n"), ("sub/deep.txt", "deep\n"), ("victim.txt", "bye\n"),
                       ("gone.txt", "gone\n"), ("trunc.txt", "abcdefgh\n")):
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    os.symlink("hello.txt", os.path.join(d, "link-to-hello"))
    os.mkfifo(os.path.join(d, "sub", "fifo"))
    data = pseudo_random(3 << 20)
    with open(os.path.join(d, "in.bin"), "wb") as f:
        f.write(data)
    if big:
        with open(os.path.join(d, "big.bin"), "wb") as f:
            chunk = pseudo_random(1 << 20, b"big")
            for _ in range(64):
                f.write(chunk)
    return data


def run(image, share_arg, append, extra):
    cmd = [RUN, "--image", image, "--share", share_arg, "--append", append] + extra
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    print(p.stdout, end="")
    return p.returncode, p.stdout.splitlines()


def expect(lines, want):
    if want not in lines:
        failures.append("the guest did not print: " + want)


def snapshot(d):
    out = []
    for root, dirs, files in os.walk(d):
        for n in sorted(dirs + files):
            p = os.path.join(root, n)
            st = os.lstat(p)
            out.append((os.path.relpath(p, d), st.st_mode, st.st_size, st.st_mtime_ns))
    return sorted(out)


def check_rw(d, data, rc, lines):
    if rc != 0:
        failures.append("exit status %d" % rc)
    for w in ("9p: ls /share = emptydir gone.txt hello.txt in.bin link-to-hello sub trunc.txt victim.txt",
              "9p: cat /share/hello.txt: hello from the host", "9p: cat /share/sub/deep.txt: deep",
              "9p: cat /share/sub/fifo: No such device or address",
              "9p: cat /share/link-to-hello: hello from the host", "9p: stat hello.txt: 20 bytes, mode 644",
              "9p: lstat link-to-hello: symlink", "9p: statvfs: sizes",
              "9p: in.bin %d bytes fnv1a %08x" % (len(data), fnv1a(data)),
              "9p: 4 threads read in.bin 3 times each: the same", "9p: getcwd /share/sub",
              "9p: cat /share/../share/hello.txt: hello from the host",
              "9p: rmdir of a non-empty directory: Directory not empty",
              "9p: create over an existing file with O_EXCL: File exists", "9p: readlink out/link: final.txt",
              "9p: fsync: ok", "9p: 1048579 bytes written 1048579, read back the same",
              "9p: out/many lists 200 entries", "9p: ls /share/out = big.bin dir final.txt hard link many",
              "9p: cat /share/out/link: written by the guest"):
        expect(lines, w)
    # What the host sees.
    def host(cond, what):
        if not cond:
            failures.append("on the host: " + what)
    p = lambda *n: os.path.join(d, *n)
    host(open(p("out", "final.txt")).read() == "written by the guest\n", "out/final.txt's text")
    host(not os.path.exists(p("out", "guest.txt")), "out/guest.txt renamed away")
    host(open(p("out", "dir", "moved.txt")).read() == "bye\n" and not os.path.exists(p("victim.txt")),
         "victim.txt moved to out/dir/moved.txt")
    host(os.path.isdir(p("out", "dir")) and (os.stat(p("out", "dir")).st_mode & 0o777) == 0o700, "out/dir mode 700")
    host(os.readlink(p("out", "link")) == "final.txt", "out/link -> final.txt")
    host(os.stat(p("out", "hard")).st_ino == os.stat(p("out", "final.txt")).st_ino, "out/hard a hard link")
    host((os.stat(p("out", "final.txt")).st_mode & 0o777) == 0o640, "chmod 640")
    host(open(p("trunc.txt")).read() == "abc", "trunc.txt truncated to 3 bytes")
    host(not os.path.exists(p("gone.txt")) and not os.path.exists(p("emptydir")), "unlink and rmdir")
    big = bytes(((i * 31 + 7) & 0xFF) for i in range((1 << 20) + 3))
    host(open(p("out", "big.bin"), "rb").read() == big, "out/big.bin's bytes")
    many = os.listdir(p("out", "many"))
    host(len(many) == 200 and all(open(p("out", "many", n)).read() == "/share/out/many/" + n for n in many),
         "200 files in out/many with their names as contents")


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ("rw", "ro", "notag", "bench"):
        sys.exit(__doc__)
    image, mode, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    d = tempfile.mkdtemp(prefix="kiln-9p-")
    try:
        data = make_share(d, big=(mode == "bench"))
        if mode == "rw":
            rc, lines = run(image, "9p:%s:%s" % (TAG, d), "log.level=info vfs.mount=9p:/share:%s -- rw" % TAG, extra)
            check_rw(d, data, rc, lines)
        elif mode == "ro":
            before = snapshot(d)
            rc, lines = run(image, "9p:%s:%s,ro" % (TAG, d), "vfs.mount=9p:/share:%s,ro -- ro" % TAG, extra)
            if rc != 0:
                failures.append("exit status %d" % rc)
            for w in ("9p: in.bin %d bytes fnv1a %08x" % (len(data), fnv1a(data)), "9p: statvfs: sizes, read-only",
                      "9p: create on a read-only share: Read-only file system",
                      "9p: mkdir on a read-only share: Read-only file system",
                      "9p: unlink on a read-only share: Read-only file system",
                      "9p: open for writing on a read-only share: Read-only file system"):
                expect(lines, w)
            if snapshot(d) != before:
                failures.append("the read-only share changed on the host")
        elif mode == "notag":
            rc, lines = run(image, "9p:%s:%s" % (TAG, d), "vfs.mount=9p:/share:nosuchtag -- rw", extra)
            if rc == 0:
                failures.append("the image ran without its share")
            expect(lines, "kiln: error: 9p: mount tag 'nosuchtag': no such tag (no virtio-9p device has it)")
            if not any(l.startswith("kiln: error: vfs: mount 9p on /share (vfs.mount=) failed: ") for l in lines):
                failures.append("no vfs boot line for the failed mount")
        else:
            rc, lines = run(image, "9p:%s:%s" % (TAG, d), "vfs.mount=9p:/share:%s -- bench" % TAG, extra)
            if rc != 0:
                failures.append("exit status %d" % rc)
            if len(os.listdir(os.path.join(d, "many"))) != 1000:
                failures.append("on the host: not 1000 files in many/")
    finally:
        shutil.rmtree(d, ignore_errors=True)
    for f in failures:
        print("FAIL: " + f)
    if not failures:
        print("ninep_share %s: ok" % mode)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
