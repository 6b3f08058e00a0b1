// Platform contract: memory the allocators may use.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/compiler.h>

struct kiln_mem_region {
  uintptr_t base;
  size_t len;
};

// Free RAM regions (image, boot data and initrd already taken out), valid
// after the platform's init at level "plat". Returns the count.
KILN_EXTERN_C size_t kiln_plat_mem_regions(const struct kiln_mem_region** out);
