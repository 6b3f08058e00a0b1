#!/usr/bin/python3
"""Kiln's compiler driver for foreign build systems (docs/porting.md).

The wrappers a Kiln build writes into <build>/toolchain/bin
(x86_64-kiln-linux-gnu-gcc, -g++, -cc, -c++) run this script:

  kiln-cc.py <toolchain.json> c|c++ [gcc arguments...]

Compiling (-c, -S, -E, -M): the host's gcc/g++ with the image's flags and
headers (newlib, libstdc++, Kiln's app-visible headers, <kiln/config.h>)
put before the caller's arguments, so a build's own -O, -std, -D and -I
still win. Linking: a real Kiln image for the first platform of the
configuration (the "link kit", <build>/toolchain/kit/libkiln-<plat>.a,
linked whole), so a configure script's link tests see exactly the
functions an image has. Each link also writes <output>.kiln-inputs: the
objects and archives it was given, resolved to absolute paths, in order;
a recipe's final step links those into every platform's image.

Things a static single-address-space image cannot have are refused with
one line: -shared (shared libraries). Libraries Kiln itself provides
(-lc -lm -lpthread -ldl -lrt -lutil -lcrypt -lresolv -lstdc++ ...) are
accepted and dropped: their functions are in the kit and the C library.
"""
import json
import os
import sys

# Provided by the image itself (kit, newlib, libstdc++, libgcc): accepted, dropped.
PROVIDED = {"c", "m", "pthread", "dl", "rt", "util", "crypt", "resolv", "xnet", "stdc++", "supc++",
            "gcc", "gcc_s", "gcc_eh", "atomic", "nsl", "anl"}
# Link options that mean nothing for a static image: dropped.
DROP_LINK = {"-rdynamic", "-pie", "-static-pie", "-static-libgcc", "-static-libstdc++", "-pthread",
             "-pthreads", "-export-dynamic", "-no-pie", "-static"}
COMPILE_ONLY = {"-c", "-S", "-E", "-M", "-MM"}
QUERY_PREFIX = ("-print-", "--print-", "-dump", "--version", "-v", "--help", "-###")
# Options whose value is the next word.
WITH_VALUE = {"-o", "-I", "-L", "-D", "-U", "-include", "-imacros", "-isystem", "-idirafter",
              "-iquote", "-x", "-MF", "-MT", "-MQ", "-Xlinker", "-Xassembler", "-Xpreprocessor",
              "-T", "-u", "-e", "--param", "-aux-info", "-l"}


def die(msg):
    print(f"kiln-cc: error: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ("c", "c++"):
        die("usage: kiln-cc.py <toolchain.json> c|c++ [arguments]")
    with open(sys.argv[1]) as f:
        tc = json.load(f)
    lang = sys.argv[2]
    args = sys.argv[3:]
    compiler = tc["cxx"] if lang == "c++" else tc["cc"]
    cflags = tc["cxxflags"] if lang == "c++" else tc["cflags"]

    if not args or any(a.startswith(QUERY_PREFIX) for a in args) and not any(
            a in COMPILE_ONLY for a in args) and not has_inputs(args):
        # `gcc --version`, `gcc -dumpmachine`, `gcc -print-file-name=x`: the host compiler answers.
        os.execv(compiler, [compiler] + args)

    if "-shared" in args:
        die("shared libraries cannot be linked into a Kiln image (one static image); "
            "configure the project for static libraries only (e.g. --disable-shared)")
    linking = not any(a in COMPILE_ONLY for a in args)
    if not linking:
        os.execv(compiler, [compiler] + cflags + args)

    # Link (maybe with compilation first): a real image for the kit's platform.
    user, inputs, out = [], [], "a.out"
    libdirs = []
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if a in WITH_VALUE and a not in ("-l", "-L", "-o"):
            user += [a, nxt] if nxt is not None else [a]
            i += 2
            continue
        if a == "-o" or (a.startswith("-o") and len(a) > 2):
            out = nxt if a == "-o" else a[2:]
            user += ["-o", out]
            i += 2 if a == "-o" else 1
            continue
        if a == "-L" or a.startswith("-L"):
            d = nxt if a == "-L" else a[2:]
            libdirs.append(os.path.abspath(d))
            user += ["-L", d]
            i += 2 if a == "-L" else 1
            continue
        if a == "-l" or a.startswith("-l"):
            name = nxt if a == "-l" else a[2:]
            i += 2 if a == "-l" else 1
            if name in PROVIDED:
                continue
            found = None
            for d in libdirs + tc.get("libdirs", []):
                for cand in (f"lib{name}.a",):
                    p = os.path.join(d, cand)
                    if os.path.isfile(p):
                        found = p
                        break
                if found:
                    break
            if not found:
                die(f"cannot find -l{name}: no lib{name}.a in {', '.join(libdirs) or 'the -L folders'} "
                    f"(a Kiln image links static archives only; build the library for Kiln: docs/porting.md)")
            inputs.append(found)
            user.append(found)
            continue
        if a in DROP_LINK or a.startswith("-Wl,-rpath") or a.startswith("-Wl,--export-dynamic") \
                or a.startswith("-Wl,-soname") or a.startswith("-Wl,--version-script") \
                or a.startswith("-Wl,-E") or a == "-Wl,--as-needed" or a == "-Wl,--no-as-needed" \
                or a.startswith("-Wl,-Bsymbolic") or a.startswith("-Wl,-z,relro") \
                or a.startswith("-Wl,-z,now") or a.startswith("-Wl,-O"):
            i += 1
            continue
        if not a.startswith("-") and os.path.splitext(a)[1] in (".o", ".a", ".lo", ".obj"):
            p = os.path.abspath(a)
            inputs.append(p)
        user.append(a)
        i += 1

    sources = [a for a in args if not a.startswith("-") and os.path.splitext(a)[1] in
               (".c", ".cc", ".cpp", ".cxx", ".C", ".S", ".s", ".m")]
    if sources:
        # Compile and link in one command (configure tests do this): the
        # compiled objects are temporary, so the record would not be usable.
        record = None
    else:
        record = out + ".kiln-inputs"
    kit = tc["kit"]
    if not os.path.isfile(kit):
        die(f"the link kit {kit} is not built yet (build the Kiln target `toolchain` first: make toolchain)")
    cmd = [tc["cxx"]] + cflags + tc["ldflags"] + ["-Wl,--whole-archive", kit, "-Wl,--no-whole-archive"] \
        + user + tc["libs"]
    if record:
        try:
            with open(record, "w") as f:
                f.write("".join(p + "\n" for p in inputs))
        except OSError as e:
            die(f"cannot write {record}: {e.strerror}")
    os.execv(cmd[0], cmd)


def has_inputs(args):
    return any(not a.startswith("-") and os.path.splitext(a)[1] in
               (".c", ".cc", ".cpp", ".cxx", ".C", ".S", ".s", ".o", ".a") for a in args)


if __name__ == "__main__":
    main()
