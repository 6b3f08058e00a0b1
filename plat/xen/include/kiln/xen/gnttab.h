// Xen grant tables (v1): give another domain access to a page of ours.
//
//   auto ref = kiln::xen::gnttab_grant_access(backend, gfn, /*readonly=*/false);
//   ...   // tell the backend ref.value(); it maps or copies the page
//   if (auto r = kiln::xen::gnttab_end_access(ref.value()); !r) ...  // EBUSY: still mapped
//
// The table is set up on first use (XENMEM_add_to_physmap of
// CONFIG_XEN_GNTTAB_FRAMES frames, 512 entries each; the first 8 are
// reserved for the toolstack). On a PVH guest a gfn is the guest
// physical address >> 12 (Kiln maps memory 1:1, so a kernel address
// >> 12).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/result.h>

namespace kiln::xen {

using grant_ref_t = uint32_t;

// ENOSPC when every entry is in use, ENODEV when the table cannot be set up.
Result<grant_ref_t> gnttab_grant_access(uint16_t domid, uint64_t gfn, bool readonly);
// Ends the grant and frees the entry. EBUSY while the other domain still
// has the page mapped (try again later); EINVAL for a ref not granted.
Result<void> gnttab_end_access(grant_ref_t ref);
// Entries free for grants (0 before the table is set up).
size_t gnttab_free_count();
// Copy len bytes from a granted page of domain src_dom (ref, offset) into
// our own memory (GNTTABOP_copy): how a backend reads a grant without
// mapping it. EPERM/EINVAL from Xen's status when the grant does not allow it.
Result<void> gnttab_copy_from(uint16_t src_dom, grant_ref_t ref, uint16_t offset, void* dst, uint16_t len);

}  // namespace kiln::xen
