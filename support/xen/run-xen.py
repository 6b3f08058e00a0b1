#!/usr/bin/python3
"""Kiln Xen test rig: boot Kiln xen images as PVH domUs under a real Xen.

Xen 4.17 (Debian), a Debian Linux dom0 and the xl toolstack boot under
QEMU (TCG is enough: the CPU model gets +svm,+npt so Xen has HAP). The
dom0's /init (dom0-init.sh) runs `xl create` for each guest, waits for it
to shut down and prints its console log, its shutdown reason and the exit
status it wrote to xenstore. This script builds that initramfs, runs QEMU,
watches the serial line for the end marker (Xen halts rather than exits
when dom0 powers off), stops QEMU and reports. Packages come from
fetch.sh (apt-get download, cached in build/deps/xen).

One image (output on stdout, exit status = the guest's):
  run-xen.py [--timeout S] [--ramdisk FILE] IMAGE [-- kiln command line words...]
  (--ramdisk: xl's ramdisk=, the PVH module the image sees as its initrd,
  docs/initrd.md; with --batch: --ramdisk NAME=FILE for guest NAME)
Several images in one Xen boot (results in DIR/<name>.out and .result):
  run-xen.py --batch DIR --guest NAME=IMAGE[::CMDLINE] ...
  (--peer NAME=SCRIPT adds a dom0 peer script for guest NAME; see --help)
Print one batch result and exit with its status (for tests):
  run-xen.py --show DIR NAME
Time each guest from dom0 (for `make bench`), with --batch or one image:
  run-xen.py --bench --batch DIR --guest NAME=IMAGE ...
  prints "NAME built_ms=B first_ms=F down_ms=D" per guest on stdout (also in
  DIR/<name>.times): milliseconds from the start of `xl create` to the
  domain being built (xenconsoled opened its console log), to the first
  complete console line, to the guest having shut down; "-" for what did
  not happen. dom0 measures them (dom0-init.sh, kernel trace_marker
  timestamps), so the serial line's latency is not in them.

Exit status of a guest: the value under data/kiln-exit-status in its
xenstore home when present; otherwise 125 for a crash shutdown and 0 for
a poweroff (noted on stderr); 2 when the rig failed (no result, timeout).
"""
import argparse
import gzip
import io
import os
import shlex
import shutil
import stat
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
MODULES = ["xen-evtchn", "xen-privcmd", "xen-gntdev", "xen-gntalloc", "xenfs"]
XEN_BINS = ["xl", "xenstored", "xenconsoled", "xen-init-dom0"]
HOST_LIBS = ["libc.so.6", "liblzma.so.5", "libuuid.so.1", "libz.so.1", "libzstd.so.1",
             "libgcc_s.so.1", "libm.so.6"]
MARK = "@@KILN-XEN"
CRASH_STATUS = 125


def log(msg):
    print(f"kiln-xen: {msg}", file=sys.stderr, flush=True)


class Cpio:
    """A gzipped newc cpio archive, written in memory."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1
        self.dirs = set()

    def _entry(self, name, mode, data=b""):
        name = name.lstrip("/")
        hdr = "070701" + "".join(f"{v:08x}" for v in [
            self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0])
        self.ino += 1
        b = hdr.encode() + name.encode() + b"\0"
        b += b"\0" * (-len(b) % 4)
        b += data + b"\0" * (-len(data) % 4)
        self.buf.write(b)

    def dir(self, path):
        path = path.strip("/")
        parts = path.split("/")
        for i in range(1, len(parts) + 1):
            p = "/".join(parts[:i])
            if p and p not in self.dirs:
                self.dirs.add(p)
                self._entry(p, stat.S_IFDIR | 0o755)

    def file(self, path, data, mode=0o755):
        self.dir(os.path.dirname(path.strip("/")))
        self._entry(path, stat.S_IFREG | mode, data)

    def copy(self, path, host):
        with open(host, "rb") as f:
            self.file(path, f.read(), 0o755)

    def symlink(self, path, target):
        self.dir(os.path.dirname(path.strip("/")))
        self._entry(path, stat.S_IFLNK | 0o777, target.encode())

    def gz(self, trailer=True):
        if trailer:
            self._entry("TRAILER!!!", 0)
        return gzip.compress(self.buf.getvalue(), 6)


def fetch(deps):
    r = subprocess.run([os.path.join(HERE, "fetch.sh"), deps])
    if r.returncode:
        sys.exit("kiln-xen: fetching the Xen packages failed")
    return os.path.join(deps, "root")


def host_lib(name):
    for d in ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64"]:
        p = os.path.join(d, name)
        if os.path.exists(p):
            return os.path.realpath(p)
    return None


def base_initramfs(deps, root):
    """The dom0 initramfs without guests (cached next to the packages)."""
    out = os.path.join(deps, "base.cpio.gz")
    inputs = [os.path.join(deps, ".stamp"), os.path.join(HERE, "dom0-init.sh"), os.path.abspath(__file__)]
    if os.path.exists(out) and all(os.path.getmtime(out) >= os.path.getmtime(i) for i in inputs):
        return out
    c = Cpio()
    for d in ["proc", "sys", "dev", "run", "tmp", "etc/xen", "var/lib", "var/log", "guests", "lib64"]:
        c.dir(d)
    c.copy("/init", os.path.join(HERE, "dom0-init.sh"))
    c.copy("/bin/busybox", os.path.join(root, "bin/busybox"))
    for b in XEN_BINS:
        c.copy(f"/usr/lib/xen-4.17/bin/{b}", os.path.join(root, "usr/lib/xen-4.17/bin", b))
    for t in ("read", "write", "rm", "ls", "watch", "exists"):
        c.copy(f"/usr/bin/xenstore-{t}", os.path.join(root, f"usr/bin/xenstore-{t}"))
    libdir = os.path.join(root, "usr/lib/x86_64-linux-gnu")
    for n in sorted(os.listdir(libdir)):
        p = os.path.join(libdir, n)
        if os.path.islink(p):
            c.symlink(f"/usr/lib/x86_64-linux-gnu/{n}", os.readlink(p))
        elif os.path.isfile(p):
            c.copy(f"/usr/lib/x86_64-linux-gnu/{n}", p)
    for n in HOST_LIBS:
        p = host_lib(n)
        if p:
            c.copy(f"/lib/x86_64-linux-gnu/{n}", p)
        elif n != "libgcc_s.so.1":
            sys.exit(f"kiln-xen: the host has no {n} (dom0's toolstack needs it)")
    ld = host_lib("ld-linux-x86-64.so.2")
    c.copy("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", ld)
    c.symlink("/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
    for m in MODULES:
        found = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(root, "lib/modules"))
                 for f in fs if f == m + ".ko"]
        if not found:
            sys.exit(f"kiln-xen: module {m}.ko not in the kernel package")
        c.copy(f"/lib/modules/{m}.ko", found[0])
    data = c.gz(trailer=True)
    with open(out + ".tmp", "wb") as f:
        f.write(data)
    os.replace(out + ".tmp", out)
    return out


def xl_string(s):
    """An xl.cfg string literal."""
    if "'" not in s and "\\" not in s:
        return "'" + s + "'"
    if '"' not in s and "\\" not in s:
        return '"' + s + '"'
    sys.exit(f"kiln-xen: command line {s!r} has both quote kinds or a backslash; xl.cfg cannot hold it")


# Guest name -> initrd file (--ramdisk), set once by main().
RAMDISKS = {}


def guest_initramfs(guests, timeout, peers=None, bench=False):
    c = Cpio()
    for i, (name, image, cmdline) in enumerate(guests):
        g = f"/guests/{i:03d}"
        c.copy(f"{g}/kernel", image)
        if peers and name in peers:
            c.copy(f"{g}/peer.sh", peers[name])
        if name in RAMDISKS:
            c.copy(f"{g}/ramdisk", RAMDISKS[name])
        c.file(f"{g}/name", name.encode() + b"\n", 0o644)
        c.file(f"{g}/timeout", f"{timeout}\n".encode(), 0o644)
        if bench:
            c.file(f"{g}/bench", b"", 0o644)  # dom0-init.sh times this guest
        cfg = "\n".join([
            f"name = {xl_string(name)}",
            'type = "pvh"',
            f'kernel = "{g}/kernel"',
            "memory = 32",
            "vcpus = 1",
            'on_poweroff = "preserve"',
            'on_crash = "preserve"',
            'on_reboot = "preserve"',
            f"extra = {xl_string(cmdline)}"]
            + ([f'ramdisk = "{g}/ramdisk"'] if name in RAMDISKS else []) + [""])
        c.file(f"{g}/xl.cfg", cfg.encode(), 0o644)
    return c.gz(trailer=True)


def xen_binary(deps, root):
    out = os.path.join(deps, "xen")
    src = os.path.join(root, "boot/xen-4.17-amd64.gz")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        with gzip.open(src, "rb") as f, open(out + ".tmp", "wb") as o:
            shutil.copyfileobj(f, o)
        os.replace(out + ".tmp", out)
    return out


def run(guests, deps, timeout, serial_log, verbose, peers=None, bench=False):
    root = fetch(deps)
    base = base_initramfs(deps, root)
    xen = xen_binary(deps, root)
    vmlinuz = [os.path.join(root, "boot", f) for f in os.listdir(os.path.join(root, "boot"))
               if f.startswith("vmlinuz-")][0]
    work = os.path.join(deps, "run-%d" % os.getpid())
    os.makedirs(work, exist_ok=True)
    initrd = os.path.join(work, "initrd.img")
    with open(initrd, "wb") as f, open(base, "rb") as b:
        f.write(b.read())  # concatenated gzip cpio archives: the kernel unpacks both
        f.write(guest_initramfs(guests, timeout, peers, bench))
    for p in (xen, vmlinuz, initrd):
        if "," in p:
            sys.exit(f"kiln-xen: path {p} has a comma (QEMU separates modules with commas)")
    cmd = ["qemu-system-x86_64", "-accel", "tcg", "-machine", "q35", "-cpu", "qemu64,+svm,+npt",
           "-m", "2048", "-smp", "1", "-display", "none", "-serial", "stdio", "-nodefaults",
           "-no-reboot", "-kernel", xen,
           "-append", "console=com1 com1=115200,8n1 dom0_mem=512M loglvl=all guest_loglvl=all",
           "-initrd", f"{vmlinuz} console=hvc0 quiet,{initrd}"]
    results = {name: {"lines": [], "reason": None, "status": None} for name, _, _ in guests}
    overall = 60 + len(guests) * (timeout + 15)
    stall = timeout + 90  # dom0 is silent at most while one guest runs
    t0 = time.monotonic()
    last_out = t0
    t_ready = None
    done = False
    fatal = None
    slog = open(serial_log, "wb") if serial_log else None
    q = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.set_blocking(q.stdout.fileno(), False)
    pending = b""
    try:
        while not done:
            if time.monotonic() - t0 > overall:
                fatal = f"timed out after {overall} s"
                break
            if time.monotonic() - last_out > stall:
                fatal = f"the emulated machine stopped: no serial output for {stall} s"
                results["__stalled__"] = True
                break
            try:
                chunk = q.stdout.read()
            except BlockingIOError:
                chunk = None
            if chunk is None:
                if q.poll() is not None:
                    fatal = f"QEMU exited with status {q.returncode} before the end marker"
                    break
                time.sleep(0.05)
                continue
            if not chunk:
                if q.poll() is not None:
                    fatal = f"QEMU exited with status {q.returncode} before the end marker"
                    break
                time.sleep(0.05)
                continue
            last_out = time.monotonic()
            if slog:
                slog.write(chunk)
                slog.flush()
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                line = raw.decode(errors="replace").rstrip("\r")
                if verbose:
                    print(line, file=sys.stderr)
                i = line.find(MARK)
                if i < 0:
                    continue
                line = line[i:]
                if line.startswith(MARK + "|"):
                    _, name, text = line.split("|", 2)
                    if name in results:
                        results[name]["lines"].append(text)
                    continue
                words = line.split()
                if len(words) < 2:
                    continue
                if words[1] == "READY":
                    t_ready = time.monotonic() - t0
                elif words[1] == "BEGIN" and len(words) > 2 and words[2] in results:
                    results[words[2]]["t_begin"] = time.monotonic() - t0
                elif words[1] == "END" and len(words) > 2 and words[2] in results:
                    r = results[words[2]]
                    r["t_end"] = time.monotonic() - t0
                    for w in words[3:]:
                        k, _, v = w.partition("=")
                        if k in ("reason", "status", "cpu"):
                            r[k] = v
                elif words[1] == "TIMES" and len(words) > 2 and words[2] in results:
                    results[words[2]]["times"] = dict(w.partition("=")[::2] for w in words[3:])
                elif words[1] == "DONE":
                    done = True
                elif words[1] == "FATAL":
                    fatal = "dom0: " + " ".join(words[2:])
    finally:
        q.kill()
        q.wait()
        if slog:
            slog.close()
        shutil.rmtree(work, ignore_errors=True)
    total = time.monotonic() - t0
    timing = f"dom0 ready {t_ready:.1f} s" if t_ready is not None else "dom0 not ready"
    per = [f"{n} {r['t_end'] - r['t_begin']:.1f} s (guest CPU {r.get('cpu', '?')} s)" for n, r in results.items()
           if isinstance(r, dict) and "t_end" in r and "t_begin" in r]
    log(f"{timing}; guests: {', '.join(per) or 'none'}; total {total:.1f} s")
    if fatal:
        log(fatal + (f" (serial log: {serial_log})" if serial_log else ""))
    return results


def run_with_retry(guests, deps, timeout, serial_log, verbose, peers=None, bench=False):
    """run(), and once more for the guests without a result when the emulated
    machine stopped (QEMU idle, no output: seen once in many rig boots under
    nested SVM in TCG, during a domain's creation). Said on stderr."""
    results = run(guests, deps, timeout, serial_log, verbose, peers, bench)
    if not results.pop("__stalled__", False):
        return results
    again = [g for g in guests if not results[g[0]]["reason"]]
    if not again:
        return results
    log(f"booting Xen again for {len(again)} guest(s) without a result: {' '.join(g[0] for g in again)}")
    retry = run(again, deps, timeout, serial_log + ".retry" if serial_log else None, verbose, peers, bench)
    retry.pop("__stalled__", None)
    results.update(retry)
    return results


def status_of(r, name):
    """Exit status for one result and a note about how it was found."""
    if r is None or not r.get("reason"):
        return 2, f"{name}: no result from the rig"
    reason, st = r["reason"], r.get("status")
    if st and st != "-":
        try:
            return int(st), None
        except ValueError:
            return 2, f"{name}: bad exit status {st!r} in xenstore"
    if reason == "crash":
        return CRASH_STATUS, f"{name}: crashed (no exit status in xenstore)"
    if reason == "poweroff":
        return 0, f"{name}: powered off; no exit status in xenstore, taking 0"
    return 2, f"{name}: {reason}"


def times_line(r):
    """dom0's times for one guest (--bench) as key=value words."""
    t = r.get("times", {})
    if "error" in t:
        return "error=" + t["error"]
    return " ".join(f"{k}={t.get(k, '-')}" for k in ("built_ms", "first_ms", "down_ms"))


def parse_guest(spec):
    name, _, rest = spec.partition("=")
    image, _, cmdline = rest.partition("::")
    if not name or not image:
        sys.exit(f"kiln-xen: bad --guest {spec!r} (NAME=IMAGE[::CMDLINE])")
    if not os.path.isfile(image):
        sys.exit(f"kiln-xen: image {image} does not exist (build it first)")
    return name, os.path.abspath(image), cmdline


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deps", default=os.path.join(SRC, "build/deps/xen"))
    ap.add_argument("--timeout", type=int, default=60, help="seconds per guest (default 60)")
    ap.add_argument("--serial-log", help="write the whole serial output here")
    ap.add_argument("-v", "--verbose", action="store_true", help="copy the serial output to stderr")
    ap.add_argument("--batch", metavar="DIR")
    ap.add_argument("--guest", action="append", default=[], metavar="NAME=IMAGE[::CMDLINE]")
    ap.add_argument("--show", nargs=2, metavar=("DIR", "NAME"))
    ap.add_argument("--peer", action="append", default=[], metavar="NAME=SCRIPT",
                    help="dom0 peer for guest NAME: the guest is created paused, data/kiln-peer is set in "
                         "its xenstore home, SCRIPT runs in dom0 (sh SCRIPT DOMID) and the guest is unpaused")
    ap.add_argument("--bench", action="store_true", help="time each guest from dom0 (see above)")
    ap.add_argument("--ramdisk", action="append", default=[], metavar="[NAME=]FILE",
                    help="an initrd for the guest (xl ramdisk=); with --batch, NAME=FILE for guest NAME")
    ap.add_argument("image", nargs="?")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if a.show:
        d, name = a.show
        try:
            with open(os.path.join(d, name + ".out")) as f:
                sys.stdout.write(f.read())
            with open(os.path.join(d, name + ".result")) as f:
                words = f.read().split()
            reason, st = words[:2]
            cpu = next((w.split("=", 1)[1] for w in words[2:] if w.startswith("cpu=")), "-")
        except OSError as e:
            print(f"kiln-xen: no result for {name} in {d}: {e}", file=sys.stderr)
            return 2
        code, note = status_of({"reason": reason, "status": st}, name)
        print(f"[xen: {name} shut down: {reason}, status {st}]")
        print(f"[xen: {name} used {cpu} s of CPU (xl list)]")
        if note:
            print("kiln-xen: " + note, file=sys.stderr)
        return code
    deps = os.path.abspath(a.deps)
    if a.batch:
        guests = [parse_guest(g) for g in a.guest]
        if not guests:
            sys.exit("kiln-xen: --batch needs at least one --guest")
        os.makedirs(a.batch, exist_ok=True)
        for n, _, _ in guests:
            for ext in (".out", ".result", ".times"):
                try:
                    os.unlink(os.path.join(a.batch, n + ext))
                except FileNotFoundError:
                    pass
        for spec in a.ramdisk:
            n, _, f = spec.partition("=")
            if n not in [g[0] for g in guests] or not os.path.isfile(f):
                sys.exit(f"kiln-xen: bad --ramdisk {spec!r} (NAME=FILE, NAME a --guest, FILE a file)")
            RAMDISKS[n] = os.path.abspath(f)
        peers = {}
        for spec in a.peer:
            n, _, script = spec.partition("=")
            if n not in [g[0] for g in guests] or not os.path.isfile(script):
                sys.exit(f"kiln-xen: bad --peer {spec!r} (NAME=SCRIPT, NAME a --guest, SCRIPT a file)")
            peers[n] = script
        results = run_with_retry(guests, deps, a.timeout, a.serial_log or os.path.join(a.batch, "serial.log"),
                                 a.verbose, peers, a.bench)
        bad = 0
        for n, r in results.items():
            with open(os.path.join(a.batch, n + ".out"), "w") as f:
                f.write("".join(l + "\n" for l in r["lines"]))
            if r["reason"]:
                with open(os.path.join(a.batch, n + ".result"), "w") as f:
                    f.write(f"{r['reason']} {r['status'] or '-'} cpu={r.get('cpu', '-')}\n")
            else:
                bad += 1
            if a.bench:
                t = times_line(r)
                with open(os.path.join(a.batch, n + ".times"), "w") as f:
                    f.write(t + "\n")
                print(f"{n} {t}")
        return 1 if bad else 0
    if not a.image:
        ap.error("give an image, or --batch")
    args = a.args[1:] if a.args and a.args[0] == "--" else a.args
    cmdline = " ".join('"' + x + '"' if (" " in x or not x) else x for x in args)
    name = os.path.basename(a.image).replace("_xen-x86_64", "")
    g = parse_guest(f"{name}={a.image}::{cmdline}")
    if len(a.ramdisk) > 1 or (a.ramdisk and not os.path.isfile(a.ramdisk[0])):
        sys.exit(f"kiln-xen: --ramdisk {' '.join(a.ramdisk)}: give one file that exists")
    if a.ramdisk:
        RAMDISKS[name] = os.path.abspath(a.ramdisk[0])
    results = run_with_retry([g], deps, a.timeout, a.serial_log, a.verbose, bench=a.bench)
    r = results[name]
    if a.bench:
        log(f"{name} {times_line(r)}")
    sys.stdout.write("".join(l + "\n" for l in r["lines"]))
    code, note = status_of(r, name)
    if note:
        log(note)
    return code


if __name__ == "__main__":
    sys.exit(main())
