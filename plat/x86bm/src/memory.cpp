// Bare-metal x86 memory (kvm, xen): the final page tables and the
// free-memory list.
//
// Page tables: identity map of every range in the memory map (RAM and
// firmware ranges, read/write, no execute) plus the device window
// 0xfe000000..4 GiB (LAPIC, IOAPIC, microvm GED; uncached), with 2 MiB or
// 1 GiB pages. 4 KiB pages only where needed: the null page is unmapped,
// the image is W^X (text RX, rodata R, data/bss RW, all but text NX) and
// the page under the boot stack is an unmapped guard page (and so is the
// page under main's stack, main_stack.cpp). Table pages
// come from free RAM after the image; a few spares stay reserved so
// kiln_plat_guard and kiln_plat_protect can split large pages later, and
// past them splits use pages lib/mm gives (kiln_plat_paging_donate).
//
// Free memory (kiln_plat_mem_regions): RAM from the memory map minus low
// memory (< 1 MiB), the image (up to _end), the boot structures, the
// command line, the initrd and the page tables.
#include <kiln/x86bm/base.h>
#include <kiln/arch/x86.h>
#include <kiln/plat/initrd.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/memory.h>
#include <kiln/plat/paging.h>
#include <kiln/print.h>
#include <errno.h>

extern "C" char __kiln_image_start[], __kiln_text_end[], __kiln_rodata_end[], _end[];

namespace kiln::bm {
namespace {

constexpr uint64_t kPage = 4096;
constexpr size_t kMaxRegions = 32;
constexpr size_t kSparePages = 16;  // for splits by kiln_plat_guard

constinit kiln_mem_region regions[kMaxRegions] = {};
constinit size_t nregions = 0;
constinit MemRange free_mem[kMaxRegions] = {};
constinit size_t nfree = 0;
// Spare table pages: [spare_next, spare_end).
constinit uint64_t spare_next = 0, spare_end = 0;
// The boot module (kiln/plat/initrd.h), once checked to lie in RAM.
constinit uint64_t initrd_base = 0, initrd_len = 0;

uint64_t u(const void* p) { return reinterpret_cast<uint64_t>(p); }

// Takes one page from the lowest free range (boot only).
uint64_t carve_page() {
  for (size_t i = 0; i < nfree; ++i) {
    if (free_mem[i].len >= kPage) {
      uint64_t p = free_mem[i].base;
      free_mem[i].base += kPage;
      free_mem[i].len -= kPage;
      return p;
    }
  }
  return 0;
}

uint64_t carve_zeroed_page() {
  uint64_t p = carve_page();
  if (p) __builtin_memset(reinterpret_cast<void*>(p), 0, kPage);
  return p;
}

// Pages given by kiln_plat_paging_donate, a list through their first word.
constinit uint64_t donated = 0;

uint64_t alloc_spare_page() {
  if (spare_next >= spare_end) {
    uint64_t p = donated;
    if (!p) return 0;
    donated = *reinterpret_cast<uint64_t*>(p);
    __builtin_memset(reinterpret_cast<void*>(p), 0, kPage);
    return p;
  }
  uint64_t p = spare_next;
  spare_next += kPage;
  __builtin_memset(reinterpret_cast<void*>(p), 0, kPage);
  return p;
}

}  // namespace

bool memory_init(const BootInfo& bi, const char* plat) {
  using namespace kiln::x86;
  MemRange reserved[BootInfo::kMaxReserved + 3];
  size_t nres = 0;
  reserved[nres++] = MemRange{0, 1 << 20, 0};  // low memory: firmware, real-mode data
  reserved[nres++] = MemRange{u(__kiln_image_start), u(_end) - u(__kiln_image_start), 0};
  if (bi.initrd_len) {
    reserved[nres++] = MemRange{bi.initrd, bi.initrd_len, 0};
    // Served only from RAM the page tables map (below); a module the
    // memory map does not cover is reported and not used.
    bool in_ram = false;
    for (size_t i = 0; i < bi.nmem; ++i) {
      const MemRange& m = bi.mem[i];
      if (m.type == 1 && bi.initrd >= m.base && bi.initrd - m.base <= m.len &&
          bi.initrd_len <= m.len - (bi.initrd - m.base))
        in_ram = true;
    }
    if (in_ram) {
      initrd_base = bi.initrd;
      initrd_len = bi.initrd_len;
    } else {
      kiln_warn("%s: the boot module at %#lx (%lu bytes) is not inside RAM; no initrd", plat,
                static_cast<unsigned long>(bi.initrd), static_cast<unsigned long>(bi.initrd_len));
    }
  }
  for (size_t i = 0; i < bi.nreserved; ++i) reserved[nres++] = bi.reserved[i];
  bool truncated = false;
  nfree = free_ranges(bi.mem, bi.nmem, reserved, nres, free_mem, kMaxRegions, &truncated);
  if (truncated) kiln_warn("%s: memory map has more than %zu free ranges; using the first ones", plat, kMaxRegions);
  if (bi.mem_truncated) kiln_warn("%s: memory map has more than %zu entries; the rest is ignored", plat, BootInfo::kMaxMem);

  // Spare pages for later splits, then the tables themselves.
  for (size_t i = 0; i < nfree; ++i) {
    if (free_mem[i].len >= (kSparePages + 8) * kPage) {
      spare_next = free_mem[i].base;
      spare_end = spare_next + kSparePages * kPage;
      free_mem[i].base = spare_end;
      free_mem[i].len -= kSparePages * kPage;
      break;
    }
  }
  uint64_t spare_lo = spare_next, spare_hi = spare_end;
  spare_next = spare_end;  // the boot tables come from the free list
  if (!pt_init(carve_zeroed_page)) {
    kiln_crit("%s: no free memory for page tables", plat);
    return false;
  }
  bool ok = true;
  // RAM and ACPI ranges anywhere; other firmware ranges only below 4 GiB
  // (QEMU lists e.g. a 12 GiB reserved hole at 1012 GiB: mapping it would
  // cost a dozen table pages for nothing). The device window is mapped
  // on its own, so memory-map ranges are clipped out of it.
  constexpr uint64_t kDevLo = 0xfe000000, kDevHi = 1ull << 32;
  for (size_t i = 0; i < bi.nmem; ++i) {
    const MemRange& m = bi.mem[i];
    uint64_t start = m.base & ~(kPage - 1);
    uint64_t end = m.len > ~0ull - m.base ? ~0ull & ~(kPage - 1) : m.base + m.len;
    if (end > (1ull << 46)) end = 1ull << 46;  // beyond what the tables can identity map
    bool ram_like = m.type == 1 || m.type == 3 || m.type == 4;
    if (!ram_like && end > kDevHi) end = kDevHi;
    if (start >= end) continue;
    if (start < kDevLo) ok &= pt_set(start, end < kDevLo ? end : kDevLo, kProtRead | kProtWrite);
    if (end > kDevHi) ok &= pt_set(start > kDevHi ? start : kDevHi, end, kProtRead | kProtWrite);
  }
  ok &= pt_set(kDevLo, kDevHi, kProtRead | kProtWrite | kProtDevice);
  ok &= pt_set(0, kPage, kProtNone);
  ok &= pt_set(u(__kiln_image_start), u(__kiln_text_end), kProtRead | kProtExec);
  ok &= pt_set(u(__kiln_text_end), u(__kiln_rodata_end), kProtRead);
  ok &= pt_set(u(__kiln_rodata_end), (u(_end) + kPage - 1) & ~(kPage - 1), kProtRead | kProtWrite);
  ok &= pt_set(u(kiln_bm_boot_stack_guard), u(kiln_bm_boot_stack_guard) + kPage, kProtNone);
  if (!ok) {
    kiln_crit("%s: out of memory while building page tables", plat);
    return false;
  }
  pt_activate();
  spare_next = spare_lo;
  spare_end = spare_hi;
  pt_set_alloc(alloc_spare_page);  // later splits (kiln_plat_guard) use the spares

  for (size_t i = 0; i < nfree && nregions < kMaxRegions; ++i) {
    if (free_mem[i].len < kPage) continue;
    regions[nregions++] = kiln_mem_region{static_cast<uintptr_t>(free_mem[i].base),
                                          static_cast<size_t>(free_mem[i].len)};
  }
  return true;
}

uint64_t take_free_pages(uint64_t len) {
  len = (len + kPage - 1) & ~(kPage - 1);
  size_t best = nregions;
  for (size_t i = 0; i < nregions; ++i)
    if (regions[i].len >= len && (best == nregions || regions[i].base > regions[best].base)) best = i;
  if (best == nregions) return 0;
  kiln_mem_region& r = regions[best];
  r.len -= len;
  uint64_t base = r.base + r.len;
  if (!r.len) {
    for (size_t i = best + 1; i < nregions; ++i) regions[i - 1] = regions[i];
    --nregions;
  }
  return base;
}

}  // namespace kiln::bm

extern "C" size_t kiln_plat_mem_regions(const kiln_mem_region** out) {
  *out = kiln::bm::regions;
  return kiln::bm::nregions;
}

namespace {

int protect(void* addr, size_t len, unsigned prot) {
  uint64_t a = reinterpret_cast<uint64_t>(addr);
  if ((a | len) & 4095) return -EINVAL;
  unsigned long f = kiln_plat_irq_save();
  bool ok = kiln::x86::pt_set(a, a + len, prot);
  kiln::x86::pt_activate();  // flushes the TLB
  kiln_plat_irq_restore(f);
  return ok ? 0 : -ENOMEM;
}

}  // namespace

extern "C" int kiln_plat_guard(void* addr, size_t len) { return protect(addr, len, kiln::x86::kProtNone); }
extern "C" int kiln_plat_unguard(void* addr, size_t len) {
  return protect(addr, len, kiln::x86::kProtRead | kiln::x86::kProtWrite);
}

// Mappings (lib/mm): the identity map's rights for a heap range. x86 has
// no write-only pages: write implies read.
extern "C" int kiln_plat_protect(void* addr, size_t len, unsigned prot) {
  unsigned p = kiln::x86::kProtNone;
  if (prot & KILN_PLAT_PROT_READ) p |= kiln::x86::kProtRead;
  if (prot & KILN_PLAT_PROT_WRITE) p |= kiln::x86::kProtRead | kiln::x86::kProtWrite;
  if (prot & KILN_PLAT_PROT_EXEC) p |= kiln::x86::kProtRead | kiln::x86::kProtExec;
  return protect(addr, len, p);
}

extern "C" int kiln_plat_paging_donate(void* page) {
  uint64_t a = reinterpret_cast<uint64_t>(page);
  if (!a || (a & (kiln::bm::kPage - 1))) return -EINVAL;
  unsigned long f = kiln_plat_irq_save();
  *static_cast<uint64_t*>(page) = kiln::bm::donated;
  kiln::bm::donated = a;
  kiln_plat_irq_restore(f);
  return 0;
}

// The boot module wins over the archive embedded at build time.
extern "C" size_t kiln_plat_initrd(const void** base) {
  if (!kiln::bm::initrd_len) return kiln_plat_initrd_embedded(base);
  *base = reinterpret_cast<const void*>(kiln::bm::initrd_base);
  return kiln::bm::initrd_len;
}

extern "C" const char* kiln_plat_initrd_source(void) {
  const void* b;
  if (kiln::bm::initrd_len) return "boot module";
  return kiln_plat_initrd_embedded(&b) ? "embedded" : "none";
}
