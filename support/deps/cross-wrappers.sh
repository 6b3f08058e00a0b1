#!/usr/bin/env bash
# Make <triple>-* tool names in <dir> (e.g. x86_64-elf-gcc) that run the
# host toolchain as a freestanding cross compiler: no host libc headers,
# gcc's own headers only.
#   cross-wrappers.sh <dir> <triple>
set -euo pipefail
dir=$1
triple=${2:?cross-wrappers.sh: give the target triple}
mkdir -p "$dir"
gccinc=$(gcc -print-file-name=include)
for t in gcc cc; do
  printf '#!/bin/sh\nexec gcc -nostdinc -isystem %s "$@"\n' "$gccinc" > "$dir/$triple-$t"
done
printf '#!/bin/sh\nexec g++ -nostdinc -isystem %s "$@"\n' "$gccinc" > "$dir/$triple-g++"
printf '#!/bin/sh\nexec g++ -nostdinc -isystem %s "$@"\n' "$gccinc" > "$dir/$triple-c++"
for t in ar as ld nm ranlib objcopy objdump strip readelf; do
  printf '#!/bin/sh\nexec %s "$@"\n' "$t" > "$dir/$triple-$t"
done
chmod +x "$dir/$triple"-*
