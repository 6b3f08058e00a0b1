// DES from FIPS 46-3's tables, bit by bit as the standard describes it
// (bit 1 is the most significant); crypt needs 25 x 16 rounds, so no
// precomputed tables beyond the standard's own.
#include "des.h"

namespace kiln::crypt {
namespace {

constexpr uint8_t kIP[64] = {58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
                             62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
                             57, 49, 41, 33, 25, 17, 9,  1, 59, 51, 43, 35, 27, 19, 11, 3,
                             61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7};
constexpr uint8_t kE[48] = {32, 1,  2,  3,  4,  5,  4,  5,  6,  7,  8,  9,  8,  9,  10, 11,
                            12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18, 19, 20, 21, 20, 21,
                            22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1};
constexpr uint8_t kP[32] = {16, 7, 20, 21, 29, 12, 28, 17, 1,  15, 23, 26, 5,  18, 31, 10,
                            2,  8, 24, 14, 32, 27, 3,  9,  19, 13, 30, 6,  22, 11, 4,  25};
constexpr uint8_t kPC1[56] = {57, 49, 41, 33, 25, 17, 9,  1,  58, 50, 42, 34, 26, 18, 10, 2,  59, 51, 43,
                              35, 27, 19, 11, 3,  60, 52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7,  62, 54,
                              46, 38, 30, 22, 14, 6,  61, 53, 45, 37, 29, 21, 13, 5,  28, 20, 12, 4};
constexpr uint8_t kPC2[48] = {14, 17, 11, 24, 1,  5,  3,  28, 15, 6,  21, 10, 23, 19, 12, 4,
                              26, 8,  16, 7,  27, 20, 13, 2,  41, 52, 31, 37, 47, 55, 30, 40,
                              51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32};
constexpr uint8_t kShifts[16] = {1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1};
constexpr uint8_t kS[8][64] = {
    {14, 4,  13, 1, 2,  15, 11, 8,  3,  10, 6,  12, 5,  9,  0, 7, 0, 15, 7,  4,  14, 2,  13, 1,  10, 6, 12, 11,
     9,  5,  3,  8, 4,  1,  14, 8,  13, 6,  2,  11, 15, 12, 9, 7, 3, 10, 5,  0,  15, 12, 8,  2,  4,  9, 1,  7,
     5,  11, 3,  14, 10, 0,  6,  13},
    {15, 1,  8,  14, 6,  11, 3,  4,  9,  7, 2,  13, 12, 0, 5,  10, 3,  13, 4, 7,  15, 2,  8,  14, 12, 0,
     1,  10, 6,  9,  11, 5,  0,  14, 7,  11, 10, 4,  13, 1, 5,  8,  12, 6,  9, 3,  2,  15, 13, 8,  10, 1,
     3,  15, 4,  2,  11, 6,  7,  12, 0,  5,  14, 9},
    {10, 0,  9,  14, 6, 3,  15, 5,  1,  13, 12, 7,  11, 4,  2,  8,  13, 7,  0,  9, 3,  4,  6,  10, 2,  8,
     5,  14, 12, 11, 15, 1,  13, 6,  4,  9,  8,  15, 3,  0,  11, 1,  2,  12, 5, 10, 14, 7,  1,  10, 13, 0,
     6,  9,  8,  7,  4,  15, 14, 3,  11, 5,  2,  12},
    {7,  13, 14, 3,  0,  6,  9, 10, 1,  2, 8,  5,  11, 12, 4,  15, 13, 8,  11, 5, 6,  15, 0,  3,  4,  7,
     2,  12, 1,  10, 14, 9,  10, 6, 9,  0, 12, 11, 7,  13, 15, 1,  3,  14, 5, 2,  8,  4,  3,  15, 0,  6,
     10, 1,  13, 8,  9,  4,  5,  11, 12, 7, 2,  14},
    {2,  12, 4,  1,  7,  10, 11, 6, 8,  5,  3,  15, 13, 0,  14, 9,  14, 11, 2,  12, 4,  7,  13, 1,  5,  0,
     15, 10, 3,  9,  8,  6,  4,  2, 1,  11, 10, 13, 7,  8,  15, 9,  12, 5,  6,  3,  0,  14, 11, 8,  12, 7,
     1,  14, 2,  13, 6,  15, 0,  9, 10, 4,  5,  3},
    {12, 1,  10, 15, 9,  2, 6,  8,  0,  13, 3,  4,  14, 7, 5,  11, 10, 15, 4,  2,  7,  12, 9,  5,  6,  1,
     13, 14, 0,  11, 3,  8, 9,  14, 15, 5,  2,  8,  12, 3, 7,  0,  4,  10, 1,  13, 11, 6,  4,  3,  2,  12,
     9,  5,  15, 10, 11, 14, 1, 7,  6,  0,  8,  13},
    {4,  11, 2,  14, 15, 0,  8,  13, 3,  12, 9, 7,  5, 10, 6,  1, 13, 0,  11, 7,  4,  9,  1,  10, 14, 3,
     5,  12, 2,  15, 8,  6,  1,  4,  11, 13, 12, 3, 7, 14, 10, 15, 6, 8,  0,  5,  9,  2,  6,  11, 13, 8,
     1,  4,  10, 7,  9,  5,  0,  15, 14, 2,  3,  12},
    {13, 2,  8,  4,  6,  15, 11, 1,  10, 9, 3,  14, 5,  0,  12, 7,  1,  15, 13, 8, 10, 3,  7,  4,  12, 5,
     6,  11, 0,  14, 9,  2,  7,  11, 4,  1, 9,  12, 14, 2,  0,  6,  10, 13, 15, 3, 5,  8,  2,  1,  14, 7,
     4,  10, 8,  13, 15, 12, 9,  0,  3,  5, 6,  11},
};

constexpr char kB64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Output bit i (1-based, MSB first, of `out_bits`) is input bit table[i-1]
// (1-based, MSB first, of `in_bits`).
uint64_t permute(uint64_t in, int in_bits, const uint8_t* table, int out_bits) {
  uint64_t out = 0;
  for (int i = 0; i < out_bits; ++i) out = out << 1 | ((in >> (in_bits - table[i])) & 1);
  return out;
}

uint64_t rotl28(uint64_t x, int n) { return ((x << n) | (x >> (28 - n))) & 0xfffffff; }

int b64_index(char c) {
  for (int i = 0; i < 64; ++i)
    if (kB64[i] == c) return i;
  return -1;
}

struct Schedule {
  uint64_t k[16];  // 48-bit subkeys
  explicit Schedule(uint64_t key) {
    uint64_t cd = permute(key, 64, kPC1, 56);
    uint64_t c = cd >> 28, d = cd & 0xfffffff;
    for (int r = 0; r < 16; ++r) {
      c = rotl28(c, kShifts[r]);
      d = rotl28(d, kShifts[r]);
      k[r] = permute(c << 28 | d, 56, kPC2, 48);
    }
  }
};

// The salt swaps E output bits i and i+24 (counted from the first, 0-based) for each of its set bits i.
uint64_t expand(uint32_t r, uint32_t salt) {
  uint64_t e = permute(r, 32, kE, 48);
  for (int i = 0; i < 12; ++i) {
    if (!(salt >> i & 1)) continue;
    int a = 47 - i, b = 47 - (i + 24);  // shift amounts of those bits
    uint64_t x = (e >> a ^ e >> b) & 1;
    e ^= x << a | x << b;
  }
  return e;
}

uint64_t encrypt(const Schedule& ks, uint64_t block, uint32_t salt, int times) {
  for (int t = 0; t < times; ++t) {
    uint64_t ip = permute(block, 64, kIP, 64);
    uint32_t l = static_cast<uint32_t>(ip >> 32), r = static_cast<uint32_t>(ip);
    for (int round = 0; round < 16; ++round) {
      uint64_t x = expand(r, salt) ^ ks.k[round];
      uint32_t s = 0;
      for (int box = 0; box < 8; ++box) {
        unsigned six = static_cast<unsigned>(x >> (42 - 6 * box)) & 63;
        unsigned row = (six >> 4 & 2) | (six & 1), col = six >> 1 & 15;
        s = s << 4 | kS[box][row * 16 + col];
      }
      uint32_t f = static_cast<uint32_t>(permute(s, 32, kP, 32));
      uint32_t nl = r;
      r = l ^ f;
      l = nl;
    }
    uint64_t pre = static_cast<uint64_t>(r) << 32 | l;  // the halves swapped after the last round
    // The final permutation is IP's inverse.
    uint64_t out = 0;
    for (int i = 0; i < 64; ++i) out |= ((pre >> (63 - i)) & 1) << (64 - kIP[i]);
    block = out;
  }
  return block;
}

}  // namespace

uint64_t des_encrypt(uint64_t key, uint64_t block, uint32_t salt) { return encrypt(Schedule(key), block, salt, 1); }

char* des_crypt(const char* key, const char* setting, char* out, size_t cap) {
  if (cap < 14) return nullptr;
  int s0 = b64_index(setting[0]);
  int s1 = s0 >= 0 ? b64_index(setting[1]) : -1;
  if (s0 < 0 || s1 < 0) return nullptr;
  uint32_t salt = static_cast<uint32_t>(s0 | s1 << 6);
  uint64_t k = 0;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(key);
  for (int i = 0; i < 8; ++i) {
    k = k << 8 | static_cast<uint8_t>(*p << 1);
    if (*p) ++p;
  }
  Schedule ks(k);
  k = 0;
  uint64_t h = encrypt(ks, 0, salt, 25);
  for (auto& sub : ks.k) sub = 0;
  out[0] = setting[0];
  out[1] = setting[1];
  for (int i = 0; i < 11; ++i) out[2 + i] = kB64[(i < 10 ? h >> (58 - 6 * i) : h << 2) & 63];
  out[13] = '\0';
  return out;
}

}  // namespace kiln::crypt
