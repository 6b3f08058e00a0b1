// Symbol lookup in the table the build embeds in the image
// (CONFIG_DEBUG_SYMBOLS_IN_IMAGE; see support/gensyms.py).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/compiler.h>

// Name of the function containing addr, and addr's offset in it; nullptr
// when the image has no table or addr is outside every function.
KILN_EXTERN_C const char* kiln_symbol_lookup(uintptr_t addr, uintptr_t* offset);
// Address of a function by exact name, or 0 (used by tests).
KILN_EXTERN_C uintptr_t kiln_symbol_address(const char* name);
