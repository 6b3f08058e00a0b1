// Kiln: the circular functions for x86-64 80-bit long double (mathl_core.h).
// sin, cos, tan: x reduced by pi/2 (128-bit pi/2, exact products) to
// [-pi/4, pi/4] as a double-long-double, where fsin/fcos/fptan are good to
// an ulp; the reduced value's low part is added as a first-order term.
// The inverse functions over fpatan.
#include "mathl_core.h"
#include "mathl_2opi.h"

// bits b_i .. b_(i+63) of 2/pi (b_1 is the first after the point; zero before)
static uint64_t bits64(int i) {
  int k = (i - 1) >> 6, o = (i - 1) & 63;  // floor division
  uint64_t a = k >= 0 && k < 264 ? kl_2opi[k] : 0;
  uint64_t b = k + 1 >= 0 && k + 1 < 264 ? kl_2opi[k + 1] : 0;
  return o ? (a << o) | (b >> (64 - o)) : a;
}

// Payne and Hanek's reduction for |x| >= 2^40: x = m 2^e (m the 64-bit
// mantissa), x 2/pi mod 4 from m times the 192 bits of 2/pi that matter,
// in integers; the fraction (128 bits) times pi/2 in double-long-double.
static int reduce_large(long double x, kl_dd* r) {
  kl_bits u = {x};
  uint64_t m = u.b.m;
  int e = (u.b.se & 0x7fff) - 16383 - 63;
  uint64_t w0 = bits64(e - 1), w1 = bits64(e + 63), w2 = bits64(e + 127);
  // P = m (w0 2^128 + w1 2^64 + w2); bit 190 of P has weight 1
  unsigned __int128 p2 = (unsigned __int128)m * w2, p1 = (unsigned __int128)m * w1,
                    p0 = (unsigned __int128)m * w0;
  uint64_t q0 = (uint64_t)p2;
  unsigned __int128 c = (p2 >> 64) + (uint64_t)p1;
  uint64_t q1 = (uint64_t)c;
  c = (c >> 64) + (p1 >> 64) + (uint64_t)p0;
  uint64_t q2 = (uint64_t)c;
  uint64_t q3 = (uint64_t)((c >> 64) + (p0 >> 64));
  (void)q3;
  int n = (int)((q2 >> 62) & 3);
  // fraction: bits 189 .. 62 -> 128 bits f = fh:fl
  uint64_t fh = (q2 << 2) | (q1 >> 62), fl = (q1 << 2) | (q0 >> 62);
  int neg = 0;
  if (fh >> 63) {  // fraction >= 1/2: take n + 1 and the fraction - 1
    n = (n + 1) & 3;
    fh = ~fh;
    fl = ~fl + 1;
    if (fl == 0) fh++;
    neg = 1;
  }
  long double h = (long double)fh * 0x1p-64L, l = (long double)fl * 0x1p-128L;
  kl_dd f = kl_fast_two_sum(h, l);
  kl_dd v = kl_dd_mul(f, kl_dd_make(KL_PIO2_HI, KL_PIO2_LO));
  if (neg) { v.hi = -v.hi; v.lo = -v.lo; }
  if (kl_sign(x)) { v.hi = -v.hi; v.lo = -v.lo; n = (4 - n) & 3; }
  *r = v;
  return n;
}

// x = n pi/2 + r; returns n mod 4.
static int reduce(long double x, kl_dd* r) {
  if (__builtin_fabsl(x) <= 0x1.921fb54442d18469p-1L) {
    r->hi = x;
    r->lo = 0;
    return 0;
  }
  if (!(__builtin_fabsl(x) < 0x1p40L)) return reduce_large(x, r);
  long double n = kl_round_ne(x * (1.0L / KL_PIO2_HI));
  {
    // n pi/2 as three parts, each product exact in double-long-double
    kl_dd p = kl_two_prod(n, KL_PIO2_HI);
    kl_dd q = kl_two_prod(n, KL_PIO2_LO);
    kl_dd s = kl_two_sum(x - p.hi, -q.hi);  // x - p.hi exact (Sterbenz)
    s.lo += -p.lo - q.lo;
    *r = kl_fast_two_sum(s.hi, s.lo);
  }
  long double m = n - 4.0L * __builtin_floorl(n * 0.25L);
  return (int)m;
}

static long double sin_r(kl_dd r) { return kl_fsin(r.hi) + r.lo * kl_fcos(r.hi); }
static long double cos_r(kl_dd r) { return kl_fcos(r.hi) - r.lo * kl_fsin(r.hi); }

long double sinl(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x)) return kl_invalid();
  if (x == 0) return x;
  if (__builtin_fabsl(x) < 0x1p-33L) return kl_tiny(x);
  kl_dd r;
  switch (reduce(x, &r)) {
    case 0: return sin_r(r);
    case 1: return cos_r(r);
    case 2: return -sin_r(r);
    default: return -cos_r(r);
  }
}

long double cosl(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x)) return kl_invalid();
  if (__builtin_fabsl(x) < 0x1p-33L) return 1.0L - __builtin_fabsl(x) * 0x1p-40L;
  kl_dd r;
  switch (reduce(x, &r)) {
    case 0: return cos_r(r);
    case 1: return -sin_r(r);
    case 2: return -cos_r(r);
    default: return sin_r(r);
  }
}

void sincosl(long double x, long double* s, long double* c) {
  *s = sinl(x);
  *c = cosl(x);
}

long double tanl(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x)) return kl_invalid();
  if (x == 0) return x;
  if (__builtin_fabsl(x) < 0x1p-33L) return kl_tiny(x);
  kl_dd r;
  int q = reduce(x, &r);
  long double t = kl_ftan(r.hi);
  long double tl = r.lo * (1.0L + t * t);  // d tan = (1 + tan^2) dr
  if (q & 1) {
    // -1 / (t + tl)
    long double inv = -1.0L / t;
    return inv + inv * inv * tl;
  }
  return t + tl;
}

long double atanl(long double x) {
  if (isnan(x)) return x + x;
  if (x == 0) return x;
  if (__builtin_fabsl(x) < 0x1p-33L) return kl_tiny(x);
  return kl_fpatan(x, 1.0L);
}

long double atan2l(long double y, long double x) {
  if (isnan(x) || isnan(y)) return x + y;
  long double r = kl_fpatan(y, x);
  return r;
}

// sqrt((1 - x)(1 + x)) for |x| <= 1 with one rounding before the root
static long double sqrt1mx2(long double x) {
  long double a = __builtin_fabsl(x);
  if (a < 0.5L) {
    kl_dd p = kl_two_prod(a, a);
    return kl_fsqrt((1.0L - p.hi) - p.lo);
  }
  kl_dd b = kl_two_sum(1.0L, a);
  long double d = 1.0L - a;  // exact
  return kl_fsqrt(d * b.hi + d * b.lo);
}

long double asinl(long double x) {
  if (isnan(x)) return x + x;
  if (!(__builtin_fabsl(x) <= 1.0L)) return kl_invalid();
  if (x == 0) return x;
  if (__builtin_fabsl(x) < 0x1p-33L) return kl_tiny(x);
  return kl_fpatan(x, sqrt1mx2(x));
}

long double acosl(long double x) {
  if (isnan(x)) return x + x;
  if (!(__builtin_fabsl(x) <= 1.0L)) return kl_invalid();
  if (x == 1.0L) return 0.0L;
  return kl_fpatan(sqrt1mx2(x), x);
}
