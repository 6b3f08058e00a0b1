#!/usr/bin/python3
"""Run one Kiln recipe (docs/porting.md): build a project with its own
build system through Kiln's toolchain.

  recipe.py <spec.json>

The spec is written by kiln_recipe() / kiln_package() (support/cmake/toolchain.cmake).
Steps: copy the source into a fresh work folder, apply the patches, run
the build (CONFIGURE: ./configure for the Kiln triple, then make;
CMAKE: cmake with the toolchain file, then cmake --build; MAKE: make with
CC/CXX/AR/RANLIB; BUILD_COMMAND: the command as given), then either
  - an app (PROGRAM): write the linker input file naming the objects and
    archives the build's link of PROGRAM used (its .kiln-inputs record);
  - a package (prefix): install into the prefix and write its stamp.
All output goes to <work>/kiln-build.log; a failure prints the step, its
status and the log's last lines.

Placeholders in arguments: @CC@ @CXX@ @AR@ @RANLIB@ @NM@ @STRIP@ @TRIPLE@
@JOBS@ @SRC@ (the work copy of the source) @PREFIX@ (a package's prefix)
@TOOLCHAIN_FILE@ @DEP_<name>@ (a dependency's prefix).
"""
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys

BUILD_TRIPLE = "x86_64-pc-linux-gnu"


def die(name, msg):
    print(f"kiln: recipe {name}: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        print("usage: recipe.py <spec.json>", file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    name = spec["name"]
    tcdir = spec["toolchain"]
    with open(os.path.join(tcdir, "toolchain.json")) as f:
        tc = json.load(f)
    triple = tc["triple"]
    prefix = spec["prefix"]
    lock = None
    if prefix:
        # A package: shared between builds; one builder at a time.
        os.makedirs(os.path.dirname(prefix), exist_ok=True)
        lock = open(prefix + ".lock", "w")
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = os.path.join(prefix, ".stamp")
        if os.path.isfile(stamp) and open(stamp).read().strip() == spec["key"]:
            os.utime(stamp)
            return
        shutil.rmtree(prefix, ignore_errors=True)

    work = spec["work"]
    src = os.path.join(work, "src")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copytree(spec["src"], src, symlinks=True, ignore=shutil.ignore_patterns(".stamp"))
    logp = os.path.join(work, "kiln-build.log")
    log = open(logp, "w")

    bindir = os.path.join(tcdir, "bin")
    tool = {t: os.path.join(bindir, f"{triple}-{t}") for t in ("gcc", "g++", "ar", "ranlib", "nm", "strip")}
    jobs = str(os.cpu_count() or 1)
    subst = {"CC": tool["gcc"], "CXX": tool["g++"], "AR": tool["ar"], "RANLIB": tool["ranlib"],
             "NM": tool["nm"], "STRIP": tool["strip"], "TRIPLE": triple, "JOBS": jobs, "SRC": src,
             "PREFIX": prefix or os.path.join(work, "install"),
             "TOOLCHAIN_FILE": os.path.join(tcdir, "toolchain.cmake")}
    for d, p in spec["deps"].items():
        subst["DEP_" + d] = p

    def expand(s):
        def one(m):
            k = m.group(1)
            if k not in subst:
                die(name, f"unknown placeholder @{k}@ in `{s}` (docs/porting.md lists them)")
            return subst[k]
        return re.sub(r"@([A-Za-z0-9_+-]+)@", one, s)

    env = dict(os.environ)
    for v in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "CFLAGS", "CXXFLAGS", "LDFLAGS", "CPPFLAGS", "LIBS"):
        env.pop(v, None)
    env["PATH"] = bindir + ":" + env.get("PATH", "/usr/bin:/bin")
    env.update({"CC": tool["gcc"], "CXX": tool["g++"], "AR": tool["ar"], "RANLIB": tool["ranlib"],
                "NM": tool["nm"], "STRIP": tool["strip"], "PKG_CONFIG": os.path.join(bindir, f"{triple}-pkg-config")})
    pcs = []
    for p in spec["deps"].values():
        for sub in ("lib/pkgconfig", "share/pkgconfig"):
            if os.path.isdir(os.path.join(p, sub)):
                pcs.append(os.path.join(p, sub))
    env["KILN_PKG_CONFIG_PATH"] = ":".join(pcs) if pcs else "/nonexistent"
    env["KILN_FIND_ROOT"] = ";".join(spec["deps"].values())
    for e in spec["env"]:
        k, sep, v = e.partition("=")
        if not sep:
            die(name, f"ENV entry `{e}` is not NAME=value")
        env[k] = expand(v)

    def run(argv, cwd):
        argv = [expand(a) for a in argv]
        log.write(f"\n$ (cd {cwd} && {' '.join(argv)})\n")
        log.flush()
        try:
            r = subprocess.run(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        except OSError as e:
            die(name, f"cannot run {argv[0]}: {e.strerror}")
        if r.returncode != 0:
            log.close()
            tail = open(logp, errors="replace").read().splitlines()[-25:]
            print("\n".join(tail), file=sys.stderr)
            die(name, f"`{' '.join(argv)}` failed with status {r.returncode} in {cwd}; the whole log: {logp}")

    for p in spec["patches"]:
        run(["patch", "-p1", "--forward", "--batch", "-i", p], src)

    top = os.path.join(src, *spec["subdir"]) if spec["subdir"] else src
    kind, args = spec["step"][0], spec["step"][1]
    make_args = spec["make_args"]
    install_prefix = subst["PREFIX"]
    builddir = top
    if kind == "CONFIGURE":
        run(["./configure", f"--build={BUILD_TRIPLE}", f"--host={triple}", f"--prefix={install_prefix}",
             "--disable-shared", "--enable-static"] + args, top)
        run(["make", f"-j{jobs}"] + make_args, top)
        if prefix:
            run(["make", "install"] + spec["install_args"], top)
    elif kind == "CMAKE":
        builddir = os.path.join(work, "build")
        run(["cmake", "-S", top, "-B", builddir, "-G", "Unix Makefiles",
             f"-DCMAKE_TOOLCHAIN_FILE={subst['TOOLCHAIN_FILE']}", f"-DCMAKE_INSTALL_PREFIX={install_prefix}",
             "-DBUILD_SHARED_LIBS=OFF"] + args, work)
        run(["cmake", "--build", builddir, "-j", jobs] + make_args, work)
        if prefix:
            run(["cmake", "--install", builddir] + spec["install_args"], work)
    elif kind == "MAKE":
        run(["make", f"-j{jobs}", f"CC={tool['gcc']}", f"CXX={tool['g++']}", f"AR={tool['ar']}",
             f"RANLIB={tool['ranlib']}"] + args + make_args, top)
        if prefix:
            run(["make", "install", f"PREFIX={install_prefix}", f"prefix={install_prefix}"] + spec["install_args"], top)
    elif kind == "BUILD_COMMAND":
        if not args:
            die(name, "BUILD_COMMAND is empty")
        run(args, top)
    else:
        die(name, f"unknown build kind {kind}")

    if prefix:
        if not os.path.isdir(os.path.join(prefix, "lib")):
            die(name, f"the install put nothing in {prefix}/lib")
        with open(os.path.join(prefix, ".stamp"), "w") as f:
            f.write(spec["key"] + "\n")
        return

    prog = os.path.join(builddir, *spec["program"]) if spec["program"] else None
    rec = prog + ".kiln-inputs"
    if not os.path.isfile(rec):
        die(name, f"the build made no {prog} through Kiln's toolchain (no {rec}): does its link use $(CC)? (docs/porting.md)")
    inputs = [l for l in open(rec).read().splitlines() if l]
    if not inputs:
        die(name, f"{rec} lists no objects: was {prog} linked from sources in one command? Link it from objects")
    objs, archives = [], []
    for p in inputs:
        if not os.path.isfile(p):
            die(name, f"{prog} was linked from {p}, which no longer exists")
        if '"' in p or "\n" in p:
            die(name, f"cannot name {p!r} in a linker script")
        (archives if p.endswith(".a") else objs).append(p)
    with open(spec["inputs_ld"] + ".tmp", "w") as f:
        f.write(f"/* {name}: what the build's link of {prog} used (support/toolchain/recipe.py) */\n")
        f.write("INPUT(\n" + "".join(f'  "{p}"\n' for p in objs) + ")\n")
        if archives:
            f.write("GROUP(\n" + "".join(f'  "{p}"\n' for p in archives) + ")\n")
    os.replace(spec["inputs_ld"] + ".tmp", spec["inputs_ld"])


if __name__ == "__main__":
    main()
