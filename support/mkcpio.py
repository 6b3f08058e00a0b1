#!/usr/bin/python3
"""Make a cpio "newc" archive of a folder, reproducibly (docs/initrd.md).

  mkcpio.py [--crc] [--mtime N] FOLDER OUT.cpio

Entries are the folder's contents (not the folder itself), named relative
to it ("etc/hosts", no leading "./"), in sorted order with every directory
before what it holds. Owner and group are 0, every mtime is N (default 0),
inodes are numbered 1, 2, ... in that order, modes are normalised (0755 for
directories and files the owner may execute, 0644 for other files, 0777 for
symlinks), so the same folder gives the same bytes on every machine. Regular
files, directories and symlinks (stored as links, not followed) only;
anything else is refused. Hard links (regular files sharing an inode in
FOLDER) are stored as newc stores them: one entry per name, all with the
same inode number and the link count, the data only with the last of them
(the others have size 0); names outside FOLDER are not counted in the
link count.
--crc writes the 070702 variant (a checksum of each file's data).

As a module (tests): `archive(entries, crc=False)` with entries a list of
(name, mode, data) or (name, mode, data, link) gives the archive's bytes,
entries with the same `link` key (not None) being hard links of one file;
`header(...)` one header.
No external tool is needed.
"""
import os
import stat
import sys

TRAILER = "TRAILER!!!"


def _pad(n):
    return (4 - n % 4) % 4


def header(name, mode, size, ino=0, nlink=1, mtime=0, uid=0, gid=0, check=0, crc=False,
           devmajor=0, devminor=0, rdevmajor=0, rdevminor=0, namesize=None):
    """One header and its name (NUL and padding included), at an offset that is a multiple of 4."""
    raw = name.encode() if isinstance(name, str) else name
    ns = len(raw) + 1 if namesize is None else namesize
    fields = (ino, mode, uid, gid, nlink, mtime, size, devmajor, devminor, rdevmajor, rdevminor, ns, check)
    h = ("070702" if crc else "070701").encode() + b"".join(b"%08x" % f for f in fields)
    h += raw + b"\0"
    return h + b"\0" * _pad(len(h))


def entry(name, mode, data=b"", ino=0, mtime=0, crc=False, nlink=None, **kw):
    if nlink is None:
        nlink = 2 if stat.S_ISDIR(mode) else 1
    check = sum(data) & 0xffffffff if crc else 0
    out = header(name, mode, len(data), ino=ino, nlink=nlink, mtime=mtime, check=check, crc=crc, **kw)
    return out + data + b"\0" * _pad(len(data))


def archive(entries, crc=False, mtime=0):
    """entries: (name, mode, data[, link]) in the order to store them; ends with the trailer.

    Inodes are numbered 1, 2, ... in entry order; the entries of one link
    key share the first one's number, count the names in nlink, and only
    the last one carries the data (as GNU cpio writes newc)."""
    entries = [tuple(e) + (None,) * (4 - len(e)) for e in entries]
    names, last = {}, {}
    for i, (_, _, _, link) in enumerate(entries):
        if link is not None:
            names[link] = names.get(link, 0) + 1
            last[link] = i
    out = bytearray()
    inos, next_ino = {}, 1
    for i, (name, mode, data, link) in enumerate(entries):
        nlink = None
        if link is not None and names[link] > 1:
            if link not in inos:
                inos[link] = next_ino
                next_ino += 1
            ino, nlink = inos[link], names[link]
            if last[link] != i:
                data = b""
        else:
            ino = next_ino
            next_ino += 1
        out += entry(name, mode, data, ino=ino, mtime=mtime, crc=crc, nlink=nlink)
    out += header(TRAILER, 0, 0, nlink=1, crc=crc)
    return bytes(out)


def walk(folder):
    """(name, mode, data, link) for everything under folder, sorted, parents first.

    link is (st_dev, st_ino) for a regular file with more than one name,
    else None."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for n in dirs + sorted(files):
            path = os.path.join(root, n)
            rel = os.path.relpath(path, folder).replace(os.sep, "/")
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                found.append((rel, 0o120777, os.readlink(path).encode(), None))
            elif stat.S_ISDIR(st.st_mode):
                found.append((rel, 0o040755, b"", None))
                # os.walk does not descend into symlinked folders: nothing to stop.
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    data = f.read()
                perm = 0o755 if st.st_mode & stat.S_IXUSR else 0o644
                link = (st.st_dev, st.st_ino) if st.st_nlink > 1 else None
                found.append((rel, 0o100000 | perm, data, link))
            else:
                raise ValueError(f"{path}: not a file, folder or symlink (cpio entries of that kind are not made)")
    # Sorted by path components, so "a/b" comes right after "a" (and before "a-b").
    found.sort(key=lambda e: e[0].split("/"))
    return found


def main(argv):
    crc = False
    mtime = 0
    args = []
    it = iter(argv)
    for a in it:
        if a == "--crc":
            crc = True
        elif a == "--mtime":
            mtime = int(next(it, "0"))
        elif a.startswith("-"):
            print(f"mkcpio: unknown option {a}", file=sys.stderr)
            return 2
        else:
            args.append(a)
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    folder, out = args
    if not os.path.isdir(folder):
        print(f"mkcpio: {folder}: not a folder", file=sys.stderr)
        return 1
    try:
        data = archive(walk(folder), crc=crc, mtime=mtime)
    except (OSError, ValueError) as e:
        print(f"mkcpio: {e}", file=sys.stderr)
        return 1
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
