// Kiln: the C99 long double functions newlib leaves out where long double
// is not double (x86-64: the 80-bit x87 format), declared by
// include/math.h. This file: the exact ones (rounding to integers,
// remainders, scaling, the exponent, neighbours, sign and comparison, fma)
// and sqrt, cbrt, hypot. The others: mathl_exp.c (exp, log, pow),
// mathl_trig.c, mathl_hyp.c, mathl_gamma.c (lgamma, tgamma, erf); helpers
// in mathl_core.h.
#include <limits.h>
#include "mathl_core.h"

long double fabsl(long double x) { return __builtin_fabsl(x); }
long double copysignl(long double x, long double y) { return __builtin_copysignl(x, y); }
// C99 F.9.9.2: a NaN argument is ignored; the sign of zeros is not ordered
// by the standard, glibc and the tests pick fmax(-0, +0) = +0.
long double fmaxl(long double x, long double y) {
  if (isnan(x)) return y;
  if (isnan(y)) return x;
  if (x == y) return kl_sign(x) ? y : x;
  return x > y ? x : y;
}
long double fminl(long double x, long double y) {
  if (isnan(x)) return y;
  if (isnan(y)) return x;
  if (x == y) return kl_sign(x) ? x : y;
  return x < y ? x : y;
}
long double fdiml(long double x, long double y) {
  if (isnan(x) || isnan(y)) return x + y;
  return x > y ? x - y : 0.0L;
}

// The integer part, by clearing the fraction bits.
long double truncl(long double x) {
  kl_bits u = {x};
  int e = (u.b.se & 0x7fff) - 16383;
  if (e >= 63) return x;  // integral, inf, nan
  if (e < 0) return __builtin_copysignl(0.0L, x);
  u.b.m &= ~((1ULL << (63 - e)) - 1);
  return u.f;
}
long double floorl(long double x) {
  long double t = truncl(x);
  return t > x ? t - 1.0L : t;
}
long double ceill(long double x) {
  long double t = truncl(x);
  return t < x ? t + 1.0L : t;
}
long double roundl(long double x) {
  if (isnan(x)) return x + x;
  if (kl_exp_bits(x) - 16383 >= 63) return x;
  long double t = truncl(x);
  if (__builtin_fabsl(x - t) >= 0.5L) t += __builtin_copysignl(1.0L, x);
  return t;
}
// frndint: in the current rounding mode, inexact when it rounds.
long double rintl(long double x) {
  if (isnan(x)) return x + x;
  return kl_frndint(x);
}
// rintl without the inexact flag: the x87 status word is put back.
long double nearbyintl(long double x) {
  if (isnan(x)) return x + x;
  struct { uint16_t cw, r0, sw, r1; uint32_t rest[5]; } env;
  __asm__ volatile("fnstenv %0" : "=m"(env));
  __asm__ volatile("fldcw %0" : : "m"(env.cw));  // fnstenv masked everything
  long double r = kl_frndint(x);
  __asm__ volatile("fldenv %0" : : "m"(env));
  return r;
}
// The x87's fistp: 0x8000000000000000 and invalid when out of range.
long long llrintl(long double x) {
  long long r;
  __asm__("fistpll %0" : "=m"(r) : "t"(x) : "st");
  return r;
}
long lrintl(long double x) { return llrintl(x); }
long long llroundl(long double x) {
  if (isnan(x) || !(__builtin_fabsl(x) < 0x1p63L)) return llrintl(x);  // invalid
  return llrintl(roundl(x));
}
long lroundl(long double x) { return llroundl(x); }
long double modfl(long double x, long double* ip) {
  if (isnan(x)) return *ip = x + x;
  long double t = truncl(x);
  *ip = t;
  return isinf(x) ? __builtin_copysignl(0.0L, x) : __builtin_copysignl(x - t, x);
}

// fprem / fprem1 are exact; C2 says the reduction is not complete yet.
long double fmodl(long double x, long double y) {
  if (isnan(x) || isnan(y)) return x + y;
  long double r = x;
  __asm__("1: fprem\n\tfnstsw %%ax\n\ttestw $0x400, %%ax\n\tjnz 1b" : "+t"(r) : "u"(y) : "ax", "cc");
  return r;
}
long double remainderl(long double x, long double y) {
  if (isnan(x) || isnan(y)) return x + y;
  long double r = x;
  __asm__("1: fprem1\n\tfnstsw %%ax\n\ttestw $0x400, %%ax\n\tjnz 1b" : "+t"(r) : "u"(y) : "ax", "cc");
  return r;
}
// The last fprem1 leaves the quotient's low three bits in C0 (q2), C3 (q1), C1 (q0).
long double remquol(long double x, long double y, int* q) {
  *q = 0;
  if (isnan(x) || isnan(y)) return x + y;
  long double r = x;
  uint16_t sw;
  __asm__("1: fprem1\n\tfnstsw %%ax\n\ttestw $0x400, %%ax\n\tjnz 1b\n\tmovw %%ax, %1"
          : "+t"(r), "=m"(sw) : "u"(y) : "ax", "cc");
  if (isnan(r)) return r;
  int v = ((sw >> 8) & 1) << 2 | ((sw >> 14) & 1) << 1 | ((sw >> 9) & 1);
  *q = (kl_sign(x) != kl_sign(y)) ? -v : v;
  return r;
}

long double frexpl(long double x, int* e) {
  kl_bits u = {x};
  *e = 0;
  if (isnan(x)) return x + x;
  if (x == 0 || isinf(x)) return x;
  int k = 0;
  if ((u.b.se & 0x7fff) == 0) {
    u.f = x * 0x1p64L;
    k = -64;
  }
  *e = k + (u.b.se & 0x7fff) - 16382;
  u.b.se = (u.b.se & 0x8000) | 16382;
  return u.f;
}
// fscale rounds once and raises overflow and underflow; n beyond the
// range is clamped (the result is the same).
long double scalblnl(long double x, long n) {
  if (n > 65536) n = 65536;
  if (n < -65536) n = -65536;
  return kl_fscale(x, (long double)n);
}
long double scalbnl(long double x, int n) { return scalblnl(x, n); }
long double ldexpl(long double x, int n) { return scalblnl(x, n); }

int ilogbl(long double x) {
  if (isnan(x)) { kl_invalid(); return FP_ILOGBNAN; }
  if (isinf(x)) { kl_invalid(); return INT_MAX; }
  if (x == 0) { kl_invalid(); return FP_ILOGB0; }
  int e;
  frexpl(x, &e);
  return e - 1;
}
long double logbl(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x)) return __builtin_fabsl(x);
  if (x == 0) return kl_divzero(1);
  int e;
  frexpl(x, &e);
  return (long double)(e - 1);
}

// The neighbour of x toward the direction d (+1 or -1); overflow or
// underflow raised as C99 F.9.8.3 asks.
static long double step(long double x, int up) {
  kl_bits u = {x};
  if (x == 0) {
    u.b.m = 1;
    u.b.se = up ? 0 : 0x8000;
  } else if ((up != 0) == (kl_sign(x) == 0)) {  // away from zero
    if (++u.b.m == 0) {  // past the largest mantissa: next binade
      u.b.m = 0x8000000000000000ULL;
      u.b.se++;
    } else if ((u.b.se & 0x7fff) == 0 && (u.b.m & 0x8000000000000000ULL)) {
      u.b.se++;  // subnormal to the smallest normal
    }
  } else {  // toward zero
    if ((u.b.se & 0x7fff) != 0 && u.b.m == 0x8000000000000000ULL) {
      u.b.se--;
      u.b.m = (u.b.se & 0x7fff) ? 0xffffffffffffffffULL : 0x7fffffffffffffffULL;
    } else {
      u.b.m--;
    }
  }
  long double r = u.f;
  if (isinf(r)) kl_raise_overflow(0);
  else if ((u.b.se & 0x7fff) == 0) kl_raise_underflow(0);
  return r;
}
long double nextafterl(long double x, long double y) {
  if (isnan(x) || isnan(y)) return x + y;
  if (x == y) return y;
  return step(x, y > x);
}
long double nexttowardl(long double x, long double y) { return nextafterl(x, y); }

// Exactly rounded for every pair (double and float as well): the long
// double neighbour is converted, which rounds nothing but raises the flags.
double nexttoward(double x, long double y) {
  if (isnan(x) || isnan(y)) return x + y;
  if ((long double)x == y) return (double)y;
  union { double f; uint64_t i; } u = {x};
  if (x == 0) u.i = 1 | (y < 0 ? 1ULL << 63 : 0);
  else if ((y > x) == (x > 0)) u.i++;
  else u.i--;
  volatile double r = u.f;
  if (isinf(r)) { volatile double h = 0x1p1023; h = h * h; }
  else if (__builtin_fabs(r) < 0x1p-1022) { volatile double t = 0x1p-1022; t = t * t; }
  return r;
}
float nexttowardf(float x, long double y) {
  if (isnan(x) || isnan(y)) return x + y;
  if ((long double)x == y) return (float)y;
  union { float f; uint32_t i; } u = {x};
  if (x == 0) u.i = 1 | (y < 0 ? 1U << 31 : 0);
  else if ((y > x) == (x > 0)) u.i++;
  else u.i--;
  volatile float r = u.f;
  if (isinf(r)) { volatile float h = 0x1p127f; h = h * h; }
  else if (__builtin_fabsf(r) < 0x1p-126f) { volatile float t = 0x1p-126f; t = t * t; }
  return r;
}

long double sqrtl(long double x) { return kl_fsqrt(x); }

// cbrt: a double first guess, then one Newton step in long double on the
// scaled argument (2^(3k) m, m in [1/8, 1)).
long double cbrtl(long double x) {
  if (isnan(x)) return x + x;
  if (isinf(x) || x == 0) return x;
  int e;
  long double m = frexpl(__builtin_fabsl(x), &e);
  int k = e >= 0 ? e / 3 : -((-e + 2) / 3);
  int r3 = e - 3 * k;  // 0, 1, 2
  m = kl_fscale(m, (long double)r3);  // m in [1/2, 4)
  long double y = (long double)__builtin_cbrt((double)m);
  kl_dd y2 = kl_two_prod(y, y);
  kl_dd y3 = kl_dd_mul_ld(y2, y);
  long double d = (y3.hi - m) + y3.lo;
  y = y - d / (3.0L * y2.hi);
  y = kl_fscale(y, (long double)k);
  return x < 0 ? -y : y;
}

// sqrt(x^2 + y^2) scaled to avoid overflow, the sum of squares in
// double-long-double, one correction step after fsqrt.
long double hypotl(long double x, long double y) {
  if (isinf(x) || isinf(y)) return __builtin_infl();
  if (isnan(x) || isnan(y)) return x + y;
  x = __builtin_fabsl(x);
  y = __builtin_fabsl(y);
  if (x < y) { long double t = x; x = y; y = t; }
  if (y == 0) return x;
  int e;
  frexpl(x, &e);
  if (e - 64 > ilogbl(y) + 1 + 64 / 2 * 2) return x + y;  // y below half an ulp
  long double s = kl_fscale(1.0L, (long double)-e);
  long double a = x * s, b = kl_fscale(y, (long double)-e);  // a exact; b may round when tiny
  kl_dd a2 = kl_two_prod(a, a), b2 = kl_two_prod(b, b);
  kl_dd t = kl_dd_add(a2, b2);
  long double r = kl_fsqrt(t.hi);
  // r + (t - r^2) / (2r)
  kl_dd r2 = kl_two_prod(r, r);
  long double c = ((t.hi - r2.hi) - r2.lo + t.lo) / (2.0L * r);
  return kl_fscale(r + c, (long double)e);
}
