// Xen grant tables, version 1 (the API is in kiln/xen/gnttab.h).
//
// The table's frames are placed over pages of .bss with
// XENMEM_add_to_physmap(XENMAPSPACE_grant_table), on the first grant, so
// an image that never grants pays nothing at boot. Free entries are kept
// on a list threaded through a side array (the table itself belongs to
// Xen's reader as soon as an entry's flags say so).
//
// Ending access follows the v1 protocol: the flags word is swapped to 0
// with a compare-and-swap that fails while Xen has marked the entry
// GTF_reading / GTF_writing (the peer has it mapped or is copying).
#include "xen.h"
#include <kiln/config.h>
#include <kiln/plat/irq.h>
#include <kiln/print.h>
#include <kiln/xen/gnttab.h>

#ifndef CONFIG_XEN_GNTTAB_FRAMES
#define CONFIG_XEN_GNTTAB_FRAMES 4
#endif

namespace kiln::xen {
namespace {

struct GrantEntry {
  uint16_t flags;
  uint16_t domid;
  uint32_t frame;
};
static_assert(sizeof(GrantEntry) == 8);

enum : uint16_t { kGtfPermitAccess = 1, kGtfReadonly = 1 << 2, kGtfReading = 1 << 3, kGtfWriting = 1 << 4 };
enum : uint16_t { kGntcopySourceGref = 1 };

constexpr unsigned kFrames = CONFIG_XEN_GNTTAB_FRAMES;
constexpr uint32_t kPerFrame = 4096 / sizeof(GrantEntry);
constexpr uint32_t kReserved = 8;  // GNTTAB_NR_RESERVED_ENTRIES: the toolstack's
constexpr uint32_t kNone = ~uint32_t{0};

alignas(4096) constinit GrantEntry table[kFrames * kPerFrame] = {};
constinit uint32_t next_free[kFrames * kPerFrame] = {};
constinit uint32_t free_head = kNone;
constinit uint32_t nr_entries = 0;  // set up
constinit size_t nr_free = 0;
constinit bool tried = false;

struct GnttabCopy {
  struct Ptr {
    uint64_t ref_or_gmfn;
    uint16_t domid;
    uint16_t offset;
  } source, dest;
  uint16_t len;
  uint16_t flags;
  int16_t status;
};
static_assert(sizeof(GnttabCopy) == 40 && offsetof(GnttabCopy, len) == 32 && offsetof(GnttabCopy, status) == 36);

// Called masked.
bool setup() {
  if (nr_entries) return true;
  if (tried) return false;
  tried = true;
  GnttabQuerySize q{kDomidSelf, 0, 0, 0};
  long r = hypercall(kHcGrantTableOp, kGnttabQuerySize, reinterpret_cast<uint64_t>(&q), 1);
  unsigned frames = kFrames;
  if (r == 0 && q.status == 0 && q.max_nr_frames && q.max_nr_frames < frames) frames = q.max_nr_frames;
  unsigned mapped = 0;
  for (; mapped < frames; ++mapped) {
    AddToPhysmap x{kDomidSelf, 0, kMapSpaceGrantTable, mapped,
                   (reinterpret_cast<uint64_t>(table) >> 12) + mapped};
    r = hypercall(kHcMemoryOp, kXenmemAddToPhysmap, &x);
    if (r) {
      kiln_warn("xen: grant table frame %u: XENMEM_add_to_physmap failed (%ld)", mapped, r);
      break;
    }
  }
  if (!mapped) return false;
  nr_entries = mapped * kPerFrame;
  for (uint32_t i = nr_entries; i-- > kReserved;) {
    next_free[i] = free_head;
    free_head = i;
  }
  nr_free = nr_entries - kReserved;
  kiln_debug("xen: grant table: %u frames, %u entries", mapped, nr_entries);
  return true;
}

}  // namespace

Result<grant_ref_t> gnttab_grant_access(uint16_t domid, uint64_t gfn, bool readonly) {
  if (gfn > 0xffffffffu) return Error(EINVAL);  // v1 entries hold 32-bit frames
  unsigned long f = kiln_plat_irq_save();
  if (!setup()) {
    kiln_plat_irq_restore(f);
    return Error(ENODEV);
  }
  uint32_t ref = free_head;
  if (ref == kNone) {
    kiln_plat_irq_restore(f);
    return Error(ENOSPC);
  }
  free_head = next_free[ref];
  --nr_free;
  kiln_plat_irq_restore(f);
  GrantEntry& e = table[ref];
  e.domid = domid;
  e.frame = static_cast<uint32_t>(gfn);
  __atomic_store_n(&e.flags, static_cast<uint16_t>(kGtfPermitAccess | (readonly ? kGtfReadonly : 0)),
                   __ATOMIC_RELEASE);  // last: the entry is complete before it is valid
  return Ok(ref);
}

Result<void> gnttab_end_access(grant_ref_t ref) {
  if (ref < kReserved || ref >= nr_entries) return Error(EINVAL);
  GrantEntry& e = table[ref];
  uint16_t flags = __atomic_load_n(&e.flags, __ATOMIC_ACQUIRE);
  do {
    if (!(flags & kGtfPermitAccess)) return Error(EINVAL);
    if (flags & (kGtfReading | kGtfWriting)) return Error(EBUSY);
  } while (!__atomic_compare_exchange_n(&e.flags, &flags, static_cast<uint16_t>(0), false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE));
  unsigned long f = kiln_plat_irq_save();
  next_free[ref] = free_head;
  free_head = ref;
  ++nr_free;
  kiln_plat_irq_restore(f);
  return {};
}

size_t gnttab_free_count() { return nr_free; }

Result<void> gnttab_copy_from(uint16_t src_dom, grant_ref_t ref, uint16_t offset, void* dst, uint16_t len) {
  uint64_t a = reinterpret_cast<uint64_t>(dst);
  if (!len || (a & 4095) + len > 4096 || offset + len > 4096) return Error(EINVAL);
  GnttabCopy c{};
  c.source = {ref, src_dom, offset};
  c.dest = {a >> 12, kDomidSelf, static_cast<uint16_t>(a & 4095)};
  c.len = len;
  c.flags = kGntcopySourceGref;
  long r = hypercall(kHcGrantTableOp, kGnttabCopy, reinterpret_cast<uint64_t>(&c), 1);
  if (r) return Error(r < 0 && r > -4096 ? static_cast<int>(-r) : EIO);
  // GNTST_*: -1 general, -2 bad domain, -3 bad gntref, -6 bad virt addr,
  // -8 permission denied, -12 bad copy arg.
  switch (c.status) {
    case 0: return {};
    case -8: return Error(EPERM);
    case -2: case -3: case -12: return Error(EINVAL);
    default: return Error(EIO);
  }
}

}  // namespace kiln::xen
