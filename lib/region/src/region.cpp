#include <kiln/region.h>
#include <string.h>
#include <new>

namespace kiln {

namespace {
inline uintptr_t align_up(uintptr_t x, size_t a) { return (x + a - 1) & ~(uintptr_t{a} - 1); }
}  // namespace

RegionAlloc* RegionAlloc::create(void* base, size_t len) { return create_in_region<RegionAlloc>(base, len); }

bool RegionAlloc::add_region(void* base, size_t len) {
  uintptr_t a = align_up(reinterpret_cast<uintptr_t>(base), 16);
  uintptr_t end = (reinterpret_cast<uintptr_t>(base) + len) & ~uintptr_t{15};
  if (narenas_ == kMaxRegions || end <= a || end - a < 2 * kHeader) return false;
  arenas_[narenas_++] = {a, a, end, nullptr};
  total_ += end - a;
  return true;
}

size_t RegionAlloc::free_bytes() const {
  size_t f = 0;
  for (unsigned i = 0; i < narenas_; ++i) f += arenas_[i].end - arenas_[i].top;
  return f;
}

void* RegionAlloc::alloc(size_t size, size_t align) {
  if (align < 16) align = 16;
  if (size > (size_t{1} << 46) || align > (size_t{1} << 40)) return nullptr;
  size_t want = (size + 15) & ~size_t{15};
  for (unsigned i = 0; i < narenas_; ++i) {
    Arena& a = arenas_[i];
    uintptr_t payload = align_up(a.top + kHeader, align);
    if (payload > a.end || a.end - payload < want) continue;
    auto* h = reinterpret_cast<Header*>(payload - kHeader);
    h->prev = a.last;
    h->size_flags = want | kLive;
    a.top = payload + want;
    a.last = h;
    return reinterpret_cast<void*>(payload);
  }
  return nullptr;
}

RegionAlloc::Arena* RegionAlloc::arena_of(const void* p) {
  auto u = reinterpret_cast<uintptr_t>(p);
  if (u & 15) return nullptr;
  for (unsigned i = 0; i < narenas_; ++i)
    if (u >= arenas_[i].start + kHeader && u < arenas_[i].top) return &arenas_[i];
  return nullptr;
}

bool RegionAlloc::free(void* p) {
  if (!p) return true;
  Arena* a = arena_of(p);
  auto* h = reinterpret_cast<Header*>(static_cast<char*>(p) - kHeader);
  if (!a || (h->size_flags & kFlags) != kLive) return false;
  h->size_flags = size_of(h) | kDead;
  // Give back the dead blocks at the top of the arena (stack order).
  while (a->last && (a->last->size_flags & kFlags) == kDead) {
    Header* d = a->last;
    a->last = d->prev;
    a->top = a->last ? end_of(a->last) : a->start;
    d->size_flags = 0;
  }
  return true;
}

void* RegionAlloc::realloc(void* p, size_t size) {
  if (!p) return alloc(size, 16);
  Arena* a = arena_of(p);
  auto* h = reinterpret_cast<Header*>(static_cast<char*>(p) - kHeader);
  if (!a || (h->size_flags & kFlags) != kLive || size > (size_t{1} << 46)) return nullptr;
  size_t want = (size + 15) & ~size_t{15};
  if (h == a->last && reinterpret_cast<uintptr_t>(p) + want <= a->end) {  // the top block: resize in place
    h->size_flags = want | kLive;
    a->top = reinterpret_cast<uintptr_t>(p) + want;
    return p;
  }
  if (want <= size_of(h)) return p;  // shrinking below the top: keep the block
  void* q = alloc(size, 16);
  if (!q) return nullptr;
  memcpy(q, p, size_of(h));
  free(p);
  return q;
}

size_t RegionAlloc::live_size(const void* p) const {
  auto* h = reinterpret_cast<const Header*>(static_cast<const char*>(p) - kHeader);
  return arena_of(p) && (h->size_flags & kFlags) == kLive ? size_of(h) : 0;
}

size_t RegionAlloc::usable_size(const void* p) const {
  return p ? size_of(reinterpret_cast<const Header*>(static_cast<const char*>(p) - kHeader)) : 0;
}

}  // namespace kiln
