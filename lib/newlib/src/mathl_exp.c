// Kiln: the exponential, logarithm and power functions for x86-64 80-bit
// long double (mathl_core.h says how): 2^x from f2xm1 and fscale over an
// argument kept in double-long-double, ln from a series in double-long-double.
#include "mathl_core.h"

// 2^(hi+lo), |lo| small: n = nearest integer, 2^f with |f| <= 1/2 from
// f2xm1, scaled by fscale (which rounds a subnormal result once and raises
// overflow and underflow).
long double __kiln_exp2_dd(long double hi, long double lo) {
  if (hi >= 16384.0L) return kl_raise_overflow(0);
  if (hi < -16447.0L) return kl_raise_underflow(0);
  long double n = kl_round_ne(hi);
  long double f = (hi - n) + lo;
  long double p = kl_f2xm1(f);
  if (n == 0) return 1.0L + p;
  // 1 + p is in [0.7, 1.5]; for results in the subnormal range scale in two
  // steps so that the only rounding is the final one.
  long double r;
  if (n < -16382.0L) r = kl_fscale(1.0L + p, n + 64.0L) * 0x1p-64L;
  else r = kl_fscale(1.0L + p, n);
  // tiny and (2^f irrational) inexact: underflow, even if the last step was exact
  if (f != 0 && __builtin_fabsl(r) < 0x1p-16382L) {
    volatile long double t = kl_raise_underflow(0);
    (void)t;
  }
  return r;
}

long double exp2l(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x)) return x > 0 ? x : 0.0L;
  if (__builtin_fabsl(x) < 0x1p-66L) return 1.0L + x;
  return __kiln_exp2_dd(x, 0.0L);
}

long double expl(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x)) return x > 0 ? x : 0.0L;
  if (x > 11357.0L) return kl_raise_overflow(0);
  if (x < -11400.0L) return kl_raise_underflow(0);
  if (__builtin_fabsl(x) < 0x1p-66L) return 1.0L + x;
  kl_dd t = kl_two_prod(x, KL_LOG2E_HI);
  t.lo += x * KL_LOG2E_LO;
  t = kl_fast_two_sum(t.hi, t.lo);
  return __kiln_exp2_dd(t.hi, t.lo);
}

long double exp10l(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x)) return x > 0 ? x : 0.0L;
  if (x > 4933.0L) return kl_raise_overflow(0);
  if (x < -4951.0L) return kl_raise_underflow(0);
  kl_dd t = kl_two_prod(x, KL_LOG2_10_HI);
  t.lo += x * KL_LOG2_10_LO;
  t = kl_fast_two_sum(t.hi, t.lo);
  // exact for the integers 0..27 (10^27 < 2^64 * 2^27)
  if (x == kl_round_ne(x) && x >= 0 && x <= 27) {
    long double r = 1.0L;
    for (int i = 0; i < (int)x; i++) r *= 10.0L;
    return r;
  }
  return __kiln_exp2_dd(t.hi, t.lo);
}
long double pow10l(long double x) { return exp10l(x); }

long double expm1l(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x)) return x > 0 ? x : -1.0L;
  if (x == 0) return x;
  if (__builtin_fabsl(x) < 0x1p-65L) return kl_tiny(x);
  if (x > 11357.0L) return kl_raise_overflow(0);
  if (x < -46.0L) {
    volatile long double t = 0x1p-100L;
    return t - 1.0L;  // -1, inexact
  }
  kl_dd t = kl_two_prod(x, KL_LOG2E_HI);
  t.lo += x * KL_LOG2E_LO;
  t = kl_fast_two_sum(t.hi, t.lo);
  long double n = kl_round_ne(t.hi);
  long double f = (t.hi - n) + t.lo;
  if (n == 0) {
    // 2^(h+l) - 1 = (2^h - 1) + 2^h (2^l - 1)
    long double p = kl_f2xm1(t.hi);
    return p + (p + 1.0L) * (t.lo * KL_LN2_HI);
  }
  if (n > 16000.0L) return __kiln_exp2_dd(t.hi, t.lo);
  // 2^n (1 + p) - 1 = 2^n p + (2^n - 1), exact 2^n - 1 for n in [-64, 64]
  long double p = kl_f2xm1(f);
  long double s = kl_fscale(1.0L, n);
  if (n > 64) return s * p + s;
  return s * p + (s - 1.0L);
}

// ln(1 + x) as 2 atanh(s), s = x / (2 + x), |s| <= 0.1716 (x in
// [sqrt(1/2) - 1, sqrt(2) - 1]): 2s + 2s^3/3 in double-long-double, the rest
// 2 s^5 (1/5 + s^2/7 + ...) in long double (13 terms reach 2^-80).
static kl_dd log1p_series(long double x) {
  kl_dd den = kl_two_sum(2.0L, x);
  long double sh = x / den.hi;
  // s_lo = (x - s * den) / den
  kl_dd p = kl_two_prod(sh, den.hi);
  long double sl = ((x - p.hi) - p.lo - sh * den.lo) / den.hi;
  kl_dd s = kl_fast_two_sum(sh, sl);
  kl_dd s2 = kl_dd_mul(s, s);
  kl_dd s3 = kl_dd_mul(s2, s);
  kl_dd b = kl_dd_div(s3, kl_dd_make(1.5L, 0.0L));  // 2 s^3 / 3
  long double z = s2.hi;
  static const long double c[] = {
      1.0L / 5, 1.0L / 7, 1.0L / 9, 1.0L / 11, 1.0L / 13, 1.0L / 15, 1.0L / 17,
      1.0L / 19, 1.0L / 21, 1.0L / 23, 1.0L / 25, 1.0L / 27, 1.0L / 29};
  long double q = c[12];
  for (int i = 11; i >= 0; i--) q = q * z + c[i];
  long double tail = 2.0L * s3.hi * z * q;
  kl_dd r = kl_dd_add(kl_dd_make(2.0L * s.hi, 2.0L * s.lo), b);
  return kl_dd_add_ld(r, tail);
}

// ln(x), x finite > 0: x = 2^k m, m in [sqrt(1/2), sqrt(2)), ln m from the
// series, k ln 2 exact in double-long-double.
kl_dd __kiln_log_dd(long double x) {
  int k = 0;
  kl_bits u = {x};
  if ((u.b.se & 0x7fff) == 0) {  // subnormal
    u.f = x * 0x1p64L;
    k = -64;
  }
  k += (u.b.se & 0x7fff) - 16383;
  u.b.se = (u.b.se & 0x8000) | 16383;  // m in [1, 2)
  long double m = u.f;
  if (m > 1.41421356237309504880L) {
    m *= 0.5L;
    k++;
  }
  kl_dd l = log1p_series(m - 1.0L);  // m - 1 exact
  if (k == 0) return l;
  kl_dd kl = kl_two_prod((long double)k, KL_LN2_HI);
  kl.lo += (long double)k * KL_LN2_LO;
  return kl_dd_add(kl, l);
}

kl_dd __kiln_log1p_dd(long double x) {
  if (x > -0.29289321881345247560L && x < 0.41421356237309504880L) return log1p_series(x);
  kl_dd u = kl_two_sum(1.0L, x);
  kl_dd l = __kiln_log_dd(u.hi);
  return kl_dd_add_ld(l, u.lo / u.hi);
}

// The special values shared by the logarithms; 1 when *r is the result.
static int log_special(long double x, long double* r) {
  if (isnan(x)) { *r = x + x; return 1; }
  if (x == 0) { *r = kl_divzero(1); return 1; }
  if (x < 0) { *r = kl_invalid(); return 1; }
  if (isinf(x)) { *r = x; return 1; }
  if (x == 1.0L) { *r = 0.0L; return 1; }
  return 0;
}

long double logl(long double x) {
  long double r;
  if (log_special(x, &r)) return r;
  kl_dd l = __kiln_log_dd(x);
  return l.hi + l.lo;
}

long double log2l(long double x) {
  long double r;
  if (log_special(x, &r)) return r;
  kl_bits u = {x};
  if ((u.b.se & 0x7fff) != 0 && u.b.m == 0x8000000000000000ULL)  // a power of 2
    return (long double)((u.b.se & 0x7fff) - 16383);
  kl_dd l = __kiln_log_dd(x);
  kl_dd y = kl_dd_mul(l, kl_dd_make(KL_LOG2E_HI, KL_LOG2E_LO));
  return y.hi + y.lo;
}

long double log10l(long double x) {
  long double r;
  if (log_special(x, &r)) return r;
  kl_dd l = __kiln_log_dd(x);
  kl_dd y = kl_dd_mul(l, kl_dd_make(KL_LOG10E_HI, KL_LOG10E_LO));
  long double q = kl_round_ne(y.hi);  // exact powers of ten
  if (__builtin_fabsl(y.hi - q) < 0x1p-60L && q >= 0 && q <= 27) {
    long double p = 1.0L;
    for (int i = 0; i < (int)q; i++) p *= 10.0L;
    if (p == x) return q;
  }
  return y.hi + y.lo;
}

long double log1pl(long double x) {
  if (isnan(x)) return x + x;
  if (x == -1.0L) return kl_divzero(1);
  if (x < -1.0L) return kl_invalid();
  if (isinf(x)) return x;
  if (x == 0) return x;
  if (__builtin_fabsl(x) < 0x1p-65L) return kl_tiny(x);
  kl_dd l = __kiln_log1p_dd(x);
  return l.hi + l.lo;
}

// 0: not an integer, 1: odd integer, 2: even integer
static int int_kind(long double y) {
  if (isinf(y) || isnan(y)) return 0;
  if (__builtin_fabsl(y) >= 0x1p64L) return 2;
  long double t = __builtin_truncl(y);
  if (t != y) return 0;
  uint64_t v = (uint64_t)__builtin_fabsl(y);
  return (v & 1) ? 1 : 2;
}

// C99 F.9.4.4, then 2^(y log2 x) with y log2 x in double-long-double.
long double powl(long double x, long double y) {
  if (y == 0) return 1.0L;
  if (x == 1.0L) return 1.0L;
  if (isnan(x) || isnan(y)) return x + y;
  // exactly rounded where one operation is the answer
  if (y == 1.0L) return x;
  if (y == 2.0L && !isinf(x)) return x * x;
  if (y == -1.0L && x != 0 && !isinf(x)) return 1.0L / x;
  int yk = int_kind(y);
  if (x == 0) {
    if (isinf(y)) return y < 0 ? __builtin_infl() : 0.0L;
    int neg = kl_sign(x) && yk == 1;
    if (y < 0) return kl_divzero(neg);
    return neg ? -0.0L : 0.0L;
  }
  if (isinf(y)) {
    long double ax = __builtin_fabsl(x);
    if (ax == 1.0L) return 1.0L;
    if ((ax < 1.0L) == (y < 0)) return __builtin_infl();
    return 0.0L;
  }
  if (isinf(x)) {
    int neg = x < 0 && yk == 1;
    if (x > 0 || 1) {
      if (y < 0) return neg ? -0.0L : 0.0L;
      return neg ? -__builtin_infl() : __builtin_infl();
    }
  }
  // |y| > 2^80: |y log2 x| > 2^16 for every x != +-1, so the result
  // overflows or underflows (and y is an even integer)
  if (__builtin_fabsl(y) > 0x1p80L) {
    int big = (__builtin_fabsl(x) > 1.0L) == (y > 0);
    return big ? kl_raise_overflow(0) : kl_raise_underflow(0);
  }
  int neg = 0;
  if (x < 0) {
    if (yk == 0) return kl_invalid();
    neg = yk == 1;
    x = -x;
  }
  kl_dd l = __kiln_log_dd(x);
  l = kl_dd_mul(l, kl_dd_make(KL_LOG2E_HI, KL_LOG2E_LO));
  kl_dd z = kl_dd_mul_ld(l, y);
  long double r;
  if (z.hi >= 16384.0L) r = kl_raise_overflow(neg);
  else if (z.hi < -16447.0L) r = kl_raise_underflow(neg);
  else {
    r = __kiln_exp2_dd(z.hi, z.lo);
    if (neg) r = -r;
  }
  return r;
}
