// TLSF (two-level segregated fit) allocator: O(1) alloc and free.
//
// Memory is split into blocks, each with a 16-byte header {previous
// physical block, size|flags}. Free blocks sit on one of kFl x kSl lists,
// indexed by (first level = power of two, second level = one of 16 equal
// steps inside it); two bitmaps find a non-empty list with two bit scans.
// Freed blocks merge with free neighbours at once, so no two free blocks
// are ever adjacent. Payloads are 16-byte aligned; larger alignments split
// off a leading free block.
//
// Portable and self-contained (no locks, no platform calls), so host unit
// tests run the same code.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/alloc.h>

namespace kiln {

class Tlsf final : public Allocator {
 public:
  // Places the allocator's control data at the start of [base, base+len)
  // and manages the rest. nullptr if the region is too small.
  static Tlsf* create(void* base, size_t len);

  void* alloc(size_t size, size_t align) override;
  bool free(void* p) override;
  void* realloc(void* p, size_t size) override;
  size_t usable_size(const void* p) const override;
  size_t live_size(const void* p) const override {
    const Block* b = block_of(p);
    return owns(b) && !is_free(b) ? size_of(b) : 0;
  }
  bool release(void* p, size_t off, size_t len) override;
  bool add_region(void* base, size_t len) override;
  size_t free_bytes() const override { return free_bytes_; }
  size_t total_bytes() const override { return total_bytes_; }
  const char* name() const override { return "tlsf"; }

  // Walks every block and free list; false on any inconsistency (tests).
  bool check() const;
  // Largest request alloc() can ever satisfy.
  static constexpr size_t kMaxAlloc = (size_t{1} << 42);

  static constexpr unsigned kAlignLog2 = 4;
  static constexpr size_t kAlign = size_t{1} << kAlignLog2;
  static constexpr unsigned kSlLog2 = 4;
  static constexpr unsigned kSl = 1u << kSlLog2;
  static constexpr unsigned kFlShift = kSlLog2 + kAlignLog2;  // sizes < 256: first level 0
  static constexpr unsigned kFl = 44 - kFlShift + 2;
  static constexpr size_t kHeader = 16;
  static constexpr size_t kMinBlock = 16;  // smallest payload (holds free links)
  static constexpr unsigned kMaxRegions = 32;

 private:
  struct Block {
    Block* prev_phys;
    size_t size_flags;  // payload size | kFree
    Block* next_free;   // only while free (first bytes of the payload)
    Block* prev_free;
  };
  static constexpr size_t kFree = 1;

  Tlsf() = default;
  template <typename T>
  friend T* create_in_region(void*, size_t);
  static size_t size_of(const Block* b) { return b->size_flags & ~size_t{15}; }
  static bool is_free(const Block* b) { return b->size_flags & kFree; }
  static void set_size(Block* b, size_t s) { b->size_flags = s | (b->size_flags & kFree); }
  static char* payload(const Block* b) { return reinterpret_cast<char*>(const_cast<Block*>(b)) + kHeader; }
  static Block* block_of(const void* p) {
    return reinterpret_cast<Block*>(static_cast<char*>(const_cast<void*>(p)) - kHeader);
  }
  static Block* next_phys(const Block* b) { return reinterpret_cast<Block*>(payload(b) + size_of(b)); }
  static void mapping(size_t size, unsigned* fl, unsigned* sl);

  void insert(Block* b);
  void remove(Block* b);
  Block* find(size_t size);
  void split(Block* b, size_t size);  // keep size, free the rest
  Block* merge_next(Block* b);        // absorb the following free block
  bool owns(const Block* b) const;

  uint64_t fl_map_ = 0;
  uint32_t sl_map_[kFl] = {};
  Block* lists_[kFl][kSl] = {};
  size_t free_bytes_ = 0;
  size_t total_bytes_ = 0;
  struct Region {
    Block* first;
    Block* sentinel;
  } regions_[kMaxRegions] = {};
  unsigned nregions_ = 0;
};

}  // namespace kiln
