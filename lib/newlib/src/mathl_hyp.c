// Kiln: the hyperbolic functions and their inverses for x86-64 80-bit long
// double, over expm1l/expl and the double-long-double logarithm.
#include "mathl_core.h"

// e^|x| / 2 without overflowing before the end: 2^(|x| log2 e - 1)
static long double half_exp(long double ax) {
  if (ax > 11400.0L) return kl_raise_overflow(0);
  kl_dd t = kl_two_prod(ax, KL_LOG2E_HI);
  t.lo += ax * KL_LOG2E_LO;
  t = kl_fast_two_sum(t.hi - 1.0L, t.lo);
  return __kiln_exp2_dd(t.hi, t.lo);
}

long double sinhl(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x) || x == 0) return x;
  long double ax = __builtin_fabsl(x), r;
  if (ax < 0x1p-33L) return kl_tiny(x);
  if (ax < 1.0L) {
    long double t = expm1l(ax);
    r = 0.5L * (t + t / (t + 1.0L));
  } else if (ax < 45.0L) {
    long double e = expl(ax);
    r = 0.5L * e - 0.5L / e;
  } else {
    r = half_exp(ax);
  }
  return x < 0 ? -r : r;
}

long double coshl(long double x) {
  if (isnan(x)) return x + x;
  long double ax = __builtin_fabsl(x);
  if (isinf(x)) return ax;
  if (ax < 0x1p-33L) return 1.0L + ax * 0x1p-40L;
  if (ax < 1.0L) {
    long double t = expm1l(ax);
    return 1.0L + t * t / (2.0L * (1.0L + t));
  }
  if (ax < 45.0L) {
    long double e = expl(ax);
    return 0.5L * e + 0.5L / e;
  }
  return half_exp(ax);
}

long double tanhl(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x)) return x > 0 ? 1.0L : -1.0L;
  if (x == 0) return x;
  long double ax = __builtin_fabsl(x), r;
  if (ax < 0x1p-33L) return kl_tiny(x);
  if (ax > 23.0L) {
    volatile long double t = 0x1p-100L;
    r = 1.0L - t;
  } else if (ax > 0.55L) {
    long double t = expm1l(2.0L * ax);
    r = 1.0L - 2.0L / (t + 2.0L);
  } else {
    long double t = expm1l(-2.0L * ax);
    r = -t / (t + 2.0L);
  }
  return x < 0 ? -r : r;
}

long double asinhl(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x) || x == 0) return x;
  long double ax = __builtin_fabsl(x);
  if (ax < 0x1p-33L) return kl_tiny(x);
  kl_dd l;
  if (ax > 0x1p34L) {
    l = __kiln_log_dd(ax);
    l = kl_dd_add(l, kl_dd_make(KL_LN2_HI, KL_LN2_LO));
  } else if (ax >= 2.0L) {
    // ln(2|x| + 1 / (sqrt(x^2 + 1) + |x|))
    kl_dd s = kl_two_prod(ax, ax);
    long double q = kl_fsqrt(s.hi + (s.lo + 1.0L));
    kl_dd v = kl_two_sum(2.0L * ax, 1.0L / (q + ax));
    l = __kiln_log_dd(v.hi);
    l = kl_dd_add_ld(l, v.lo / v.hi);
  } else {
    // ln1p(|x| + x^2 / (1 + sqrt(1 + x^2)))
    kl_dd s = kl_two_prod(ax, ax);
    long double q = kl_fsqrt(1.0L + s.hi + s.lo);
    kl_dd v = kl_two_sum(ax, (s.hi + s.lo) / (1.0L + q));
    l = __kiln_log1p_dd(v.hi);
    l = kl_dd_add_ld(l, v.lo / (1.0L + v.hi));
  }
  long double r = l.hi + l.lo;
  return x < 0 ? -r : r;
}

long double acoshl(long double x) {
  if (isnan(x)) return x + x;
  if (x < 1.0L) return kl_invalid();
  if (x == 1.0L) return 0.0L;
  if (isinf(x)) return x;
  kl_dd l;
  if (x > 0x1p34L) {
    l = __kiln_log_dd(x);
    l = kl_dd_add(l, kl_dd_make(KL_LN2_HI, KL_LN2_LO));
  } else if (x >= 2.0L) {
    // ln(2x - 1 / (x + sqrt(x^2 - 1)))
    kl_dd s = kl_two_prod(x, x);
    long double q = kl_fsqrt((s.hi - 1.0L) + s.lo);
    kl_dd v = kl_two_sum(2.0L * x, -1.0L / (x + q));
    l = __kiln_log_dd(v.hi);
    l = kl_dd_add_ld(l, v.lo / v.hi);
  } else {
    // ln1p(t + sqrt(2t + t^2)), t = x - 1 exact
    long double t = x - 1.0L;
    kl_dd s = kl_two_prod(t, t);
    long double q = kl_fsqrt(2.0L * t + s.hi + s.lo);
    kl_dd v = kl_two_sum(t, q);
    l = __kiln_log1p_dd(v.hi);
    l = kl_dd_add_ld(l, v.lo / (1.0L + v.hi));
  }
  return l.hi + l.lo;
}

long double atanhl(long double x) {
  if (isnan(x)) return x + x;
  long double ax = __builtin_fabsl(x);
  if (ax > 1.0L) return kl_invalid();
  if (ax == 1.0L) return kl_divzero(x < 0);
  if (x == 0) return x;
  if (ax < 0x1p-33L) return kl_tiny(x);
  // (1/2) ln1p(2|x| / (1 - |x|))
  long double d = 1.0L - ax;  // exact for |x| >= 1/2
  kl_dd n = kl_dd_make(2.0L * ax, 0.0L);
  kl_dd q = kl_dd_div(n, kl_two_sum(1.0L, -ax));
  (void)d;
  kl_dd l = __kiln_log1p_dd(q.hi);
  l = kl_dd_add_ld(l, q.lo / (1.0L + q.hi));
  long double r = 0.5L * (l.hi + l.lo);
  return x < 0 ? -r : r;
}
