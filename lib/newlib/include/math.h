/* Kiln (lib/newlib/src/mathl*.c): newlib's <math.h> plus the C99 long
 * double functions it leaves out where long double is not double (x86_64:
 * the 80-bit x87 format), computed in 64-bit precision (docs/libc.md,
 * "Math"), and the GNU/BSD names glibc declares that newlib does not. */
#ifndef _KILN_MATH_H
#define _KILN_MATH_H
/* Before newlib's header: in C++ that is libstdc++'s <math.h>, whose
 * <cmath> names these (using ::acoshl...). The types are builtin. */
#include <newlib.h>
#if !defined(_LDBL_EQ_DBL)
#ifdef __cplusplus
extern "C" {
#endif
long double acosl(long double);
long double asinl(long double);
long double atanl(long double);
long double cosl(long double);
long double sinl(long double);
long double tanl(long double);
long double acoshl(long double);
long double asinhl(long double);
long double atanhl(long double);
long double coshl(long double);
long double sinhl(long double);
long double tanhl(long double);
long double expl(long double);
long double exp2l(long double);
long double expm1l(long double);
long double logl(long double);
long double log10l(long double);
long double log1pl(long double);
long double log2l(long double);
long double logbl(long double);
long double cbrtl(long double);
long double erfl(long double);
long double erfcl(long double);
long double lgammal(long double);
long double tgammal(long double);
long double atan2l(long double, long double);
long double powl(long double, long double);
long double fmodl(long double, long double);
long double remainderl(long double, long double);
long double nextafterl(long double, long double);
long double frexpl(long double, int*);
int ilogbl(long double);
long double ldexpl(long double, int);
long double modfl(long double, long double*);
long double scalbnl(long double, int);
long double scalblnl(long double, long);
long double fabsl(long double);
long double copysignl(long double, long double);
long double fdiml(long double, long double);
long double fmaxl(long double, long double);
long double fminl(long double, long double);
long double fmal(long double, long double, long double);
long double ceill(long double);
long double floorl(long double);
long double truncl(long double);
long double roundl(long double);
long double rintl(long double);
long double nearbyintl(long double);
long lrintl(long double);
long long llrintl(long double);
long lroundl(long double);
long long llroundl(long double);
long double remquol(long double, long double, int*);
long double nexttowardl(long double, long double);
double nexttoward(double, long double);
float nexttowardf(float, long double);
/* in newlib's libm, not declared by its header on this target */
long double nanl(const char*);
long double sqrtl(long double);
long double hypotl(long double, long double);
#ifdef __cplusplus
}
#endif
#endif
#endif
#ifndef _KILN_MATH_EXT_H
#define _KILN_MATH_EXT_H
#include <sys/features.h>
#ifdef __cplusplus
extern "C" {
#endif
#if __GNU_VISIBLE && !defined(_LDBL_EQ_DBL)
void sincosl(long double, long double*, long double*);
long double exp10l(long double);
long double pow10l(long double);
#endif
#if __MISC_VISIBLE && !defined(_LDBL_EQ_DBL)
long double lgammal_r(long double, int*);
#endif
#if __MISC_VISIBLE || __XSI_VISIBLE
double scalb(double, double);
float scalbf(float, float);
#endif
#ifdef __cplusplus
}
#endif
#endif
#include_next <math.h>
