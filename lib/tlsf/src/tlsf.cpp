#include <kiln/tlsf.h>
#include <string.h>
#include <new>

namespace kiln {

namespace {
inline unsigned fls64(size_t x) { return 63u - static_cast<unsigned>(__builtin_clzll(x)); }
inline size_t round_up(size_t x, size_t a) { return (x + a - 1) & ~(a - 1); }
}  // namespace

void Tlsf::mapping(size_t size, unsigned* fl, unsigned* sl) {
  if (size < (size_t{1} << kFlShift)) {
    *fl = 0;
    *sl = static_cast<unsigned>(size >> kAlignLog2);
  } else {
    unsigned f = fls64(size);
    *sl = static_cast<unsigned>(size >> (f - kSlLog2)) & (kSl - 1);
    *fl = f - (kFlShift - 1);
  }
}

void Tlsf::insert(Block* b) {
  unsigned fl, sl;
  mapping(size_of(b), &fl, &sl);
  b->size_flags |= kFree;
  b->prev_free = nullptr;
  b->next_free = lists_[fl][sl];
  if (b->next_free) b->next_free->prev_free = b;
  lists_[fl][sl] = b;
  fl_map_ |= uint64_t{1} << fl;
  sl_map_[fl] |= 1u << sl;
  free_bytes_ += size_of(b);
}

void Tlsf::remove(Block* b) {
  unsigned fl, sl;
  mapping(size_of(b), &fl, &sl);
  if (b->prev_free) b->prev_free->next_free = b->next_free;
  else lists_[fl][sl] = b->next_free;
  if (b->next_free) b->next_free->prev_free = b->prev_free;
  if (!lists_[fl][sl]) {
    sl_map_[fl] &= ~(1u << sl);
    if (!sl_map_[fl]) fl_map_ &= ~(uint64_t{1} << fl);
  }
  b->size_flags &= ~kFree;
  free_bytes_ -= size_of(b);
}

// A free block of at least size bytes, taken off its list; or nullptr.
Tlsf::Block* Tlsf::find(size_t size) {
  // Round up to the next list boundary so any block on the list found is
  // large enough (the "good fit" of TLSF): O(1).
  size_t rounded = size;
  if (size >= (size_t{1} << kFlShift)) rounded += (size_t{1} << (fls64(size) - kSlLog2)) - 1;
  unsigned fl, sl;
  mapping(rounded, &fl, &sl);
  if (fl < kFl) {
    uint32_t slm = sl_map_[fl] & (~0u << sl);
    uint64_t flm = fl + 1 < 64 ? fl_map_ & (~uint64_t{0} << (fl + 1)) : 0;
    if (slm || flm) {
      if (!slm) {
        fl = static_cast<unsigned>(__builtin_ctzll(flm));
        slm = sl_map_[fl];
      }
      Block* b = lists_[fl][static_cast<unsigned>(__builtin_ctz(slm))];
      remove(b);
      return b;
    }
  }
  // Nothing in a larger class: a block in the request's own class may still
  // fit (e.g. asking for all the memory there is). Only on this path, which
  // would otherwise fail, is a list walked.
  mapping(size, &fl, &sl);
  if (fl >= kFl) return nullptr;
  for (Block* b = lists_[fl][sl]; b; b = b->next_free) {
    if (size_of(b) >= size) {
      remove(b);
      return b;
    }
  }
  return nullptr;
}

// b is used or being built; n = next_phys(b) is free: absorb it.
Tlsf::Block* Tlsf::merge_next(Block* b) {
  Block* n = next_phys(b);
  remove(n);
  set_size(b, size_of(b) + kHeader + size_of(n));
  next_phys(b)->prev_phys = b;
  return b;
}

// Shrink used block b to size, freeing the tail if it can hold a block.
void Tlsf::split(Block* b, size_t size) {
  size_t have = size_of(b);
  if (have < size + kHeader + kMinBlock) return;
  Block* rest = reinterpret_cast<Block*>(payload(b) + size);
  rest->size_flags = have - size - kHeader;  // not free yet
  rest->prev_phys = b;
  set_size(b, size);
  next_phys(rest)->prev_phys = rest;
  if (is_free(next_phys(rest))) merge_next(rest);
  insert(rest);
}

bool Tlsf::owns(const Block* b) const {
  auto a = reinterpret_cast<uintptr_t>(b);
  if (a & (kAlign - 1)) return false;
  for (unsigned i = 0; i < nregions_; ++i) {
    if (a >= reinterpret_cast<uintptr_t>(regions_[i].first) &&
        a < reinterpret_cast<uintptr_t>(regions_[i].sentinel))
      return true;
  }
  return false;
}

Tlsf* Tlsf::create(void* base, size_t len) { return create_in_region<Tlsf>(base, len); }

bool Tlsf::add_region(void* base, size_t len) {
  uintptr_t a = round_up(reinterpret_cast<uintptr_t>(base), kAlign);
  uintptr_t end = (reinterpret_cast<uintptr_t>(base) + len) & ~(kAlign - 1);
  if (nregions_ == kMaxRegions || end <= a || end - a < 2 * kHeader + kMinBlock) return false;
  size_t payload_size = end - a - 2 * kHeader;
  if (payload_size > kMaxAlloc * 2) payload_size = kMaxAlloc * 2;  // beyond the lists' reach
  Block* first = reinterpret_cast<Block*>(a);
  first->prev_phys = nullptr;
  first->size_flags = payload_size;
  Block* sentinel = next_phys(first);  // size 0, used: stops merging
  sentinel->prev_phys = first;
  sentinel->size_flags = 0;
  regions_[nregions_++] = {first, sentinel};
  total_bytes_ += payload_size;
  insert(first);
  return true;
}

void* Tlsf::alloc(size_t size, size_t align) {
  if (size > kMaxAlloc || align > kMaxAlloc) return nullptr;
  size_t want = round_up(size < kMinBlock ? kMinBlock : size, kAlign);
  if (align <= kAlign) {
    Block* b = find(want);
    if (!b) return nullptr;
    split(b, want);
    return payload(b);
  }
  // Over-allocate so an aligned payload fits with room for a leading free
  // block (header + minimum payload) in front of it.
  Block* b = find(want + align + kHeader + kMinBlock);
  if (!b) return nullptr;
  uintptr_t p = reinterpret_cast<uintptr_t>(payload(b));
  uintptr_t q = round_up(p, align);
  if (q != p) {
    while (q - p < kHeader + kMinBlock) q += align;
    size_t gap = q - p;  // the leading block keeps gap - kHeader bytes
    Block* nb = reinterpret_cast<Block*>(q - kHeader);
    nb->size_flags = size_of(b) - gap;
    nb->prev_phys = b;
    next_phys(nb)->prev_phys = nb;
    set_size(b, gap - kHeader);
    insert(b);  // its previous block is used: free blocks never touch
    b = nb;
  }
  split(b, want);
  return payload(b);
}

bool Tlsf::free(void* p) {
  if (!p) return true;
  Block* b = block_of(p);
  if (!owns(b) || is_free(b)) return false;
  Block* prev = b->prev_phys;
  if (prev && is_free(prev)) {
    remove(prev);
    set_size(prev, size_of(prev) + kHeader + size_of(b));
    next_phys(prev)->prev_phys = prev;
    b = prev;
  }
  if (is_free(next_phys(b))) merge_next(b);
  insert(b);
  return true;
}

// The part [s, e) of live block b goes back: b keeps [p, s) (when s > p),
// a free block has its header at s (or is b itself), and the rest [e, ..)
// is a live block whose header is the 16 bytes before e (inside the part
// given back). Then the free block is freed as any, merging with free
// neighbours.
bool Tlsf::release(void* p, size_t off, size_t len) {
  if (!p || !len || off % kAlign || len % kAlign) return false;
  Block* b = block_of(p);
  if (!owns(b) || is_free(b)) return false;
  const uintptr_t ps = reinterpret_cast<uintptr_t>(p), n = size_of(b);
  if (off > n || len > n - off) return false;
  const uintptr_t s = ps + off, e = s + len;
  const bool head = s > ps, tail = e < ps + n;
  const uintptr_t fs = head ? s + kHeader : ps;      // the free block's payload
  const uintptr_t fe = tail ? e - kHeader : ps + n;  // and its end
  if (fe < fs + kMinBlock || (head && s - ps < kMinBlock)) return false;
  Block* next = next_phys(b);
  Block* f = b;
  if (head) {
    set_size(b, s - ps);
    f = reinterpret_cast<Block*>(s);
    f->prev_phys = b;
  }
  f->size_flags = fe - fs;  // live until freed below
  if (tail) {
    auto* t = reinterpret_cast<Block*>(e - kHeader);
    t->prev_phys = f;
    t->size_flags = ps + n - e;
    next->prev_phys = t;
  } else {
    next->prev_phys = f;
  }
  return free(payload(f));
}

void* Tlsf::realloc(void* p, size_t size) {
  if (!p) return alloc(size, kAlign);
  Block* b = block_of(p);
  if (!owns(b) || is_free(b) || size > kMaxAlloc) return nullptr;
  size_t want = round_up(size < kMinBlock ? kMinBlock : size, kAlign);
  size_t have = size_of(b);
  if (want <= have) {
    split(b, want);
    return p;
  }
  Block* n = next_phys(b);
  if (is_free(n) && have + kHeader + size_of(n) >= want) {
    merge_next(b);
    split(b, want);
    return p;
  }
  void* q = alloc(size, kAlign);
  if (!q) return nullptr;
  memcpy(q, p, have);
  free(p);
  return q;
}

size_t Tlsf::usable_size(const void* p) const {
  return p ? size_of(block_of(p)) : 0;
}

bool Tlsf::check() const {
  size_t free_sum = 0, total = 0;
  for (unsigned i = 0; i < nregions_; ++i) {
    const Block* prev = nullptr;
    const Block* b = regions_[i].first;
    bool prev_free = false;
    while (b != regions_[i].sentinel) {
      if (b->prev_phys != prev) return false;
      if (reinterpret_cast<uintptr_t>(payload(b)) & (kAlign - 1)) return false;
      if (size_of(b) < kMinBlock) return false;
      if (is_free(b)) {
        if (prev_free) return false;  // two free neighbours: missed merge
        free_sum += size_of(b);
        unsigned fl, sl;
        mapping(size_of(b), &fl, &sl);
        bool found = false;
        for (const Block* f = lists_[fl][sl]; f; f = f->next_free)
          if (f == b) found = true;
        if (!found) return false;
      }
      total += size_of(b) + kHeader;
      prev_free = is_free(b);
      prev = b;
      b = next_phys(b);
      if (reinterpret_cast<uintptr_t>(b) > reinterpret_cast<uintptr_t>(regions_[i].sentinel)) return false;
    }
    if (b->prev_phys != prev || is_free(b)) return false;
  }
  // Every listed block is free and the bitmaps match the lists.
  size_t listed = 0;
  for (unsigned fl = 0; fl < kFl; ++fl) {
    for (unsigned sl = 0; sl < kSl; ++sl) {
      bool nonempty = lists_[fl][sl] != nullptr;
      if (nonempty != bool(sl_map_[fl] & (1u << sl))) return false;
      for (const Block* f = lists_[fl][sl]; f; f = f->next_free) {
        if (!is_free(f)) return false;
        listed += size_of(f);
      }
    }
    if (bool(sl_map_[fl]) != bool(fl_map_ & (uint64_t{1} << fl))) return false;
  }
  (void)total;
  return free_sum == free_bytes_ && listed == free_bytes_;
}

}  // namespace kiln
