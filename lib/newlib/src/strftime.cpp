// strftime and strftime_l with the year conversions as POSIX 2008 and C
// have them (docs/libc.md): %Y is %+4Y (a year of five digits or more has
// a '+'), %F is %+4Y-%m-%d, and the '0'/'+' flags with a field width on
// %C, %F, %G and %Y: the number zero-padded to the width, a '+' for a
// positive one when the width leaves room for at least 5 digits (3 for
// %C), '-' for a negative year. %c is "%a %b %e %H:%M:%S %Y" (the C
// locale's, the only LC_TIME newlib has here), so its year follows %Y,
// and %s of a year past newlib's int arithmetic (beyond +-100000) is
// computed in 64 bits (newlib's overflowed for tm_year near INT_MAX). Every other conversion is newlib's, one at a time: its
// strftime is renamed when it is built (support/deps/newlib.sh).
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern "C" size_t __kiln_newlib_strftime(char* s, size_t max, const char* fmt, const struct tm* tm);
extern "C" size_t __kiln_newlib_strftime_l(char* s, size_t max, const char* fmt, const struct tm* tm, locale_t loc);

namespace {

struct Out {
  char* s;
  size_t max;
  size_t n = 0;
  bool overflow = false;
  void put(const char* p, size_t k) {
    if (n + k >= max) {
      overflow = true;
      return;
    }
    memcpy(s + n, p, k);
    n += k;
  }
  void put(char c) { put(&c, 1); }
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// One conversion by newlib into buf; an empty result is empty.
size_t newlib_one(char* buf, size_t size, const char* spec, const struct tm* tm, locale_t loc) {
  size_t k = loc ? __kiln_newlib_strftime_l(buf, size, spec, tm, loc) : __kiln_newlib_strftime(buf, size, spec, tm);
  buf[k] = 0;
  return k;
}

size_t format(char* s, size_t max, const char* fmt, const struct tm* tm, locale_t loc);

// The unpadded text of a year conversion ('C', 'F', 'G', 'Y'), as the
// plain conversion gives it.
size_t year_text(char conv, char* buf, size_t size, const struct tm* tm, locale_t loc) {
  long long year = tm->tm_year + 1900LL;
  switch (conv) {
    case 'Y':
      return static_cast<size_t>(snprintf(buf, size, year >= 10000 ? "+%lld" : "%04lld", year));
    case 'C':
      return static_cast<size_t>(snprintf(buf, size, "%02lld", year / 100));
    case 'G': {
      // The ISO 8601 week-based year is the calendar year, or one off it.
      char g[32];
      newlib_one(g, sizeof g, "%G", tm, loc);
      long long iso = strtoll(g, nullptr, 10);
      long long diff = iso - static_cast<long long>(static_cast<int>(tm->tm_year + 1900U));
      if (diff < -1 || diff > 1) diff = 0;  // newlib's int arithmetic overflowed
      return static_cast<size_t>(snprintf(buf, size, "%04lld", year + diff));
    }
    default: {  // 'F'
      size_t k = format(buf, size, "%+4Y-%m-%d", tm, loc);
      buf[k] = 0;
      return k;
    }
  }
}

long long seconds_since_epoch(const struct tm* tm) {
  // POSIX's expression (XBD 4.16), in 64 bits, less the zone's offset.
  long long y = tm->tm_year;
  long long days = (y - 70) * 365 + (y - 69) / 4 - (y - 1) / 100 + (y + 299) / 400 + tm->tm_yday;
  return ((days * 24 + tm->tm_hour) * 60 + tm->tm_min) * 60LL + tm->tm_sec - tm->tm_gmtoff;
}

size_t format(char* s, size_t max, const char* fmt, const struct tm* tm, locale_t loc) {
  Out out{s, max};
  char buf[256];
  for (const char* f = fmt; *f && !out.overflow; ++f) {
    if (*f != '%') {
      out.put(*f);
      continue;
    }
    const char* start = f++;
    char pad = 0;
    if (*f == '0' || *f == '+') pad = *f++;
    const char* digits = f;
    unsigned long width = 0;
    while (is_digit(*f)) width = width * 10 + static_cast<unsigned long>(*f++ - '0');
    bool has_width = f != digits;
    if (*f == 'E' || *f == 'O') ++f;
    char conv = *f;
    if (!conv) {  // a lone '%' at the end: newlib's
      size_t k = newlib_one(buf, sizeof buf, start, tm, loc);
      out.put(buf, k);
      break;
    }
    if (conv == 'C' || conv == 'F' || conv == 'G' || conv == 'Y') {
      size_t k = year_text(conv, buf, sizeof buf, tm, loc);
      if (!has_width) {
        out.put(buf, k);
        continue;
      }
      if (width == 0) width = 1;
      const char* t = buf;
      if (*t == '+' || *t == '-') ++t, --k;
      while (*t == '0' && is_digit(t[1])) ++t, --k;
      if (width < k) width = k;
      size_t d = 0;
      while (is_digit(t[d])) ++d;
      if (tm->tm_year < -1900) {
        out.put('-');
        --width;
      } else if (pad == '+' && d + (width - k) >= (conv == 'C' ? 3u : 5u)) {
        out.put('+');
        --width;
      }
      for (; width > k && !out.overflow; --width) out.put('0');
      out.put(t, k);
      continue;
    }
    if (conv == 'c' && !pad && !has_width) {
      size_t k = format(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", tm, loc);
      out.put(buf, k);
      continue;
    }
    if (conv == 's' && !pad && !has_width && (tm->tm_year > 100000 || tm->tm_year < -100000)) {
      int k = snprintf(buf, sizeof buf, "%lld", seconds_since_epoch(tm));
      out.put(buf, static_cast<size_t>(k));
      continue;
    }
    // Anything else: newlib's, this one conversion.
    char spec[32];
    size_t len = static_cast<size_t>(f - start + 1);
    if (len >= sizeof spec) {  // an absurd width: newlib's, whole
      out.put(start, len);
      continue;
    }
    memcpy(spec, start, len);
    spec[len] = 0;
    size_t k = newlib_one(buf, sizeof buf, spec, tm, loc);
    out.put(buf, k);
  }
  if (out.overflow) return 0;
  s[out.n] = 0;
  return out.n;
}

}  // namespace

extern "C" size_t strftime(char* __restrict s, size_t max, const char* __restrict fmt,
                           const struct tm* __restrict tm) {
  if (max == 0) return 0;
  return format(s, max, fmt, tm, nullptr);
}

extern "C" size_t strftime_l(char* __restrict s, size_t max, const char* __restrict fmt,
                             const struct tm* __restrict tm, locale_t loc) {
  if (max == 0) return 0;
  return format(s, max, fmt, tm, loc);
}
