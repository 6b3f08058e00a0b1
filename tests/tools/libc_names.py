#!/usr/bin/env python3
"""The libc link test's name lists (docs/libc.md, "The link test").

  libc_names.py generate <image set build dir>   rewrite tests/compile/libc_names.txt
  libc_names.py source                           write tests/apps/linkall/names.h from the lists
  libc_names.py check                            names.h matches the lists (make test)

generate: every header an app can include (newlib's installed headers and
the app-visible include/ folders of Kiln's libraries, Kiln's copy where
both have one) is compiled alone with the flags of the given image set's
app (e.g. build/test/libc, whose defconfig has the file, socket and thread
libraries); gcc -aux-info lists the functions each declares (not those
defined inline in the header). Names starting with '_' are left out (the
implementation's own). The list is grouped by the header that declares
each name.

tests/compile/libc_pending.txt holds the names whose implementation is
another part of issue 14's (signals, mmap, entropy, identity, environment,
pthread extras): the link test references them weakly and reports which
of them link, without failing. Every other name must link."""
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
NAMES = os.path.join(SRC, "tests/compile/libc_names.txt")
PENDING = os.path.join(SRC, "tests/compile/libc_pending.txt")
HEADER = os.path.join(SRC, "tests/apps/linkall/names.h")

# Headers that are not for apps: newlib's internals and machine glue, the
# assembler-only and other-OS ones, lwIP's own tree (apps see Kiln's socket
# headers), and Kiln's kernel headers.
SKIP_DIRS = ("machine/", "sys/_", "rpc/", "ssp/", "bits/", "kiln/", "lwip/", "netif/", "arch/", "compat/")
SKIP = {"regdef.h", "envlock.h", "sys/config.h", "sys/features.h", "sys/lock.h", "sys/reent.h",
        "reent.h", "newlib.h", "_ansi.h", "_newlib_version.h", "_syslist.h", "sys/custom_file.h",
        "sys/iconvnls.h", "ieeefp.h", "fastmath.h", "sys/cdefs.h", "sys/dir.h"}


def read_list(path):
    names = []
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


def read_groups(path):
    """[(header, [names])] from a list file: '# <header>' lines start groups."""
    groups, cur = [], None
    for line in open(path):
        s = line.strip()
        if s.startswith("# <") and s.endswith(">"):
            cur = (s[3:-1], [])
            groups.append(cur)
        elif s and not s.startswith("#"):
            if cur is None:
                cur = ("?", [])
                groups.append(cur)
            cur[1].append(s)
    return groups


def app_flags(setdir):
    out = subprocess.run(["ninja", "-C", os.path.join(setdir, "obj"), "-t", "commands"], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        if "kiln_app.dir" in line and line.rstrip().endswith(".c"):
            words = shlex.split(line)
            flags, skip = [], False
            for w in words[1:]:
                if skip:
                    skip = False
                    continue
                if w in ("-o", "-c", "-MF", "-MT"):
                    skip = True
                    continue
                if w in ("-MD",) or w.endswith(".c"):
                    continue
                flags.append(w)
            return words[0], flags
    sys.exit(f"libc_names: no app compile command in {setdir}/obj")


def include_roots(flags):
    roots = []
    for i, f in enumerate(flags):
        d = f[2:] if f.startswith("-I") and len(f) > 2 else (f[8:] if f.startswith("-isystem") and len(f) > 8 else None)
        if d is None and f in ("-I", "-isystem"):
            d = flags[i + 1]
        if d and os.path.isdir(d):
            if "/gcc/" in d or d.startswith(os.path.join(SRC, "tests")) or d.endswith("/kcxx/include"):
                continue  # gcc's own (intrinsics), the app, Kiln's kernel support
            if os.path.basename(os.path.dirname(d)) != "include" and d.endswith("/include") and \
               os.path.isfile(os.path.join(d, "kiln", "config.h")):
                continue  # the generated config header folder
            roots.append(d)
    return roots


def headers(roots):
    seen = {}
    for r in roots:  # in include order: Kiln's folders first, so its copy wins
        for dp, _, files in os.walk(r):
            for f in files:
                if not f.endswith(".h"):
                    continue
                rel = os.path.relpath(os.path.join(dp, f), r)
                if rel in SKIP or rel.startswith(SKIP_DIRS) or os.path.basename(rel).startswith("_"):
                    continue
                seen.setdefault(rel, r)
    return sorted(seen)


AUX = re.compile(r"^/\* (.+?):(\d+):([NO])([CF]) \*/ (.*)$")


def declared(cc, flags, header, tmp):
    c = os.path.join(tmp, "h.c")
    with open(c, "w") as f:
        f.write(f"#define _GNU_SOURCE 1\n#include <{header}>\n")
    aux = os.path.join(tmp, "aux.txt")
    r = subprocess.run([cc] + flags + ["-w", "-aux-info", aux, "-c", c, "-o", os.path.join(tmp, "h.o")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None
    names = []
    for line in open(aux):
        m = AUX.match(line)
        if not m or m.group(4) != "C":
            continue
        decl = m.group(5)
        # the name is the identifier before the parameter list's '('
        mm = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*\((?!\*)", decl)
        if not mm:
            continue
        names.append((m.group(1), mm.group(1)))
    return names


def owner_of(path, roots):
    """The header (relative to its include root) that declares a name."""
    path = os.path.realpath(path)
    for r in roots:
        r = os.path.realpath(r)
        if path.startswith(r + "/"):
            return os.path.relpath(path, r)
    return None


def generate(setdir):
    cc, flags = app_flags(setdir)
    roots = include_roots(flags)
    by_header, seen, failed = {}, set(), []
    with tempfile.TemporaryDirectory() as tmp:
        included = []
        for h in headers(roots):
            d = declared(cc, flags, h, tmp)
            if d is None:
                failed.append(h)
                continue
            included.append(h)
            for path, name in d:
                if name.startswith("_") or name in seen or name == "main":
                    continue
                if "/gcc/" in path:
                    continue  # gcc's builtins and intrinsics
                owner = owner_of(path, roots)
                if owner is None:
                    continue
                seen.add(name)
                by_header.setdefault(owner, []).append(name)
    got = [(h, sorted(n)) for h, n in sorted(by_header.items())]
    with open(NAMES, "w") as f:
        f.write("# Every function an app's headers declare (tests/tools/libc_names.py generate; do not edit).\n")
        f.write("# The link test (tests/apps/linkall) takes the address of each; docs/libc.md.\n")
        f.write("# Grouped by the header that declares them; the test includes these:\n")
        for i in range(0, len(included), 12):
            f.write("# headers: " + " ".join(included[i:i + 12]) + "\n")
        for h, names in got:
            f.write(f"# <{h}>\n")
            for n in names:
                f.write(n + "\n")
    if failed:
        print("libc_names: headers that do not compile alone (left out):", " ".join(failed))
    print(f"libc_names: {sum(len(n) for _, n in got)} names from {len(got)} headers -> {NAMES}")


def render():
    pending = set(read_list(PENDING))
    groups = read_groups(NAMES)
    incs = [h for line in open(NAMES) if line.startswith("# headers: ") for h in line.split()[2:]]
    out = ["/* Generated by tests/tools/libc_names.py source from tests/compile/libc_names.txt and",
           " * libc_pending.txt: do not edit. */", ""]
    out.append("#define _GNU_SOURCE 1")
    for h in incs:
        out.append(f"#include <{h}>")
    out += ["", "#define LINKALL_NAMES \\"]
    for h, names in groups:
        for n in names:
            if n not in pending:
                out.append(f"  N({n}) \\")
    out += ["", "#define LINKALL_PENDING \\"]
    for h, names in groups:
        for n in names:
            if n in pending:
                out.append(f"  P({n}) \\")
    out.append("")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "generate":
        generate(sys.argv[2])
    elif len(sys.argv) == 2 and sys.argv[1] == "source":
        with open(HEADER, "w") as f:
            f.write(render())
    elif len(sys.argv) == 2 and sys.argv[1] == "check":
        names = {n for _, ns in read_groups(NAMES) for n in ns}
        stray = [n for n in read_list(PENDING) if n not in names]
        if stray:
            sys.exit("libc_names: pending names not in libc_names.txt: " + " ".join(stray))
        if open(HEADER).read() != render():
            sys.exit("libc_names: tests/apps/linkall/names.h is stale: run tests/tools/libc_names.py source")
        print(f"libc_names: {len(names)} names, {len(read_list(PENDING))} pending; names.h up to date")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
