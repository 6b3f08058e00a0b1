// printk and a small vsnprintf that needs nothing but the console.
#include <kiln/option.h>
#include <kiln/plat/console.h>
#include <kiln/print.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#ifndef CONFIG_LIBDEBUG_LOG_LEVEL
#define CONFIG_LIBDEBUG_LOG_LEVEL 2
#endif

int kiln_log_level = CONFIG_LIBDEBUG_LOG_LEVEL;

namespace {

struct Out {
  char* buf;
  size_t cap;
  size_t len;
  void put(char c) {
    if (len + 1 < cap) buf[len] = c;
    ++len;
  }
  void pad(char c, int n) {
    while (n-- > 0) put(c);
  }
};

void put_number(Out& o, unsigned long long v, unsigned base, bool upper, bool neg,
                int width, bool left, bool zero, const char* prefix) {
  char tmp[24];
  int n = 0;
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    tmp[n++] = digits[v % base];
    v /= base;
  } while (v);
  int plen = (neg ? 1 : 0) + (prefix ? static_cast<int>(strlen(prefix)) : 0);
  int padn = width - n - plen;
  if (!left && !zero) o.pad(' ', padn);
  if (neg) o.put('-');
  for (const char* p = prefix; p && *p; ++p) o.put(*p);
  if (!left && zero) o.pad('0', padn);
  while (n) o.put(tmp[--n]);
  if (left) o.pad(' ', padn);
}

}  // namespace

extern "C" int kiln_vsnprintf(char* buf, size_t cap, const char* fmt, va_list ap) {
  Out o{buf, cap, 0};
  for (const char* f = fmt; *f; ++f) {
    if (*f != '%') {
      o.put(*f);
      continue;
    }
    ++f;
    bool left = false, zero = false, alt = false;
    for (;; ++f) {
      if (*f == '-') left = true;
      else if (*f == '0') zero = true;
      else if (*f == '#') alt = true;
      else break;
    }
    int width = 0;
    if (*f == '*') {
      width = va_arg(ap, int);
      ++f;
    } else {
      while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
    }
    int prec = -1;
    if (*f == '.') {
      ++f;
      prec = 0;
      if (*f == '*') {
        prec = va_arg(ap, int);
        ++f;
      } else {
        while (*f >= '0' && *f <= '9') prec = prec * 10 + (*f++ - '0');
      }
    }
    int lng = 0;  // 0 int, 1 long, 2 long long / size_t
    while (*f == 'l' || *f == 'z' || *f == 'h' || *f == 'j' || *f == 't') {
      if (*f == 'l') ++lng;
      else if (*f == 'z' || *f == 'j' || *f == 't') lng = 2;
      ++f;
    }
    switch (*f) {
      case 'd':
      case 'i': {
        long long v = lng == 0 ? va_arg(ap, int) : lng == 1 ? va_arg(ap, long) : va_arg(ap, long long);
        unsigned long long u = v < 0 ? 0ULL - static_cast<unsigned long long>(v) : v;
        put_number(o, u, 10, false, v < 0, width, left, zero, nullptr);
        break;
      }
      case 'u':
      case 'x':
      case 'X':
      case 'o': {
        unsigned long long v = lng == 0 ? va_arg(ap, unsigned) : lng == 1 ? va_arg(ap, unsigned long)
                                                                       : va_arg(ap, unsigned long long);
        unsigned base = *f == 'u' ? 10 : *f == 'o' ? 8 : 16;
        const char* prefix = alt && base == 16 ? (*f == 'X' ? "0X" : "0x") : nullptr;
        put_number(o, v, base, *f == 'X', false, width, left, zero, prefix);
        break;
      }
      case 'p':
        put_number(o, reinterpret_cast<uintptr_t>(va_arg(ap, void*)), 16, false, false, width, left,
                   zero, "0x");
        break;
      case 'c':
        o.pad(' ', left ? 0 : width - 1);
        o.put(static_cast<char>(va_arg(ap, int)));
        o.pad(' ', left ? width - 1 : 0);
        break;
      case 's': {
        const char* s = va_arg(ap, const char*);
        if (!s) s = "(null)";
        int len = 0;
        while (s[len] && (prec < 0 || len < prec)) ++len;
        if (!left) o.pad(' ', width - len);
        for (int i = 0; i < len; ++i) o.put(s[i]);
        if (left) o.pad(' ', width - len);
        break;
      }
      case '%':
        o.put('%');
        break;
      case '\0':
        --f;
        break;
      default:  // unknown conversion: show it rather than guess
        o.put('%');
        o.put(*f);
        break;
    }
  }
  if (cap) buf[o.len < cap ? o.len : cap - 1] = '\0';
  return static_cast<int>(o.len);
}

extern "C" int kiln_snprintf(char* buf, size_t n, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = kiln_vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}

extern "C" void kiln_vprintk(int level, const char* fmt, va_list ap) {
  static const char* const prefix[] = {"kiln: critical: ", "kiln: error: ", "kiln: warning: ",
                                       "kiln: ", "kiln: debug: "};
  char line[512];
  const char* p = prefix[level < 0 ? 0 : level > 4 ? 4 : level];
  size_t plen = strlen(p);
  memcpy(line, p, plen);
  int n = kiln_vsnprintf(line + plen, sizeof line - plen - 1, fmt, ap);
  size_t len = plen + (n < 0 ? 0 : static_cast<size_t>(n));
  if (len > sizeof line - 2) len = sizeof line - 2;  // truncated line
  line[len++] = '\n';
  kiln_plat_console_write(line, len);
  if (level <= KILN_LOG_ERR) kiln_plat_console_flush();
}

extern "C" void kiln_printk(int level, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  kiln_vprintk(level, fmt, ap);
  va_end(ap);
}

extern "C" void kiln_puts(const char* s) { kiln_plat_console_write(s, strlen(s)); }

namespace {
int set_log_level(const char* v) {
  static const char* const names[] = {"crit", "err", "warn", "info", "debug"};
  for (int i = 0; i < 5; ++i) {
    if (strcmp(v, names[i]) == 0 || (v[0] == '0' + i && v[1] == '\0')) {
      kiln_log_level = i;
      return 0;
    }
  }
  return -EINVAL;
}
}  // namespace
KILN_OPTION("log.level", set_log_level, "crit|err|warn|info|debug or 0-4");
