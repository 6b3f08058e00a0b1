#!/usr/bin/python3
"""The archives the initrd image tests give at boot (tests/images.cmake).

  make_archives.py OUTDIR

external.cpio (support/mkcpio.py of a folder made here), external-crc.cpio
(the same as 070702), bad-magic.cpio (the second header's magic broken)
truncated.cpio (cut inside a file's data) and large.cpio (one 3 MiB
file: bigger than main's stack, which kvm takes from the top of memory
where QEMU puts the initrd, so a heap that overlapped it would show). Deterministic: the tests
expect fixed offsets and checksums.
"""
import os, sys, tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "support"))
import mkcpio

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
with tempfile.TemporaryDirectory() as d:
    os.makedirs(os.path.join(d, "boot"))
    with open(os.path.join(d, "boot", "message.txt"), "w") as f:
        f.write("given at boot\n")
    with open(os.path.join(d, "boot", "big.bin"), "wb") as f:
        f.write(bytes((i * 7919 + (i >> 8)) & 0xff for i in range(200 * 1024)))
    os.symlink("message.txt", os.path.join(d, "boot", "link"))
    entries = mkcpio.walk(d)
good = mkcpio.archive(entries)
crc = mkcpio.archive(entries, crc=True)
second = len(mkcpio.entry(*entries[0][:3], ino=1))
bad = bytearray(good)
bad[second:second + 6] = b"070707"
cut = good[:second + 110 + 1000]

large = mkcpio.archive([("large.bin", 0o100644, bytes((i * 31 + (i >> 12)) & 0xff for i in range(3 << 20)))])
for name, data in (("large.cpio", large), ("external.cpio", good), ("external-crc.cpio", crc), ("bad-magic.cpio", bytes(bad)),
                   ("truncated.cpio", cut)):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
