// A random number generator built on the ChaCha20 block function
// (RFC 8439), in the "fast key erasure" style: every refill runs the block
// function on the current key for 8 consecutive blocks (four at a time, in
// SIMD lanes); the first 32 bytes become the next key and the other 480
// are handed out (and erased as they are). The state therefore never
// holds anything from which earlier outputs could be recomputed, and the
// outputs are as hard to predict as ChaCha20's keystream, given a seed
// the attacker does not know. Not thread-safe: callers lock.
// Portable (no Kiln dependencies): the host tests build it.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace kiln {

// One ChaCha20 block: 64 bytes of keystream for key, block counter, nonce.
void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3], uint8_t out[64]);
// Four consecutive blocks at once: out[64*j..] is the block of the 64-bit
// position pos + j, whose counter is its low 32 bits and whose first nonce
// word its high 32 bits (nonce words 1 and 2 as given), computed in
// parallel lanes; equal to four chacha20_block calls.
void chacha20_blocks4(const uint32_t key[8], uint64_t pos, uint32_t nonce1, uint32_t nonce2, uint8_t out[256]);

class ChachaRng {
 public:
  constexpr ChachaRng() = default;
  // Mix seed (any length) into the key: the new key is a one-way function
  // of the old key and the seed, so a reseed never lowers what an attacker
  // must guess. Discards buffered output.
  void reseed(const void* seed, size_t n);
  void fill(void* out, size_t n);
  uint32_t next_u32();
  bool seeded() const { return seeded_; }
  // Bytes handed out since the last reseed (for periodic reseeding).
  uint64_t since_reseed() const { return since_reseed_; }

 private:
  static constexpr int kBlocks = 8;  // per refill
  void refill();
  void rekey();
  uint32_t key_[8] = {};
  uint64_t blocks_ = 0;  // block counter (low 32 bits) and first nonce word
  uint8_t buf_[64 * kBlocks - 32] = {};
  size_t avail_ = 0;     // unused bytes at the end of buf_
  uint64_t since_reseed_ = 0;
  bool seeded_ = false;
};

}  // namespace kiln
