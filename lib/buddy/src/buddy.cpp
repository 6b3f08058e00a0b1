#include <kiln/buddy.h>
#include <string.h>
#include <new>

namespace kiln {

unsigned Buddy::order_for(size_t bytes) {
  size_t pages = (bytes + kPage - 1) / kPage;
  if (pages <= 1) return 0;
  return 64u - static_cast<unsigned>(__builtin_clzll(pages - 1));
}

const Buddy::Region* Buddy::region_of(uintptr_t addr) const {
  for (unsigned i = 0; i < nregions_; ++i) {
    const Region& r = regions_[i];
    if (addr >= r.base && addr < r.base + r.npages * kPage) return &r;
  }
  return nullptr;
}

uint8_t* Buddy::meta_of(uintptr_t addr) const {
  const Region* r = region_of(addr);
  return r ? &r->meta[(addr - r->base) / kPage] : nullptr;
}

void Buddy::push(unsigned order, uintptr_t addr) {
  auto* b = reinterpret_cast<FreeBlock*>(addr);
  b->prev = nullptr;
  b->next = lists_[order];
  if (b->next) b->next->prev = b;
  lists_[order] = b;
  *meta_of(addr) = static_cast<uint8_t>(kHead | kFreeBit | order);
  free_pages_ += size_t{1} << order;
}

void Buddy::unlink(unsigned order, uintptr_t addr) {
  auto* b = reinterpret_cast<FreeBlock*>(addr);
  if (b->prev) b->prev->next = b->next;
  else lists_[order] = b->next;
  if (b->next) b->next->prev = b->prev;
  *meta_of(addr) = static_cast<uint8_t>(kHead | order);
  free_pages_ -= size_t{1} << order;
}

Buddy* Buddy::create(void* base, size_t len) { return create_in_region<Buddy>(base, len); }

bool Buddy::add_region(void* base, size_t len) {
  uintptr_t start = reinterpret_cast<uintptr_t>(base);
  uintptr_t end = (start + len) & ~(kPage - 1);
  if (nregions_ == kMaxRegions || end <= start) return false;
  // Metadata first (one byte per page of what follows), then pages.
  size_t span = end - start;
  size_t npages = span / (kPage + 1);
  uintptr_t meta = start;
  uintptr_t first = (meta + npages + kPage - 1) & ~(kPage - 1);
  if (first >= end) return false;
  npages = (end - first) / kPage;
  if (npages == 0) return false;
  Region& r = regions_[nregions_++];
  r = {first, npages, reinterpret_cast<uint8_t*>(meta)};
  memset(r.meta, 0, npages);
  total_pages_ += npages;
  // Carve the largest naturally aligned blocks that fit.
  uintptr_t addr = first;
  while (addr < end) {
    unsigned order = 0;
    while (order < kMaxOrder) {
      size_t next = kPage << (order + 1);
      if ((addr & (next - 1)) || addr + next > end) break;
      ++order;
    }
    push(order, addr);
    addr += kPage << order;
  }
  return true;
}

void* Buddy::alloc(size_t size, size_t align) {
  if (size > (kPage << kMaxOrder) || align > (kPage << kMaxOrder)) return nullptr;
  unsigned want = order_for(size);
  unsigned a = order_for(align);
  if (a > want) want = a;
  unsigned o = want;
  while (o <= kMaxOrder && !lists_[o]) ++o;
  if (o > kMaxOrder) return nullptr;
  uintptr_t addr = reinterpret_cast<uintptr_t>(lists_[o]);
  unlink(o, addr);
  while (o > want) {  // split, keeping the lower half
    --o;
    push(o, addr + (kPage << o));
  }
  *meta_of(addr) = static_cast<uint8_t>(kHead | want);
  return reinterpret_cast<void*>(addr);
}

bool Buddy::free(void* p) {
  if (!p) return true;
  uintptr_t addr = reinterpret_cast<uintptr_t>(p);
  const Region* r = region_of(addr);
  if (!r || (addr & (kPage - 1))) return false;
  uint8_t m = r->meta[(addr - r->base) / kPage];
  if (!(m & kHead) || (m & kFreeBit)) return false;
  unsigned order = m & kOrderMask;
  while (order < kMaxOrder) {
    uintptr_t buddy = addr ^ (kPage << order);
    if (buddy < r->base || buddy + (kPage << order) > r->base + r->npages * kPage) break;
    uint8_t bm = r->meta[(buddy - r->base) / kPage];
    if (bm != (kHead | kFreeBit | order)) break;
    unlink(order, buddy);
    r->meta[(buddy - r->base) / kPage] = 0;
    r->meta[(addr - r->base) / kPage] = 0;
    addr = addr < buddy ? addr : buddy;
    ++order;
  }
  push(order, addr);
  return true;
}

void* Buddy::realloc(void* p, size_t size) {
  if (!p) return alloc(size, 16);
  size_t have = usable_size(p);
  uint8_t* m = meta_of(reinterpret_cast<uintptr_t>(p));
  if (!m || !(*m & kHead) || (*m & kFreeBit)) return nullptr;
  if (size <= have && order_for(size) == (*m & kOrderMask)) return p;
  void* q = alloc(size, 16);
  if (!q) return nullptr;
  memcpy(q, p, have < size ? have : size);
  free(p);
  return q;
}

size_t Buddy::usable_size(const void* p) const {
  if (!p) return 0;
  const uint8_t* m = meta_of(reinterpret_cast<uintptr_t>(p));
  return m ? kPage << (*m & kOrderMask) : 0;
}

size_t Buddy::live_size(const void* p) const {
  auto addr = reinterpret_cast<uintptr_t>(p);
  const uint8_t* m = meta_of(addr);
  bool live = m && !(addr & (kPage - 1)) && (*m & kHead) && !(*m & kFreeBit);
  return live ? kPage << (*m & kOrderMask) : 0;
}

bool Buddy::check() const {
  size_t free_pages = 0;
  for (unsigned o = 0; o <= kMaxOrder; ++o) {
    for (const FreeBlock* b = lists_[o]; b; b = b->next) {
      uintptr_t addr = reinterpret_cast<uintptr_t>(b);
      const uint8_t* m = meta_of(addr);
      if (!m || *m != (kHead | kFreeBit | o)) return false;
      if (addr & ((kPage << o) - 1)) return false;  // natural alignment
      free_pages += size_t{1} << o;
    }
  }
  // Walk every region block by block: heads must tile the pages.
  for (unsigned i = 0; i < nregions_; ++i) {
    const Region& r = regions_[i];
    for (size_t pg = 0; pg < r.npages;) {
      uint8_t m = r.meta[pg];
      if (!(m & kHead)) return false;
      pg += size_t{1} << (m & kOrderMask);
      if (pg > r.npages) return false;
    }
  }
  return free_pages == free_pages_;
}

}  // namespace kiln
