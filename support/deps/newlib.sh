#!/usr/bin/env bash
# Build newlib for Kiln from Debian's newlib-source tarball, once per deps dir.
#   newlib.sh <deps-dir> <target triple> "<arch code flags>"
# The triple and flags come from the configured arch (arch/<arch>/arch.cmake,
# e.g. x86_64-elf and -mno-red-zone).
# Result: <deps-dir>/newlib/{include,lib/libc.a,lib/libm.a} and a stamp.
# The stamp holds a hash of this script, the tarball, the triple and the
# flags, so a change to any rebuilds; otherwise the cached copy is used.
set -euo pipefail
deps=$(realpath -m "$1")
triple=${2:?newlib.sh: give the target triple}
archflags=${3-}
tarball=/usr/src/newlib/newlib-3.3.0.tar.xz
here=$(cd "$(dirname "$0")" && pwd)
out=$deps/newlib
[ -f "$tarball" ] || { echo "kiln: $tarball is missing (package newlib-source); run: make setup" >&2; exit 1; }
key=$( (cat "$0" "$here/cross-wrappers.sh"; stat -c %s "$tarball"; echo "$triple $archflags") | sha256sum | cut -c1-16)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$key" ]; then exit 0; fi

work=$deps/newlib-build
rm -rf "$work" "$out"
mkdir -p "$work/src" "$work/obj" "$out"
echo "kiln: building newlib 3.3.0 for $triple (once per build tree, about a minute)"
tar -C "$work/src" -xf "$tarball" --strip-components=1
"$here/cross-wrappers.sh" "$work/bin" "$triple"
export PATH=$work/bin:$PATH
cd "$work/obj"
# Flags every Kiln object uses: no PIC, the arch's code flags (x86_64: no
# red zone: interrupts share the stack on kvm), sections for --gc-sections,
# frame pointers for backtraces.
cflags="-O2 -g -fno-pie -fno-pic $archflags -fno-stack-protector -ffunction-sections -fdata-sections -fno-omit-frame-pointer"
"$work/src/configure" --target="$triple" --prefix="$work/install" \
    --disable-multilib --disable-nls --disable-newlib-supplied-syscalls \
    --enable-newlib-retargetable-locking --enable-newlib-global-stdio-streams \
    --enable-newlib-io-long-long \
    --enable-newlib-io-c99-formats --disable-newlib-fvwrite-in-streamio \
    --enable-newlib-mb=no --disable-libgloss \
    CFLAGS_FOR_TARGET="$cflags" >"$work/configure.log" 2>&1 \
  || { echo "kiln: newlib configure failed, see $work/configure.log" >&2; exit 1; }
make -j"$(nproc)" all-target-newlib >"$work/build.log" 2>&1 \
  || { echo "kiln: newlib build failed, see $work/build.log" >&2; tail -20 "$work/build.log" >&2; exit 1; }
make install-target-newlib >>"$work/build.log" 2>&1
cp -r "$work/install/$triple/include" "$out/include"
mkdir -p "$out/lib"
cp "$work/install/$triple/lib/libc.a" "$work/install/$triple/lib/libm.a" "$out/lib/"
rm -rf "$work"
echo "$key" > "$out/.stamp"
