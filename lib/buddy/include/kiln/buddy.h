// Buddy page allocator: blocks of 4 KiB << order, naturally aligned to
// their size. A block splits into two buddies; a freed block merges with its
// buddy whenever that one is free too, so memory comes back whole. One
// metadata byte per page (order and state) sits at the start of each
// region. Allocation and free cost O(max order).
//
// Every request takes at least a page: this backend is for page-sized and
// large blocks (DMA buffers, stacks, page tables) and for apps whose
// allocations are mostly that; TLSF is the better general heap.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/alloc.h>

namespace kiln {

class Buddy final : public Allocator {
 public:
  static constexpr size_t kPage = 4096;
  static constexpr unsigned kMaxOrder = 30;  // 4 TiB blocks
  static constexpr unsigned kMaxRegions = 32;

  static Buddy* create(void* base, size_t len);
  void* alloc(size_t size, size_t align) override;
  bool free(void* p) override;
  void* realloc(void* p, size_t size) override;
  size_t usable_size(const void* p) const override;
  size_t live_size(const void* p) const override;
  bool add_region(void* base, size_t len) override;
  size_t free_bytes() const override { return free_pages_ * kPage; }
  size_t total_bytes() const override { return total_pages_ * kPage; }
  const char* name() const override { return "buddy"; }

  // Whole-structure check for tests.
  bool check() const;

 private:
  struct FreeBlock {
    FreeBlock* next;
    FreeBlock* prev;
  };
  struct Region {
    uintptr_t base;      // first managed page
    size_t npages;
    uint8_t* meta;       // one byte per page
  };
  // meta byte: bit 7 = first page of a block, bit 6 = free, bits 0-5 = order
  static constexpr uint8_t kHead = 0x80, kFreeBit = 0x40, kOrderMask = 0x3f;

  Buddy() = default;
  template <typename T>
  friend T* create_in_region(void*, size_t);
  const Region* region_of(uintptr_t addr) const;
  uint8_t* meta_of(uintptr_t addr) const;
  void push(unsigned order, uintptr_t addr);
  void unlink(unsigned order, uintptr_t addr);
  static unsigned order_for(size_t bytes);

  FreeBlock* lists_[kMaxOrder + 1] = {};
  Region regions_[kMaxRegions] = {};
  unsigned nregions_ = 0;
  size_t free_pages_ = 0;
  size_t total_pages_ = 0;
};

}  // namespace kiln
