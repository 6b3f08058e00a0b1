#!/usr/bin/env python3
"""virtio-fs image tests (tests/apps/virtiofs) with a real virtiofsd.

  virtiofs_test.py rw    IMAGE MACHINE   host files read in the guest
                                         (checksums), then the guest's tree
                                         checked on the host
  virtiofs_test.py ro    IMAGE MACHINE   --share ...,ro (the host refuses) and
                                         a ,ro mount (the guest refuses)
  virtiofs_test.py notag IMAGE MACHINE   a mount of a tag no device has:
                                         one boot line naming it
  virtiofs_test.py bench IMAGE MACHINE   64 MiB sequential read, file creates

Each boots IMAGE under support/run.sh with --share virtiofs:share:DIR on
MACHINE (microvm, pc, q35) in a fresh temporary folder. Prints what it
finds; exits 1 when something is not as expected. Needs root (virtiofsd).
"""
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN = os.path.join(SRC, "support", "run.sh")


def fnv1a(data, h=2166136261):
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def pattern(size, seed):
    return bytes(((o * 31 + o // 4096 + seed * 7) & 0xFF) for o in range(size))


def make_in(root):
    d = os.path.join(root, "in")
    os.makedirs(os.path.join(d, "sub"))
    files = {
        "small.txt": b"hello from the host\n",
        "rand.bin": random.Random(15).randbytes(1000000),
        "empty": b"",
        "sub.bin": pattern(300000, 9),
    }
    for n, data in files.items():
        with open(os.path.join(d, n), "wb") as f:
            f.write(data)
    os.symlink("small.txt", os.path.join(d, "link"))
    return files


def boot(image, machine, share, mount, mode, timeout=600):
    cmd = [RUN, "--image", image, "--machine", machine, "--mem", "128M", "--share", share,
           "--append", f"vfs.mount={mount}", "--", mode, "/mnt"]
    # The runner's temporary folder and virtiofsd's log in a folder of this
    # run's own (tests run in parallel); the log is shown with the output.
    with tempfile.TemporaryDirectory(prefix="kiln-vfsd-run-") as tmp:
        env = dict(os.environ, TMPDIR=tmp)
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, env=env)
        out = p.stdout.decode(errors="replace")
        log = os.path.join(tmp, "kiln-virtiofsd-share.log")
        if os.path.exists(log):
            with open(log, errors="replace") as f:
                out += "\n--- virtiofsd log ---\n" + f.read()
    return p.returncode, out


class Checker:
    def __init__(self):
        self.bad = []

    def want(self, cond, what):
        print(("ok    " if cond else "FAIL  ") + what)
        if not cond:
            self.bad.append(what)

    def line(self, out, text):
        self.want(text in out.splitlines(), f"guest said: {text}")

    def done(self, out):
        if self.bad:
            print("--- guest output ---")
            print(out)
            return 1
        return 0


def expect_read(c, out, files):
    c.line(out, f"virtiofs: in has {len(files) + 2} entries")
    for n, data in sorted(files.items()):
        c.line(out, f"virtiofs: in/{n} {len(data)} bytes fnv1a {fnv1a(data):08x}")
    c.line(out, "virtiofs: in/link -> small.txt")
    c.line(out, "virtiofs: in/sub/ dir")
    c.line(out, "virtiofs: missing name: No such file or directory")


def rw(image, machine):
    c = Checker()
    try:
        return rw_checks(c, image, machine)
    except OSError as e:
        c.want(False, f"host: {e}")
        return 1


def rw_checks(c, image, machine):
    with tempfile.TemporaryDirectory(prefix="kiln-vfsd-") as root:
        files = make_in(root)
        rc, out = boot(image, machine, f"virtiofs:share:{root}", "virtiofs:/mnt:share", "write")
        c.want(rc == 0, f"guest exit status {rc} == 0")
        expect_read(c, out, files)
        c.line(out, "virtiofs: write ok")
        o = os.path.join(root, "out")
        big = pattern(3 * 1024 * 1024 + 123, 1)
        c.line(out, f"virtiofs: out/big.bin {len(big)} bytes fnv1a {fnv1a(big):08x}")
        c.line(out, "virtiofs: out/many lists 150 entries")

        def content(rel):
            try:
                with open(os.path.join(o, rel), "rb") as f:
                    return f.read()
            except OSError as e:
                return e

        c.want(content("big.bin") == big, "host: out/big.bin holds the guest's 3 MiB pattern")
        for i in range(4):
            c.want(content(f"thread{i}.bin") == pattern(256 * 1024 + i * 1000, 10 + i),
                   f"host: out/thread{i}.bin (one of four threads writing at once)")
        msg = b"written by kiln over virtio-fs\n"
        c.want(content("sub/moved.txt") == msg, "host: out/hello.txt renamed to out/sub/moved.txt")
        c.want(not os.path.exists(os.path.join(o, "hello.txt")), "host: out/hello.txt gone after the rename")
        c.want(os.path.islink(os.path.join(o, "link")) and os.readlink(os.path.join(o, "link")) == "sub/moved.txt",
               "host: out/link -> sub/moved.txt")
        c.want(os.readlink(os.path.join(o, "sub/up")) == "../in/small.txt", "host: out/sub/up -> ../in/small.txt")
        st = os.stat(os.path.join(o, "sub/moved.txt"))
        c.want(st.st_nlink == 2 and os.stat(os.path.join(o, "hard.txt")).st_ino == st.st_ino,
               "host: out/hard.txt is a hard link of out/sub/moved.txt")
        c.want(stat.S_IMODE(st.st_mode) == 0o600, "host: chmod 600 reached the host")
        c.want(stat.S_IMODE(os.stat(os.path.join(o, "sub")).st_mode) == 0o750, "host: out/sub made with mode 750")
        c.want(content("trunc.bin") == pattern(1000, 2), "host: out/trunc.bin truncated to 1000 bytes")
        c.want(not os.path.exists(os.path.join(o, "gone.txt")), "host: out/gone.txt unlinked")
        c.want(not os.path.exists(os.path.join(o, "gonedir")), "host: out/gonedir removed")
        c.want(os.path.isdir(os.path.join(o, "many")) and len(os.listdir(os.path.join(o, "many"))) == 150,
               "host: out/many has 150 files")
        c.want(sorted(os.listdir(os.path.join(root, "in"))) == sorted(list(files) + ["link", "sub"]),
               "host: in/ unchanged")
        return c.done(out)


def ro(image, machine):
    c = Checker()
    with tempfile.TemporaryDirectory(prefix="kiln-vfsd-") as root:
        files = make_in(root)
        before = sorted(os.listdir(os.path.join(root, "in")))
        # The share is read-only on the host (virtiofsd in a read-only bind mount).
        rc, out = boot(image, machine, f"virtiofs:share:{root},ro", "virtiofs:/mnt:share", "ro")
        c.want(rc == 0, f"--share ...,ro: guest exit status {rc} == 0")
        expect_read(c, out, files)
        c.line(out, "virtiofs: read-only: every write refused with Read-only file system")
        # The mount is read-only in the guest (the share is writable).
        rc2, out2 = boot(image, machine, f"virtiofs:share:{root}", "virtiofs:/mnt:share,ro", "ro")
        c.want(rc2 == 0, f"vfs.mount=...,ro: guest exit status {rc2} == 0")
        c.line(out2, "virtiofs: read-only: every write refused with Read-only file system")
        c.want(sorted(os.listdir(os.path.join(root, "in"))) == before, "host: in/ unchanged")
        with open(os.path.join(root, "in", "small.txt"), "rb") as f:
            c.want(f.read() == files["small.txt"], "host: in/small.txt unchanged")
        c.want(stat.S_IMODE(os.stat(os.path.join(root, "in", "small.txt")).st_mode) == 0o644,
               "host: in/small.txt mode unchanged")
        return c.done(out + "\n--- second boot ---\n" + out2)


def notag(image, machine):
    c = Checker()
    with tempfile.TemporaryDirectory(prefix="kiln-vfsd-") as root:
        make_in(root)
        rc, out = boot(image, machine, f"virtiofs:share:{root}", "virtiofs:/mnt:nosuch", "read")
        lines = [l for l in out.splitlines() if "nosuch" in l and l.startswith("kiln: error: virtiofs")]
        c.want(len(lines) == 1, "one boot line names the missing tag")
        c.line(out, "kiln: error: virtiofs: no virtio-fs device with tag 'nosuch' (devices: share)")
        c.want(rc != 0, f"the boot stops (status {rc})")
        return c.done(out)


def bench(image, machine):
    c = Checker()
    with tempfile.TemporaryDirectory(prefix="kiln-vfsd-") as root:
        make_in(root)
        with open(os.path.join(root, "in", "big64"), "wb") as f:
            f.write(random.Random(64).randbytes(64 << 20))
        rc, out = boot(image, machine, f"virtiofs:share:{root}", "virtiofs:/mnt:share", "bench")
        c.want(rc == 0, f"guest exit status {rc} == 0")
        for l in out.splitlines():
            if l.startswith("virtiofs: bench"):
                print(f"{machine}: {l}")
        c.want(re.search(r"bench read 67108864 bytes", out) is not None, "read all 64 MiB")
        c.want(len(os.listdir(os.path.join(root, "bench"))) == 500, "host: 500 files created")
        return c.done(out)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("rw", "ro", "notag", "bench"):
        sys.exit(__doc__)
    if os.geteuid() != 0:
        print("virtiofs_test: needs root (virtiofsd)")
        return 1
    if not shutil.which("qemu-system-x86_64"):
        print("virtiofs_test: no qemu-system-x86_64")
        return 1
    return {"rw": rw, "ro": ro, "notag": notag, "bench": bench}[sys.argv[1]](sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    sys.exit(main())
