// Platform contract: page protection, for guard pages under thread stacks
// and for memory mappings (lib/mm).
#pragma once
#include <stddef.h>
#include <kiln/compiler.h>

// Make [addr, addr + len) (page-aligned) inaccessible, or accessible again.
// Returns 0 or a negative errno (-ENOSYS where the platform cannot).
KILN_EXTERN_C int kiln_plat_guard(void* addr, size_t len);
KILN_EXTERN_C int kiln_plat_unguard(void* addr, size_t len);

// Page rights for kiln_plat_protect (a mask; 0 is no access).
enum {
  KILN_PLAT_PROT_READ = 1,
  KILN_PLAT_PROT_WRITE = 2,
  KILN_PLAT_PROT_EXEC = 4,
};

// Give [addr, addr + len) (page-aligned memory the caller owns, from the
// heap) the rights prot: a write to a page without KILN_PLAT_PROT_WRITE,
// or any access to a page with 0, faults. Where the hardware has no
// write-only or execute-only pages, write and execute imply read. Returns
// 0, -EINVAL (not page-aligned), -ENOMEM (the platform needs a page-table
// page: give it one with kiln_plat_paging_donate and call again; the range
// may be half changed until then) or -ENOSYS.
KILN_EXTERN_C int kiln_plat_protect(void* addr, size_t len, unsigned prot);

// Give the platform one page (4 KiB, page-aligned, from the heap) for its
// page tables, for good. Returns 0, or -ENOSYS where it needs none (it then
// keeps nothing and the caller frees the page).
KILN_EXTERN_C int kiln_plat_paging_donate(void* page);
