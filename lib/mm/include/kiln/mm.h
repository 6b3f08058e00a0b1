// lib/mm: memory mappings (docs/libc.md "Memory mapping"). What the
// mappings hold, for tests and diagnostics (visible to apps).
#pragma once
#include <stddef.h>
#include <kiln/compiler.h>

struct kiln_mm_stats {
  size_t mappings;     // live mappings (after splits by munmap/mprotect)
  size_t mapped;       // bytes they cover
  size_t chunks;       // heap blocks holding them
  size_t chunk_bytes;  // bytes those blocks hold (mapped + unmapped holes)
};

KILN_EXTERN_C void kiln_mm_get_stats(struct kiln_mm_stats* out);
