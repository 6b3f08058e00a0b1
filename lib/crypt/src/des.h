// Traditional crypt(3): 25 DES encryptions (FIPS 46) of a zero block under
// the key's 8 first characters, the E expansion perturbed by the 12-bit
// salt. The 13-character hash into out (cap >= 14), or nullptr for a
// setting whose two salt characters are not of "./0-9A-Za-z".
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace kiln::crypt {
char* des_crypt(const char* key, const char* setting, char* out, size_t cap);
// One DES encryption (for the host test's FIPS vectors): key and block big-endian.
uint64_t des_encrypt(uint64_t key, uint64_t block, uint32_t salt);
}
