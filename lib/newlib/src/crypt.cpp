// encrypt and setkey (the DES block interface) fail with ENOSYS and one
// log line; so does crypt in an image without lib/crypt (CONFIG_LIBCRYPT),
// which otherwise provides it (docs/libc.md, "crypt").
#include <kiln/config.h>
#include <kiln/enosys.h>
#include <stdlib.h>
#include <unistd.h>

extern "C" {

#if !CONFIG_LIBCRYPT
char* crypt(const char*, const char*) {
  KILN_ENOSYS();
  return nullptr;
}
#endif
void encrypt(char*, int) { KILN_ENOSYS(); }
void setkey(const char*) { KILN_ENOSYS(); }

}  // extern "C"
