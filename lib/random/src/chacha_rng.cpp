// ChaCha20 (RFC 8439 section 2.3) and the fast-key-erasure generator on it.
#include <kiln/chacha_rng.h>
#include <string.h>

namespace kiln {
namespace {

constexpr uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

void quarter(uint32_t* x, int a, int b, int c, int d) {
  x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 16);
  x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 12);
  x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 8);
  x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 7);
}

uint32_t load_le(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void store_le(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

}  // namespace

void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3], uint8_t out[64]) {
  // "expand 32-byte k", the key, the counter, the nonce.
  uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  for (int i = 0; i < 8; ++i) in[4 + i] = key[i];
  in[12] = counter;
  for (int i = 0; i < 3; ++i) in[13 + i] = nonce[i];
  uint32_t x[16];
  memcpy(x, in, sizeof x);
  for (int round = 0; round < 10; ++round) {  // 20 rounds: column then diagonal
    quarter(x, 0, 4, 8, 12);
    quarter(x, 1, 5, 9, 13);
    quarter(x, 2, 6, 10, 14);
    quarter(x, 3, 7, 11, 15);
    quarter(x, 0, 5, 10, 15);
    quarter(x, 1, 6, 11, 12);
    quarter(x, 2, 7, 8, 13);
    quarter(x, 3, 4, 9, 14);
  }
  for (int i = 0; i < 16; ++i) store_le(out + 4 * i, x[i] + in[i]);
}

void chacha20_blocks4(const uint32_t key[8], uint64_t pos, uint32_t nonce1, uint32_t nonce2, uint8_t out[256]) {
  // Lane j of word i is word i of block j (GCC's vector extension: SSE2
  // on x86_64, plain code elsewhere).
  typedef uint32_t V __attribute__((vector_size(16)));
  V in[16];
  const uint32_t sigma[4] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  for (int i = 0; i < 4; ++i) in[i] = V{sigma[i], sigma[i], sigma[i], sigma[i]};
  for (int i = 0; i < 8; ++i) in[4 + i] = V{key[i], key[i], key[i], key[i]};
  for (int j = 0; j < 4; ++j) {
    in[12][j] = static_cast<uint32_t>(pos + j);
    in[13][j] = static_cast<uint32_t>((pos + j) >> 32);
  }
  in[14] = V{nonce1, nonce1, nonce1, nonce1};
  in[15] = V{nonce2, nonce2, nonce2, nonce2};
  V x[16];
  for (int i = 0; i < 16; ++i) x[i] = in[i];
  auto q = [&x](int a, int b, int c, int d) {
    x[a] += x[b]; x[d] ^= x[a]; x[d] = (x[d] << 16) | (x[d] >> 16);
    x[c] += x[d]; x[b] ^= x[c]; x[b] = (x[b] << 12) | (x[b] >> 20);
    x[a] += x[b]; x[d] ^= x[a]; x[d] = (x[d] << 8) | (x[d] >> 24);
    x[c] += x[d]; x[b] ^= x[c]; x[b] = (x[b] << 7) | (x[b] >> 25);
  };
  for (int round = 0; round < 10; ++round) {
    q(0, 4, 8, 12); q(1, 5, 9, 13); q(2, 6, 10, 14); q(3, 7, 11, 15);
    q(0, 5, 10, 15); q(1, 6, 11, 12); q(2, 7, 8, 13); q(3, 4, 9, 14);
  }
  for (int i = 0; i < 16; ++i) {
    V w = x[i] + in[i];
    for (int j = 0; j < 4; ++j) store_le(out + 64 * j + 4 * i, w[j]);
  }
}

// Only a new key (one block): what a reseed needs.
void ChachaRng::rekey() {
  uint8_t block[64];
  const uint32_t nonce[3] = {static_cast<uint32_t>(blocks_ >> 32), 0, 0};
  chacha20_block(key_, static_cast<uint32_t>(blocks_), nonce, block);
  ++blocks_;
  for (int i = 0; i < 8; ++i) key_[i] = load_le(block + 4 * i);
  memset(block, 0, sizeof block);
}

void ChachaRng::refill() {
  uint8_t block[64 * kBlocks];
  // The position never repeats under one key, and the key changes at
  // every refill anyway.
  for (int b = 0; b < kBlocks; b += 4) chacha20_blocks4(key_, blocks_ + b, 0, 0, block + 64 * b);
  blocks_ += kBlocks;
  for (int i = 0; i < 8; ++i) key_[i] = load_le(block + 4 * i);
  memcpy(buf_, block + 32, sizeof buf_);
  avail_ = sizeof buf_;
  memset(block, 0, sizeof block);
}

void ChachaRng::reseed(const void* seed, size_t n) {
  auto* s = static_cast<const uint8_t*>(seed);
  do {
    uint8_t chunk[32] = {};
    size_t k = n < sizeof chunk ? n : sizeof chunk;
    memcpy(chunk, s, k);
    for (int i = 0; i < 8; ++i) key_[i] ^= load_le(chunk + 4 * i);
    rekey();  // the new key: ChaCha20 of (old key ^ seed)
    s += k;
    n -= k;
  } while (n);
  memset(buf_, 0, sizeof buf_);
  avail_ = 0;
  since_reseed_ = 0;
  seeded_ = true;
}

void ChachaRng::fill(void* out, size_t n) {
  auto* o = static_cast<uint8_t*>(out);
  since_reseed_ += n;
  while (n) {
    if (!avail_) refill();
    size_t k = n < avail_ ? n : avail_;
    uint8_t* from = buf_ + sizeof buf_ - avail_;
    memcpy(o, from, k);
    memset(from, 0, k);  // handed out: not kept
    avail_ -= k;
    o += k;
    n -= k;
  }
}

uint32_t ChachaRng::next_u32() {
  uint8_t b[4];
  fill(b, sizeof b);
  return load_le(b);
}

}  // namespace kiln
