// Kiln's string and memory functions (lib/string; docs/libc.md, "String
// and memory functions"): memcpy, memmove, memset, memcmp and strlen
// replace newlib's generic ones, in the architecture's own code
// (arch/<arch>/src/string/), variants chosen once at boot.
#pragma once
#include <kiln/compiler.h>

// The variants in use, for logs and benchmarks (e.g. "erms+fsrm, strlen
// avx2"); before the boot's choice, the safe default's name.
KILN_EXTERN_C const char* kiln_string_variant(void);
