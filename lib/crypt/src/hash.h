// MD5 (RFC 1321), SHA-256 and SHA-512 (FIPS 180-4): the hashes the $1$,
// $5$ and $6$ schemes are built on. Incremental: init, update, final.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace kiln::crypt {

struct Md5 {
  static constexpr size_t kSize = 16;
  uint32_t h[4];
  uint64_t len;
  uint8_t buf[64];
  void init();
  void update(const void* p, size_t n);
  void final(uint8_t out[16]);
};

struct Sha256 {
  static constexpr size_t kSize = 32;
  uint32_t h[8];
  uint64_t len;
  uint8_t buf[64];
  void init();
  void update(const void* p, size_t n);
  void final(uint8_t out[32]);
};

struct Sha512 {
  static constexpr size_t kSize = 64;
  uint64_t h[8];
  uint64_t len;  // bytes: a key and salt never reach 2^61
  uint8_t buf[128];
  void init();
  void update(const void* p, size_t n);
  void final(uint8_t out[64]);
};

}  // namespace kiln::crypt
