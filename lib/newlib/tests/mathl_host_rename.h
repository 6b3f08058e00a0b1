/* Host test of Kiln's long double math (mathl_host_test.cpp): the sources
 * are compiled for the host with every function renamed kiln_<name>, so
 * that glibc's stay callable in the same program. glibc's <math.h> first,
 * unrenamed; then the names, then Kiln's declarations (include/math.h's),
 * which the names turn into kiln_ ones. */
#include <fenv.h>
#include <math.h>
#define acosl kiln_acosl
#define asinl kiln_asinl
#define atanl kiln_atanl
#define cosl kiln_cosl
#define sinl kiln_sinl
#define tanl kiln_tanl
#define acoshl kiln_acoshl
#define asinhl kiln_asinhl
#define atanhl kiln_atanhl
#define coshl kiln_coshl
#define sinhl kiln_sinhl
#define tanhl kiln_tanhl
#define expl kiln_expl
#define exp2l kiln_exp2l
#define exp10l kiln_exp10l
#define expm1l kiln_expm1l
#define logl kiln_logl
#define log10l kiln_log10l
#define log1pl kiln_log1pl
#define log2l kiln_log2l
#define logbl kiln_logbl
#define cbrtl kiln_cbrtl
#define erfl kiln_erfl
#define erfcl kiln_erfcl
#define lgammal kiln_lgammal
#define tgammal kiln_tgammal
#define sqrtl kiln_sqrtl
#define fabsl kiln_fabsl
#define ceill kiln_ceill
#define floorl kiln_floorl
#define truncl kiln_truncl
#define roundl kiln_roundl
#define rintl kiln_rintl
#define nearbyintl kiln_nearbyintl
#define atan2l kiln_atan2l
#define powl kiln_powl
#define fmodl kiln_fmodl
#define remainderl kiln_remainderl
#define nextafterl kiln_nextafterl
#define nexttowardl kiln_nexttowardl
#define hypotl kiln_hypotl
#define fmaxl kiln_fmaxl
#define fminl kiln_fminl
#define fdiml kiln_fdiml
#define copysignl kiln_copysignl
#define frexpl kiln_frexpl
#define ilogbl kiln_ilogbl
#define ldexpl kiln_ldexpl
#define scalbnl kiln_scalbnl
#define scalblnl kiln_scalblnl
#define remquol kiln_remquol
#define fmal kiln_fmal
#define modfl kiln_modfl
#define lrintl kiln_lrintl
#define llrintl kiln_llrintl
#define lroundl kiln_lroundl
#define llroundl kiln_llroundl
#define lgammal_r kiln_lgammal_r
#define sincosl kiln_sincosl
#define pow10l kiln_pow10l
#define nexttoward kiln_nexttoward
#define nexttowardf kiln_nexttowardf
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
long double nanl(const char*);
long double sqrtl(long double);
long double hypotl(long double, long double);
void sincosl(long double, long double*, long double*);
long double exp10l(long double);
long double pow10l(long double);
long double lgammal_r(long double, int*);
