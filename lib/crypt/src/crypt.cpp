// crypt(3): the setting's prefix picks the scheme.
//   $1$salt$            MD5-crypt (Poul-Henning Kamp's, FreeBSD): salt up to 8
//   $5$[rounds=N$]salt$ SHA-256-crypt and $6$ SHA-512-crypt, as Ulrich
//                       Drepper's specification says: salt up to 16, N
//                       clamped to 1000..999999999 (default 5000)
//   $2a$ $2b$ $2x$ $2y$ bcrypt (Provos and Mazieres): cost 04..31, 22 salt
//                       characters; $2x$ reproduces the old sign-extension
//                       bug, $2a$ adds the countermeasure for keys it hits
//   two characters of ./0-9A-Za-z  traditional DES (the key's first 8 characters)
// An invalid or unsupported setting (BSDi's extended DES "_..." is not supported) gives a failure text that can never
// match a hash: "*", or "*0" / "*1" when the setting itself starts with '*'
// (so that it differs from the setting stored as the "hash"), errno EINVAL.
#include <crypt.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "bcrypt.h"
#include "des.h"
#include "hash.h"

static_assert(sizeof(((struct crypt_data*)nullptr)->__work) == kiln::crypt::kWorkWords * sizeof(unsigned));

namespace kiln::crypt {
namespace {

constexpr char kB64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

struct Text {
  char* p;
  size_t n = 0, cap;
  void put(char c) {
    if (n + 1 < cap) p[n++] = c;
  }
  void str(const char* s, size_t len) {
    for (size_t i = 0; i < len; ++i) put(s[i]);
  }
  // n6 characters of v, the low six bits first (the $1$/$5$/$6$ encoding).
  void b64(uint32_t v, int n6) {
    while (n6--) {
      put(kB64[v & 63]);
      v >>= 6;
    }
  }
  void dec(unsigned long v) {
    char t[24];
    int k = 0;
    do t[k++] = static_cast<char>('0' + v % 10); while (v /= 10);
    while (k) put(t[--k]);
  }
  char* done() {
    p[n] = '\0';
    return p;
  }
};

size_t salt_len(const char* s, size_t max) {
  size_t n = 0;
  while (n < max && s[n] && s[n] != '$') ++n;
  return n;
}

char* md5_crypt(const char* key, const char* setting, Text& out) {
  const char* salt = setting + 3;
  size_t sl = salt_len(salt, 8), kl = strlen(key);
  uint8_t f[16];
  Md5 m;
  m.init();
  m.update(key, kl);
  m.update(salt, sl);
  m.update(key, kl);
  m.final(f);
  m.init();
  m.update(key, kl);
  m.update("$1$", 3);
  m.update(salt, sl);
  for (size_t i = kl; i > 0; i -= i > 16 ? 16 : i) m.update(f, i > 16 ? 16 : i);
  for (size_t i = kl; i; i >>= 1) m.update((i & 1) ? "" : key, 1);  // a zero byte or the key's first
  m.final(f);
  for (int i = 0; i < 1000; ++i) {
    m.init();
    if (i & 1) m.update(key, kl); else m.update(f, 16);
    if (i % 3) m.update(salt, sl);
    if (i % 7) m.update(key, kl);
    if (i & 1) m.update(f, 16); else m.update(key, kl);
    m.final(f);
  }
  out.str("$1$", 3);
  out.str(salt, sl);
  out.put('$');
  static constexpr uint8_t kOrder[5][3] = {{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}};
  for (auto& g : kOrder) out.b64(static_cast<uint32_t>(f[g[0]] << 16 | f[g[1]] << 8 | f[g[2]]), 4);
  out.b64(f[11], 2);
  memset(f, 0, sizeof f);
  return out.done();
}

// SHA-256-crypt and SHA-512-crypt: one body over the hash H.
template <typename H>
char* sha_crypt(const char* key, const char* setting, Text& out) {
  constexpr size_t L = H::kSize;
  const char* s = setting + 3;
  unsigned long rounds = 5000;
  bool custom = false;
  if (strncmp(s, "rounds=", 7) == 0) {
    const char* d = s + 7;
    if (*d < '0' || *d > '9') return nullptr;
    unsigned long v = 0;
    for (; *d >= '0' && *d <= '9'; ++d) {
      v = v * 10 + static_cast<unsigned long>(*d - '0');
      if (v > 999999999ul) v = 1000000000ul;  // clamped below; no overflow
    }
    if (*d != '$') return nullptr;
    rounds = v < 1000 ? 1000 : v > 999999999ul ? 999999999ul : v;
    custom = true;
    s = d + 1;
  }
  size_t sl = salt_len(s, 16), kl = strlen(key);
  uint8_t a[L], b[L], dp[L], ds[L];
  H h;
  h.init();
  h.update(key, kl);
  h.update(s, sl);
  h.update(key, kl);
  h.final(b);
  h.init();
  h.update(key, kl);
  h.update(s, sl);
  for (size_t i = kl; i > 0; i -= i > L ? L : i) h.update(b, i > L ? L : i);
  for (size_t i = kl; i; i >>= 1)
    if (i & 1) h.update(b, L); else h.update(key, kl);
  h.final(a);
  h.init();
  for (size_t i = 0; i < kl; ++i) h.update(key, kl);
  h.final(dp);
  h.init();
  for (unsigned i = 0; i < 16u + a[0]; ++i) h.update(s, sl);
  h.final(ds);
  // P and S: dp and ds repeated to the key's and the salt's length (P fed
  // as it is made, so a key of any length works).
  auto feed_p = [&](H& x) {
    for (size_t i = kl; i > 0; i -= i > L ? L : i) x.update(dp, i > L ? L : i);
  };
  uint8_t sbytes[16];
  for (size_t i = 0; i < sl; ++i) sbytes[i] = ds[i % L];
  for (unsigned long r = 0; r < rounds; ++r) {
    h.init();
    if (r & 1) feed_p(h); else h.update(a, L);
    if (r % 3) h.update(sbytes, sl);
    if (r % 7) feed_p(h);
    if (r & 1) h.update(a, L); else feed_p(h);
    h.final(a);
  }
  out.str(setting, 3);
  if (custom) {
    out.str("rounds=", 7);
    out.dec(rounds);
    out.put('$');
  }
  out.str(s, sl);
  out.put('$');
  if (L == 32) {
    static constexpr uint8_t kOrder[10][3] = {{0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23}, {24, 4, 14},
                                              {15, 25, 5}, {6, 16, 26}, {27, 7, 17}, {18, 28, 8}, {9, 19, 29}};
    for (auto& g : kOrder) out.b64(static_cast<uint32_t>(a[g[0]] << 16 | a[g[1]] << 8 | a[g[2]]), 4);
    out.b64(static_cast<uint32_t>(a[31] << 8 | a[30]), 3);
  } else {
    // Byte k of group g: the groups walk 0,21,42 / 22,43,1 / 44,2,23 ...
    for (int g = 0; g < 21; ++g) {
      int base[3] = {g, g + 21, g + 42};
      int r = g % 3;  // the triple is rotated by g mod 3
      int x = base[r], y = base[(r + 1) % 3], z = base[(r + 2) % 3];
      out.b64(static_cast<uint32_t>(a[x] << 16 | a[y] << 8 | a[z]), 4);
    }
    out.b64(a[63], 2);
  }
  memset(a, 0, sizeof a), memset(b, 0, sizeof b), memset(dp, 0, sizeof dp);
  return out.done();
}

char* fail(const char* setting, Text& out) {
  out.n = 0;
  out.put('*');
  if (setting && setting[0] == '*') out.put(setting[1] == '0' ? '1' : '0');
  errno = EINVAL;
  return out.done();
}

}  // namespace
}  // namespace kiln::crypt

using namespace kiln::crypt;

// tests/host links this beside the host's own crypt(3), under other names.
#ifdef KILN_CRYPT_HOST_TEST
#define KILN_CRYPT_FN(name) kiln_test_##name
#else
#define KILN_CRYPT_FN(name) name
#endif

extern "C" char* KILN_CRYPT_FN(crypt_r)(const char* key, const char* setting, struct crypt_data* data) {
  if (!data) {
    errno = EINVAL;
    return nullptr;
  }
  Text out{data->__output, 0, sizeof data->__output};
  if (!key || !setting) return fail(setting, out);
  char* r = nullptr;
  if (setting[0] == '$' && setting[2] == '$' && setting[1] == '1') r = md5_crypt(key, setting, out);
  else if (setting[0] == '$' && setting[2] == '$' && setting[1] == '5') r = sha_crypt<Sha256>(key, setting, out);
  else if (setting[0] == '$' && setting[2] == '$' && setting[1] == '6') r = sha_crypt<Sha512>(key, setting, out);
  else if (setting[0] == '$' && setting[1] == '2') r = bcrypt(key, setting, out.p, out.cap, data->__work);
  else if (setting[0] != '$' && setting[0] != '_') r = des_crypt(key, setting, out.p, out.cap);
  return r ? r : fail(setting, out);
}

extern "C" char* KILN_CRYPT_FN(crypt)(const char* key, const char* setting) {
  static struct crypt_data data;  // not thread-safe, as POSIX allows
  return KILN_CRYPT_FN(crypt_r)(key, setting, &data);
}
