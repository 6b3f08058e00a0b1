// In-image tests of the string and memory functions (lib/string): the
// variants the boot chose, through the C names every caller uses. The
// exhaustive size/alignment/overlap sweeps of every variant run on the
// host (tests/host/test_string.cpp); these check the same properties in
// the image, on each platform's CPU (e.g. QEMU TCG's CPUID), with the
// image's own link (so newlib's copies must not have won).
#include <kiln/config.h>
#include <kiln/ktest.h>
#include <kiln/string_fns.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace {

constexpr size_t kBuf = 4096 + 256;
// Static (bss): no allocation, and large enough for the rep-string paths.
uint8_t src_buf[kBuf];
uint8_t dst_buf[kBuf];
uint8_t ref_buf[kBuf];

// Sizes: every size up to 300, then around the thresholds and 4 KiB.
bool next_size(size_t& n) {
  static const size_t big[] = {511, 512, 513, 1023, 1024, 1025, 2047, 2048, 2049, 4000, 4096};
  if (n < 300) {
    ++n;
    return true;
  }
  for (size_t b : big)
    if (b > n) {
      n = b;
      return true;
    }
  return false;
}

void fill(uint8_t* p, size_t n, uint32_t seed) {
  for (size_t i = 0; i < n; i++) p[i] = static_cast<uint8_t>((i * 131u + seed * 7u) ^ (i >> 8));
}

// The reference: byte loops the compiler must not turn into calls.
void ref_move(volatile uint8_t* d, const volatile uint8_t* s, size_t n) {
  if (d < s)
    for (size_t i = 0; i < n; i++) d[i] = s[i];
  else
    for (size_t i = n; i-- > 0;) d[i] = s[i];
}

}  // namespace

KILN_TEST(string, variant_chosen_at_boot) {
  const char* v = kiln_string_variant();
  KTEST_EXPECT(v != nullptr);
  KTEST_EXPECT(strstr(v, "not selected") == nullptr);
}

KILN_TEST(string, memcpy_sizes_and_alignments) {
  size_t bad = 0;
  for (size_t n = 0;; ) {
    for (size_t sa = 0; sa < 64; sa += (n <= 64 ? 1 : 7)) {
      for (size_t da = 0; da < 64; da += (n <= 64 ? 1 : 5)) {
        if (sa + n + 64 > kBuf || da + n + 64 > kBuf) continue;
        fill(src_buf, kBuf, static_cast<uint32_t>(n + sa));
        memset(dst_buf, 0xa5, da + n + 64);
        void* r = memcpy(dst_buf + da, src_buf + sa, n);
        if (r != dst_buf + da) bad++;
        for (size_t i = 0; i < da; i++) bad += dst_buf[i] != 0xa5;
        for (size_t i = 0; i < n; i++) bad += dst_buf[da + i] != src_buf[sa + i];
        for (size_t i = da + n; i < da + n + 64; i++) bad += dst_buf[i] != 0xa5;
      }
    }
    if (!next_size(n)) break;
  }
  KTEST_EXPECT_EQ(bad, size_t{0});
}

KILN_TEST(string, memmove_overlaps_both_ways) {
  size_t bad = 0;
  for (size_t n = 0;;) {
    // Distances 0..70 both ways plus one far apart; the buffer holds both.
    for (size_t dist = 0; dist <= 80; dist += (dist < 70 ? 1 : 10)) {
      for (int dir = 0; dir < 2; dir++) {
        size_t s = dir ? 8 + dist : 8, d = dir ? 8 : 8 + dist;
        if (8 + dist + n + 8 > kBuf) continue;
        fill(dst_buf, kBuf, static_cast<uint32_t>(n ^ dist));
        memcpy(ref_buf, dst_buf, kBuf);
        ref_move(ref_buf + d, ref_buf + s, n);
        void* r = memmove(dst_buf + d, dst_buf + s, n);
        if (r != dst_buf + d) bad++;
        bad += memcmp(dst_buf, ref_buf, 8 + dist + n + 8) != 0;
      }
    }
    if (!next_size(n)) break;
  }
  KTEST_EXPECT_EQ(bad, size_t{0});
}

KILN_TEST(string, memset_values_sizes_alignments) {
  size_t bad = 0;
  const int values[] = {0, 1, 0x7f, 0x80, 0xff, 0x1234a5, -1};
  for (size_t n = 0;;) {
    for (size_t da = 0; da < 64; da += (n <= 64 ? 1 : 9)) {
      for (int v : values) {
        if (da + n + 64 > kBuf) continue;
        memcpy(dst_buf, src_buf, da + n + 64);  // anything but the value
        for (size_t i = 0; i < da + n + 64; i++) dst_buf[i] = static_cast<uint8_t>(~v);
        void* r = memset(dst_buf + da, v, n);
        if (r != dst_buf + da) bad++;
        for (size_t i = 0; i < da; i++) bad += dst_buf[i] != static_cast<uint8_t>(~v);
        for (size_t i = 0; i < n; i++) bad += dst_buf[da + i] != static_cast<uint8_t>(v);
        for (size_t i = da + n; i < da + n + 64; i++) bad += dst_buf[i] != static_cast<uint8_t>(~v);
      }
    }
    if (!next_size(n)) break;
  }
  KTEST_EXPECT_EQ(bad, size_t{0});
}

KILN_TEST(string, memcmp_sign_and_first_difference) {
  size_t bad = 0;
  for (size_t n = 1; n <= 300; n++) {
    fill(src_buf, n, static_cast<uint32_t>(n));
    memcpy(dst_buf + 3, src_buf, n);
    bad += memcmp(src_buf, dst_buf + 3, n) != 0;
    for (size_t at = 0; at < n; at++) {
      // Differ at `at` upward (unsigned bytes: 0x80 > 0x7f) and later
      // bytes differ the other way: only the first difference counts.
      memcpy(dst_buf + 3, src_buf, n);
      dst_buf[3 + at] = static_cast<uint8_t>(src_buf[at] + 0x80);
      for (size_t j = at + 1; j < n; j++) dst_buf[3 + j] = static_cast<uint8_t>(src_buf[j] - 1);
      int a = memcmp(src_buf, dst_buf + 3, n), b = memcmp(dst_buf + 3, src_buf, n);
      bool up = dst_buf[3 + at] > src_buf[at];
      bad += up ? !(a < 0 && b > 0) : !(a > 0 && b < 0);
      bad += memcmp(src_buf, dst_buf + 3, at) != 0;
    }
  }
  KTEST_EXPECT_EQ(bad, size_t{0});
}

KILN_TEST(string, strlen_every_length_and_alignment) {
  size_t bad = 0;
  for (size_t len = 0; len < 600; len++) {
    for (size_t a = 0; a < 64; a++) {
      if (a + len + 1 > kBuf) continue;
      memset(dst_buf, 'x', a + len + 200);
      dst_buf[a + len] = 0;
      bad += strlen(reinterpret_cast<const char*>(dst_buf + a)) != len;
    }
  }
  KTEST_EXPECT_EQ(bad, size_t{0});
}

#ifdef CONFIG_SCHED_PREEMPT
// Vector registers of a thread survive its preemption while another
// thread runs the vector string functions (interrupt entry saves the FPU,
// SSE and AVX state; docs/libc.md). The spinner is the arch's
// (arch/<arch>/tests/vector_regs.S).
#include <kiln/plat/time.h>
#include <kiln/sched.h>

extern "C" long kiln_test_vector_regs_spin(long iterations);

namespace {
volatile bool vec_stop;
long vec_errors;
volatile long copier_rounds;
void* vec_spinner(void*) {
  while (!vec_stop) vec_errors += kiln_test_vector_regs_spin(20000);
  return nullptr;
}
void* vec_copier(void*) {
  uint64_t end = kiln_plat_monotonic_ns() + 30 * 1000000ull;
  while (kiln_plat_monotonic_ns() < end) {
    memset(dst_buf, static_cast<int>(copier_rounds), kBuf);
    memcpy(ref_buf, dst_buf, kBuf);
    memmove(ref_buf + 1, ref_buf, 300);
    if (memcmp(dst_buf + 400, ref_buf + 400, kBuf - 400) == 0) copier_rounds = copier_rounds + 1;
  }
  vec_stop = true;
  return nullptr;
}
}  // namespace

KILN_TEST(string, vector_registers_survive_preemption) {
  vec_stop = false;
  vec_errors = 0;
  copier_rounds = 0;
  auto a = kiln::thread_create("vecspin", vec_spinner, nullptr);
  auto b = kiln::thread_create("veccopy", vec_copier, nullptr);
  KTEST_ASSERT(a.ok() && b.ok());
  KTEST_EXPECT(kiln::thread_join(b.value()).ok());
  KTEST_EXPECT(kiln::thread_join(a.value()).ok());
  KTEST_EXPECT(copier_rounds > 0);
  KTEST_EXPECT_EQ(vec_errors, 0);
}
#endif
