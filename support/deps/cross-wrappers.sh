#!/usr/bin/env bash
# Make x86_64-elf-* tool names in <dir> that run the host toolchain as a
# freestanding cross compiler: no host libc headers, gcc's own headers only.
set -euo pipefail
dir=$1
mkdir -p "$dir"
gccinc=$(gcc -print-file-name=include)
for t in gcc cc; do
  printf '#!/bin/sh\nexec gcc -nostdinc -isystem %s "$@"\n' "$gccinc" > "$dir/x86_64-elf-$t"
done
printf '#!/bin/sh\nexec g++ -nostdinc -isystem %s "$@"\n' "$gccinc" > "$dir/x86_64-elf-g++"
printf '#!/bin/sh\nexec g++ -nostdinc -isystem %s "$@"\n' "$gccinc" > "$dir/x86_64-elf-c++"
for t in ar as ld nm ranlib objcopy objdump strip readelf; do
  printf '#!/bin/sh\nexec %s "$@"\n' "$t" > "$dir/x86_64-elf-$t"
done
chmod +x "$dir"/x86_64-elf-*
