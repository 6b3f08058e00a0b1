// Kiln: lgamma, tgamma, erf and erfc for x86-64 80-bit long double.
// ln Gamma from Stirling's series at z >= 20 (the argument moved up by the
// recurrence, the product kept in double-long-double), the reflection
// formula below zero; erf from its Taylor series below 1, erfc from its
// continued fraction above (mathl_core.h for the arithmetic).
#include "mathl_core.h"

static kl_dd log_of_dd(kl_dd a) {  // ln(a.hi + a.lo), a > 0
  kl_dd l = __kiln_log_dd(a.hi);
  return kl_dd_add_ld(l, a.lo / a.hi);
}

// ln Gamma(x), x > 0 finite, not tiny.
static kl_dd lgamma_pos(long double x) {
  kl_dd z = {x, 0.0L}, prod = {1.0L, 0.0L};
  int shifted = 0;
  while (z.hi < 20.0L) {
    prod = kl_dd_mul(prod, z);
    z = kl_dd_add_ld(z, 1.0L);
    shifted = 1;
  }
  // (z - 1/2) ln z - z + ln(2 pi)/2 + sum B2k / (2k (2k-1) z^(2k-1))
  static const long double b[] = {
      1.0L / 12, -1.0L / 360, 1.0L / 1260, -1.0L / 1680, 1.0L / 1188,
      -691.0L / 360360, 1.0L / 156, -3617.0L / 122400, 43867.0L / 244188, -174611.0L / 125400};
  long double iz = 1.0L / z.hi, iz2 = iz * iz, s = b[9];
  for (int k = 8; k >= 0; k--) s = s * iz2 + b[k];
  s *= iz;
  kl_dd lz = log_of_dd(z);
  kl_dd r = kl_dd_mul(kl_dd_add_ld(z, -0.5L), lz);
  r = kl_dd_add(r, kl_dd_make(-z.hi, -z.lo));
  r = kl_dd_add(r, kl_dd_make(KL_HALFLN2PI_HI, KL_HALFLN2PI_LO));
  r = kl_dd_add_ld(r, s);
  if (shifted) {
    kl_dd lp = log_of_dd(prod);
    r = kl_dd_add(r, kl_dd_make(-lp.hi, -lp.lo));
  }
  return r;
}

// sin(pi x) for x finite, not an integer; |result| to about an ulp.
static long double sinpi(long double x) {
  long double r = x - 2.0L * kl_round_ne(0.5L * x);  // exact, in [-1, 1]
  int neg = 0;
  if (r < 0) { r = -r; neg = 1; }
  if (r > 0.5L) r = 1.0L - r;  // exact
  long double v;
  int use_cos = r > 0.25L;
  if (use_cos) r = 0.5L - r;  // exact
  kl_dd a = kl_two_prod(r, KL_PI_HI);
  a.lo += r * KL_PI_LO;
  a = kl_fast_two_sum(a.hi, a.lo);
  if (use_cos) v = kl_fcos(a.hi) - a.lo * kl_fsin(a.hi);
  else v = kl_fsin(a.hi) + a.lo * kl_fcos(a.hi);
  return neg ? -v : v;
}

static kl_dd ln_pi(void) { return log_of_dd(kl_dd_make(KL_PI_HI, KL_PI_LO)); }

// ln|Gamma(x)| for x < 0 not an integer: ln pi - ln|x sin(pi x)| - lnGamma(-x)
static kl_dd lgamma_neg(long double x, int* sign) {
  long double s = sinpi(x);
  *sign = s < 0 ? -1 : 1;
  kl_dd d = kl_two_prod(-x, __builtin_fabsl(s));
  kl_dd r = ln_pi();
  kl_dd l = log_of_dd(d);
  r = kl_dd_add(r, kl_dd_make(-l.hi, -l.lo));
  l = lgamma_pos(-x);
  return kl_dd_add(r, kl_dd_make(-l.hi, -l.lo));
}

long double lgammal_r(long double x, int* sign) {
  *sign = 1;
  if (isnan(x)) return x + x;
  if (isinf(x)) return __builtin_fabsl(x);
  if (x == 0) {
    if (kl_sign(x)) *sign = -1;
    return kl_divzero(0);
  }
  if (x == 1.0L || x == 2.0L) return 0.0L;
  if (x < 0 && truncl(x) == x) return kl_divzero(0);  // poles
  long double ax = __builtin_fabsl(x);
  if (ax < 0x1p-70L) {  // -ln|x|
    if (x < 0) *sign = -1;
    kl_dd l = __kiln_log_dd(ax);
    return -(l.hi + l.lo);
  }
  if (x > 0x1p16370L) return kl_raise_overflow(0);
  kl_dd r = x > 0 ? lgamma_pos(x) : lgamma_neg(x, sign);
  return r.hi + r.lo;
}

long double lgammal(long double x) { return lgammal_r(x, &signgam); }

long double tgammal(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x)) return x > 0 ? x : kl_invalid();
  if (x == 0) return kl_divzero(kl_sign(x));
  if (x < 0 && truncl(x) == x) return kl_invalid();
  if (x > 1755.5L) return kl_raise_overflow(0);
  if (x > 0 && x <= 21.0L && truncl(x) == x) {  // (x-1)!, exact to 20!
    long double p = 1.0L;
    for (int i = 2; i < (int)x; i++) p *= (long double)i;
    return p;
  }
  if (__builtin_fabsl(x) < 0x1p-70L) return 1.0L / x;
  kl_dd l;
  int sign = 1;
  if (x > 0) l = lgamma_pos(x);
  else {
    if (x < -1800.0L) {
      long double s = sinpi(x);
      return kl_raise_underflow(s < 0);
    }
    l = lgamma_neg(x, &sign);
  }
  kl_dd t = kl_dd_mul(l, kl_dd_make(KL_LOG2E_HI, KL_LOG2E_LO));
  long double r = __kiln_exp2_dd(t.hi, t.lo);
  return sign < 0 ? -r : r;
}

// erf(x) for |x| < 1 in double-long-double: (2/sqrt(pi)) (x - x^3/3 + sum)
static kl_dd erf_small(long double x) {
  kl_dd x2 = kl_two_prod(x, x);
  kl_dd x3 = kl_dd_mul_ld(x2, x);
  kl_dd h = kl_dd_div(x3, kl_dd_make(3.0L, 0.0L));
  h = kl_dd_add(kl_dd_make(x, 0.0L), kl_dd_make(-h.hi, -h.lo));
  // n >= 2: (-1)^n x^(2n+1) / (n! (2n+1))
  long double z = x2.hi, p = x3.hi * z * 0.5L, rest = 0.0L;  // x^5/2!
  long double terms[24];
  int n;
  for (n = 2; n < 26; n++) {
    terms[n - 2] = p / (2 * n + 1);
    p = -p * z / (n + 1);
  }
  for (n = 23; n >= 0; n--) rest += terms[n];
  h = kl_dd_add_ld(h, rest);
  return kl_dd_mul(h, kl_dd_make(KL_2OSQRTPI_HI, KL_2OSQRTPI_LO));
}

// erfc(x), x >= 1: e^(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / ...)))
// evaluated from the back in double-long-double, folded into one exp2.
static long double erfc_large(long double x) {
  if (x > 107.0L) return kl_raise_underflow(0);
  int n = (int)(30.0L + 1200.0L / (x * x));
  kl_dd f = {x, 0.0L};
  for (int k = n; k >= 1; k--) {
    kl_dd q = kl_dd_div(kl_dd_make(0.5L * k, 0.0L), f);
    f = kl_dd_add_ld(q, x);
  }
  // ln(1 / (sqrt(pi) f)) = -ln f - ln(pi)/2
  kl_dd lf = log_of_dd(f), lp = ln_pi();
  kl_dd a = kl_dd_add(lf, kl_dd_make(0.5L * lp.hi, 0.5L * lp.lo));
  kl_dd x2 = kl_two_prod(x, x);
  a = kl_dd_add(a, x2);
  kl_dd t = kl_dd_mul(a, kl_dd_make(-KL_LOG2E_HI, -KL_LOG2E_LO));
  return __kiln_exp2_dd(t.hi, t.lo);
}

long double erfl(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x)) return x > 0 ? 1.0L : -1.0L;
  if (x == 0) return x;
  long double ax = __builtin_fabsl(x), r;
  if (ax < 0x1p-60L) {
    kl_dd p = kl_two_prod(x * 0x1p64L, KL_2OSQRTPI_HI);  // scaled: no underflow inside
    r = (p.hi + (p.lo + x * 0x1p64L * KL_2OSQRTPI_LO)) * 0x1p-64L;
    return kl_tiny(r);
  }
  if (ax < 1.0L) {
    kl_dd e = erf_small(x);
    return e.hi + e.lo;
  }
  if (ax > 6.9L) {
    volatile long double t = 0x1p-100L;
    r = 1.0L - t;
  } else {
    r = 1.0L - erfc_large(ax);
  }
  return x < 0 ? -r : r;
}

long double erfcl(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x)) return x > 0 ? 0.0L : 2.0L;
  if (__builtin_fabsl(x) < 0x1p-66L) return 1.0L - x;
  if (x > -1.0L && x < 1.0L) {
    kl_dd e = erf_small(x);
    kl_dd r = kl_two_sum(1.0L, -e.hi);
    return r.hi + (r.lo - e.lo);
  }
  if (x < 0) {
    if (x < -6.9L) {
      volatile long double t = 0x1p-100L;
      return 2.0L - t;
    }
    return 2.0L - erfc_large(-x);
  }
  return erfc_large(x);
}
