// strtof correctly rounded. newlib's converts the text to the nearest
// double and that to float: two roundings, wrong when the double lands
// exactly halfway between two floats but the text was not (e.g.
// "7.038531e-26", "1.00000005960464477550"). Here the double's result is
// kept unless it is such a midpoint; then the text is compared, digit by
// digit, with the midpoint's exact decimal expansion (a double prints
// exactly), and the float on the text's side is taken. newlib's own strtof
// is renamed when it is built (support/deps/newlib.sh).
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

namespace {

// The sign of (|value of the decimal text at s| - m), m > 0 and finite; 0
// for text that is not plain decimal (hex, inf, nan), which keeps the
// double's tie to even.
int compare_text(const char* s, double m) {
  while (isspace(static_cast<unsigned char>(*s))) ++s;
  if (*s == '+' || *s == '-') ++s;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return 0;
  // The text as 0.DDD x 10^exp: skip leading zeros, count the exponent.
  long exp10 = 0;
  bool point = false, any = false;
  const char* p = s;
  for (;; ++p) {
    if (*p == '0') {
      any = true;
      if (point) --exp10;
    } else if (*p == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  const char* digits = p;  // first significant digit (or the end)
  for (; isdigit(static_cast<unsigned char>(*p)) || (*p == '.' && !point); ++p) {
    if (*p == '.') {
      point = true;
      continue;
    }
    any = true;
    if (!point) ++exp10;
  }
  if (!any) return 0;
  const char* digits_end = p;
  if (*p == 'e' || *p == 'E') {
    char* q;
    long e = strtol(p + 1, &q, 10);
    if (q != p + 1) exp10 += e;
  }
  // The midpoint's exact digits: d.ddd...e+NN. 200 places hold any double
  // that is halfway between two floats (at most about 190 significant digits).
  char buf[256];
  snprintf(buf, sizeof buf, "%.200e", m);
  char* e = buf;
  while (*e && *e != 'e') ++e;
  long mexp = strtol(e + 1, nullptr, 10) + 1;
  while (e > buf && e[-1] == '0') --e;  // trailing zeros do not count
  const char* md = buf;
  if (digits == digits_end || !isdigit(static_cast<unsigned char>(*digits)) || *digits == '0') {
    // the text is zero: below m
    return -1;
  }
  if (exp10 != mexp) return exp10 > mexp ? 1 : -1;
  const char* t = digits;
  for (;;) {
    while (t < digits_end && *t == '.') ++t;
    while (md < e && *md == '.') ++md;
    bool tend = t >= digits_end, mend = md >= e;
    if (mend) {
      for (; t < digits_end; ++t)
        if (*t >= '1' && *t <= '9') return 1;
      return 0;
    }
    if (tend) return -1;  // m has more nonzero digits
    if (*t != *md) return *t > *md ? 1 : -1;
    ++t;
    ++md;
  }
}

}  // namespace

extern "C" {

float strtof(const char* __restrict s, char** __restrict end) {
  char* e;
  double d = strtod(s, &e);
  if (end) *end = e;
  if (isnan(d)) return signbit(d) ? -nanf("") : nanf("");
  float f = static_cast<float>(d);
  double ad = fabs(d);
  if (ad != 0 && !isinf(d)) {
    // lo <= |d| < hi, adjacent floats (hi may be 2^128, past FLT_MAX)
    float lo = static_cast<float>(ad);
    if (static_cast<double>(lo) > ad) lo = nextafterf(lo, 0);
    double hi = lo == FLT_MAX ? 0x1p128 : static_cast<double>(nextafterf(lo, INFINITY));
    if (ad == (static_cast<double>(lo) + hi) / 2) {
      int c = compare_text(s, ad);
      if (c != 0) {
        double r = c > 0 ? hi : lo;
        f = static_cast<float>(signbit(d) ? -r : r);  // exact, or 2^128 -> inf
      }
    }
  }
  if ((isinf(f) && !isinf(d)) || (f == 0 && d != 0)) errno = ERANGE;
  return f;
}

float strtof_l(const char* __restrict s, char** __restrict end, locale_t) { return strtof(s, end); }

}  // extern "C"
