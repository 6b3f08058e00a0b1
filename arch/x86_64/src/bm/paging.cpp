// x86_64 bare metal: identity-mapped 4-level page tables.
//
// pt_set maps a range with the largest pages its alignment allows (1 GiB
// when the CPU has them, else 2 MiB, else 4 KiB) and splits a larger page
// into 512 smaller ones when a change needs finer granularity, so a boot
// with 64 MiB of RAM needs a handful of table pages.
#include <kiln/arch/x86.h>

extern "C" uint8_t kiln_x86_has_nx, kiln_x86_has_1g;

namespace kiln::x86 {
namespace {

constexpr uint64_t kP = 1, kRW = 2, kPWT = 8, kPCD = 16, kPS = 0x80, kNX = 1ull << 63;
constexpr uint64_t kAddr = 0x000ffffffffff000ull;

constinit PageAlloc page_alloc = nullptr;
constinit uint64_t root = 0;
constinit size_t used = 0;

uint64_t leaf_flags(unsigned prot) {
  if (!(prot & (kProtRead | kProtWrite | kProtExec))) return 0;
  uint64_t f = kP;
  if (prot & kProtWrite) f |= kRW;
  if (!(prot & kProtExec) && kiln_x86_has_nx) f |= kNX;
  if (prot & kProtDevice) f |= kPCD | kPWT;
  return f;
}

uint64_t* table_of(uint64_t e) { return reinterpret_cast<uint64_t*>(e & kAddr); }

uint64_t new_table() {
  uint64_t p = page_alloc ? page_alloc() : 0;
  if (p) ++used;
  return p;
}

// level 3: PML4 (512 GiB per entry), 2: PDPT (1 GiB), 1: PD (2 MiB),
// 0: PT (4 KiB).
bool set(uint64_t* t, int level, uint64_t start, uint64_t end, uint64_t flags) {
  const unsigned shift = 12 + 9 * level;
  const uint64_t size = 1ull << shift;
  for (uint64_t a = start; a < end;) {
    const uint64_t block = a & ~(size - 1);
    const uint64_t seg_end = end - block < size ? end : block + size;
    uint64_t& e = t[(a >> shift) & 511];
    const bool whole = a == block && seg_end == block + size;
    if (level == 0) {
      e = flags ? (a | flags) : 0;
    } else if (whole && (level == 1 || (level == 2 && kiln_x86_has_1g))) {
      e = flags ? (a | flags | kPS) : 0;  // an old sub-table is left unused
    } else if (whole && level == 3 && !flags) {
      e = 0;
    } else {
      if (!(e & kP) || (e & kPS)) {
        uint64_t page = new_table();
        if (!page) return false;
        uint64_t* sub = reinterpret_cast<uint64_t*>(page);
        if (e & kP) {
          // Split a large page into 512 of the next size, same rights.
          const uint64_t child = size >> 9;
          const uint64_t base = e & kAddr & ~(size - 1);
          uint64_t f = e & (kNX | 0xfff);
          if (level == 1) f &= ~kPS;
          for (unsigned i = 0; i < 512; ++i) sub[i] = (base + i * child) | f;
        }
        e = page | kP | kRW;  // leaves carry the restrictions
      }
      if (!set(table_of(e), level - 1, a, seg_end, flags)) return false;
    }
    a = seg_end;
  }
  return true;
}

}  // namespace

bool has_nx() { return kiln_x86_has_nx; }
bool has_1g_pages() { return kiln_x86_has_1g; }

bool pt_init(PageAlloc alloc) {
  page_alloc = alloc;
  root = new_table();
  return root != 0;
}

void pt_set_alloc(PageAlloc alloc) { page_alloc = alloc; }

bool pt_set(uint64_t start, uint64_t end, unsigned prot) {
  if (!root) return false;
  start &= ~0xfffull;
  end = (end + 0xfff) & ~0xfffull;
  return set(reinterpret_cast<uint64_t*>(root), 3, start, end, leaf_flags(prot));
}

void pt_activate() { write_cr3(root); }

bool pt_readable(uint64_t addr) {
  if (addr >> 47) return false;  // non-canonical or kernel half: never mapped
  const uint64_t* t = reinterpret_cast<const uint64_t*>(read_cr3() & kAddr);
  for (int level = 3; level >= 0; --level) {
    uint64_t e = t[(addr >> (12 + 9 * level)) & 511];
    if (!(e & kP)) return false;
    if (level == 0 || (e & kPS)) return true;
    t = table_of(e);
  }
  return false;
}

size_t pt_pages_used() { return used; }

}  // namespace kiln::x86
