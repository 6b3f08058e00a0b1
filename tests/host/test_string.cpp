// The x86_64 string and memory functions (arch/x86_64/src/string/string.S,
// built for the host with their public names prefixed kiln_host_): every
// variant, every size 0..300 and selected larger ones, every source and
// destination alignment 0..63, overlap both ways, memcmp's sign and first
// difference, and loads next to an unmapped page (strlen, memcmp, memcpy
// on a buffer that ends where a PROT_NONE page begins must not fault).
// Each check counts mismatches against byte-loop references; the checker
// is itself shown to catch deliberately broken implementations.
#include <gtest/gtest.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <ostream>
#include <vector>

extern "C" {
void* kiln_host_memcpy(void*, const void*, size_t);
void* kiln_host_memmove(void*, const void*, size_t);
void* kiln_host_memset(void*, int, size_t);
int kiln_host_memcmp(const void*, const void*, size_t);
size_t kiln_host_strlen(const char*);
size_t kiln_host_strspn(const char*, const char*);
size_t kiln_host_strcspn(const char*, const char*);
char* kiln_host_strpbrk(const char*, const char*);
extern void* kiln_x86_memmove_impl;
extern void* kiln_x86_memset_impl;
extern void* kiln_x86_strlen_impl;
extern void* kiln_x86_memcmp_impl;
extern uint64_t kiln_x86_movsb_min;
extern uint64_t kiln_x86_stosb_min;
void kiln_x86_memmove_sse2();
void kiln_x86_memmove_erms();
void kiln_x86_memset_sse2();
void kiln_x86_memset_erms();
void kiln_x86_strlen_sse2();
void kiln_x86_strlen_avx2();
void kiln_x86_memmove_avx2();
void kiln_x86_memmove_avx2_erms();
void kiln_x86_memset_avx2();
void kiln_x86_memset_avx2_erms();
void kiln_x86_memcmp_sse2();
void kiln_x86_memcmp_avx2();
void kiln_x86_memmove_avx512();
void kiln_x86_memmove_avx512_erms();
void kiln_x86_memset_avx512();
void kiln_x86_memset_avx512_erms();
}

namespace {

using MoveFn = void* (*)(void*, const void*, size_t);
using SetFn = void* (*)(void*, int, size_t);
using CmpFn = int (*)(const void*, const void*, size_t);
using LenFn = size_t (*)(const char*);

// Byte loops the compiler must not replace by library calls.
void ref_move(volatile uint8_t* d, const volatile uint8_t* s, size_t n) {
  if (d < s)
    for (size_t i = 0; i < n; i++) d[i] = s[i];
  else
    for (size_t i = n; i-- > 0;) d[i] = s[i];
}

void fill(uint8_t* p, size_t n, uint32_t seed) {
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; i++) {
    x = x * 1103515245u + 12345u;
    p[i] = static_cast<uint8_t>(x >> 16);
  }
}

std::vector<size_t> sizes() {
  std::vector<size_t> v;
  for (size_t n = 0; n <= 300; n++) v.push_back(n);
  for (size_t n : {383, 384, 385, 511, 512, 513, 1000, 1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096,
                   4097, 65536 + 3, 1 << 20})
    v.push_back(n);
  return v;
}

// Alignments: all 64x64 pairs up to 300 bytes, a spread above.
bool align_step(size_t n, size_t a) { return n <= 300 || a % 13 == 0 || a == 63; }

constexpr size_t kGuard = 64;

// memcpy (or memmove, non-overlapping): contents, return value, guards.
size_t check_copy(MoveFn f) {
  size_t bad = 0;
  std::vector<uint8_t> src((1 << 20) + 256), dst((1 << 20) + 256);
  fill(src.data(), src.size(), 7);
  for (size_t n : sizes()) {
    for (size_t sa = 0; sa < 64; sa++) {
      if (!align_step(n, sa)) continue;
      for (size_t da = 0; da < 64; da++) {
        if (!align_step(n, da)) continue;
        uint8_t* d = dst.data() + da;
        size_t span = da + n + kGuard;
        memset(dst.data(), 0xa5, span);  // host libc: setup only
        if (f(d, src.data() + sa, n) != d) bad++;
        for (size_t i = 0; i < da; i++) bad += dst[i] != 0xa5;
        bad += memcmp(d, src.data() + sa, n) != 0;
        for (size_t i = da + n; i < span; i++) bad += dst[i] != 0xa5;
      }
    }
  }
  return bad;
}

// memmove with overlap: destination before and after the source, at
// every distance up to 130 and some far ones.
size_t check_overlap(MoveFn f) {
  size_t bad = 0;
  std::vector<uint8_t> buf((1 << 20) + 8192), ref(buf.size());
  std::vector<size_t> dists;
  for (size_t k = 0; k <= 130; k++) dists.push_back(k);
  for (size_t k : {255, 256, 257, 1000, 4096, 5000}) dists.push_back(k);
  for (size_t n : sizes()) {
    for (size_t dist : dists) {
      if (n > 4096 && dist % 17 != 0 && dist != 1) continue;
      for (int dir = 0; dir < 2; dir++) {
        for (size_t base : {size_t{64}, size_t{64 + 5}, size_t{64 + 37}}) {
          size_t s = dir ? base + dist : base, d = dir ? base : base + dist;
          size_t span = base + dist + n + kGuard;
          if (span > buf.size()) continue;
          fill(buf.data(), span, static_cast<uint32_t>(n * 131 + dist));
          memcpy(ref.data(), buf.data(), span);
          ref_move(ref.data() + d, ref.data() + s, n);
          if (f(buf.data() + d, buf.data() + s, n) != buf.data() + d) bad++;
          bad += memcmp(buf.data(), ref.data(), span) != 0;
        }
      }
    }
  }
  return bad;
}

size_t check_set(SetFn f) {
  size_t bad = 0;
  std::vector<uint8_t> dst((1 << 20) + 256);
  for (size_t n : sizes()) {
    for (size_t da = 0; da < 64; da++) {
      if (!align_step(n, da)) continue;
      for (int v : {0, 1, 0x5a, 0x7f, 0x80, 0xff, 0x12345a6, -1, -128}) {
        if (n > 300 && v != 0x5a && v != 0) continue;
        uint8_t fillb = static_cast<uint8_t>(~v);
        size_t span = da + n + kGuard;
        memset(dst.data(), fillb, span);
        uint8_t* d = dst.data() + da;
        if (f(d, v, n) != d) bad++;
        for (size_t i = 0; i < da; i++) bad += dst[i] != fillb;
        for (size_t i = 0; i < n; i++) bad += d[i] != static_cast<uint8_t>(v);
        for (size_t i = da + n; i < span; i++) bad += dst[i] != fillb;
      }
    }
  }
  return bad;
}

int sign(int x) { return (x > 0) - (x < 0); }

size_t check_cmp(CmpFn f) {
  size_t bad = 0;
  std::vector<uint8_t> a(8192), b(8192);
  for (size_t n : sizes()) {
    if (n > 4097) continue;
    for (size_t al : {size_t{0}, size_t{1}, size_t{7}, size_t{15}, size_t{33}, size_t{63}}) {
      fill(a.data() + al, n, static_cast<uint32_t>(n));
      memcpy(b.data() + 64 - al, a.data() + al, n);
      const uint8_t* pa = a.data() + al;
      uint8_t* pb = b.data() + 64 - al;
      bad += f(pa, pb, n) != 0;
      // One difference at each position (all positions up to 300, some
      // above), in both directions; later bytes differ the other way, so
      // a function that does not stop at the first difference gets the
      // sign wrong.
      for (size_t at = 0; at < n; at += (n <= 300 ? 1 : 61)) {
        for (int up = 0; up < 2; up++) {
          memcpy(pb, pa, n);
          uint8_t x = pa[at];
          pb[at] = up ? static_cast<uint8_t>(x | 0x80) : static_cast<uint8_t>(x & 0x7f);
          if (pb[at] == x) pb[at] = up ? static_cast<uint8_t>(x + 1) : static_cast<uint8_t>(x - 1);
          if (pb[at] == x) continue;  // x + 1 wrapped: 0xff has no larger byte
          for (size_t j = at + 1; j < n; j++) pb[j] = static_cast<uint8_t>(pb[at] > x ? 0 : 0xff);
          int want = pb[at] > x ? -1 : 1;
          bad += sign(f(pa, pb, n)) != want;
          bad += sign(f(pb, pa, n)) != -want;
          bad += f(pa, pb, at) != 0;  // equal before the difference
        }
      }
    }
  }
  return bad;
}

// Two pages, the second PROT_NONE: a buffer ending at the first page's end.
struct GuardedPage {
  uint8_t* page = nullptr;
  size_t size = 0;
  GuardedPage() {
    size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    void* p = mmap(nullptr, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    page = static_cast<uint8_t*>(p);
    if (mprotect(page + size, size, PROT_NONE) != 0) page = nullptr;
  }
  ~GuardedPage() {
    if (page) munmap(page, 2 * size);
  }
  uint8_t* end() const { return page + size; }
};

size_t check_strlen(LenFn f) {
  size_t bad = 0;
  std::vector<char> buf(4096 + 128);
  for (size_t len = 0; len <= 1100; len++) {
    for (size_t a = 0; a < 64; a++) {
      if (len > 300 && a % 9 != 0) continue;
      memset(buf.data(), 'x', a + len + 128);
      buf[a + len] = 0;
      bad += f(buf.data() + a) != len;
    }
  }
  // A string whose terminator is the last byte before an unmapped page,
  // at every length up to 300 (and so every alignment of its start).
  GuardedPage g;
  if (!g.page) return bad + 1;
  for (size_t len = 0; len < 300 && len < g.size; len++) {
    char* s = reinterpret_cast<char*>(g.end()) - len - 1;
    memset(s, 'y', len);
    s[len] = 0;
    bad += f(s) != len;
  }
  // Bytes of 0x80..0xff are not terminators (signed compare would say so).
  for (size_t len = 1; len < 200; len++) {
    for (size_t i = 0; i < len; i++) buf[i] = static_cast<char>(0x80 + (i % 128));
    buf[len] = 0;
    bad += f(buf.data()) != len;
  }
  return bad;
}

// memcmp and memcpy/memset on buffers that end at the unmapped page: no
// load or store past n.
size_t check_page_end(MoveFn mv, SetFn st, CmpFn cmp) {
  GuardedPage g, h;
  if (!g.page || !h.page) return 1;
  size_t bad = 0;
  for (size_t n = 0; n <= 600; n++) {
    uint8_t* a = g.end() - n;
    uint8_t* b = h.end() - n;
    fill(a, n, static_cast<uint32_t>(n));
    mv(b, a, n);
    bad += memcmp(a, b, n) != 0;
    bad += cmp(a, b, n) != 0;
    st(b, 0x3c, n);
    for (size_t i = 0; i < n; i++) bad += b[i] != 0x3c;
  }
  return bad;
}

struct Variant {
  const char* name;
  void (*memmove_impl)();
  void (*memset_impl)();
  void (*strlen_impl)();
  void (*memcmp_impl)();
  uint64_t rep_min;  // the erms threshold to test with
  bool avx2;
  bool avx512 = false;
};

void PrintTo(const Variant& v, std::ostream* os) { *os << v.name; }

bool have_avx2() { return __builtin_cpu_supports("avx2"); }
bool have_avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl");
}

// Installs a variant for one test and restores the safe default after.
struct Use {
  explicit Use(const Variant& v) {
    kiln_x86_memmove_impl = reinterpret_cast<void*>(v.memmove_impl);
    kiln_x86_memset_impl = reinterpret_cast<void*>(v.memset_impl);
    kiln_x86_strlen_impl = reinterpret_cast<void*>(v.strlen_impl);
    kiln_x86_memcmp_impl = reinterpret_cast<void*>(v.memcmp_impl);
    kiln_x86_movsb_min = v.rep_min;
    kiln_x86_stosb_min = v.rep_min;
  }
  ~Use() {
    kiln_x86_memmove_impl = reinterpret_cast<void*>(&kiln_x86_memmove_sse2);
    kiln_x86_memset_impl = reinterpret_cast<void*>(&kiln_x86_memset_sse2);
    kiln_x86_strlen_impl = reinterpret_cast<void*>(&kiln_x86_strlen_sse2);
    kiln_x86_memcmp_impl = reinterpret_cast<void*>(&kiln_x86_memcmp_sse2);
    kiln_x86_movsb_min = 2048;
    kiln_x86_stosb_min = 2048;
  }
};

class StringVariant : public ::testing::TestWithParam<Variant> {
 protected:
  void SetUp() override {
    if (GetParam().avx2 && !have_avx2()) GTEST_SKIP() << "this CPU has no AVX2";
    if (GetParam().avx512 && !have_avx512()) GTEST_SKIP() << "this CPU has no AVX-512 F/BW/VL";
  }
};

TEST_P(StringVariant, MemcpyEverySizeAndAlignment) {
  Use u(GetParam());
  EXPECT_EQ(check_copy(kiln_host_memcpy), 0u);
}

TEST_P(StringVariant, MemmoveNonOverlappingLikeMemcpy) {
  Use u(GetParam());
  EXPECT_EQ(check_copy(kiln_host_memmove), 0u);
}

TEST_P(StringVariant, MemmoveOverlapBothDirections) {
  Use u(GetParam());
  EXPECT_EQ(check_overlap(kiln_host_memmove), 0u);
}

TEST_P(StringVariant, MemsetValuesSizesAlignments) {
  Use u(GetParam());
  EXPECT_EQ(check_set(kiln_host_memset), 0u);
}

TEST_P(StringVariant, StrlenLengthsAlignmentsAndPageEnd) {
  Use u(GetParam());
  EXPECT_EQ(check_strlen(kiln_host_strlen), 0u);
}

TEST_P(StringVariant, MemcmpSignAndFirstDifference) {
  Use u(GetParam());
  EXPECT_EQ(check_cmp(kiln_host_memcmp), 0u);
}

TEST_P(StringVariant, NothingReadOrWrittenPastTheEnd) {
  Use u(GetParam());
  EXPECT_EQ(check_page_end(kiln_host_memmove, kiln_host_memset, kiln_host_memcmp), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, StringVariant,
    ::testing::Values(
        Variant{"sse2", kiln_x86_memmove_sse2, kiln_x86_memset_sse2, kiln_x86_strlen_sse2,
                kiln_x86_memcmp_sse2, 2048, false},
        Variant{"erms", kiln_x86_memmove_erms, kiln_x86_memset_erms, kiln_x86_strlen_sse2,
                kiln_x86_memcmp_sse2, 2048, false},
        // rep movsb/stosb from just above the unrolled cases on, so the
        // size sweep covers the rep-string path and its overlap test.
        Variant{"erms_low", kiln_x86_memmove_erms, kiln_x86_memset_erms, kiln_x86_strlen_sse2,
                kiln_x86_memcmp_sse2, 129, false},
        Variant{"avx2", kiln_x86_memmove_avx2, kiln_x86_memset_avx2, kiln_x86_strlen_avx2,
                kiln_x86_memcmp_avx2, 2048, true},
        Variant{"avx2_erms", kiln_x86_memmove_avx2_erms, kiln_x86_memset_avx2_erms, kiln_x86_strlen_avx2,
                kiln_x86_memcmp_avx2, 2048, true},
        Variant{"avx2_erms_low", kiln_x86_memmove_avx2_erms, kiln_x86_memset_avx2_erms,
                kiln_x86_strlen_avx2, kiln_x86_memcmp_avx2, 257, true},
        Variant{"avx512", kiln_x86_memmove_avx512, kiln_x86_memset_avx512, kiln_x86_strlen_avx2,
                kiln_x86_memcmp_avx2, 2048, true, true},
        Variant{"avx512_erms", kiln_x86_memmove_avx512_erms, kiln_x86_memset_avx512_erms,
                kiln_x86_strlen_avx2, kiln_x86_memcmp_avx2, 1024, true, true},
        Variant{"avx512_erms_low", kiln_x86_memmove_avx512_erms, kiln_x86_memset_avx512_erms,
                kiln_x86_strlen_avx2, kiln_x86_memcmp_avx2, 513, true, true}),
    [](const ::testing::TestParamInfo<Variant>& i) { return std::string(i.param.name); });

TEST(String, DefaultBeforeSelectionIsSse2) {
  // What code running before the boot's choice gets (string.S's initial
  // pointers): the variants every x86_64 CPU runs.
  EXPECT_EQ(kiln_x86_memmove_impl, reinterpret_cast<void*>(&kiln_x86_memmove_sse2));
  EXPECT_EQ(kiln_x86_memset_impl, reinterpret_cast<void*>(&kiln_x86_memset_sse2));
  EXPECT_EQ(kiln_x86_strlen_impl, reinterpret_cast<void*>(&kiln_x86_strlen_sse2));
  EXPECT_EQ(kiln_x86_memcmp_impl, reinterpret_cast<void*>(&kiln_x86_memcmp_sse2));
}

// The checkers catch broken implementations (so a pass means something).
void* broken_copy_short(void* d, const void* s, size_t n) {  // drops the last byte of 100+
  return memmove(d, s, n >= 100 ? n - 1 : n);
}
void* broken_copy_forward_only(void* d, const void* s, size_t n) {
  auto* dd = static_cast<volatile uint8_t*>(d);
  auto* ss = static_cast<const volatile uint8_t*>(s);
  for (size_t i = 0; i < n; i++) dd[i] = ss[i];
  return d;
}
void* broken_copy_misaligned(void* d, const void* s, size_t n) {  // wrong when dst % 16 == 7
  memmove(d, s, n);
  if ((reinterpret_cast<uintptr_t>(d) & 15) == 7 && n > 40) static_cast<uint8_t*>(d)[40] ^= 1;
  return d;
}
void* broken_set_overrun(void* d, int c, size_t n) { return memset(d, c, n + (n == 257)); }
int broken_cmp_signed(const void* a, const void* b, size_t n) {  // compares signed chars
  auto* x = static_cast<const signed char*>(a);
  auto* y = static_cast<const signed char*>(b);
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] - y[i];
  return 0;
}
int broken_cmp_last(const void* a, const void* b, size_t n) {  // last difference decides
  auto* x = static_cast<const uint8_t*>(a);
  auto* y = static_cast<const uint8_t*>(b);
  int r = 0;
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) r = x[i] - y[i];
  return r;
}
size_t broken_strlen_off(const char* s) {
  size_t n = strlen(s);
  return n == 17 ? 16 : n;
}
// Reads 16 bytes at a time from the (unaligned) start: faults next to an
// unmapped page.
size_t broken_strlen_overread(const char* s) {
  for (size_t i = 0;; i += 16) {
    char chunk[16];
    memcpy(chunk, s + i, 16);
    asm volatile("" ::"m"(chunk));
    for (size_t j = 0; j < 16; j++)
      if (!chunk[j]) return i + j;
  }
}

// strspn, strcspn, strpbrk (span.cpp) against byte loops: sets of 0..7
// bytes (the 1..4-byte vector path and the table path), with bytes >=
// 0x80, strings of 0..200 bytes at every alignment 0..31, and strings whose
// terminator is the last byte before an unmapped page.
size_t ref_span(const char* s, const char* set, bool in) {
  size_t n = 0;
  for (; s[n]; n++) {
    bool found = false;
    for (const char* c = set; *c; c++) found |= *c == s[n];
    if (found != in) break;
  }
  return n;
}

using SpanFn = size_t (*)(const char*, const char*);
using PbrkFn = char* (*)(const char*, const char*);

size_t check_spans(SpanFn spn, SpanFn cspn, PbrkFn pbrk) {
  static const char* const sets[] = {"", "a", "\x80", "ab", "%_", "a\xff", "abc", "%_[", "abcd",
                                     "\x81\x82\x83\x84", "abcde", "a\x90z\x01q", "0123456", "b"};
  size_t bad = 0;
  std::vector<char> buf(512);
  uint32_t seed = 1;
  for (const char* set : sets) {
    for (size_t len = 0; len <= 200; len++) {
      for (size_t a = 0; a < 32; a++) {
        if (len > 40 && a % 5 != 0) continue;
        // Mostly bytes of the set (long spans), some others, some >= 0x80.
        for (size_t i = 0; i < len; i++) {
          seed = seed * 1103515245u + 12345u;
          unsigned r = seed >> 16;
          size_t sl = strlen(set);
          char c = (sl && r % 8 != 0) ? set[r % sl] : static_cast<char>(1 + r % 255);
          buf[a + i] = c;
        }
        buf[a + len] = 0;
        const char* str = buf.data() + a;
        size_t want_in = ref_span(str, set, true), want_out = ref_span(str, set, false);
        bad += spn(str, set) != want_in;
        bad += cspn(str, set) != want_out;
        char* p = pbrk(str, set);
        bad += p != (str[want_out] ? str + want_out : nullptr);
      }
    }
  }
  GuardedPage g;
  if (!g.page) return bad + 1;
  for (const char* set : sets) {
    for (size_t len = 0; len < 100; len++) {
      char* str = reinterpret_cast<char*>(g.end()) - len - 1;
      memset(str, set[0] ? set[0] : 'q', len);
      str[len] = 0;
      bad += spn(str, set) != ref_span(str, set, true);
      bad += cspn(str, set) != ref_span(str, set, false);
      bad += pbrk(str, set) != (set[0] ? (len ? str : nullptr) : nullptr);
    }
  }
  return bad;
}

size_t broken_cspn_first_block(const char* s, const char* set) {
  size_t n = strcspn(s, set);
  return n > 16 ? 16 : n;  // "forgets" to look past the first block
}

TEST(String, SpanFunctionsMatchByteLoops) {
  EXPECT_EQ(check_spans(kiln_host_strspn, kiln_host_strcspn, kiln_host_strpbrk), 0u);
}
char* host_pbrk(const char* s, const char* set) { return const_cast<char*>(strpbrk(s, set)); }
TEST(StringChecker, CatchesBrokenSpanFunctions) {
  EXPECT_GT(check_spans(strspn, broken_cspn_first_block, host_pbrk), 0u);
  EXPECT_EQ(check_spans(strspn, strcspn, host_pbrk), 0u);  // and the host's passes
}

TEST(StringChecker, CatchesBrokenImplementations) {
  EXPECT_GT(check_copy(broken_copy_short), 0u);
  EXPECT_GT(check_copy(broken_copy_misaligned), 0u);
  EXPECT_GT(check_overlap(broken_copy_forward_only), 0u);
  EXPECT_GT(check_set(broken_set_overrun), 0u);
  EXPECT_GT(check_cmp(broken_cmp_signed), 0u);
  EXPECT_GT(check_cmp(broken_cmp_last), 0u);
  EXPECT_GT(check_strlen(broken_strlen_off), 0u);
  EXPECT_EQ(check_copy(memmove), 0u);  // and the host's passes
  EXPECT_EQ(check_cmp(memcmp), 0u);
}

TEST(StringCheckerDeathTest, OverreadingStrlenFaultsAtThePageEnd) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(check_strlen(broken_strlen_overread), "");
}

}  // namespace
