// The three hashes, written from RFC 1321 and FIPS 180-4.
#include "hash.h"

#include <string.h>

#include "tables.h"

namespace kiln::crypt {
namespace {

uint32_t rol32(uint32_t x, int n) { return x << n | x >> (32 - n); }
uint32_t ror32(uint32_t x, int n) { return x >> n | x << (32 - n); }
uint64_t ror64(uint64_t x, int n) { return x >> n | x << (64 - n); }

uint32_t le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }
uint32_t be32(const uint8_t* p) { return static_cast<uint32_t>(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
uint64_t be64(const uint8_t* p) { return static_cast<uint64_t>(be32(p)) << 32 | be32(p + 4); }

void md5_block(uint32_t h[4], const uint8_t* p) {
  static constexpr int kShift[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};
  uint32_t x[16];
  for (int i = 0; i < 16; ++i) x[i] = le32(p + 4 * i);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
  for (int i = 0; i < 64; ++i) {
    uint32_t f;
    int k;
    switch (i / 16) {
      case 0: f = (b & c) | (~b & d); k = i; break;
      case 1: f = (b & d) | (c & ~d); k = (5 * i + 1) % 16; break;
      case 2: f = b ^ c ^ d; k = (3 * i + 5) % 16; break;
      default: f = c ^ (b | ~d); k = (7 * i) % 16; break;
    }
    uint32_t t = d;
    d = c;
    c = b;
    b = b + rol32(a + f + kMd5T[i] + x[k], kShift[i / 16][i % 4]);
    a = t;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d;
}

void sha256_block(uint32_t h[8], const uint8_t* p) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i) w[i] = be32(p + 4 * i);
  for (int i = 16; i < 64; ++i) {
    uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t v[8];
  memcpy(v, h, sizeof v);
  for (int i = 0; i < 64; ++i) {
    uint32_t e = v[4], a = v[0];
    uint32_t t1 = v[7] + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & v[5]) ^ (~e & v[6])) + kSha256K[i] + w[i];
    uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
    memmove(v + 1, v, 7 * sizeof v[0]);
    v[4] += t1;
    v[0] = t1 + t2;
  }
  for (int i = 0; i < 8; ++i) h[i] += v[i];
}

void sha512_block(uint64_t h[8], const uint8_t* p) {
  uint64_t w[80];
  for (int i = 0; i < 16; ++i) w[i] = be64(p + 8 * i);
  for (int i = 16; i < 80; ++i) {
    uint64_t s0 = ror64(w[i - 15], 1) ^ ror64(w[i - 15], 8) ^ (w[i - 15] >> 7);
    uint64_t s1 = ror64(w[i - 2], 19) ^ ror64(w[i - 2], 61) ^ (w[i - 2] >> 6);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint64_t v[8];
  memcpy(v, h, sizeof v);
  for (int i = 0; i < 80; ++i) {
    uint64_t e = v[4], a = v[0];
    uint64_t t1 = v[7] + (ror64(e, 14) ^ ror64(e, 18) ^ ror64(e, 41)) + ((e & v[5]) ^ (~e & v[6])) + kSha512K[i] + w[i];
    uint64_t t2 = (ror64(a, 28) ^ ror64(a, 34) ^ ror64(a, 39)) + ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
    memmove(v + 1, v, 7 * sizeof v[0]);
    v[4] += t1;
    v[0] = t1 + t2;
  }
  for (int i = 0; i < 8; ++i) h[i] += v[i];
}

// The common buffering: whole blocks to the compression function.
template <size_t B, typename F>
void feed(uint8_t* buf, uint64_t& len, const void* data, size_t n, F&& block) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  size_t have = len % B;
  len += n;
  if (have) {
    size_t take = B - have < n ? B - have : n;
    memcpy(buf + have, p, take);
    p += take, n -= take, have += take;
    if (have < B) return;
    block(buf);
  }
  for (; n >= B; p += B, n -= B) block(p);
  memcpy(buf, p, n);
}

}  // namespace

void Md5::init() {
  static constexpr uint32_t kH[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  memcpy(h, kH, sizeof h);
  len = 0;
}
void Md5::update(const void* p, size_t n) {
  feed<64>(buf, len, p, n, [this](const uint8_t* b) { md5_block(h, b); });
}
void Md5::final(uint8_t out[16]) {
  uint64_t bits = len * 8;
  uint8_t pad[72] = {0x80};
  size_t padlen = (len % 64 < 56 ? 56 : 120) - len % 64;
  for (int i = 0; i < 8; ++i) pad[padlen + i] = static_cast<uint8_t>(bits >> (8 * i));
  update(pad, padlen + 8);
  for (int i = 0; i < 16; ++i) out[i] = static_cast<uint8_t>(h[i / 4] >> (8 * (i % 4)));
}

void Sha256::init() {
  memcpy(h, kSha256H, sizeof h);
  len = 0;
}
void Sha256::update(const void* p, size_t n) {
  feed<64>(buf, len, p, n, [this](const uint8_t* b) { sha256_block(h, b); });
}
void Sha256::final(uint8_t out[32]) {
  uint64_t bits = len * 8;
  uint8_t pad[72] = {0x80};
  size_t padlen = (len % 64 < 56 ? 56 : 120) - len % 64;
  for (int i = 0; i < 8; ++i) pad[padlen + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  update(pad, padlen + 8);
  for (int i = 0; i < 32; ++i) out[i] = static_cast<uint8_t>(h[i / 4] >> (24 - 8 * (i % 4)));
}

void Sha512::init() {
  memcpy(h, kSha512H, sizeof h);
  len = 0;
}
void Sha512::update(const void* p, size_t n) {
  feed<128>(buf, len, p, n, [this](const uint8_t* b) { sha512_block(h, b); });
}
void Sha512::final(uint8_t out[64]) {
  uint64_t bits = len * 8;
  uint8_t pad[144] = {0x80};
  size_t padlen = (len % 128 < 112 ? 112 : 240) - len % 128;
  // 128-bit length: the high 64 bits are zero here.
  for (int i = 0; i < 8; ++i) pad[padlen + 8 + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  update(pad, padlen + 16);
  for (int i = 0; i < 64; ++i) out[i] = static_cast<uint8_t>(h[i / 8] >> (56 - 8 * (i % 8)));
}

}  // namespace kiln::crypt
