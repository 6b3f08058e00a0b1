// strtof correctly rounded. newlib's converts the text to the nearest
// double and that to float: two roundings, wrong when the double lands
// exactly halfway between two floats but the text was not (e.g.
// "7.038531e-26", "1.00000005960464477550"). Here the double's result is
// kept unless it is such a midpoint; then the text is compared, digit by
// digit, with the midpoint's exact decimal expansion (exact_digits), and
// the float on the text's side is taken. newlib's own strtof
// is renamed when it is built (support/deps/newlib.sh).
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

namespace {

// The exact decimal expansion of m > 0 (finite, at most about 120
// significant digits for what strtof asks: midpoints between floats):
// m = M x 2^E with M an integer, so m = M x 5^-E / 10^-E for E < 0 and
// M x 2^E otherwise; the integer is built in base-10^9 limbs. printf
// cannot be used for this: newlib's prints at most 40 significant digits
// and pads the rest with zeros. Writes the digits (no trailing zeros) to
// out and sets *exp10 so that m = 0.DIGITS x 10^*exp10.
void exact_digits(double m, char* out, size_t size, long* exp10) {
  int e2;
  double f = frexp(m, &e2);                     // m = f x 2^e2, 0.5 <= f < 1
  uint64_t M = static_cast<uint64_t>(ldexp(f, 53));  // exact
  long E = e2 - 53;
  while (M && !(M & 1)) {
    M >>= 1;
    ++E;
  }
  constexpr uint32_t kBase = 1000000000;
  uint32_t limb[80];  // 720 digits: far more than any double needs here
  int n = 0;
  for (uint64_t v = M; v; v /= kBase) limb[n++] = static_cast<uint32_t>(v % kBase);
  auto mul = [&](uint32_t k) {
    uint64_t carry = 0;
    for (int i = 0; i < n; ++i) {
      uint64_t t = static_cast<uint64_t>(limb[i]) * k + carry;
      limb[i] = static_cast<uint32_t>(t % kBase);
      carry = t / kBase;
    }
    if (carry && n < 80) limb[n++] = static_cast<uint32_t>(carry);
  };
  long k = E < 0 ? -E : E;
  uint32_t step = E < 0 ? 244140625u : 536870912u;  // 5^12, 2^29
  uint32_t one = E < 0 ? 5 : 2;
  for (; k >= (E < 0 ? 12 : 29); k -= (E < 0 ? 12 : 29)) mul(step);
  for (; k > 0; --k) mul(one);
  // The integer's digits, most significant first.
  char digits[80 * 9 + 1];
  int len = snprintf(digits, sizeof digits, "%u", limb[n - 1]);
  for (int i = n - 2; i >= 0; --i) len += snprintf(digits + len, sizeof digits - len, "%09u", limb[i]);
  *exp10 = E < 0 ? len + E : len;  // the integer is scaled by 10^E when E < 0
  while (len > 1 && digits[len - 1] == '0') --len;
  size_t copy = static_cast<size_t>(len) < size - 1 ? static_cast<size_t>(len) : size - 1;
  memcpy(out, digits, copy);
  out[copy] = '\0';
}

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
  // The midpoint's exact digits (no trailing zeros) and its exponent in
  // the same 0.DDD x 10^mexp form.
  char buf[256];
  long mexp = 0;
  exact_digits(m, buf, sizeof buf, &mexp);
  const char* e = buf + strlen(buf);
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
