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

// The top of the stack main() (and the app's constructors) run on, or 0
// to stay on the current one. Bare-metal platforms give main its own
// stack of main.stack= bytes (Kconfig MAIN_STACK_KB) with an unmapped
// guard page below, taken from free memory at init level "plat"; linuxu
// returns 0 (the process stack, sized by the host's `ulimit -s`).
// Called by lib/boot after the init tables.
KILN_EXTERN_C uintptr_t kiln_plat_main_stack(void);
