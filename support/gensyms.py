#!/usr/bin/python3
"""Symbol table for Kiln images (used by backtraces).

  gensyms.py table <elf> <out.S>   write the table of function symbols of <elf>
  gensyms.py verify <pass1> <final> fail if a function moved between the links

The table lives in section .kiln_symtab, which every linker script places
last, so adding it does not move any code. Format (little endian):
  u64 count; count * { u64 addr; u32 name_offset; u32 size }; names (NUL-ended)
"""
import subprocess
import sys


def functions(elf):
    out = subprocess.run(["nm", "-n", "-S", "-C", "--defined-only", elf],
                         check=True, capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 4 and parts[2] in "tTwW":
            addr, size, _, name = parts
            syms.append((int(addr, 16), int(size, 16), name))
        elif len(parts) == 3 and parts[1] in "tTwW":
            addr, _, name = parts
            syms.append((int(addr, 16), 0, name))
    return syms


def short(name):
    # Drop parameter lists: "ns::f(int, char*)" -> "ns::f"; keeps tables small.
    name = name.replace("(anonymous namespace)", "{anon}")
    depth = 0
    for i, c in enumerate(name):
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        elif c == "(" and depth == 0 and i > 0 and not name.startswith("("):
            return name[:i]
    return name[:96]


def table(elf, out):
    syms = {}
    for addr, size, name in functions(elf):
        if addr not in syms or (size and not syms[addr][0]):
            syms[addr] = (size, short(name))
    items = sorted(syms.items())
    names, offs, blob = {}, [], bytearray()
    for _, (_, n) in items:
        if n not in names:
            names[n] = len(blob)
            blob += n.encode() + b"\0"
    with open(out, "w") as f:
        f.write('\t.section .kiln_symtab,"a",@progbits\n\t.balign 8\n')
        f.write(f"\t.quad {len(items)}\n")
        for addr, (size, n) in items:
            f.write(f"\t.quad {addr:#x}\n\t.long {names[n]}, {size}\n")
        for i in range(0, len(blob), 32):
            f.write("\t.byte " + ",".join(str(b) for b in blob[i:i + 32]) + "\n")
        f.write('\t.section .note.GNU-stack,"",@progbits\n')


def verify(pass1, final):
    a = [(x, n) for x, _, n in functions(pass1)]
    b = [(x, n) for x, _, n in functions(final)]
    if a != b:
        diff = next((p, q) for p, q in zip(a + [None], b + [None]) if p != q)
        sys.exit(f"kiln: symbol table link moved code ({diff[0]} vs {diff[1]}); "
                 "the linker script must keep .kiln_symtab last")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "verify":
        verify(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
