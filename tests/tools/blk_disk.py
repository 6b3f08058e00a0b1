#!/usr/bin/env python3
"""Disk images for the virtio-blk image tests (tests/apps/blk).

  blk_disk.py make FILE    an 8 MiB raw disk whose first 4 KiB hold
                           (i*13+5) & 0xff and the rest zeros
  blk_disk.py check FILE   after `blk write`: the first 4 KiB unchanged,
                           1 MiB at byte 4096 holds the guest's pattern
                           (off*7 + off//4096) & 0xff, everything after zero
Prints one line per finding; exits 1 when the disk is not as expected.
"""
import sys

SIZE = 8 << 20
HEAD = 4096
PAT_OFF, PAT_LEN = 4096, 1 << 20


def head():
    return bytes((i * 13 + 5) & 0xFF for i in range(HEAD))


def pattern():
    return bytes(((o * 7 + o // 4096) & 0xFF) for o in range(PAT_OFF, PAT_OFF + PAT_LEN))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "check"):
        sys.exit(__doc__)
    path = sys.argv[2]
    if sys.argv[1] == "make":
        with open(path, "wb") as f:
            f.write(head())
            f.truncate(SIZE)
        print(f"blk_disk: made {path}")
        return 0
    data = open(path, "rb").read()
    bad = []
    if len(data) != SIZE:
        bad.append(f"size {len(data)}, expected {SIZE}")
    if data[:HEAD] != head():
        bad.append("the first 4 KiB changed")
    got = data[PAT_OFF:PAT_OFF + PAT_LEN]
    if got != pattern():
        first = next((i for i, (a, b) in enumerate(zip(got, pattern())) if a != b), len(got))
        bad.append(f"the pattern differs at byte {PAT_OFF + first}")
    if data[PAT_OFF + PAT_LEN:].count(0) != SIZE - PAT_OFF - PAT_LEN:
        bad.append("bytes after the pattern are not zero")
    for b in bad:
        print(f"blk_disk: {path}: {b}")
    if not bad:
        print(f"blk_disk: {path}: the guest's 1 MiB pattern is on the disk, nothing else changed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
