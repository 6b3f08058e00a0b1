#!/usr/bin/env bash
# Fetch e2fsprogs 1.47.0 from Debian bookworm's source package (debsrc.sh)
# and make the files libext2fs' build would generate, once per deps dir.
#   e2fsprogs.sh <deps-dir>
# Result (last line of stdout): <deps-dir>/e2fsprogs-gen-<key>/ holding
#   src/     the unpacked e2fsprogs source (a link to debsrc.sh's folder)
#   include/ config.h, ext2fs/ext2_types.h, ext2fs/ext2_err.h, et/com_err.h,
#            ext2fs/*.h (copies, so <ext2fs/...> includes resolve)
#   gen/     ext2_err.c, crc32c_table.h
# lib/extfs/CMakeLists.txt compiles lib/ext2fs and lib/et from src/ with
# Kiln's compiler and flags into the image (only the parts a filesystem
# needs). Nothing here is committed to the tree; nothing is installed.
set -euo pipefail
deps=$(realpath -m "$1")
here=$(dirname "$(realpath "$0")")
src=$("$here/debsrc.sh" "$deps" e2fsprogs 1.47.0 | tail -1)
key=$(cat "$0" "$src/.stamp" | sha256sum | cut -c1-16)
out=$deps/e2fsprogs-gen-$key
if [ -f "$out/.stamp" ]; then echo "$out"; exit 0; fi
exec 8>"$deps/e2fsprogs-gen.lock"  # one maker at a time per deps dir
flock 8
if [ -f "$out/.stamp" ]; then echo "$out"; exit 0; fi
tmp=$out.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp/include/ext2fs" "$tmp/include/et" "$tmp/gen"
ln -s "$src" "$tmp/src"
e=$src/lib/ext2fs
# ext2_types.h: x86_64 LP64 sizes, no <asm/types.h>.
sed -e 's/@SIZEOF_SHORT@/2/g; s/@SIZEOF_INT@/4/g; s/@SIZEOF_LONG@/8/g; s/@SIZEOF_LONG_LONG@/8/g' \
    -e 's/@ASM_TYPES_HEADER@//; s/@PUBLIC_CONFIG_HEADER@//' "$e/ext2_types.h.in" > "$tmp/include/ext2fs/ext2_types.h"
# ext2_err.{h,c}: compile_et's two awk scripts on the error table.
sed -e 's/@SIZEOF_LONG@/8/g' "$e/ext2_err.et.in" > "$tmp/gen/ext2_err.et"
(cd "$tmp/gen" && awk -f "$src/lib/et/et_h.awk" outfile=ext2_err.h outfn=ext2_err.h ext2_err.et \
  && awk -f "$src/lib/et/et_c.awk" outfile=ext2_err.c outfn=ext2_err.c ext2_err.et)
mv "$tmp/gen/ext2_err.h" "$tmp/include/ext2fs/ext2_err.h"
# crc32c_table.h: the generator, run on the host.
gcc -O1 -I"$e" -o "$tmp/gen/gen_crc32ctable" "$e/gen_crc32ctable.c"
"$tmp/gen/gen_crc32ctable" > "$tmp/gen/crc32c_table.h"
rm -f "$tmp/gen/gen_crc32ctable"
for h in "$e"/*.h; do cp "$h" "$tmp/include/ext2fs/"; done
cp "$src/lib/et/com_err.h" "$tmp/include/et/com_err.h"
# config.h: what newlib under Kiln offers (no threads, no ioctls, no mmap).
cat > "$tmp/include/config.h" <<'H'
/* Kiln: libext2fs built against newlib, written by support/deps/e2fsprogs.sh */
#define HAVE_UNISTD_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_ERRNO_H 1
#define HAVE_STDLIB_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_STRNLEN 1
#define HAVE_STRDUP 1
#define HAVE_TYPE_SSIZE_T 1
#define HAVE_VPRINTF 1
#define HAVE_POSIX_MEMALIGN 1
#define ENABLE_HTREE 1
H
touch "$tmp/.stamp"
rm -rf "$out"
mv "$tmp" "$out"
echo "$out"
