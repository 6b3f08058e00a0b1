#!/usr/bin/python3
"""A Linux guest for comparisons with Kiln (docs/bench.md, "The Linux guest").

Debian bookworm's kernel (the linux-image-6.1.*-amd64 that linux-image-amd64
depends on) and busybox-static, fetched as binary packages with a private apt
configuration under the deps dir (the system's apt sources and lists are
never read or changed), unpacked with dpkg-deb -x, cached by version. An
initramfs (cpio newc, written here) holds busybox, an /init script, the
kernel modules the storage devices need (and what they depend on, from the
kernel's modules.dep) and optional extra programs (a static benchmark).
The guest boots under the same QEMU, machine, accelerator and -m as Kiln's
kvm images (support/run.sh: microvm, TCG here), console on the serial
line, and exits through isa-debug-exit (the app's status, like Kiln).

  linuxguest.py kit DEPS                  fetch + unpack once; prints the kit dir
  linuxguest.py initramfs KIT OUT [--bin FILE]...
  linuxguest.py run KIT INITRD [--mem 256M] [--accel tcg] [--machine microvm]
        [--disk FILE] [--share 9p:TAG:DIR] [--share virtiofs:TAG:DIR]
        [--mount TYPE:SRC] [--timeout S] [-- COMMAND ARGS...]
      boots; /init loads the modules, mounts SRC (a /dev/vdX, or a 9p or
      virtiofs tag) at /mnt if given, runs COMMAND (a path inside the
      initramfs) and powers off with its status. Prints the guest's console
      and, at the end, `@@LG boot_to_init_ms=.. mem_total_kb=.. ...`.
"""
import argparse
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

# Modules the storage devices need (what is built-in in Debian's config is
# simply not found and skipped; their dependencies come from modules.dep).
WANT = ["virtio_mmio", "virtio_pci", "virtio_blk", "crc16", "crc32c_generic", "crc32c-intel",
        "mbcache", "jbd2", "ext4", "netfs", "9pnet", "9pnet_virtio", "9p", "fuse", "virtiofs"]

SCRIPT = os.path.realpath(__file__)


def log(msg):
    print(f"kiln: linuxguest: {msg}", file=sys.stderr, flush=True)


def die(msg):
    log(msg)
    sys.exit(1)


def apt_opts(apt):
    return ["-o", f"Dir::Etc::SourceList={apt}/sources.list", "-o", "Dir::Etc::SourceParts=/dev/null",
            "-o", f"Dir::State::Lists={apt}/lists", "-o", f"Dir::Cache={apt}/cache",
            "-o", "APT::Sandbox::User=root", "-o", "Debug::NoLocking=1"]


def kit(deps):
    deps = os.path.realpath(deps)
    base = os.path.join(deps, "linuxguest")
    apt = os.path.join(base, "apt")
    os.makedirs(os.path.join(apt, "lists", "partial"), exist_ok=True)
    os.makedirs(os.path.join(apt, "cache", "archives", "partial"), exist_ok=True)
    with open(os.path.join(apt, "sources.list"), "w") as f:
        f.write("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                "http://deb.debian.org/debian bookworm main\n"
                "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                "http://deb.debian.org/debian-security bookworm-security main\n")
    import fcntl
    lock = open(os.path.join(base, "lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    opts = apt_opts(apt)
    lists = os.path.join(apt, "lists")
    fresh = [n for n in os.listdir(lists) if "Packages" in n and
             time.time() - os.path.getmtime(os.path.join(lists, n)) < 86400]
    # The cached kit is used as long as the lists are not refreshed (a day).
    if not fresh:
        log("apt-get update (Debian bookworm binary lists, private configuration)")
        r = subprocess.run(["apt-get", *opts, "update"], capture_output=True, text=True)
        if r.returncode != 0:
            die(f"apt-get update failed:\n{r.stdout}{r.stderr}")

    def policy(pkg):
        r = subprocess.run(["apt-cache", *opts, "show", "--no-all-versions", pkg],
                           capture_output=True, text=True)
        if r.returncode != 0:
            die(f"apt-cache show {pkg} failed: {r.stderr.strip()}")
        fields = {}
        for line in r.stdout.splitlines():
            m = re.match(r"^([A-Za-z-]+): (.*)$", line)
            if m:
                fields.setdefault(m.group(1), m.group(2))
        return fields

    meta = policy("linux-image-amd64")
    m = re.search(r"(linux-image-6\.1\.[0-9.+~-]*-amd64)(?![-\w])", meta.get("Depends", ""))
    if not m:
        die(f"linux-image-amd64 depends on no linux-image-6.1.*-amd64: {meta.get('Depends')}")
    kpkg = m.group(1)
    kver = policy(kpkg)["Version"]
    bver = policy("busybox-static")["Version"]
    key = f"{kpkg}_{kver}+busybox-static_{bver}"
    out = os.path.join(base, key.replace(":", "_"))
    if os.path.exists(os.path.join(out, ".stamp")):
        print(out)
        return out
    work = out + ".download"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    log(f"downloading {kpkg} {kver} and busybox-static {bver} (once per version)")
    r = subprocess.run(["apt-get", *opts, "download", f"{kpkg}={kver}", f"busybox-static={bver}"],
                       cwd=work, capture_output=True, text=True)
    if r.returncode != 0:
        die(f"apt-get download failed:\n{r.stdout}{r.stderr}")
    root = os.path.join(work, "root")
    for deb in sorted(os.listdir(work)):
        if deb.endswith(".deb"):
            subprocess.run(["dpkg-deb", "-x", os.path.join(work, deb), root], check=True)
    # Keep what the kit uses: the kernel, its config, modules.dep and the
    # modules the initramfs may take; busybox.
    boot = os.path.join(root, "boot")
    vmlinuz = [n for n in os.listdir(boot) if n.startswith("vmlinuz-")]
    if len(vmlinuz) != 1:
        die(f"no single vmlinuz in {kpkg}: {vmlinuz}")
    release = vmlinuz[0][len("vmlinuz-"):]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    shutil.copy(os.path.join(boot, vmlinuz[0]), os.path.join(out, "vmlinuz"))
    shutil.copy(os.path.join(boot, f"config-{release}"), os.path.join(out, "config"))
    shutil.copy(os.path.join(root, "bin", "busybox"), os.path.join(out, "busybox"))
    moddir = os.path.join(root, "lib", "modules", release)
    shutil.move(moddir, os.path.join(out, "modules"))
    with open(os.path.join(out, "release"), "w") as f:
        f.write(release + "\n")
    shutil.rmtree(work)
    with open(os.path.join(out, ".stamp"), "w") as f:
        f.write(key + "\n")
    print(out)
    return out


def modinfo_depends(path):
    """The `depends=` of a module's .modinfo ELF section (no kmod needed)."""
    import struct
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        die(f"{path}: not an ELF64 module")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)

    def sec(i):
        name, _, _, _, off, size = struct.unpack_from("<IIQQQQ", elf, shoff + i * shentsize)
        return name, off, size
    _, stroff, _ = sec(shstrndx)
    for i in range(shnum):
        name, off, size = sec(i)
        if elf[stroff + name:elf.index(b"\0", stroff + name)] == b".modinfo":
            for kv in elf[off:off + size].split(b"\0"):
                if kv.startswith(b"depends="):
                    return [d for d in kv[8:].decode().split(",") if d]
    return []


def module_order(kitdir):
    """The wanted modules that exist, with their dependencies, in load order
    (paths relative to the kit's modules folder)."""
    root = os.path.join(kitdir, "modules")
    byname = {}
    for dirpath, _, files in os.walk(root):
        for n in files:
            m = re.match(r"^(.*)\.ko(\.xz|\.zst|\.gz)?$", n)
            if m:
                byname[m.group(1).replace("-", "_")] = os.path.relpath(os.path.join(dirpath, n), root)
    order, seen = [], set()

    def visit(name):
        p = byname.get(name.replace("-", "_"))
        if not p or p in seen:
            return
        seen.add(p)
        for d in modinfo_depends(os.path.join(root, p)):
            visit(d)
        order.append(p)

    missing = [w for w in WANT if w.replace("-", "_") not in byname]
    for w in WANT:
        visit(w)
    return order, missing


def kernel_builtin(kitdir, sym):
    with open(os.path.join(kitdir, "config")) as f:
        for line in f:
            if line.startswith(f"CONFIG_{sym}="):
                return line.strip().split("=", 1)[1]
    return "n"


INIT = r"""#!/bin/busybox sh
# Kiln's Linux guest /init (support/linuxguest.py): modules, one mount, one
# command, then isa-debug-exit with its status.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
read up _ < /proc/uptime
echo "@@LG init uptime_s=$up"
awk '/^MemTotal:/{t=$2} /^MemFree:/{f=$2} /^MemAvailable:/{a=$2} END{print "@@LG mem total_kb=" t " free_kb=" f " available_kb=" a}' /proc/meminfo
for m in $(cat /modules.order); do insmod /lib/modules/$m 2>/tmp/insmod.err || { grep -q 'File exists' /tmp/insmod.err || cat /tmp/insmod.err; }; done
mkdir -p /mnt
st=0
if [ -n "$lg_fs" ]; then
  i=0
  case $lg_fs in ext4) while [ ! -b "$lg_src" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done ;; esac
  case $lg_fs in
    ext4) mount -t ext4 $lg_src /mnt ;;
    9p) mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000${lg_opts:+,$lg_opts} $lg_src /mnt ;;
    virtiofs) mount -t virtiofs $lg_src /mnt ;;
  esac || { echo "@@LG mount $lg_fs $lg_src failed"; st=3; }
  echo "@@LG mounted $lg_fs $lg_src"
fi
if [ $st = 0 ] && [ -n "$lg_cmd" ]; then
  $(echo "$lg_cmd" | tr ',' ' ')
  st=$?
fi
[ -n "$lg_fs" ] && { sync; umount /mnt; }
echo "@@LG status $st"
printf "\\$(printf %o $st)" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
poweroff -f
"""


def cpio_newc(entries, out):
    """entries: (name, mode, data or None (dirs) or link target str)."""
    ino = 1
    with open(out, "wb") as f:
        def put(name, mode, data):
            nonlocal ino
            nb = name.encode() + b"\0"
            rdev = (5, 1) if name == "dev/console" else (0, 0)
            hdr = "070701" + "".join(f"{x:08X}" for x in (
                ino, mode, 0, 0, 1, 0, len(data), 0, 0, *rdev, len(nb), 0))
            ino += 1
            f.write(hdr.encode() + nb)
            f.write(b"\0" * ((4 - (110 + len(nb)) % 4) % 4))
            f.write(data)
            f.write(b"\0" * ((4 - len(data) % 4) % 4))
        for name, mode, data in entries:
            put(name, mode, data if data is not None else b"")
        put("TRAILER!!!", 0, b"")


def initramfs(kitdir, out, bins):
    order, missing = module_order(kitdir)
    for w in missing:
        sym = {"virtio_mmio": "VIRTIO_MMIO", "virtio_pci": "VIRTIO_PCI", "virtio_blk": "VIRTIO_BLK",
               "ext4": "EXT4_FS", "jbd2": "JBD2", "mbcache": "FS_MBCACHE", "crc16": "CRC16",
               "crc32c_generic": "CRYPTO_CRC32C", "crc32c-intel": "CRYPTO_CRC32C_INTEL",
               "netfs": "NETFS_SUPPORT", "9pnet": "NET_9P", "9pnet_virtio": "NET_9P_VIRTIO",
               "9p": "9P_FS", "fuse": "FUSE_FS", "virtiofs": "VIRTIO_FS"}.get(w, "?")
        v = kernel_builtin(kitdir, sym)
        if v != "y":
            log(f"module {w} not found and CONFIG_{sym}={v}: that device will not work")
    D, F = stat.S_IFDIR | 0o755, stat.S_IFREG
    ents = [(d, D, None) for d in ("bin", "dev", "proc", "sys", "tmp", "mnt", "lib", "lib/modules")]
    # /dev/console as a real node (5,1): the kernel opens it before devtmpfs.
    ents.append(("dev/console", stat.S_IFCHR | 0o600, None))
    with open(os.path.join(kitdir, "busybox"), "rb") as f:
        ents.append(("bin/busybox", F | 0o755, f.read()))
    ents.append(("init", F | 0o755, INIT.encode()))
    names = []
    for p in order:
        src = os.path.join(kitdir, "modules", p)
        data = open(src, "rb").read()
        name = os.path.basename(p)
        if name.endswith(".xz"):
            data = subprocess.run(["xz", "-dc", src], capture_output=True, check=True).stdout
            name = name[:-3]
        elif name.endswith(".zst"):
            data = subprocess.run(["zstd", "-dc", src], capture_output=True, check=True).stdout
            name = name[:-4]
        ents.append((f"lib/modules/{name}", F | 0o644, data))
        names.append(name)
    ents.append(("modules.order", F | 0o644, ("\n".join(names) + "\n").encode()))
    for b in bins:
        with open(b, "rb") as f:
            ents.append((f"bin/{os.path.basename(b)}", F | 0o755, f.read()))
    cpio_newc(ents, out + ".tmp")
    os.replace(out + ".tmp", out)
    log(f"initramfs {out}: {len(names)} modules ({' '.join(n[:-3] for n in names)}), "
        f"{os.path.getsize(out)} bytes")


def run(kitdir, initrd, a):
    cmdline = ["console=ttyS0", "quiet", "panic=-1", "rdinit=/init", "tsc=reliable"]
    # Under QEMU TCG the guest's TSC is the host's, and the kernel's PIT
    # calibration fails on a loaded host (microvm has no HPET or ACPI PM
    # timer to fall back on; the boot then stalls): give it the frequency.
    mhz = re.search(r"^cpu MHz\s*:\s*([0-9.]+)", open("/proc/cpuinfo").read(), re.M)
    if mhz:
        cmdline.append(f"tsc_early_khz={int(float(mhz.group(1)) * 1000)}")
    qemu = os.environ.get("QEMU", "qemu-system-x86_64")
    accel = a.accel
    if accel == "auto":
        accel = "kvm" if os.access("/dev/kvm", os.W_OK) and re.search(
            r"\b(vmx|svm)\b", open("/proc/cpuinfo").read()) else "tcg"
    args = [qemu, "-machine", a.machine, "-accel", accel, "-nodefaults", "-no-user-config",
            "-display", "none", "-serial", "stdio", "-m", a.mem,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-no-reboot",
            "-kernel", os.path.join(kitdir, "vmlinuz"), "-initrd", initrd,
            "-cpu", "host" if accel == "kvm" else "max"]
    mmio = a.machine == "microvm"
    if mmio:
        args[2] = a.machine + ",acpi=on"
    vhost = []
    tmp = tempfile.mkdtemp(prefix="kiln-lg.")
    for i, d in enumerate(a.disk):
        args += ["-drive", f"file={d},if=none,id=lgd{i},format=raw",
                 "-device", f"{'virtio-blk-device' if mmio else 'virtio-blk-pci'},drive=lgd{i}"]
    memfd = False
    for i, s in enumerate(a.share):
        kind, tag, path = s.split(":", 2)
        if kind == "9p":
            args += ["-fsdev", f"local,id=lgf{i},path={path},security_model=none",
                     "-device", f"{'virtio-9p-device' if mmio else 'virtio-9p-pci'},fsdev=lgf{i},mount_tag={tag}"]
        elif kind == "virtiofs":
            sock = os.path.join(tmp, f"vfs{i}.sock")
            vlog = open(os.path.join(tmp, f"virtiofsd{i}.log"), "w")
            p = subprocess.Popen(["/usr/lib/qemu/virtiofsd", f"--socket-path={sock}", "-o",
                                  f"source={path}", "-o", "cache=auto"],
                                 stdout=vlog, stderr=subprocess.STDOUT)
            vhost.append(p)
            for _ in range(100):
                if os.path.exists(sock):
                    break
                time.sleep(0.05)
            args += ["-chardev", f"socket,id=lgc{i},path={sock}",
                     "-device", f"{'vhost-user-fs-device' if mmio else 'vhost-user-fs-pci'},chardev=lgc{i},tag={tag}"]
            memfd = True
        else:
            die(f"--share {s}: expected 9p:TAG:DIR or virtiofs:TAG:DIR")
    if memfd:
        # vhost-user needs the guest's RAM shareable with virtiofsd.
        args[2] += ",memory-backend=lgmem"
        args += ["-object", f"memory-backend-memfd,id=lgmem,size={a.mem},share=on"]
        if mmio:  # libvhost-user (virtiofsd) refuses legacy virtio: virtio-mmio version 2
            args += ["-global", "virtio-mmio.force-legacy=false"]
    if a.mount:
        fs, _, src = a.mount.partition(":")
        cmdline += [f"lg_fs={fs}", f"lg_src={src}"]
    if a.command:
        cmdline.append("lg_cmd=" + ",".join(a.command))
    args += ["-append", " ".join(cmdline)]
    if a.print_cmd:
        print("\n".join(args))
        return 0
    t0 = time.monotonic()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    first = {}
    status = None
    deadline = t0 + a.timeout
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    buf = b""
    out_lines = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            p.kill()
            log(f"the guest did not finish in {a.timeout} s")
            break
        if not sel.select(min(left, 1.0)):
            if p.poll() is not None:
                break
            continue
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            s = line.decode(errors="replace").rstrip("\r")
            now = (time.monotonic() - t0) * 1000
            if s.startswith("@@LG init") and "init" not in first:
                first["init"] = now
            out_lines.append(s)
            print(s, flush=True)
    rc = p.wait()
    err = p.stderr.read().decode(errors="replace")
    total = (time.monotonic() - t0) * 1000
    for v in vhost:
        v.terminate()
        try:
            v.wait(5)
        except subprocess.TimeoutExpired:
            v.kill()
    if vhost and (rc & 1) == 0:  # keep virtiofsd's log when the run failed
        for n in os.listdir(tmp):
            if n.endswith(".log"):
                print(f"--- {n}\n" + open(os.path.join(tmp, n)).read(), file=sys.stderr)
    shutil.rmtree(tmp, ignore_errors=True)
    if err.strip():
        print(err, file=sys.stderr, end="")
    facts = {}
    for s in out_lines:
        m = re.match(r"@@LG init uptime_s=([0-9.]+)", s)
        if m:
            facts["guest_uptime_at_init_ms"] = float(m.group(1)) * 1000
        m = re.match(r"@@LG mem total_kb=(\d+) free_kb=(\d+) available_kb=(\d+)", s)
        if m:
            t, f, av = map(int, m.groups())
            facts.update(mem_total_kb=t, mem_free_kb=f, mem_used_kb=t - av)
        m = re.match(r"@@LG status (\d+)", s)
        if m:
            status = int(m.group(1))
    if "init" in first:
        facts["boot_to_init_ms"] = round(first["init"], 1)
    facts["qemu_total_ms"] = round(total, 1)
    print("@@LG " + " ".join(f"{k}={v}" for k, v in facts.items()), flush=True)
    if rc & 1 and rc > 1:
        return rc >> 1
    if status is not None:
        return status
    log(f"QEMU exited with {rc} and the guest gave no status")
    return 2


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    k = sub.add_parser("kit")
    k.add_argument("deps")
    i = sub.add_parser("initramfs")
    i.add_argument("kit")
    i.add_argument("out")
    i.add_argument("--bin", action="append", default=[])
    r = sub.add_parser("run")
    r.add_argument("kit")
    r.add_argument("initrd")
    r.add_argument("--mem", default="256M")
    r.add_argument("--accel", default="auto")
    r.add_argument("--machine", default="microvm")
    r.add_argument("--disk", action="append", default=[])
    r.add_argument("--share", action="append", default=[])
    r.add_argument("--mount")
    r.add_argument("--timeout", type=float, default=600)
    r.add_argument("--print-cmd", action="store_true")
    argv, command = sys.argv[1:], []
    if "--" in argv:
        i = argv.index("--")
        argv, command = argv[:i], argv[i + 1:]
    a = ap.parse_args(argv)
    a.command = command
    if a.what == "kit":
        kit(a.deps)
    elif a.what == "initramfs":
        initramfs(a.kit, a.out, a.bin)
    else:
        for c in a.command:
            if "," in c or " " in c:
                die(f"command word '{c}': no commas or blanks (the kernel command line carries it)")
        sys.exit(run(a.kit, a.initrd, a))


if __name__ == "__main__":
    main()
