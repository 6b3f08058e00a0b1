#!/usr/bin/python3
"""`make bench BENCH=storage` (support/bench.sh bench_storage; docs/bench.md).

  bench_storage.py SRC WORK RESULTS REPS KIT INITRD HOSTBIN LINUXU_IMG [KVM_IMG:FS ...]

tests/bench/storebench in three places, one run:
- linuxu: the Kiln image over hostfs (a host folder at /data) against the
  host program (glibc) on the same folder. Cold reads: the file's pages are
  evicted from the host's page cache (posix_fadvise DONTNEED) before a fresh
  process reads it, for both sides alike.
- the Linux guest (support/linuxguest.py: Debian's kernel, busybox
  initramfs, the static storebench) on each of virtio-blk + ext4, 9p and
  virtio-fs, under the same QEMU, machine, accelerator and -m as Kiln's kvm
  images; cold reads after drop_caches in the guest.
- Kiln kvm images for the filesystems the tree has (given as IMG:FS, FS one
  of ext4, 9p, virtiofs), same devices; rows for the others say what they
  need.
Rows go to RESULTS (TSV: part, metric, unit, median, min); ratios Kiln /
Linux guest and Kiln hostfs / host are printed and recorded as rows too.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

SRC, WORK, RESULTS, REPS, KIT, INITRD, HOSTBIN, LINUXU = sys.argv[1:9]
WORK = os.path.abspath(WORK)  # hostfs wants an absolute host path
KVM = dict(reversed(x.rsplit(":", 1)) for x in sys.argv[9:])  # fs -> image
REPS = int(REPS)
MEM = os.environ.get("STORAGE_MEM", "256M")
ACCEL = os.environ.get("STORAGE_ACCEL", "auto")  # run.sh's choice: KVM if usable, else TCG
SIZE = os.environ.get("STORAGE_FILE_MIB", "16")
OPS = os.environ.get("STORAGE_OPS", "2000")
LINUXU_ARGS = ["-s", SIZE, "-n", os.environ.get("STORAGE_LINUXU_OPS", "20000"), "-f", os.environ.get("STORAGE_LINUXU_FILES", "2000")]
FILES = os.environ.get("STORAGE_FILES", "500")
ARGS = ["-s", SIZE, "-n", OPS, "-f", FILES]
LG = os.path.join(SRC, "support", "linuxguest.py")
RUN = os.path.join(SRC, "support", "run.sh")
vals = {}  # (part, metric) -> [values]
notes = []


def say(msg):
    print(f"bench: storage: {msg}", flush=True)


def parse(out, part):
    got = 0
    for line in out.splitlines():
        m = re.match(r"^result (\S+) ([0-9.eE+-]+)\s*$", line.strip())
        if m:
            vals.setdefault((part, m.group(1)), []).append(float(m.group(2)))
            got += 1
        elif line.startswith("storebench: error") or line.startswith("storebench: drop"):
            if line not in notes:
                notes.append(f"{part}: {line.strip()}")
    return got


def unit(metric):
    return "MB/s" if metric.endswith("MBps") else "ops/s" if metric.endswith(("iops", "_per_s")) else \
        "ms" if metric.endswith("_ms") else "KiB" if metric.endswith("_kb") else "x"


def evict(path):
    """Drop one file's pages from the host's page cache (only that file)."""
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)


def linuxu_part():
    d = os.path.join(WORK, "hostdir")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    fs = subprocess.run(["stat", "-f", "-c", "%T", d], capture_output=True, text=True).stdout.strip()
    say(f"linuxu: Kiln hostfs vs the host program on {d} ({fs}), {REPS} runs interleaved")
    sides = {"storage-linuxu/host": [HOSTBIN, *LINUXU_ARGS, d],
             "storage-linuxu/kiln-hostfs": [LINUXU, f"vfs.mount=hostfs:/data:{d}", "--", *LINUXU_ARGS, "/data"]}
    for _ in range(REPS):
        for part, cmd in sides.items():
            def go(*tests, cold=False):
                c = cmd[:-1] + (["-c"] if cold else []) + cmd[-1:] + list(tests)
                if part.endswith("kiln-hostfs"):  # options go before the image's `--`
                    i = cmd.index("--")
                    c = cmd[:i + 1] + (["-c"] if cold else []) + cmd[i + 1:] + list(tests)
                r = subprocess.run(c, capture_output=True, text=True, timeout=600)
                if r.returncode != 0 or not parse(r.stdout, part):
                    say(f"{part}: {' '.join(c)} failed ({r.returncode}): {(r.stdout + r.stderr)[-300:]}")
            go("seqwrite", "randwrite1", "randwrite16")
            for t in ("seqread", "randread1", "randread16"):
                try:
                    evict(os.path.join(d, "storebench.dat"))
                except OSError as e:
                    say(f"cannot evict the file ({e}); the write run failed?")
                go(t, t, cold=True)
            go("create", "clean")
    shutil.rmtree(d, ignore_errors=True)


def fresh_target(fs):
    """A new ext4 disk image or an empty shared folder, the same for both."""
    if fs == "ext4":
        img = os.path.join(WORK, "ext4.img")
        if os.path.exists(img):
            os.unlink(img)
        subprocess.run(["truncate", "-s", "128M", img], check=True)
        # 4 KiB blocks, as a cloud disk has (mke2fs would pick 1 KiB at this size).
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", img], check=True)
        return img
    d = os.path.join(WORK, f"share-{fs}")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def linux_guest(fs, part):
    t = fresh_target(fs)
    cmd = ["/usr/bin/python3", LG, "run", KIT, INITRD, "--accel", ACCEL, "--mem", MEM, "--timeout", "900"]
    if fs == "ext4":
        cmd += ["--disk", t, "--mount", "ext4:/dev/vda"]
    else:
        cmd += ["--share", f"{fs}:kb:{t}", "--mount", f"{fs}:kb"]
    cmd += ["--", "/bin/storebench", "-D", *ARGS, "/mnt"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1000)
    if not parse(r.stdout, part):
        say(f"{part}: no results (status {r.returncode}): {(r.stdout + r.stderr)[-600:]}")
    boot_facts(r.stdout, "linuxguest/" + fs)


def boot_facts(out, part):
    for line in out.splitlines():
        if line.startswith("@@LG ") and "=" in line and "boot_to_init_ms" in line:
            for kv in line[5:].split():
                k, _, v = kv.partition("=")
                vals.setdefault((part, k), []).append(float(v))


def kiln_kvm(fs, img, part):
    t = fresh_target(fs)
    cmd = [RUN, "--accel", ACCEL, "--mem", MEM, "--image", img]
    if fs == "ext4":
        cmd += ["--disk", t]
        mount = "vfs.mount=ext4:/data:vda"
    else:
        cmd += ["--share", f"{fs}:kb:{t}"]
        mount = f"vfs.mount={fs}:/data:kb"
    cmd += ["--append", f"{mount} -- {' '.join(ARGS)} /data"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if r.returncode != 0 or not parse(r.stdout, part):
        say(f"{part}: failed (status {r.returncode}): {(r.stdout + r.stderr)[-600:]}")


def kvm_part():
    names = {"ext4": "virtio-blk + ext4", "9p": "9p (virtio-9p)", "virtiofs": "virtio-fs (virtiofsd)"}
    needs = {"ext4": "LIBEXTFS", "9p": "LIB9PFS", "virtiofs": "LIBVIRTIOFS"}
    for fs in ("ext4", "9p", "virtiofs"):
        have = fs in KVM
        say(f"kvm (accel {ACCEL}, -m {MEM}): {names[fs]}: the Linux guest"
            + (" and Kiln" if have else f"; no Kiln row (the tree has no {needs[fs]})")
            + f", {REPS} boots each, interleaved")
        if not have:
            notes.append(f"storage-{fs}/kiln: not measured: needs {needs[fs]}")
        for _ in range(REPS):
            linux_guest(fs, f"storage-{fs}/linux-guest")
            if have:
                kiln_kvm(fs, KVM[fs], f"storage-{fs}/kiln")


def boot_part():
    say(f"the Linux guest alone (no devices): boot to /init and memory, {REPS} boots")
    for _ in range(REPS):
        r = subprocess.run(["/usr/bin/python3", LG, "run", KIT, INITRD, "--accel", ACCEL, "--mem", MEM,
                            "--timeout", "300"], capture_output=True, text=True)
        boot_facts(r.stdout, "linuxguest/boot")


def main():
    os.makedirs(WORK, exist_ok=True)
    parts = os.environ.get("STORAGE_PARTS", "linuxu kvm boot").split()
    if "linuxu" in parts:
        linuxu_part()
    if "boot" in parts:
        boot_part()
    if "kvm" in parts:
        kvm_part()
    med = {k: statistics.median(v) for k, v in vals.items()}
    with open(RESULTS, "a") as f:
        for (part, metric), v in sorted(vals.items()):
            f.write(f"{part}\t{metric}\t{unit(metric)}\t{statistics.median(v):.3f}\t{min(v):.3f}\n")
        # Ratios (rates: above 1 is faster than the reference).
        for (part, metric), m in sorted(med.items()):
            group, _, side = part.partition("/")
            ref = {"kiln": "linux-guest", "kiln-hostfs": "host"}.get(side)
            if ref and med.get((f"{group}/{ref}", metric)):
                x = m / med[(f"{group}/{ref}", metric)]
                f.write(f"{group}-ratio/{side}-to-{ref}\t{metric}\tx\t{x:.3f}\t{x:.3f}\n")
        for n in notes:
            if ": not measured: needs " in n:
                part, _, need = n.partition(": not measured: needs ")
                f.write(f"{part}\tall\tneeds {need} (probe found no such Kconfig symbol)\t-\t-\n")
    # A table per group: one column per side.
    groups = {}
    for (part, metric) in med:
        g, _, side = part.partition("/")
        groups.setdefault(g, {}).setdefault(side, {})[metric] = med[(part, metric)]
    for g in sorted(groups):
        sides = sorted(groups[g])
        metrics = sorted({m for s in sides for m in groups[g][s]})
        print(f"\n{g} (medians of {REPS})")
        print(f"  {'metric':<32}" + "".join(f"{s:>16}" for s in sides))
        for mt in metrics:
            print(f"  {mt:<32}" + "".join(f"{groups[g][s].get(mt, float('nan')):>16.1f}" for s in sides))
    for n in notes:
        print(f"bench: storage: note: {n}")


if __name__ == "__main__":
    main()
