// Kiln: double and float functions of newlib 3.3.0 that are wrong for
// musl's libc-test where glibc is right (docs/libc.md, "Math"), replaced
// here. Most go through the long double function (mathl_*.c): 11 more bits,
// then one rounding to double or float, which also raises overflow and
// underflow as the conversion finds them. Each has its reason.
#include <float.h>
#include "mathl_core.h"

// A tiny result that is exactly the argument in long double (f(x) = x + o(x)):
// the true value is inexact, so a subnormal one must raise underflow.
static double dres(long double r) {
  double d = (double)r;
  if (isnan(d)) return d;
  if (d != 0 && __builtin_fabs(d) < DBL_MIN) { volatile double t = DBL_MIN; t = t * t; (void)t; }
  return d;
}
static float fres(long double r) {
  float f = (float)r;
  if (isnan(f)) return f;
  if (f != 0 && __builtin_fabsf(f) < FLT_MIN) { volatile float t = FLT_MIN; t = t * t; (void)t; }
  return f;
}

// newlib: no underflow for a subnormal argument (f(x) = x for tiny x)
double sin(double x) { return dres(sinl(x)); }
float sinf(float x) { return fres(sinl(x)); }
double tan(double x) { return dres(tanl(x)); }
float tanf(float x) { return fres(tanl(x)); }
double asin(double x) { return dres(asinl(x)); }
float asinf(float x) { return fres(asinl(x)); }
double atan(double x) { return dres(atanl(x)); }
float atanf(float x) { return fres(atanl(x)); }
double atanh(double x) { return dres(atanhl(x)); }
float atanhf(float x) { return fres(atanhl(x)); }
double sinh(double x) { return dres(sinhl(x)); }
float sinhf(float x) { return fres(sinhl(x)); }
double tanh(double x) { return dres(tanhl(x)); }
// newlib's calls expm1, whose subnormal results (above) now raise underflow: cosh(2^-1074)
double cosh(double x) { return (double)coshl(x); }
float tanhf(float x) { return fres(tanhl(x)); }
double expm1(double x) { return dres(expm1l(x)); }
double log1p(double x) { return dres(log1pl(x)); }
float log1pf(float x) { return fres(log1pl(x)); }
// newlib: no underflow for a subnormal result (atan2(2^-1023, 1))
double atan2(double y, double x) { return dres(atan2l(y, x)); }
float atan2f(float y, float x) { return fres(atan2l(y, x)); }
// newlib: no underflow flag when the result is subnormal or rounds to zero
double exp(double x) { return (double)expl(x); }
float expf(float x) { return (float)expl(x); }
double exp2(double x) { return (double)exp2l(x); }
// newlib: pow(-1, nan) is 1 (C99 F.9.4.4: 1 only for +1 and for -1 with +-inf)
// and no underflow for a subnormal result that is inexact in long double
// already (pow(0x1.0000000000001p+1022, -1)): the x87 inexact flag tells.
double pow(double x, double y) {
  struct { uint16_t cw, r0, sw, r1; uint32_t rest[5]; } env, e2;
  __asm__ volatile("fnstenv %0" : "=m"(env));
  e2 = env;
  e2.sw &= ~0x20;
  __asm__ volatile("fldenv %0" : : "m"(e2));
  long double r = powl(x, y);
  uint16_t sw;
  __asm__ volatile("fnstsw %0" : "=am"(sw));
  if (env.sw & 0x20) { volatile long double one = 1.0L, t = 0x1p-100L; t = one + t; (void)t; }
  double d = (double)r;
  if ((sw & 0x20) && !isnan(d) && d != 0 && __builtin_fabs(d) < DBL_MIN) {
    volatile double t = DBL_MIN;
    t = t * t;
    (void)t;
  }
  return d;
}
// newlib: 12 ulp off below zero (tgamma(-8.38))
double tgamma(double x) { return (double)tgammal(x); }
// newlib: 1.8 ulp off (cbrtf(-6.53))
float cbrtf(float x) { return (float)cbrtl(x); }
// newlib: software square root without the inexact flag; SSE2's is exact and raises it
double sqrt(double x) { __asm__("sqrtsd %1, %0" : "=x"(x) : "x"(x)); return x; }
float sqrtf(float x) { __asm__("sqrtss %1, %0" : "=x"(x) : "x"(x)); return x; }
// newlib: fdim(-inf, 1) is inf (C99 F.9.9.1: +0 when x <= y)
double fdim(double x, double y) { return isnan(x) || isnan(y) ? x + y : x > y ? x - y : 0.0; }
float fdimf(float x, float y) { return isnan(x) || isnan(y) ? x + y : x > y ? x - y : 0.0f; }
// newlib: no invalid flag for 0, inf, nan (C99 7.12.6.5, F.9.3.5)
int ilogb(double x) { return ilogbl(x); }
int ilogbf(float x) { return ilogbl(x); }
// newlib: an exponent near INT_MAX overflows its sum and underflows instead
double scalbn(double x, int n) { return (double)scalblnl(x, n); }
float scalbnf(float x, int n) { return (float)scalblnl(x, n); }
double scalbln(double x, long n) { return (double)scalblnl(x, n); }
float scalblnf(float x, long n) { return (float)scalblnl(x, n); }
double ldexp(double x, int n) { return (double)scalblnl(x, n); }
float ldexpf(float x, int n) { return (float)scalblnl(x, n); }
// newlib: modf(nan) gives 0 as the fraction (C99 F.9.3.12: nan, nan)
double modf(double x, double* ip) {
  long double i;
  double f = (double)modfl(x, &i);
  *ip = (double)i;
  return f;
}
float modff(float x, float* ip) {
  long double i;
  float f = (float)modfl(x, &i);
  *ip = (float)i;
  return f;
}
// newlib: raises inexact (C99 7.12.9.3: nearbyint does not)
double nearbyint(double x) { return (double)nearbyintl(x); }
float nearbyintf(float x) { return (float)nearbyintl(x); }
// newlib: no underflow or overflow flags (C99 F.9.8.3)
double nextafter(double x, double y) { return nexttoward(x, y); }
float nextafterf(float x, float y) { return nexttowardf(x, y); }
// newlib: the quotient's sign is lost when it is -1 (remquof(-1, 1))
float remquof(float x, float y, int* q) { return (float)remquol(x, y, q); }
// newlib declares neither (glibc and musl do, as _DEFAULT_SOURCE / XSI)
double scalb(double x, double n) {
  if (isnan(x) || isnan(n)) return x * n;
  if (isinf(n)) return n > 0 ? x * n : x / -n;
  if (__builtin_trunc(n) != n) return kl_invalid();
  if (n > 65536.0) n = 65536.0;
  if (n < -65536.0) n = -65536.0;
  return scalbn(x, (int)n);
}
float scalbf(float x, float n) { return (float)scalb(x, n); }
// newlib: fmax(+0, -0) is -0 and fmin(-0, +0) +0 (C99 F.9.9.2 allows either;
// glibc and the tests order the zeros, as fmaxl/fminl do)
double fmax(double x, double y) { return (double)fmaxl(x, y); }
float fmaxf(float x, float y) { return (float)fmaxl(x, y); }
double fmin(double x, double y) { return (double)fminl(x, y); }
float fminf(float x, float y) { return (float)fminl(x, y); }
// newlib: 2 ulp off below zero (tgammaf(-8.07))
float tgammaf(float x) { return (float)tgammal(x); }
// newlib: 3.7 ulp off (powf(-0x1.19999ap+0, 101))
float powf(float x, float y) { return (float)powl(x, y); }
