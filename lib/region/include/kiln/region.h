// Region (bump) allocator: the smallest and fastest allocator there is.
// Allocation moves a pointer forward; freeing gives memory back only when
// the freed block is the most recent one (stack order), otherwise the block
// is marked dead and its space is lost until everything after it is freed
// too. For early boot, and for tiny images whose memory use only grows.
//
// Each block has a 16-byte header {previous block, size|flags}, so usable_size, free
// validation and realloc work as with any other backend.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/alloc.h>

namespace kiln {

class RegionAlloc final : public Allocator {
 public:
  static RegionAlloc* create(void* base, size_t len);
  void* alloc(size_t size, size_t align) override;
  bool free(void* p) override;
  void* realloc(void* p, size_t size) override;
  size_t usable_size(const void* p) const override;
  size_t live_size(const void* p) const override;
  bool add_region(void* base, size_t len) override;
  size_t free_bytes() const override;
  size_t total_bytes() const override { return total_; }
  const char* name() const override { return "region"; }

  static constexpr size_t kHeader = 16;
  static constexpr unsigned kMaxRegions = 32;

 private:
  struct Header {
    Header* prev;       // previous block in the arena, or null
    size_t size_flags;  // payload size (multiple of 16) | kLive or kDead
  };
  static_assert(sizeof(Header) == kHeader, "16-byte header");
  static constexpr size_t kLive = 1, kDead = 2, kFlags = 15;
  struct Arena {
    uintptr_t start, top, end;
    Header* last;  // most recent block (live or dead) in this arena, or null
  };
  RegionAlloc() = default;
  template <typename T>
  friend T* create_in_region(void*, size_t);
  Arena* arena_of(const void* p);
  const Arena* arena_of(const void* p) const { return const_cast<RegionAlloc*>(this)->arena_of(p); }
  static size_t size_of(const Header* h) { return h->size_flags & ~kFlags; }
  static uintptr_t end_of(const Header* h) {
    return reinterpret_cast<uintptr_t>(h) + kHeader + size_of(h);
  }

  Arena arenas_[kMaxRegions] = {};
  unsigned narenas_ = 0;
  size_t total_ = 0;
};

}  // namespace kiln
