// The bare-metal x86 platform base (plat/x86bm): what the kvm and xen
// platforms share besides the event core (kiln/x86bm/events.h) and the
// boot-information parser (kiln/x86bm/bootinfo.h).
//
// A bare-metal platform's kiln_x86_bm_main (called by arch/x86_64 once the
// CPU is in long mode) parses its boot information, calls memory_init,
// brings up its console, clock and event sources, splits the command line
// (kiln_boot_argv) and enters kiln_boot_main. The base then gives main()
// its own guarded stack (main_stack.cpp) before the allocator takes the
// rest of free memory.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/x86bm/bootinfo.h>

// The boot stack (src/boot_stack.S): the platform's 32-bit entry sets esp
// to kiln_bm_boot_stack_top. Below it, one unmapped guard page.
extern "C" char kiln_bm_boot_stack_guard[], kiln_bm_boot_stack_top[];

namespace kiln::bm {

// The final page tables (W^X, null page, guard pages, device window) and
// the free-memory list (kiln_plat_mem_regions) from the boot information.
// `plat` names the platform in messages. Returns false after printing why
// (the boot cannot go on).
bool memory_init(const BootInfo& bi, const char* plat);

// Takes [base, base + len) of free memory out of the list the allocator
// will get: the highest free range that holds len bytes (page multiple),
// or 0 when none does. Only before the allocator's init (lib 000).
uint64_t take_free_pages(uint64_t len);

}  // namespace kiln::bm
