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
