// Domain names in DNS messages (RFC 1035 3.1, 4.1.4): dn_expand reads a
// possibly compressed name out of a message, dn_comp writes one (with
// pointers to names already in the message), dn_skipname steps over one;
// and the big-endian 16/32-bit accessors. Everything in a message is
// untrusted: every byte read is inside [msg, eom), a pointer must land
// inside the message, the number of pointers followed is bounded (a loop
// fails instead of spinning), labels are at most 63 bytes and a name at
// most 255 on the wire. The text form escapes as BIND's does: '.', '\\' and
// the zone-file specials with a backslash, other bytes outside 0x21..0x7e
// as \DDD; the root is "".
#include <arpa/nameser.h>
#include <resolv.h>
#include <stddef.h>
#include <string.h>

namespace {

constexpr int kMaxWire = NS_MAXCDNAME;  // 255, with the root label
constexpr int kMaxLabel = NS_MAXLABEL;

bool special(unsigned char c) {
  return c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')' || c == '@' || c == '$';
}

unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c; }

// Follows the name at p in [msg, eom) and calls label(bytes, len) for each
// label (not the root). Returns the bytes the name takes where it starts
// (up to and with its first pointer or the root), or -1.
template <typename F>
int walk(const unsigned char* msg, const unsigned char* eom, const unsigned char* p, F&& label) {
  if (!msg || !eom || !p || p < msg || p >= eom || eom - msg > 0xffff + 1) return -1;
  int used = -1;
  int wire = 0;
  long hops = 0;
  const long max_hops = eom - msg;  // more pointers than bytes: a loop
  for (;;) {
    if (p >= eom) return -1;
    unsigned c = *p;
    if ((c & NS_CMPRSFLGS) == NS_CMPRSFLGS) {
      if (p + 1 >= eom) return -1;
      unsigned off = (c & 0x3f) << 8 | p[1];
      if (used < 0) used = static_cast<int>(p + 2 - msg);
      if (off >= static_cast<unsigned long>(eom - msg) || ++hops > max_hops) return -1;
      p = msg + off;
      continue;
    }
    if (c & NS_CMPRSFLGS) return -1;  // 0x40 and 0x80: extended label types, not supported
    if (c == 0) {
      if (++wire > kMaxWire) return -1;
      if (used < 0) used = static_cast<int>(p + 1 - msg);
      return used;
    }
    if (p + 1 + c > eom) return -1;
    wire += 1 + static_cast<int>(c);
    if (wire + 1 > kMaxWire) return -1;  // and the root label still to come
    if (!label(p + 1, static_cast<int>(c))) return -1;
    p += 1 + c;
  }
}

}  // namespace

extern "C" {

int dn_expand(const unsigned char* msg, const unsigned char* eom, const unsigned char* src, char* dst, int dstsiz) {
  if (!dst || dstsiz < 1) return -1;
  int n = 0;  // text written, without its NUL
  auto put = [&](char c) {
    if (n + 1 >= dstsiz) return false;
    dst[n++] = c;
    return true;
  };
  int used = walk(msg, eom, src, [&](const unsigned char* l, int len) {
    if (n > 0 && !put('.')) return false;
    for (int i = 0; i < len; ++i) {
      unsigned char c = l[i];
      if (special(c)) {
        if (!put('\\') || !put(static_cast<char>(c))) return false;
      } else if (c <= 0x20 || c >= 0x7f) {
        if (!put('\\') || !put(static_cast<char>('0' + c / 100)) || !put(static_cast<char>('0' + c / 10 % 10)) ||
            !put(static_cast<char>('0' + c % 10)))
          return false;
      } else if (!put(static_cast<char>(c))) {
        return false;
      }
    }
    return true;
  });
  if (used < 0) return -1;
  // walk returns offsets from msg: the length is from src.
  dst[n] = '\0';
  return used - static_cast<int>(src - msg);
}

int dn_skipname(const unsigned char* src, const unsigned char* eom) {
  if (!src || !eom || src >= eom) return -1;
  const unsigned char* p = src;
  while (p < eom) {
    unsigned c = *p;
    if ((c & NS_CMPRSFLGS) == NS_CMPRSFLGS) return p + 2 <= eom ? static_cast<int>(p + 2 - src) : -1;
    if (c & NS_CMPRSFLGS) return -1;
    if (c == 0) return static_cast<int>(p + 1 - src);
    p += 1 + c;
  }
  return -1;
}

int dn_comp(const char* src, unsigned char* dst, int dstsiz, unsigned char** dnptrs, unsigned char** lastdnptr) {
  if (!src || !dst || dstsiz < 1) return -1;
  // The text to wire form, uncompressed, with the start of each label.
  unsigned char wire[kMaxWire];
  int starts[kMaxWire / 2 + 1];
  int nlabels = 0, w = 0;
  const unsigned char* s = reinterpret_cast<const unsigned char*>(src);
  if (s[0] == '.' && s[1] == '\0') ++s;  // "." is the root
  while (*s) {
    int at = w;
    if (w + 1 >= kMaxWire) return -1;
    ++w;  // the length byte, filled below
    int len = 0;
    while (*s && *s != '.') {
      unsigned c = *s++;
      if (c == '\\') {
        if (*s >= '0' && *s <= '9') {
          if (!(s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9')) return -1;
          c = static_cast<unsigned>((s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0'));
          if (c > 255) return -1;
          s += 3;
        } else if (*s) {
          c = *s++;
        } else {
          return -1;  // a trailing backslash
        }
      }
      if (++len > kMaxLabel || w + 1 >= kMaxWire) return -1;
      wire[w++] = static_cast<unsigned char>(c);
    }
    if (len == 0) return -1;  // an empty label: "a..b" or a leading '.'
    wire[at] = static_cast<unsigned char>(len);
    starts[nlabels++] = at;
    if (*s == '.') ++s;
  }
  wire[w++] = 0;

  // The longest suffix already in the message, as a pointer.
  const unsigned char* msg = dnptrs ? dnptrs[0] : nullptr;
  int keep = w, ptr = -1;  // bytes of wire written as they are; the pointer's offset
  if (msg && dnptrs[1]) {
    for (int i = 0; i < nlabels && ptr < 0; ++i) {
      for (unsigned char** d = dnptrs + 1; *d && (!lastdnptr || d < lastdnptr); ++d) {
        // Compare wire[starts[i]..] with the name at *d, label by label.
        int k = starts[i];
        bool same = true;
        // Names in dnptrs lie before dst, which bounds how far they reach.
        int r = walk(msg, dst, *d, [&](const unsigned char* l, int len) {
          if (!same || wire[k] != len) return same = false, false;
          for (int j = 0; j < len; ++j)
            if (lower(l[j]) != lower(wire[k + 1 + j])) return same = false, false;
          k += 1 + len;
          return true;
        });
        if (r >= 0 && same && wire[k] == 0) {
          keep = starts[i];
          ptr = static_cast<int>(*d - msg);
          break;
        }
      }
    }
  }
  int total = keep + (ptr >= 0 ? 2 : 0);
  if (total > dstsiz) return -1;
  memcpy(dst, wire, static_cast<size_t>(keep));
  if (ptr >= 0) {
    dst[keep] = static_cast<unsigned char>(NS_CMPRSFLGS | ptr >> 8);
    dst[keep + 1] = static_cast<unsigned char>(ptr);
  }
  // The labels written out become targets for later names.
  if (msg) {
    unsigned char** end = dnptrs + 1;
    while (*end && (!lastdnptr || end < lastdnptr)) ++end;
    for (int i = 0; i < nlabels && starts[i] < keep; ++i) {
      long off = dst + starts[i] - msg;
      if (off < 0 || off > 0x3fff || (lastdnptr && end >= lastdnptr)) break;
      *end++ = dst + starts[i];
      if (!lastdnptr || end < lastdnptr) *end = nullptr;
    }
  }
  return total;
}

unsigned ns_get16(const unsigned char* p) { return static_cast<unsigned>(p[0] << 8 | p[1]); }
unsigned long ns_get32(const unsigned char* p) {
  return static_cast<unsigned long>(p[0]) << 24 | static_cast<unsigned long>(p[1]) << 16 |
         static_cast<unsigned long>(p[2]) << 8 | p[3];
}
void ns_put16(unsigned v, unsigned char* p) {
  p[0] = static_cast<unsigned char>(v >> 8);
  p[1] = static_cast<unsigned char>(v);
}
void ns_put32(unsigned long v, unsigned char* p) {
  p[0] = static_cast<unsigned char>(v >> 24);
  p[1] = static_cast<unsigned char>(v >> 16);
  p[2] = static_cast<unsigned char>(v >> 8);
  p[3] = static_cast<unsigned char>(v);
}

}  // extern "C"
