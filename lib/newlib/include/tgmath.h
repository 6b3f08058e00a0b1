/* Kiln (lib/newlib): <tgmath.h> for C over GCC's __builtin_tgmath, which
 * picks the float, double, long double or complex function by the
 * arguments' types as C11 7.25 says. newlib's own, on a target where long
 * double is not double (x86_64), makes every call return double (its
 * generic macros are ?: expressions). C++ has its own (libstdc++'s). */
#ifdef __cplusplus
#include_next <tgmath.h>
#else
#ifndef _KILN_TGMATH_H
#define _KILN_TGMATH_H
#include <complex.h>
#include <math.h>
/* newlib's libm has it; its <complex.h> does not always declare it */
long double _Complex cpowl(long double _Complex, long double _Complex);

/* real and complex */
#undef acos
#define acos(...) __builtin_tgmath(acosf, acos, acosl, cacosf, cacos, cacosl, __VA_ARGS__)
#undef asin
#define asin(...) __builtin_tgmath(asinf, asin, asinl, casinf, casin, casinl, __VA_ARGS__)
#undef atan
#define atan(...) __builtin_tgmath(atanf, atan, atanl, catanf, catan, catanl, __VA_ARGS__)
#undef acosh
#define acosh(...) __builtin_tgmath(acoshf, acosh, acoshl, cacoshf, cacosh, cacoshl, __VA_ARGS__)
#undef asinh
#define asinh(...) __builtin_tgmath(asinhf, asinh, asinhl, casinhf, casinh, casinhl, __VA_ARGS__)
#undef atanh
#define atanh(...) __builtin_tgmath(atanhf, atanh, atanhl, catanhf, catanh, catanhl, __VA_ARGS__)
#undef cos
#define cos(...) __builtin_tgmath(cosf, cos, cosl, ccosf, ccos, ccosl, __VA_ARGS__)
#undef sin
#define sin(...) __builtin_tgmath(sinf, sin, sinl, csinf, csin, csinl, __VA_ARGS__)
#undef tan
#define tan(...) __builtin_tgmath(tanf, tan, tanl, ctanf, ctan, ctanl, __VA_ARGS__)
#undef cosh
#define cosh(...) __builtin_tgmath(coshf, cosh, coshl, ccoshf, ccosh, ccoshl, __VA_ARGS__)
#undef sinh
#define sinh(...) __builtin_tgmath(sinhf, sinh, sinhl, csinhf, csinh, csinhl, __VA_ARGS__)
#undef tanh
#define tanh(...) __builtin_tgmath(tanhf, tanh, tanhl, ctanhf, ctanh, ctanhl, __VA_ARGS__)
#undef exp
#define exp(...) __builtin_tgmath(expf, exp, expl, cexpf, cexp, cexpl, __VA_ARGS__)
#undef log
#define log(...) __builtin_tgmath(logf, log, logl, clogf, clog, clogl, __VA_ARGS__)
#undef pow
#define pow(...) __builtin_tgmath(powf, pow, powl, cpowf, cpow, cpowl, __VA_ARGS__)
#undef sqrt
#define sqrt(...) __builtin_tgmath(sqrtf, sqrt, sqrtl, csqrtf, csqrt, csqrtl, __VA_ARGS__)
#undef fabs
#define fabs(...) __builtin_tgmath(fabsf, fabs, fabsl, cabsf, cabs, cabsl, __VA_ARGS__)

/* real only */
#undef atan2
#define atan2(...) __builtin_tgmath(atan2f, atan2, atan2l, __VA_ARGS__)
#undef cbrt
#define cbrt(...) __builtin_tgmath(cbrtf, cbrt, cbrtl, __VA_ARGS__)
#undef ceil
#define ceil(...) __builtin_tgmath(ceilf, ceil, ceill, __VA_ARGS__)
#undef copysign
#define copysign(...) __builtin_tgmath(copysignf, copysign, copysignl, __VA_ARGS__)
#undef erf
#define erf(...) __builtin_tgmath(erff, erf, erfl, __VA_ARGS__)
#undef erfc
#define erfc(...) __builtin_tgmath(erfcf, erfc, erfcl, __VA_ARGS__)
#undef exp2
#define exp2(...) __builtin_tgmath(exp2f, exp2, exp2l, __VA_ARGS__)
#undef expm1
#define expm1(...) __builtin_tgmath(expm1f, expm1, expm1l, __VA_ARGS__)
#undef fdim
#define fdim(...) __builtin_tgmath(fdimf, fdim, fdiml, __VA_ARGS__)
#undef floor
#define floor(...) __builtin_tgmath(floorf, floor, floorl, __VA_ARGS__)
#undef fma
#define fma(...) __builtin_tgmath(fmaf, fma, fmal, __VA_ARGS__)
#undef fmax
#define fmax(...) __builtin_tgmath(fmaxf, fmax, fmaxl, __VA_ARGS__)
#undef fmin
#define fmin(...) __builtin_tgmath(fminf, fmin, fminl, __VA_ARGS__)
#undef fmod
#define fmod(...) __builtin_tgmath(fmodf, fmod, fmodl, __VA_ARGS__)
#undef frexp
#define frexp(...) __builtin_tgmath(frexpf, frexp, frexpl, __VA_ARGS__)
#undef hypot
#define hypot(...) __builtin_tgmath(hypotf, hypot, hypotl, __VA_ARGS__)
#undef ilogb
#define ilogb(...) __builtin_tgmath(ilogbf, ilogb, ilogbl, __VA_ARGS__)
#undef ldexp
#define ldexp(...) __builtin_tgmath(ldexpf, ldexp, ldexpl, __VA_ARGS__)
#undef lgamma
#define lgamma(...) __builtin_tgmath(lgammaf, lgamma, lgammal, __VA_ARGS__)
#undef llrint
#define llrint(...) __builtin_tgmath(llrintf, llrint, llrintl, __VA_ARGS__)
#undef llround
#define llround(...) __builtin_tgmath(llroundf, llround, llroundl, __VA_ARGS__)
#undef log10
#define log10(...) __builtin_tgmath(log10f, log10, log10l, __VA_ARGS__)
#undef log1p
#define log1p(...) __builtin_tgmath(log1pf, log1p, log1pl, __VA_ARGS__)
#undef log2
#define log2(...) __builtin_tgmath(log2f, log2, log2l, __VA_ARGS__)
#undef logb
#define logb(...) __builtin_tgmath(logbf, logb, logbl, __VA_ARGS__)
#undef lrint
#define lrint(...) __builtin_tgmath(lrintf, lrint, lrintl, __VA_ARGS__)
#undef lround
#define lround(...) __builtin_tgmath(lroundf, lround, lroundl, __VA_ARGS__)
#undef nearbyint
#define nearbyint(...) __builtin_tgmath(nearbyintf, nearbyint, nearbyintl, __VA_ARGS__)
#undef nextafter
#define nextafter(...) __builtin_tgmath(nextafterf, nextafter, nextafterl, __VA_ARGS__)
#undef nexttoward
#define nexttoward(...) __builtin_tgmath(nexttowardf, nexttoward, nexttowardl, __VA_ARGS__)
#undef remainder
#define remainder(...) __builtin_tgmath(remainderf, remainder, remainderl, __VA_ARGS__)
#undef remquo
#define remquo(...) __builtin_tgmath(remquof, remquo, remquol, __VA_ARGS__)
#undef rint
#define rint(...) __builtin_tgmath(rintf, rint, rintl, __VA_ARGS__)
#undef round
#define round(...) __builtin_tgmath(roundf, round, roundl, __VA_ARGS__)
#undef scalbn
#define scalbn(...) __builtin_tgmath(scalbnf, scalbn, scalbnl, __VA_ARGS__)
#undef scalbln
#define scalbln(...) __builtin_tgmath(scalblnf, scalbln, scalblnl, __VA_ARGS__)
#undef tgamma
#define tgamma(...) __builtin_tgmath(tgammaf, tgamma, tgammal, __VA_ARGS__)
#undef trunc
#define trunc(...) __builtin_tgmath(truncf, trunc, truncl, __VA_ARGS__)

/* complex only (a real argument is taken as complex) */
#undef carg
#define carg(...) __builtin_tgmath(cargf, carg, cargl, __VA_ARGS__)
#undef cimag
#define cimag(...) __builtin_tgmath(cimagf, cimag, cimagl, __VA_ARGS__)
#undef conj
#define conj(...) __builtin_tgmath(conjf, conj, conjl, __VA_ARGS__)
#undef cproj
#define cproj(...) __builtin_tgmath(cprojf, cproj, cprojl, __VA_ARGS__)
#undef creal
#define creal(...) __builtin_tgmath(crealf, creal, creall, __VA_ARGS__)
#endif
#endif
