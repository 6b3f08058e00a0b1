// The C99 long double math functions newlib leaves out on x86_64
// (include/math.h). Exact where that is cheap (rounding to integers and the
// sign and comparison functions); the transcendental ones go through
// newlib's double functions, so they are exact to double precision only.
#include <math.h>
#include <stdint.h>

#define KILN_L1(f) long double f##l(long double x) { return f((double)x); }
#define KILN_L2(f) long double f##l(long double x, long double y) { return f((double)x, (double)y); }

KILN_L1(acos)
KILN_L1(asin)
KILN_L1(atan)
KILN_L1(cos)
KILN_L1(sin)
KILN_L1(tan)
KILN_L1(acosh)
KILN_L1(asinh)
KILN_L1(atanh)
KILN_L1(cosh)
KILN_L1(sinh)
KILN_L1(tanh)
KILN_L1(exp)
KILN_L1(exp2)
KILN_L1(expm1)
KILN_L1(log)
KILN_L1(log10)
KILN_L1(log1p)
KILN_L1(log2)
KILN_L1(logb)
KILN_L1(cbrt)
KILN_L1(erf)
KILN_L1(erfc)
KILN_L1(lgamma)
KILN_L1(tgamma)
KILN_L2(atan2)
KILN_L2(pow)
KILN_L2(fmod)
KILN_L2(remainder)
KILN_L2(nextafter)

long double frexpl(long double x, int* e) { return frexp((double)x, e); }
int ilogbl(long double x) { return ilogb((double)x); }
long double ldexpl(long double x, int e) { return ldexp((double)x, e); }
long double scalbnl(long double x, int e) { return scalbn((double)x, e); }
long double scalblnl(long double x, long e) { return scalbln((double)x, e); }
long double remquol(long double x, long double y, int* q) { return remquo((double)x, (double)y, q); }
long double fmal(long double x, long double y, long double z) { return x * y + z; }
long double nexttowardl(long double x, long double y) { return nextafter((double)x, (double)y); }
double nexttoward(double x, long double y) { return nextafter(x, (double)y); }
float nexttowardf(float x, long double y) { return nextafterf(x, (float)y); }

long double fabsl(long double x) { return __builtin_fabsl(x); }
long double copysignl(long double x, long double y) { return __builtin_copysignl(x, y); }
long double fmaxl(long double x, long double y) { return isnan(x) ? y : isnan(y) ? x : x > y ? x : y; }
long double fminl(long double x, long double y) { return isnan(x) ? y : isnan(y) ? x : x < y ? x : y; }
long double fdiml(long double x, long double y) { return isnan(x) || isnan(y) ? x + y : x > y ? x - y : 0.0L; }

// Every long double of magnitude 2^63 or more is an integer; below that the
// integer part fits an int64_t exactly.
long double truncl(long double x) {
  if (!(__builtin_fabsl(x) < 0x1p63L)) return x;  // also inf and nan
  return __builtin_copysignl((long double)(int64_t)x, x);
}
long double floorl(long double x) {
  long double t = truncl(x);
  return t > x ? t - 1 : t;
}
long double ceill(long double x) {
  long double t = truncl(x);
  return t < x ? t + 1 : t;
}
long double roundl(long double x) {
  long double t = truncl(x);
  if (__builtin_fabsl(x - t) >= 0.5L) t += __builtin_copysignl(1.0L, x);
  return t;
}
// Ties to even (the default rounding mode).
long double rintl(long double x) {
  long double t = truncl(x);
  long double d = __builtin_fabsl(x - t);
  if (d > 0.5L || (d == 0.5L && ((int64_t)t & 1))) t += __builtin_copysignl(1.0L, x);
  return t;
}
long double nearbyintl(long double x) { return rintl(x); }
long lrintl(long double x) { return (long)rintl(x); }
long long llrintl(long double x) { return (long long)rintl(x); }
long lroundl(long double x) { return (long)roundl(x); }
long long llroundl(long double x) { return (long long)roundl(x); }
long double modfl(long double x, long double* ip) {
  long double t = truncl(x);
  *ip = t;
  return isinf(x) ? __builtin_copysignl(0.0L, x) : __builtin_copysignl(x - t, x);
}
