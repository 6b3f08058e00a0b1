#!/usr/bin/env python3
"""Kernel globals are constinit: fail if a kernel object has a static constructor.

    check_ctors.py OBJECT...

Reads each ELF object's section headers (no external tools) and fails if it
contributes to .init_array, .ctors or .preinit_array, i.e. if it needs code
to run before main(): a global whose initialiser is not a constant
expression. The image link runs this on the kernel's objects (every library,
not the app's objects or the C/C++ libraries; support/cmake/kiln.cmake).
One line per offending object names the object, its source file, the
initialiser function and, where the relocations tell, the globals it writes.
"""
import struct
import subprocess
import sys

CTOR_SECTIONS = (".init_array", ".ctors", ".preinit_array")
SHT_SYMTAB, SHT_RELA, SHT_REL = 2, 4, 9
STT_OBJECT, STT_SECTION, STT_FILE = 1, 3, 4


class Elf:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        d = self.data
        if d[:4] != b"\x7fELF" or d[4] != 2 or d[5] != 1:
            raise ValueError("not a little-endian ELF64 object")
        shoff, = struct.unpack_from("<Q", d, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 0x3A)
        self.sections = []
        for i in range(shnum):
            (name, typ, _flags, _addr, off, size, link, info, _align,
             entsize) = struct.unpack_from("<IIQQQQIIQQ", d, shoff + i * shentsize)
            self.sections.append(dict(name_off=name, type=typ, off=off, size=size, link=link,
                                      info=info, entsize=entsize))
        strtab = self.sections[shstrndx]
        for s in self.sections:
            s["name"] = self._str(strtab, s["name_off"])
        self.symbols = []
        for s in self.sections:
            if s["type"] == SHT_SYMTAB:
                names = self.sections[s["link"]]
                for j in range(s["size"] // 24):
                    name, info, _other, shndx, _value, _size = struct.unpack_from(
                        "<IBBHQQ", d, s["off"] + j * 24)
                    self.symbols.append(dict(name=self._str(names, name), type=info & 0xF,
                                             shndx=shndx))

    def _str(self, sec, off):
        start = sec["off"] + off
        return self.data[start:self.data.index(b"\0", start)].decode(errors="replace")

    def relocated_symbols(self, section_index):
        """Symbols the relocations of section section_index refer to."""
        out = []
        for s in self.sections:
            if s["type"] not in (SHT_RELA, SHT_REL) or s["info"] != section_index:
                continue
            step = 24 if s["type"] == SHT_RELA else 16
            for j in range(s["size"] // step):
                _off, info = struct.unpack_from("<QQ", self.data, s["off"] + j * step)
                sym = info >> 32
                if sym < len(self.symbols):
                    out.append(self.symbols[sym])
        return out


def is_ctor_section(name):
    return any(name == c or name.startswith(c + ".") for c in CTOR_SECTIONS)


def demangle(names):
    try:
        r = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True,
                           check=True)
        return r.stdout.split("\n")[:len(names)]
    except (OSError, subprocess.CalledProcessError):
        return names


def function_name(elf, sym):
    """Name of a code symbol; section symbols name their -ffunction-sections section."""
    if sym["type"] == STT_SECTION and sym["shndx"] < len(elf.sections):
        sec = elf.sections[sym["shndx"]]["name"]
        for prefix in (".text.startup.", ".text."):
            if sec.startswith(prefix):
                return sec[len(prefix):]
        return sec
    return sym["name"]


def data_name(elf, sym):
    """Name of a global a relocation refers to, or None if it is not data."""
    if sym["type"] == STT_OBJECT:
        return sym["name"]
    if sym["type"] == STT_SECTION and sym["shndx"] < len(elf.sections):
        sec = elf.sections[sym["shndx"]]["name"]
        for prefix in (".bss.", ".data.rel.local.", ".data.rel.", ".data.", ".tbss.", ".tdata."):
            if sec.startswith(prefix):
                return sec[len(prefix):]
    return None


def describe(elf, ctor_index):
    """(initialiser functions, globals they write) for one ctor section."""
    funcs = [(function_name(elf, s), s["shndx"]) for s in elf.relocated_symbols(ctor_index)]
    written = []
    # The globals the initialisers refer to; at -O0 GCC puts them in a
    # __static_initialization_and_destruction function called from there.
    todo, seen = [shndx for _, shndx in funcs], set()
    while todo:
        shndx = todo.pop()
        if shndx in seen or not 0 < shndx < len(elf.sections):
            continue
        seen.add(shndx)
        for sym in elf.relocated_symbols(shndx):
            name = data_name(elf, sym)
            if name is None:
                if "__static_initialization" in function_name(elf, sym):
                    todo.append(sym["shndx"])
                continue
            if name and name != "__dso_handle" and name not in written:
                written.append(name)
    return [f for f, _ in funcs], written


def check(path):
    """One error line for path, or None."""
    try:
        elf = Elf(path)
    except (OSError, ValueError) as e:
        return f"check_ctors: {path}: cannot read: {e}"
    bad = [(i, s["name"]) for i, s in enumerate(elf.sections) if is_ctor_section(s["name"]) and s["size"]]
    if not bad:
        return None
    source = next((s["name"] for s in elf.symbols if s["type"] == STT_FILE and s["name"]), None)
    funcs, written = [], []
    for i, _ in bad:
        f, w = describe(elf, i)
        funcs += f
        written += w
    what = f"static constructor {', '.join(demangle(funcs)) or '?'} in {bad[0][1]}"
    if written:
        what += f" initialising {', '.join(demangle(written))}"
    src = f" (from {source})" if source else ""
    return (f"check_ctors: {path}{src}: {what}: kernel globals must be constant-initialised "
            f"(constinit); see docs/design.md")


def main(argv):
    errors = [e for e in (check(p) for p in argv[1:] if p) if e]
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
