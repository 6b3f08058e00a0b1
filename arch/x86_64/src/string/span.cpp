// x86_64: strspn, strcspn and strpbrk (SSE2; every x86_64 CPU has it).
//
// newlib's generic versions compare every byte of the string with every
// byte of the set, one at a time; SQLite's LIKE and GLOB (patternCompare)
// spend 5% of speedtest1 there. Here:
//   - a set of 1 to 4 bytes is compared 16 string bytes at a time: one
//     pcmpeqb per set byte and one against NUL, combined into a bit mask;
//   - a larger set becomes a 256-bit table, one test per byte;
//   - an empty set: strcspn is strlen, strspn is 0.
// The vector loads are 16-byte aligned (the first one masks the bytes
// before the string), so, like strlen, they never touch a page the string
// does not reach. With KILN_STRING_HOST_TEST the functions are built for
// the host as kiln_host_* (tests/host/test_string.cpp).
#include <emmintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef KILN_STRING_HOST_TEST
#define PUBLIC(name) kiln_host_##name
extern "C" size_t kiln_host_strlen(const char*);
#define strlen kiln_host_strlen
#else
#define PUBLIC(name) name
#endif

namespace {

__m128i splat(unsigned char c) { return _mm_set1_epi8(static_cast<char>(c)); }

// The index of the first byte of s that is NUL or (kStopInSet ? one of the
// N set bytes a..d : none of them).
template <int N, bool kStopInSet>
size_t scan_small(const char* s, unsigned char a, unsigned char b, unsigned char c, unsigned char d) {
  const __m128i zero = _mm_setzero_si128();
  const __m128i va = splat(a);
  const __m128i vb = N > 1 ? splat(b) : va;
  const __m128i vc = N > 2 ? splat(c) : va;
  const __m128i vd = N > 3 ? splat(d) : va;
  uintptr_t addr = reinterpret_cast<uintptr_t>(s);
  const __m128i* p = reinterpret_cast<const __m128i*>(addr & ~uintptr_t{15});
  unsigned keep = (0xffffu << (addr & 15)) & 0xffffu;  // the first block: not the bytes before s
  for (;;) {
    __m128i v = _mm_load_si128(p);
    __m128i in = _mm_cmpeq_epi8(v, va);
    if (N > 1) in = _mm_or_si128(in, _mm_cmpeq_epi8(v, vb));
    if (N > 2) in = _mm_or_si128(in, _mm_cmpeq_epi8(v, vc));
    if (N > 3) in = _mm_or_si128(in, _mm_cmpeq_epi8(v, vd));
    unsigned m_in = static_cast<unsigned>(_mm_movemask_epi8(in));
    unsigned m_nul = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)));
    unsigned stop = ((kStopInSet ? m_in : ~m_in) | m_nul) & keep;
    if (stop) return static_cast<size_t>(reinterpret_cast<const char*>(p) + __builtin_ctz(stop) - s);
    keep = 0xffffu;
    ++p;
  }
}

// A set of 1..4 bytes takes the vector path: returns true and the span in
// *out; a longer set returns false (the caller uses a table).
template <bool kStopInSet>
bool span_small(const char* s, const char* set, size_t* out) {
  auto u = [&](int i) { return static_cast<unsigned char>(set[i]); };
  unsigned char a = u(0), b, c, d;
  if (!(b = u(1))) return *out = scan_small<1, kStopInSet>(s, a, a, a, a), true;
  if (!(c = u(2))) return *out = scan_small<2, kStopInSet>(s, a, b, a, a), true;
  if (!(d = u(3))) return *out = scan_small<3, kStopInSet>(s, a, b, c, a), true;
  if (!set[4]) return *out = scan_small<4, kStopInSet>(s, a, b, c, d), true;
  return false;
}

struct Table {
  uint64_t bits[4] = {0, 0, 0, 0};
  void add(unsigned char c) { bits[c >> 6] |= uint64_t{1} << (c & 63); }
  bool has(unsigned char c) const { return (bits[c >> 6] >> (c & 63)) & 1; }
};

size_t cspn(const char* s, const char* reject) {
  if (!reject[0]) return strlen(s);  // string.S's (kiln_host_strlen in the host test)
  size_t n;
  if (span_small<true>(s, reject, &n)) return n;
  Table t;
  for (const unsigned char* r = reinterpret_cast<const unsigned char*>(reject); *r; ++r) t.add(*r);
  t.add(0);  // NUL ends the span
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s);
  for (;; p += 4) {
    if (t.has(p[0])) return static_cast<size_t>(p - reinterpret_cast<const unsigned char*>(s));
    if (t.has(p[1])) return static_cast<size_t>(p + 1 - reinterpret_cast<const unsigned char*>(s));
    if (t.has(p[2])) return static_cast<size_t>(p + 2 - reinterpret_cast<const unsigned char*>(s));
    if (t.has(p[3])) return static_cast<size_t>(p + 3 - reinterpret_cast<const unsigned char*>(s));
  }
}

}  // namespace

extern "C" {

size_t PUBLIC(strcspn)(const char* s, const char* reject) { return cspn(s, reject); }

size_t PUBLIC(strspn)(const char* s, const char* accept) {
  if (!accept[0]) return 0;
  size_t n;
  if (span_small<false>(s, accept, &n)) return n;
  Table t;
  for (const unsigned char* a = reinterpret_cast<const unsigned char*>(accept); *a; ++a) t.add(*a);
  // NUL is never in the table, so it ends the span.
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s);
  for (;; p += 4) {
    if (!t.has(p[0])) return static_cast<size_t>(p - reinterpret_cast<const unsigned char*>(s));
    if (!t.has(p[1])) return static_cast<size_t>(p + 1 - reinterpret_cast<const unsigned char*>(s));
    if (!t.has(p[2])) return static_cast<size_t>(p + 2 - reinterpret_cast<const unsigned char*>(s));
    if (!t.has(p[3])) return static_cast<size_t>(p + 3 - reinterpret_cast<const unsigned char*>(s));
  }
}

char* PUBLIC(strpbrk)(const char* s, const char* accept) {
  size_t n = cspn(s, accept);
  return s[n] ? const_cast<char*>(s + n) : nullptr;
}

}  // extern "C"
