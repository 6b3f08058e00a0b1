// bcrypt ($2a$ $2b$ $2x$ $2y$): the hash into out (cap bytes, at least 61),
// or nullptr for a setting that is not one; work is the caller's area for
// the Blowfish state (kWorkWords words).
#pragma once
#include <stddef.h>

namespace kiln::crypt {
inline constexpr size_t kWorkWords = 18 + 4 * 256;
char* bcrypt(const char* key, const char* setting, char* out, size_t cap, unsigned* work);
}
