// The ChaCha20 generator behind kiln/random.h (lib/random/src/chacha_rng.cpp):
// the block function against RFC 8439's test vector, then the generator.
#include <kiln/chacha_rng.h>
#include <gtest/gtest.h>
#include <bit>
#include <cstring>
#include <set>
#include <vector>

using kiln::ChachaRng;

// RFC 8439 section 2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1.
TEST(ChachaRng, BlockFunctionMatchesRfc8439) {
  uint32_t key[8];
  for (int i = 0; i < 8; ++i)
    key[i] = uint32_t(4 * i) | uint32_t(4 * i + 1) << 8 | uint32_t(4 * i + 2) << 16 | uint32_t(4 * i + 3) << 24;
  const uint32_t nonce[3] = {0x09000000, 0x4a000000, 0x00000000};
  uint8_t out[64];
  kiln::chacha20_block(key, 1, nonce, out);
  const uint8_t expect[64] = {
      0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
      0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
      0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
      0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e};
  EXPECT_EQ(0, memcmp(out, expect, sizeof out));
}

// RFC 8439 appendix A.1, test vector 1: all-zero key, nonce and counter.
TEST(ChachaRng, BlockFunctionZeroKey) {
  const uint32_t key[8] = {}, nonce[3] = {};
  uint8_t out[64];
  kiln::chacha20_block(key, 0, nonce, out);
  const uint8_t head[16] = {0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90,
                            0x40, 0x5d, 0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28};
  EXPECT_EQ(0, memcmp(out, head, sizeof head));
}

// The four-lane block function is four single blocks, also where the
// 32-bit counter carries into the first nonce word.
TEST(ChachaRng, FourLanesAreFourBlocks) {
  uint32_t key[8];
  for (int i = 0; i < 8; ++i) key[i] = 0x01020304u * uint32_t(i + 1) ^ 0xdeadbeefu;
  for (uint64_t pos : {uint64_t{0}, uint64_t{7}, uint64_t{0xfffffffe}, uint64_t{0x12345678ffffffffull}}) {
    uint8_t four[256];
    kiln::chacha20_blocks4(key, pos, 0x4a000000u, 0x11u, four);
    for (int j = 0; j < 4; ++j) {
      const uint64_t p = pos + uint64_t(j);
      const uint32_t nonce[3] = {uint32_t(p >> 32), 0x4a000000u, 0x11u};
      uint8_t one[64];
      kiln::chacha20_block(key, uint32_t(p), nonce, one);
      EXPECT_EQ(0, memcmp(one, four + 64 * j, 64)) << "position " << p;
    }
  }
}

namespace {
std::vector<uint8_t> stream(const char* seed, size_t n) {
  ChachaRng r;
  r.reseed(seed, strlen(seed));
  std::vector<uint8_t> v(n);
  r.fill(v.data(), n);
  return v;
}
}  // namespace

TEST(ChachaRng, SameSeedSameStreamOtherSeedOtherStream) {
  EXPECT_EQ(stream("seed one", 256), stream("seed one", 256));
  EXPECT_NE(stream("seed one", 256), stream("seed two", 256));
  // A long seed is mixed in whole: a difference in its last byte matters.
  std::string a(100, 'x'), b(100, 'x');
  b.back() = 'y';
  EXPECT_NE(stream(a.c_str(), 64), stream(b.c_str(), 64));
}

TEST(ChachaRng, PiecesMatchOneRequest) {
  // (across several refills of 480 bytes)
  auto whole = stream("pieces", 2000);
  ChachaRng r;
  r.reseed("pieces", 6);
  std::vector<uint8_t> parts(2000);
  size_t at = 0;
  for (size_t k : {1, 3, 31, 32, 33, 64, 36, 479, 480, 481, 360}) {
    r.fill(parts.data() + at, k);
    at += k;
  }
  ASSERT_EQ(at, 2000u);
  EXPECT_EQ(whole, parts);
  EXPECT_EQ(r.since_reseed(), 2000u);
}

TEST(ChachaRng, ReseedChangesTheStreamAndCounts) {
  ChachaRng r;
  EXPECT_FALSE(r.seeded());
  r.reseed("s", 1);
  EXPECT_TRUE(r.seeded());
  uint32_t before = r.next_u32();
  EXPECT_EQ(r.since_reseed(), 4u);
  ChachaRng same;
  same.reseed("s", 1);
  (void)same.next_u32();
  r.reseed("more", 4);
  EXPECT_EQ(r.since_reseed(), 0u);
  EXPECT_NE(r.next_u32(), same.next_u32());
  EXPECT_NE(before, 0u);
}

// Not a statistical test suite: gross failures only (stuck bits, repeats).
TEST(ChachaRng, OutputLooksRandom) {
  ChachaRng r;
  r.reseed("balance", 7);
  std::set<uint32_t> seen;
  uint64_t ones = 0;
  constexpr int kN = 1 << 16;
  for (int i = 0; i < kN; ++i) {
    uint32_t v = r.next_u32();
    seen.insert(v);
    ones += std::popcount(v);
  }
  EXPECT_GT(seen.size(), size_t{kN} - 8);  // 32-bit collisions in 65536 draws: about 0.5
  double frac = double(ones) / (32.0 * kN);
  EXPECT_NEAR(frac, 0.5, 0.005);
}
