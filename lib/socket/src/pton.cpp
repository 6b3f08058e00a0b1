// inet_pton, strict as Linux's: lwIP's (inet_aton underneath) takes octal
// and hex parts and fewer than four of them, which inet_pton must refuse.
//   AF_INET   exactly four decimal parts 0..255, no leading zeros, nothing else
//   AF_INET6  RFC 4291 text: up to eight groups of 1-4 hex digits, one "::"
//             for a run of zero groups, and a dotted IPv4 address (as
//             strict) in place of the last two groups
// Returns 1 and the address in network order, 0 for text that is not one,
// -1 (EAFNOSUPPORT) for another family.
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

namespace {

// Four parts from s to its end (the IPv4 text, or the tail of an IPv6 one).
bool pton4(const char* s, uint8_t out[4]) {
  for (int part = 0; part < 4; ++part) {
    if (part > 0 && *s++ != '.') return false;
    if (*s < '0' || *s > '9') return false;
    if (*s == '0' && s[1] >= '0' && s[1] <= '9') return false;  // a leading zero: octal elsewhere
    unsigned v = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; ++s) {
      v = v * 10 + static_cast<unsigned>(*s - '0');
      if (++digits > 3 || v > 255) return false;
    }
    out[part] = static_cast<uint8_t>(v);
  }
  return *s == '\0';
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool pton6(const char* s, uint8_t out[16]) {
  uint8_t a[16] = {};
  int n = 0;     // bytes written
  int gap = -1;  // where "::" stands, in bytes
  if (s[0] == ':') {
    if (s[1] != ':') return false;  // a lone leading ':'
    s += 2;
    gap = 0;
    if (*s == '\0') {
      memset(out, 0, 16);
      return true;
    }
  }
  for (;;) {
    // A group: hex digits, or a dotted IPv4 tail when a '.' follows digits.
    const char* start = s;
    unsigned v = 0;
    int digits = 0;
    int d;
    while ((d = hexval(*s)) >= 0) {
      v = v << 4 | static_cast<unsigned>(d);
      ++s;
      ++digits;
    }
    if (*s == '.') {
      if (n > 12 || !pton4(start, a + n)) return false;
      n += 4;
      break;
    }
    if (digits == 0 || digits > 4 || n > 14) return false;
    a[n++] = static_cast<uint8_t>(v >> 8);
    a[n++] = static_cast<uint8_t>(v);
    if (*s == '\0') break;
    if (*s != ':') return false;
    ++s;
    if (*s == ':') {
      if (gap >= 0) return false;  // a second "::"
      gap = n;
      ++s;
      if (*s == '\0') break;
    } else if (*s == '\0') {
      return false;  // a trailing lone ':'
    }
  }
  if (gap < 0) {
    if (n != 16) return false;
  } else {
    if (n == 16) return false;  // "::" must stand for at least one group
    int tail = n - gap;
    memmove(a + 16 - tail, a + gap, static_cast<size_t>(tail));
    memset(a + gap, 0, static_cast<size_t>(16 - n));
  }
  memcpy(out, a, 16);
  return true;
}

}  // namespace

extern "C" int inet_pton(int af, const char* __restrict src, void* __restrict dst) {
  if (af == AF_INET) {
    uint8_t a[4];
    if (!pton4(src, a)) return 0;
    memcpy(dst, a, 4);
    return 1;
  }
  if (af == AF_INET6) return pton6(src, static_cast<uint8_t*>(dst)) ? 1 : 0;
  errno = EAFNOSUPPORT;
  return -1;
}

// --- inet_aton, inet_addr, inet_ntoa, inet_ntop -----------------------------
//
// inet_aton takes the older numbers-and-dots text: one to four parts, each
// decimal, octal (a leading 0) or hex (0x), the last part filling the bytes
// the others left: one part is 32 bits, two are 8+24, three 8+8+16, four 8 each. A part
// over its field's range (in particular over 2^32, which lwIP's wraps) makes
// the text invalid. Trailing white space is accepted, as Linux's libc does.
// inet_ntop writes IPv6 as RFC 5952 says: lower case, no leading zeros, the
// longest run of two or more zero groups (the first of equal runs) as "::",
// and an IPv4-mapped address (::ffff:0:0/96) with its IPv4 part dotted.

namespace {

bool aton(const char* s, uint32_t* out) {
  uint32_t parts[4];
  int n = 0;
  for (;;) {
    if (*s < '0' || *s > '9') return false;
    unsigned base = 10;
    if (*s == '0') {
      base = 8;
      ++s;
      if (*s == 'x' || *s == 'X') {
        base = 16;
        ++s;
        if (hexval(*s) < 0) return false;  // "0x" with no digits
      }
    }
    uint64_t v = 0;
    int d;
    while ((d = hexval(*s)) >= 0 && static_cast<unsigned>(d) < base) {
      v = v * base + static_cast<unsigned>(d);
      if (v > 0xffffffffu) return false;
      ++s;
    }
    if (n == 4) return false;
    parts[n++] = static_cast<uint32_t>(v);
    if (*s != '.') break;
    ++s;
  }
  while (*s == ' ' || (*s >= '\t' && *s <= '\r')) ++s;
  if (*s != '\0') return false;
  uint32_t a = 0;
  for (int i = 0; i < n - 1; ++i) {
    if (parts[i] > 255) return false;
    a |= parts[i] << (24 - 8 * i);
  }
  uint32_t last_max = n == 1 ? 0xffffffffu : (0xffffffffu >> (8 * (n - 1)));
  if (parts[n - 1] > last_max) return false;
  *out = a | parts[n - 1];
  return true;
}

uint32_t to_net(uint32_t host) {
  uint8_t b[4] = {static_cast<uint8_t>(host >> 24), static_cast<uint8_t>(host >> 16),
                  static_cast<uint8_t>(host >> 8), static_cast<uint8_t>(host)};
  uint32_t r;
  memcpy(&r, b, 4);
  return r;
}

// Appends to a bounded text; false when it does not fit (with its NUL).
struct Out {
  char* p;
  size_t n = 0, cap;
  bool put(char c) {
    if (n + 1 >= cap) return false;
    p[n++] = c;
    return true;
  }
  bool dec(unsigned v) {
    char t[4];
    int k = 0;
    do t[k++] = static_cast<char>('0' + v % 10); while (v /= 10);
    while (k) if (!put(t[--k])) return false;
    return true;
  }
  bool hex(unsigned v) {
    char t[4];
    int k = 0;
    do t[k++] = "0123456789abcdef"[v & 15]; while (v >>= 4);
    while (k) if (!put(t[--k])) return false;
    return true;
  }
};

bool ntop4(const uint8_t* a, Out& o) {
  for (int i = 0; i < 4; ++i)
    if ((i && !o.put('.')) || !o.dec(a[i])) return false;
  return true;
}

bool ntop6(const uint8_t* a, Out& o) {
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  bool v4 = memcmp(a, mapped, 12) == 0;
  int groups = v4 ? 6 : 8;
  unsigned g[8];
  for (int i = 0; i < groups; ++i) g[i] = static_cast<unsigned>(a[2 * i] << 8 | a[2 * i + 1]);
  int best = -1, best_len = 1;  // runs of 2 or more only
  for (int i = 0; i < groups;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < groups && g[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j;
  }
  for (int i = 0; i < groups; ++i) {
    if (i == best) {
      if (!o.put(':') || !o.put(':')) return false;
      i += best_len - 1;
      continue;
    }
    if (i > 0 && i != best + best_len && !o.put(':')) return false;
    if (!o.hex(g[i])) return false;
  }
  if (v4) {
    if (best + best_len != groups && !o.put(':')) return false;
    if (!ntop4(a + 12, o)) return false;
  }
  return true;
}

}  // namespace

extern "C" int inet_aton(const char* cp, struct in_addr* addr) {
  uint32_t a;
  if (!cp || !aton(cp, &a)) return 0;
  if (addr) addr->s_addr = to_net(a);
  return 1;
}

extern "C" in_addr_t inet_addr(const char* cp) {
  uint32_t a;
  if (!cp || !aton(cp, &a)) return 0xffffffffu;  // INADDR_NONE
  return to_net(a);
}

extern "C" const char* inet_ntop(int af, const void* __restrict src, char* __restrict dst, socklen_t size) {
  if (af != AF_INET && af != AF_INET6) {
    errno = EAFNOSUPPORT;
    return nullptr;
  }
  char buf[64];
  Out o{buf, 0, sizeof buf};
  const auto* a = static_cast<const uint8_t*>(src);
  (void)(af == AF_INET ? ntop4(a, o) : ntop6(a, o));  // 64 bytes always hold it
  if (o.n + 1 > size) {
    errno = ENOSPC;
    return nullptr;
  }
  memcpy(dst, buf, o.n);
  dst[o.n] = '\0';
  return dst;
}

extern "C" char* inet_ntoa(struct in_addr in) {
  static char buf[16];  // not thread-safe, as POSIX allows
  return const_cast<char*>(inet_ntop(AF_INET, &in.s_addr, buf, sizeof buf));
}
