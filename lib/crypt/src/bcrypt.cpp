// bcrypt, from Provos and Mazieres, "A Future-Adaptable Password Scheme"
// (USENIX 1999): EksBlowfishSetup(cost, salt, key) then "OrpheanBeholder
// ScryDoubt" encrypted 64 times. Blowfish as Schneier describes it, its
// initial P-array and S-boxes the digits of pi (tables.h).
//
// The key is its bytes and the terminating NUL, cycled over the 18 P
// words (so at most 72 bytes count). The variants differ in how key bytes
// make words: $2b$ and $2y$ as unsigned bytes; $2x$ as the old code did by
// mistake, each byte sign-extended before it is ORed in (a byte over 0x7f
// clobbers the bytes before it); $2a$ as $2b$, except that when a key has
// such a byte (past the first of a word) and the mistake would have given
// the same words, bit 16 of the first P word is flipped in the first key
// expansion, so that such a key's old and new hashes differ.
#include "bcrypt.h"

#include <stdint.h>
#include <string.h>

#include "tables.h"

namespace kiln::crypt {
namespace {

constexpr char kAlphabet[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

struct Blowfish {
  uint32_t p[18];
  uint32_t s[4][256];

  uint32_t f(uint32_t x) const {
    return ((s[0][x >> 24] + s[1][(x >> 16) & 0xff]) ^ s[2][(x >> 8) & 0xff]) + s[3][x & 0xff];
  }
  void encrypt(uint32_t& l, uint32_t& r) const {
    uint32_t a = l, b = r;
    for (int i = 0; i < 16; i += 2) {
      a ^= p[i];
      b ^= f(a);
      b ^= p[i + 1];
      a ^= f(b);
    }
    a ^= p[16];
    b ^= p[17];
    l = b;
    r = a;
  }
  // The key words XORed into P (already done by the caller when key is
  // null), then every P and S word replaced by encryptions of the running
  // block, XORed with the salt's halves in turn when there is a salt.
  void expand(const uint32_t* key, const uint32_t* salt) {
    if (key)
      for (int i = 0; i < 18; ++i) p[i] ^= key[i];
    uint32_t l = 0, r = 0;
    int k = 0;
    auto next = [&](uint32_t& a, uint32_t& b) {
      if (salt) {
        l ^= salt[k];
        r ^= salt[k + 1];
        k ^= 2;
      }
      encrypt(l, r);
      a = l;
      b = r;
    };
    for (int i = 0; i < 18; i += 2) next(p[i], p[i + 1]);
    for (auto& box : s)
      for (int i = 0; i < 256; i += 2) next(box[i], box[i + 1]);
  }
};

int decode_char(char c) {
  const char* at = c ? strchr(kAlphabet, c) : nullptr;
  return at ? static_cast<int>(at - kAlphabet) : -1;
}

// 22 characters to 16 bytes (the last character carries 2 bits).
bool decode_salt(const char* s, uint8_t out[16]) {
  uint32_t acc = 0;
  int bits = 0, n = 0;
  for (int i = 0; i < 22; ++i) {
    int v = decode_char(s[i]);
    if (v < 0) return false;
    acc = acc << 6 | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n < 16) out[n++] = static_cast<uint8_t>(acc >> bits);
    }
  }
  return n == 16;
}

char* encode(const uint8_t* in, int len, char* o) {
  for (int i = 0; i < len; i += 3) {
    uint32_t v = static_cast<uint32_t>(in[i]) << 16;
    if (i + 1 < len) v |= static_cast<uint32_t>(in[i + 1]) << 8;
    if (i + 2 < len) v |= in[i + 2];
    int chars = len - i >= 3 ? 4 : len - i + 1;
    for (int c = 0; c < chars; ++c) *o++ = kAlphabet[(v >> (18 - 6 * c)) & 63];
  }
  return o;
}

}  // namespace

static_assert(sizeof(Blowfish) == kWorkWords * sizeof(unsigned));

char* bcrypt(const char* key, const char* setting, char* out, size_t cap, unsigned* work) {
  // $2?$NN$ and 22 salt characters.
  char variant = setting[2];
  if (variant != 'a' && variant != 'b' && variant != 'x' && variant != 'y') return nullptr;
  if (setting[3] != '$' || setting[4] < '0' || setting[4] > '3' || setting[5] < '0' || setting[5] > '9' ||
      setting[6] != '$')
    return nullptr;
  int cost = (setting[4] - '0') * 10 + (setting[5] - '0');
  if (cost < 4 || cost > 31 || cap < 61) return nullptr;
  uint8_t salt_bytes[16];
  if (!decode_salt(setting + 7, salt_bytes)) return nullptr;
  uint32_t salt[4];
  for (int i = 0; i < 4; ++i)
    salt[i] = static_cast<uint32_t>(salt_bytes[4 * i]) << 24 | salt_bytes[4 * i + 1] << 16 |
              salt_bytes[4 * i + 2] << 8 | salt_bytes[4 * i + 3];

  // The key words, correct and as the sign-extension mistake made them.
  uint32_t good[18], bad[18];
  bool high = false;
  const unsigned char* k = reinterpret_cast<const unsigned char*>(key);
  const unsigned char* q = k;
  for (int i = 0; i < 18; ++i) {
    uint32_t g = 0, b = 0;
    for (int j = 0; j < 4; ++j) {
      g = g << 8 | *q;
      b = b << 8 | static_cast<uint32_t>(static_cast<int32_t>(static_cast<signed char>(*q)));
      if (j && (*q & 0x80)) high = true;
      q = *q ? q + 1 : k;
    }
    good[i] = g;
    bad[i] = b;
  }
  const uint32_t* words = variant == 'x' ? bad : good;
  uint32_t first[18];
  memcpy(first, words, sizeof first);
  if (variant == 'a' && high && memcmp(good, bad, sizeof good) == 0) first[0] ^= 0x10000;

  Blowfish& bf = *reinterpret_cast<Blowfish*>(work);  // 4 KiB in crypt_data, not on a small thread stack
  memcpy(bf.p, kBlowfishP, sizeof bf.p);
  memcpy(bf.s, kBlowfishS, sizeof bf.s);
  bf.expand(first, salt);
  uint32_t salt_key[18];
  for (int i = 0; i < 18; ++i) salt_key[i] = salt[i % 4];
  for (uint64_t r = 0, n = uint64_t{1} << cost; r < n; ++r) {
    bf.expand(words, nullptr);
    bf.expand(salt_key, nullptr);
  }
  static constexpr char kText[] = "OrpheanBeholderScryDoubt";
  uint32_t c[6];
  for (int i = 0; i < 6; ++i)
    c[i] = static_cast<uint32_t>(static_cast<uint8_t>(kText[4 * i])) << 24 | static_cast<uint8_t>(kText[4 * i + 1]) << 16 |
           static_cast<uint8_t>(kText[4 * i + 2]) << 8 | static_cast<uint8_t>(kText[4 * i + 3]);
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 6; j += 2) bf.encrypt(c[j], c[j + 1]);
  memset(&bf, 0, sizeof bf);

  uint8_t hash[24];
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 4; ++j) hash[4 * i + j] = static_cast<uint8_t>(c[i] >> (24 - 8 * j));
  memcpy(out, setting, 7);
  char* o = encode(salt_bytes, 16, out + 7);
  o = encode(hash, 23, o);
  *o = '\0';
  memset(good, 0, sizeof good), memset(bad, 0, sizeof bad), memset(first, 0, sizeof first);
  return out;
}

}  // namespace kiln::crypt
