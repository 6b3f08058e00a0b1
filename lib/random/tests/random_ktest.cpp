// In-image tests of getrandom/getentropy (lib/random).
#include <kiln/ktest.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

KILN_TEST(random, getrandom_fills_and_never_repeats) {
  unsigned char a[64], b[64], zero[64] = {};
  KTEST_EXPECT_EQ(getrandom(a, sizeof a, 0), 64L);
  KTEST_EXPECT_EQ(getrandom(b, sizeof b, GRND_NONBLOCK), 64L);
  KTEST_EXPECT(memcmp(a, zero, sizeof a) != 0);
  KTEST_EXPECT(memcmp(a, b, sizeof a) != 0);
  // Through the table by number: the same call.
  KTEST_EXPECT_EQ(kiln_syscall(KILN_NR_getrandom, reinterpret_cast<long>(b), 16, 0, 0, 0, 0), 16L);
  KTEST_EXPECT_EQ(getrandom(a, 0, 0), 0L);
}

KILN_TEST(random, getrandom_rejects_bad_flags) {
  unsigned char a[8];
  errno = 0;
  KTEST_EXPECT_EQ(getrandom(a, sizeof a, 0x80), -1L);
  KTEST_EXPECT_EQ(errno, EINVAL);
  errno = 0;
  KTEST_EXPECT_EQ(getrandom(a, sizeof a, GRND_RANDOM | GRND_INSECURE), -1L);
  KTEST_EXPECT_EQ(errno, EINVAL);
}

KILN_TEST(random, getentropy_limits_to_256_bytes) {
  unsigned char a[257];
  KTEST_EXPECT_EQ(getentropy(a, 256), 0);
  errno = 0;
  KTEST_EXPECT_EQ(getentropy(a, 257), -1);
  KTEST_EXPECT_EQ(errno, EIO);
}

// A megabyte has about as many one bits as zero bits (4 sigma is about
// 0.1%: a broken generator or a short fill fails, a working one does not).
KILN_TEST(random, bits_are_balanced) {
  const size_t n = 1 << 20;
  auto* p = static_cast<unsigned char*>(malloc(n));
  KTEST_ASSERT(p != nullptr);
  memset(p, 0, n);
  KTEST_EXPECT_EQ(getrandom(p, n, 0), static_cast<long>(n));
  unsigned long ones = 0;
  for (size_t i = 0; i < n; ++i) ones += static_cast<unsigned>(__builtin_popcount(p[i]));
  long diff = static_cast<long>(ones) - static_cast<long>(n * 4);
  KTEST_EXPECT(diff > -6000 && diff < 6000);  // sigma = sqrt(8n)/2 ~ 1448
  free(p);
}
