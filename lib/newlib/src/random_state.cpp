// random, srandom, initstate, setstate: POSIX's non-linear additive
// feedback generator over caller-supplied state arrays (newlib's random()
// keeps one fixed internal state and has neither initstate nor setstate,
// so Kiln provides the family). A state array holds, in its first 32-bit
// word, the generator's degree and its two positions, then the degree's
// words of the lagged sum x[i] += x[j] (degrees 7, 15, 31, 63 for arrays
// of 32, 64, 128 and 256 bytes; smaller arrays, from 8 bytes, hold a
// linear congruential generator). setstate switches arrays without losing
// either's position. Unseeded, random() runs as after srandom(1) on a
// 128-byte array, as POSIX requires. Not locked (newlib's is not either):
// threads that share the generator share its sequence.
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

namespace {

struct Lag {
  unsigned degree, sep;
};
// Degree and separation of the lagged sum, by state size (x^deg + x^sep + 1).
constexpr Lag kLags[] = {{0, 0}, {7, 3}, {15, 1}, {31, 3}, {63, 1}};

uint32_t default_state[1 + 31];
constinit uint32_t* current = nullptr;

unsigned degree(const uint32_t* s) { return s[0] & 0xff; }
unsigned pos_i(const uint32_t* s) { return (s[0] >> 8) & 0xff; }
unsigned pos_j(const uint32_t* s) { return (s[0] >> 16) & 0xff; }
void set_header(uint32_t* s, unsigned deg, unsigned i, unsigned j) { s[0] = deg | i << 8 | j << 16; }

uint32_t next(uint32_t* s) {
  unsigned n = degree(s);
  uint32_t* x = s + 1;
  if (n == 0) {
    x[0] = (x[0] * 1103515245u + 12345u) & 0x7fffffff;
    return x[0];
  }
  unsigned i = pos_i(s), j = pos_j(s);
  x[i] += x[j];
  uint32_t r = x[i] >> 1;
  set_header(s, n, (i + 1) % n, (j + 1) % n);
  return r;
}

// The Park-Miller minimal standard generator fills the array; the first
// 10 * degree sums are thrown away so that nearby seeds diverge.
void seed(uint32_t* s, unsigned seed) {
  unsigned n = degree(s);
  uint32_t* x = s + 1;
  if (n == 0) {
    x[0] = seed & 0x7fffffff;
    return;
  }
  uint64_t v = seed % 2147483647u;
  if (v == 0) v = 1;
  x[0] = static_cast<uint32_t>(v);
  for (unsigned k = 1; k < n; ++k) {
    v = v * 16807 % 2147483647u;
    x[k] = static_cast<uint32_t>(v);
  }
  unsigned sep = 0;
  for (const Lag& l : kLags)
    if (l.degree == n) sep = l.sep;
  set_header(s, n, sep, 0);
  for (unsigned k = 0; k < 10 * n; ++k) next(s);
}

uint32_t* state() {
  if (!current) {
    current = default_state;
    set_header(current, 31, 3, 0);
    seed(current, 1);
  }
  return current;
}

}  // namespace

extern "C" {

long random(void) { return static_cast<long>(next(state())); }

void srandom(unsigned s) { seed(state(), s); }

char* initstate(unsigned s, char* buf, size_t size) {
  if (!buf || size < 8) {
    errno = EINVAL;
    return nullptr;
  }
  // The array's alignment is the caller's (a char array): words are
  // accessed through uint32_t, which x86_64 allows unaligned; use the
  // aligned part only.
  uint32_t* st = reinterpret_cast<uint32_t*>((reinterpret_cast<uintptr_t>(buf) + 3) & ~uintptr_t{3});
  size -= reinterpret_cast<char*>(st) - buf;
  unsigned n = size < 32 ? 0 : size < 64 ? 7 : size < 128 ? 15 : size < 256 ? 31 : 63;
  uint32_t* prev = state();
  set_header(st, n, 0, 0);
  current = st;
  seed(st, s);
  return reinterpret_cast<char*>(prev);
}

char* setstate(char* buf) {
  if (!buf) {
    errno = EINVAL;
    return nullptr;
  }
  uint32_t* st = reinterpret_cast<uint32_t*>((reinterpret_cast<uintptr_t>(buf) + 3) & ~uintptr_t{3});
  unsigned n = degree(st);
  bool known = false;
  for (const Lag& l : kLags) known |= l.degree == n;
  if (!known || (n && (pos_i(st) >= n || pos_j(st) >= n))) {
    errno = EINVAL;  // not an array initstate set up
    return nullptr;
  }
  uint32_t* prev = state();
  current = st;
  return reinterpret_cast<char*>(prev);
}

}  // extern "C"
