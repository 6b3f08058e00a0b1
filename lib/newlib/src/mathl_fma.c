// Kiln: fmal for x86-64 80-bit long double, exact: the 128-bit product and
// the addend added in a 256-bit integer, rounded once in the current
// rounding mode (subnormal results too), flags as C99 F.9.10.1 asks.
#include "mathl_core.h"

typedef struct { uint64_t w[4]; } u256;  // w[0] least significant

static void u256_shl_add(u256* a, unsigned __int128 v, int sh) {  // a += v << sh
  uint64_t part[6] = {0};
  int q = sh / 64, r = sh % 64;
  uint64_t lo = (uint64_t)v, hi = (uint64_t)(v >> 64);
  part[q] |= lo << r;
  part[q + 1] |= (r ? lo >> (64 - r) : 0) | hi << r;
  part[q + 2] |= r ? hi >> (64 - r) : 0;
  unsigned __int128 c = 0;
  for (int i = 0; i < 4; i++) {
    c += (unsigned __int128)a->w[i] + part[i];
    a->w[i] = (uint64_t)c;
    c >>= 64;
  }
}
static int u256_cmp(const u256* a, const u256* b) {
  for (int i = 3; i >= 0; i--)
    if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
  return 0;
}
static void u256_sub(u256* a, const u256* b) {  // a -= b, a >= b
  uint64_t br = 0;
  for (int i = 0; i < 4; i++) {
    uint64_t x = a->w[i], y = b->w[i];
    uint64_t d = x - y - br;
    br = (x < y) || (x - y < br);
    a->w[i] = d;
  }
}
static int u256_msb(const u256* a) {
  for (int i = 3; i >= 0; i--)
    if (a->w[i]) return i * 64 + 63 - __builtin_clzll(a->w[i]);
  return -1;
}
static int u256_bit(const u256* a, int i) { return i >= 0 && i < 256 && ((a->w[i / 64] >> (i % 64)) & 1); }
static int u256_any_below(const u256* a, int n) {  // any bit < n set
  for (int i = 0; i < 4 && n > 0; i++, n -= 64) {
    uint64_t m = n >= 64 ? ~0ULL : ((1ULL << n) - 1);
    if (a->w[i] & m) return 1;
  }
  return 0;
}
static uint64_t u256_get64(const u256* a, int sh) {  // bits [sh, sh+64)
  uint64_t r = 0;
  for (int i = 0; i < 64; i++)
    if (u256_bit(a, sh + i)) r |= 1ULL << i;
  return r;
}

// x = m * 2^e with m the 64-bit mantissa (normals and subnormals)
static void decompose(long double x, uint64_t* m, int* e) {
  kl_bits u = {x};
  int be = u.b.se & 0x7fff;
  *m = u.b.m;
  *e = (be ? be : 1) - 16383 - 63;
}

long double fmal(long double x, long double y, long double z) {
  if (!isfinite(x) || !isfinite(y) || !isfinite(z) || x == 0 || y == 0) return x * y + z;
  if (z == 0) {
    // x*y rounded once; z only matters for the sign of an exact zero, which x*y != 0 excludes
    // unless it underflows to zero, where the sum with a zero keeps x*y's sign.
    return x * y + z;
  }
  uint64_t mx, my, mz;
  int ex, ey, ez;
  decompose(x, &mx, &ex);
  decompose(y, &my, &ey);
  decompose(z, &mz, &ez);
  int sp = kl_sign(x) ^ kl_sign(y), sz = kl_sign(z);
  unsigned __int128 mp = (unsigned __int128)mx * my;
  int ep = ex + ey;
  // Top bit positions (value exponents of the most significant bit).
  int tp = ep + 127 - (mp >> 127 ? 0 : (mp >> 64 ? __builtin_clzll((uint64_t)(mp >> 64)) : 64 + __builtin_clzll((uint64_t)mp)));
  int tz = ez + 63 - __builtin_clzll(mz);
  // A far smaller operand only decides the direction: replace it by a
  // small value of its sign below every rounding position.
  if (tp < ez - 3) { mp = 1; ep = ez - 3; }
  else if (tz < ep - 3 && tz < tp - 130) { mz = 1; ez = tp - 130; }
  int e0 = ep < ez ? ep : ez;
  u256 a = {{0}}, b = {{0}};
  u256_shl_add(&a, mp, ep - e0);
  u256_shl_add(&b, mz, ez - e0);
  int sign;
  if (sp == sz) {  // a += b
    sign = sp;
    unsigned __int128 c = 0;
    for (int i = 0; i < 4; i++) { c += (unsigned __int128)a.w[i] + b.w[i]; a.w[i] = (uint64_t)c; c >>= 64; }
  } else {
    int c = u256_cmp(&a, &b);
    if (c == 0) {  // exact cancellation: +0, -0 when rounding down
      uint16_t cw;
      __asm__ volatile("fnstcw %0" : "=m"(cw));
      return ((cw >> 10) & 3) == 1 ? -0.0L : 0.0L;
    }
    if (c > 0) { u256_sub(&a, &b); sign = sp; }
    else { u256_sub(&b, &a); a = b; sign = sz; }
  }
  int msb = u256_msb(&a);
  int vexp = e0 + msb;  // value exponent of the top bit
  int lsb = vexp - 63;
  if (lsb < -16445) lsb = -16445;
  int sh = lsb - e0;
  uint64_t m;
  int inexact = 0, up = 0;
  if (sh <= 0) {
    m = u256_get64(&a, 0) << -sh;
  } else {
    m = u256_get64(&a, sh);
    int g = u256_bit(&a, sh - 1), st = u256_any_below(&a, sh - 1);
    inexact = g || st;
    uint16_t cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    switch ((cw >> 10) & 3) {
      case 0: up = g && (st || (m & 1)); break;  // nearest even
      case 1: up = inexact && sign; break;       // down
      case 2: up = inexact && !sign; break;      // up
      default: up = 0; break;                    // toward zero
    }
  }
  int tiny = vexp < -16382;
  if (up) {
    if (++m == 0) { m = 1ULL << 63; lsb++; }  // a subnormal rounding to 2^63 is the smallest normal
  }
  if (lsb + 63 > 16383) return kl_raise_overflow(sign);
  kl_bits u;
  if (m >> 63) u.b.se = (uint16_t)(lsb + 63 + 16383);
  else u.b.se = 0;
  u.b.m = m;
  if (sign) u.b.se |= 0x8000;
  if (inexact) {
    if (tiny) kl_raise_underflow(0);
    else { volatile long double one = 1.0L, t = 0x1p-100L; t = one + t; (void)t; }
  }
  return u.f;
}
