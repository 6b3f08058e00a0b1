// In-image tests of the heap through both the Kiln and the libc interface.
#include <kiln/alloc.h>
#include <kiln/ktest.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <initializer_list>

KILN_TEST(alloc, malloc_is_aligned_and_usable) {
  for (size_t s : {1, 7, 16, 24, 100, 1000, 5000, 100000}) {
    void* p = kiln_malloc(s);
    KTEST_ASSERT(p != nullptr);
    KTEST_EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0);
    KTEST_EXPECT(kiln_malloc_usable_size(p) >= s);
    memset(p, 0x5a, s);
    kiln_free(p);
  }
}

KILN_TEST(alloc, stats_follow_allocations) {
  kiln_alloc_stats before, during, after;
  kiln_alloc_get_stats(&before);
  void* p = kiln_malloc(4096);
  KTEST_ASSERT(p != nullptr);
  kiln_alloc_get_stats(&during);
  KTEST_EXPECT_EQ(during.allocs, before.allocs + 1);
  KTEST_EXPECT(during.in_use >= before.in_use + 4096);
  KTEST_EXPECT(during.peak >= during.in_use);
  KTEST_EXPECT(during.free < before.free);
  kiln_free(p);
  kiln_alloc_get_stats(&after);
  KTEST_EXPECT_EQ(after.in_use, before.in_use);
  KTEST_EXPECT_EQ(after.frees, before.frees + 1);
  KTEST_EXPECT_EQ(after.free, before.free);
}

KILN_TEST(alloc, memalign_and_pages) {
  for (size_t a : {32, 64, 4096, 65536}) {
    void* p = kiln_memalign(a, 100);
    KTEST_ASSERT(p != nullptr);
    KTEST_EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % a, 0);
    kiln_free(p);
  }
  KTEST_EXPECT(kiln_memalign(48, 10) == nullptr);  // not a power of two
  void* pg = kiln_palloc(3);
  KTEST_ASSERT(pg != nullptr);
  KTEST_EXPECT_EQ(reinterpret_cast<uintptr_t>(pg) % 4096, 0);
  memset(pg, 0, 3 * 4096);
  kiln_pfree(pg, 3);
  void* q = nullptr;
  KTEST_EXPECT_EQ(posix_memalign(&q, 256, 10), 0);
  KTEST_EXPECT_EQ(reinterpret_cast<uintptr_t>(q) % 256, 0);
  free(q);
  KTEST_EXPECT_EQ(posix_memalign(&q, 3, 10), EINVAL);
}

KILN_TEST(alloc, realloc_keeps_contents) {
  char* p = static_cast<char*>(malloc(10));
  KTEST_ASSERT(p != nullptr);
  memcpy(p, "kiln-heap", 10);
  p = static_cast<char*>(realloc(p, 100000));
  KTEST_ASSERT(p != nullptr);
  KTEST_EXPECT(memcmp(p, "kiln-heap", 10) == 0);
  p = static_cast<char*>(realloc(p, 5));
  KTEST_ASSERT(p != nullptr);
  KTEST_EXPECT(memcmp(p, "kiln-", 5) == 0);
  KTEST_EXPECT(realloc(p, 0) == nullptr);  // frees
}

KILN_TEST(alloc, calloc_zeroes_and_checks_overflow) {
  unsigned char* p = static_cast<unsigned char*>(calloc(100, 40));
  KTEST_ASSERT(p != nullptr);
  bool zero = true;
  for (int i = 0; i < 4000; ++i) zero &= p[i] == 0;
  KTEST_EXPECT(zero);
  free(p);
  errno = 0;
  volatile size_t huge = SIZE_MAX / 2;
  KTEST_EXPECT(calloc(huge, 4) == nullptr);
  KTEST_EXPECT_EQ(errno, ENOMEM);
}

// Running out of memory is an error value; the image carries on.
KILN_TEST(alloc, out_of_memory_returns_null_and_recovers) {
  kiln_alloc_stats s0;
  kiln_alloc_get_stats(&s0);
  errno = 0;
  KTEST_EXPECT(malloc(s0.total + 1) == nullptr);
  KTEST_EXPECT_EQ(errno, ENOMEM);
  // Fill the heap with 256 KiB blocks until it refuses, then give it back.
  void* blocks[4096];
  int n = 0;
  while (n < 4096) {
    void* p = malloc(256 * 1024);
    if (!p) break;
    blocks[n++] = p;
  }
  KTEST_EXPECT(n > 0 && n < 4096);
  kiln_alloc_stats full;
  kiln_alloc_get_stats(&full);
  KTEST_EXPECT(full.failed >= s0.failed + 2);
  for (int i = 0; i < n; ++i) free(blocks[i]);
  kiln_alloc_stats s1;
  kiln_alloc_get_stats(&s1);
  KTEST_EXPECT_EQ(s1.in_use, s0.in_use);
  void* again = malloc(256 * 1024);
  KTEST_EXPECT(again != nullptr);
  free(again);
}
