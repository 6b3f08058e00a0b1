// The heap front (lib/alloc/src/heap.cpp) over TLSF, built for the host:
// statistics, the small-block cache (reuse, classes, bounded size, given
// back when the backend runs short) and double-free detection. One heap
// per process (its own executable, host_heap_tests), set up once by the
// init table like at boot; each test frees what it allocates.
#include "fake_plat.h"

#include <kiln/alloc.h>
#include <kiln/init.h>
#include <kiln/plat/memory.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

namespace {

constexpr size_t kHeapBytes = 1 << 20;
alignas(4096) unsigned char heap_memory[kHeapBytes];
const kiln_mem_region region = {reinterpret_cast<uintptr_t>(heap_memory), kHeapBytes};

}  // namespace

extern "C" size_t kiln_plat_mem_regions(const kiln_mem_region** out) {
  *out = &region;
  return 1;
}

extern "C" const kiln_init_entry __kiln_init_start[], __kiln_init_end[];

namespace {

class HeapEnv : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_EQ(kiln_run_inits(__kiln_init_start, __kiln_init_end), 0); }
};
const auto* env = ::testing::AddGlobalTestEnvironment(new HeapEnv);

kiln_alloc_stats stats() {
  kiln_alloc_stats s;
  kiln_alloc_get_stats(&s);
  return s;
}

TEST(Heap, SetUpFromThePlatformRegion) {
  kiln_alloc_stats s = stats();
  EXPECT_GT(s.total, kHeapBytes / 2);
  EXPECT_LE(s.total, kHeapBytes);
  void* p = kiln_malloc(100);
  ASSERT_NE(p, nullptr);
  EXPECT_GE(reinterpret_cast<uintptr_t>(p), region.base);
  EXPECT_LT(reinterpret_cast<uintptr_t>(p), region.base + region.len);
  kiln_free(p);
}

TEST(Heap, StatisticsCountAllocsFreesAndBytes) {
  kiln_alloc_stats before = stats();
  void* a = kiln_malloc(40);
  void* b = kiln_malloc(1000);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 16, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % 16, 0u);
  kiln_alloc_stats mid = stats();
  EXPECT_EQ(mid.allocs, before.allocs + 2);
  EXPECT_EQ(mid.in_use, before.in_use + kiln_malloc_usable_size(a) + kiln_malloc_usable_size(b));
  EXPECT_GE(mid.peak, mid.in_use);
  kiln_free(a);
  kiln_free(b);
  kiln_free(nullptr);  // no-op, not counted
  kiln_alloc_stats after = stats();
  EXPECT_EQ(after.frees, before.frees + 2);
  EXPECT_EQ(after.in_use, before.in_use);
  // Cached blocks still count as free memory (their usable bytes: a block
  // newly split off by the backend leaves its 16-byte header uncounted).
  EXPECT_LE(after.free, before.free);
  EXPECT_GE(after.free + 2 * 16, before.free);
}

TEST(Heap, SmallBlockCacheReusesTheLastFreedBlockOfItsClass) {
  void* a = kiln_malloc(24);  // class 2 (17..32 bytes)
  void* b = kiln_malloc(24);
  ASSERT_TRUE(a && b);
  kiln_free(a);
  kiln_free(b);
  EXPECT_EQ(kiln_malloc(30), b);  // LIFO within the class
  EXPECT_EQ(kiln_malloc(17), a);
  kiln_free(a);
  kiln_free(b);
}

TEST(Heap, SmallBlockCacheKeepsClassesApart) {
  void* small = kiln_malloc(32);
  ASSERT_NE(small, nullptr);
  size_t u = kiln_malloc_usable_size(small);
  kiln_free(small);
  void* bigger = kiln_malloc(u + 1);  // the next class up
  ASSERT_NE(bigger, nullptr);
  EXPECT_NE(bigger, small);
  EXPECT_GE(kiln_malloc_usable_size(bigger), u + 1);
  void* same = kiln_malloc(u);
  EXPECT_EQ(same, small);
  kiln_free(bigger);
  kiln_free(same);
}

TEST(Heap, CachedBlockDoesNotKeepItsMarkVisible) {
  auto* a = static_cast<uint64_t*>(kiln_malloc(32));
  ASSERT_NE(a, nullptr);
  kiln_free(a);
  auto* b = static_cast<uint64_t*>(kiln_malloc(32));
  ASSERT_EQ(b, a);
  EXPECT_EQ(b[1], 0u);  // the cache's mark is cleared on reuse
  kiln_free(b);
}

// Alignments above 16 and big sizes go to the backend, not the cache.
TEST(Heap, AlignedAndPageAllocations) {
  void* a = kiln_memalign(256, 48);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 256, 0u);
  EXPECT_EQ(kiln_memalign(24, 16), nullptr);  // not a power of two
  EXPECT_EQ(kiln_memalign(0, 16), nullptr);
  void* p = kiln_palloc(2);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 4096, 0u);
  EXPECT_GE(kiln_malloc_usable_size(p), 8192u);
  EXPECT_EQ(kiln_palloc(SIZE_MAX / 1024), nullptr);  // overflow
  kiln_pfree(p, 2);
  kiln_free(a);
}

TEST(Heap, CallocZeroesAndRejectsOverflow) {
  auto* p = static_cast<unsigned char*>(kiln_malloc(64));
  ASSERT_NE(p, nullptr);
  memset(p, 0xab, 64);
  kiln_free(p);  // cached: calloc of the same class gets it back
  auto* q = static_cast<unsigned char*>(kiln_calloc(8, 8));
  ASSERT_NE(q, nullptr);
  for (int i = 0; i < 64; ++i) ASSERT_EQ(q[i], 0) << i;
  kiln_free(q);
  size_t failed = stats().failed;
  EXPECT_EQ(kiln_calloc(SIZE_MAX / 2, 4), nullptr);
  EXPECT_EQ(stats().failed, failed + 1);
}

TEST(Heap, ReallocKeepsContents) {
  auto* p = static_cast<char*>(kiln_realloc(nullptr, 20));  // = malloc
  ASSERT_NE(p, nullptr);
  strcpy(p, "kiln heap realloc");
  auto* q = static_cast<char*>(kiln_realloc(p, 4000));
  ASSERT_NE(q, nullptr);
  EXPECT_STREQ(q, "kiln heap realloc");
  size_t in_use = stats().in_use, u = kiln_malloc_usable_size(q);
  EXPECT_GE(u, 4000u);
  EXPECT_EQ(kiln_realloc(q, 0), nullptr);  // = free
  EXPECT_EQ(stats().in_use, in_use - u);
}

// Exhaustion is a NULL, counted; memory parked in the cache is given back
// to the backend and the request retried before failing.
TEST(Heap, CacheIsFlushedWhenTheBackendRunsShort) {
  kiln_alloc_stats before = stats();
  std::vector<void*> blocks;
  while (void* p = kiln_malloc(32)) blocks.push_back(p);  // (this also empties every cache class)
  ASSERT_GT(blocks.size(), 1000u);
  EXPECT_EQ(stats().failed, before.failed + 1);
  // Free 64 blocks spread over the whole heap first: they fill the cache
  // and split the heap. The rest go back to the backend, which merges them
  // into about 64 runs, none of them a quarter of the heap.
  std::set<size_t> spread;
  for (size_t i = 0; i < 64; ++i) spread.insert(i * blocks.size() / 64 + blocks.size() / 128);
  for (size_t i : spread) kiln_free(blocks[i]);
  for (size_t i = 0; i < blocks.size(); ++i)
    if (!spread.count(i)) kiln_free(blocks[i]);
  kiln_alloc_stats after = stats();
  EXPECT_EQ(after.in_use, before.in_use);
  // Only possible once the cached blocks are back in the backend.
  size_t failed = after.failed;
  void* big = kiln_malloc(kHeapBytes / 4);
  EXPECT_NE(big, nullptr);
  EXPECT_EQ(stats().failed, failed);
  kiln_free(big);
}

// Double frees and bad pointers panic (the host fake prints and aborts).
TEST(HeapDeathTest, DoubleFreeOfACachedSmallBlock) {
  void* p = kiln_malloc(48);
  ASSERT_NE(p, nullptr);
  kiln_free(p);
  EXPECT_DEATH(kiln_free(p), "PANIC: free\\(0x[0-9a-f]+\\): double free of a small block");
  EXPECT_EQ(kiln_malloc(48), p);  // (in this process the heap is intact)
  kiln_free(p);
}

// The class of the block is full (64 cached blocks), so the second free
// would go to the backend, which still thinks the block is live: it must
// be caught too, or the block is both cached and free in the backend.
TEST(HeapDeathTest, DoubleFreeWhenTheCacheClassIsFull) {
  // 80 bytes: a class no other test uses, so it starts empty.
  std::vector<void*> blocks;
  for (int i = 0; i < 65; ++i) blocks.push_back(kiln_malloc(80));
  for (void* p : blocks) ASSERT_NE(p, nullptr);
  for (void* p : blocks) kiln_free(p);  // 64 cached, the last to the backend
  EXPECT_DEATH(kiln_free(blocks[10]), "free\\(0x[0-9a-f]+\\): double free of a small block");
}

TEST(HeapDeathTest, DoubleFreeOfALargeBlock) {
  void* p = kiln_malloc(5000);
  ASSERT_NE(p, nullptr);
  kiln_free(p);
  EXPECT_DEATH(kiln_free(p), "free\\(0x[0-9a-f]+\\): not a live heap block");
}

TEST(HeapDeathTest, FreeOfAPointerNotFromTheHeap) {
  int on_stack[8];
  EXPECT_DEATH(kiln_free(on_stack), "not a live heap block");
  void* p = kiln_malloc(100);
  ASSERT_NE(p, nullptr);
  EXPECT_DEATH(kiln_free(static_cast<char*>(p) + 16), "not a live heap block");
  kiln_free(p);
}

}  // namespace
