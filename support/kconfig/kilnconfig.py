#!/usr/bin/python3
"""Kiln's Kconfig glue (kconfiglib).

  kilnconfig.py sync <config> <outdir>
      Check <config> strictly, bring it up to date with the Kconfig files
      (olddefconfig), and write <outdir>/include/kiln/config.h and
      <outdir>/config.cmake. Files are only rewritten when they change, so a
      build rebuilds only what a change affects.
  kilnconfig.py check <config>
      Only the strict check.

A malformed .config is reported in one line and left untouched.
Environment: srctree (the Kiln tree), KILN_APP_DIR (the app folder).
"""
import os
import sys

try:
    import kconfiglib
except ImportError:
    sys.exit("kiln: python3-kconfiglib is missing; run `make setup`")


def die(msg):
    print(f"kiln: {msg}", file=sys.stderr)
    sys.exit(1)


def load(config):
    srctree = os.environ.get("srctree", ".")
    try:
        kconf = kconfiglib.Kconfig(os.path.join(srctree, "Kconfig"), warn_to_stderr=False)
    except kconfiglib.KconfigError as e:
        die("Kconfig error: " + str(e).strip().replace("\n", " "))
    if not os.path.exists(config):
        die(f"{config} does not exist; run `make defconfig` or `make menuconfig`")
    kconf.warn_assign_undef = True
    kconf.load_config(config)
    bad, unknown = [], []
    for w in kconf.warnings:
        w = w.strip().replace("\n", " ")
        (unknown if "undefined symbol" in w else bad).append(w)
    if bad:
        die(f"bad {config}: {bad[0]}" + (f" (and {len(bad) - 1} more)" if len(bad) > 1 else "")
            + "; fix it or run `make menuconfig`")
    for w in unknown:
        print(f"kiln: note: {w} (dropped)", file=sys.stderr)
    return kconf


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def cmake_fragment(kconf):
    lines = ["# Generated from .config by support/kconfig/kilnconfig.py; do not edit."]
    for sym in kconf.unique_defined_syms:
        v = sym.str_value
        if sym.type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            if v == "n":
                continue
        elif not v and sym.type == kconfiglib.STRING:
            continue
        v = v.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'set(CONFIG_{sym.name} "{v}")')
    return "\n".join(lines) + "\n"


def header(kconf):
    lines = ["/* Generated from .config by support/kconfig/kilnconfig.py; do not edit. */",
             "#pragma once"]
    for sym in kconf.unique_defined_syms:
        v = sym.str_value
        if sym.type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            if v == "y":
                lines.append(f"#define CONFIG_{sym.name} 1")
        elif sym.type == kconfiglib.STRING:
            esc = v.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'#define CONFIG_{sym.name} "{esc}"')
        elif v:
            lines.append(f"#define CONFIG_{sym.name} {v}")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "sync":
        config, out = sys.argv[2], sys.argv[3]
        kconf = load(config)
        # olddefconfig: keeps the user's choices, fills in new symbols.
        kconf.write_config(config, save_old=False)
        write_if_changed(os.path.join(out, "include", "kiln", "config.h"), header(kconf))
        write_if_changed(os.path.join(out, "config.cmake"), cmake_fragment(kconf))
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        load(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
