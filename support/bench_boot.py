#!/usr/bin/python3
"""Boot benchmark for `make bench` (part boot). In one run:
  - whole QEMU process time of helloworld vs a floor image that exits at its
    first instruction, same QEMU command line, runs interleaved;
  - guest time from the first instruction to main (boot.trace=1);
  - image size (stripped file, `size` of the .dbg);
  - the smallest -m with which helloworld still runs.
Appends rows (part, metric, unit, median, min) to a TSV file.

  bench_boot.py <kiln src> <helloworld build dir> <work dir> <results.tsv> <reps>
"""
import os
import re
import statistics
import subprocess
import sys
import time


def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main(src, bdir, work, tsv, reps):
    os.makedirs(work, exist_ok=True)
    hello = os.path.join(bdir, "helloworld_kvm-x86_64")
    run = os.path.join(src, "support/run.sh")
    rows = []

    def record(metric, unit, values):
        rows.append(("boot/kvm-tcg", metric, unit, statistics.median(values), min(values)))

    # The floor image.
    floor = os.path.join(work, "floor")
    obj = floor + ".o"
    r = sh(["as", "--32", os.path.join(src, "tests/bench/floor/floor.S"), "-o", obj])
    r = r.returncode or sh(["ld", "-m", "elf_i386", "-Ttext=0x100000", "-e", "_start", obj, "-o", floor]).returncode
    if r:
        sys.exit("bench: cannot build the floor image")

    cmd = sh([run, "--accel", "tcg", "--print-cmd", os.path.join(work, "pvh"), "--image", hello]).stdout.split("\n")[:-1]
    k = cmd.index("-kernel")
    floor_cmd = cmd[:k + 1] + [floor] + cmd[k + 2:]

    def timed(c, want_status):
        t0 = time.perf_counter()
        p = subprocess.run(c, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        dt = (time.perf_counter() - t0) * 1000
        if p.returncode != want_status:
            sys.exit(f"bench: {c[k+1]} exited {p.returncode}, expected {want_status}")
        return dt, p.stdout.decode(errors="replace")

    timed(floor_cmd, 1)  # warm caches
    timed(cmd, 1)
    f_ms, h_ms, diffs = [], [], []
    for _ in range(reps):
        a, _ = timed(floor_cmd, 1)
        b, out = timed(cmd, 1)
        if "Hello world!" not in out:
            sys.exit("bench: helloworld did not print Hello world!")
        f_ms.append(a)
        h_ms.append(b)
        diffs.append(b - a)
    record("qemu_process_floor_ms", "ms", f_ms)
    record("qemu_process_hello_ms", "ms", h_ms)
    record("hello_minus_floor_ms", "ms", diffs)
    record("hello_over_floor_ratio", "x", [b / a for a, b in zip(f_ms, h_ms)])

    # Guest time from the first instruction to main.
    us, cycles = [], []
    for _ in range(max(3, reps // 4)):
        out = sh([run, "--accel", "tcg", "--image", hello, "--append", "boot.trace=1 log.level=info --"]).stdout
        m = re.search(r"boot.trace: (\d+) TSC cycles from the first instruction to main \((\d+) us", out)
        if not m:
            sys.exit("bench: no boot.trace line in:\n" + out)
        cycles.append(int(m.group(1)))
        us.append(int(m.group(2)))
    record("entry_to_main_us", "us", us)
    record("entry_to_main_cycles", "cycles", cycles)

    # Size.
    size = os.path.getsize(hello)
    rows.append(("boot/image", "helloworld_kvm_stripped_bytes", "bytes", size, size))
    text, data, bss = map(int, sh(["size", hello + ".dbg"]).stdout.splitlines()[1].split()[:3])
    for name, v in (("text", text), ("data", data), ("bss", bss)):
        rows.append(("boot/image", f"helloworld_kvm_{name}_bytes", "bytes", v, v))
    lsize = os.path.getsize(os.path.join(bdir, "helloworld_linuxu-x86_64"))
    rows.append(("boot/image", "helloworld_linuxu_stripped_bytes", "bytes", lsize, lsize))

    # Smallest -m (KiB, 64 KiB steps) at which helloworld still runs.
    def runs_with(kib):
        p = sh([run, "--accel", "tcg", "--mem", f"{kib}K", "--image", hello])
        return p.returncode == 0 and "Hello world!" in p.stdout
    lo, hi = 256, 8192
    if not runs_with(hi):
        sys.exit("bench: helloworld does not run in 8 MiB")
    while hi - lo > 64:
        mid = (lo + hi) // 2 // 64 * 64
        if runs_with(mid):
            hi = mid
        else:
            lo = mid
    rows.append(("boot/kvm-tcg", "smallest_mem_kib", "KiB", hi, hi))

    with open(tsv, "a") as f:
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
