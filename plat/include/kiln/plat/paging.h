// Platform contract: page protection, for guard pages under thread stacks.
#pragma once
#include <stddef.h>
#include <kiln/compiler.h>

// Make [addr, addr + len) (page-aligned) inaccessible, or accessible again.
// Returns 0 or a negative errno (-ENOSYS where the platform cannot).
KILN_EXTERN_C int kiln_plat_guard(void* addr, size_t len);
KILN_EXTERN_C int kiln_plat_unguard(void* addr, size_t len);
