// crypt, encrypt and setkey: the DES password functions. Kiln ships no
// password hashing (nothing in an image logs users in), so they fail with
// ENOSYS and one log line.
#include <kiln/enosys.h>
#include <stdlib.h>
#include <unistd.h>

extern "C" {

char* crypt(const char*, const char*) {
  KILN_ENOSYS();
  return nullptr;
}
void encrypt(char*, int) { KILN_ENOSYS(); }
void setkey(const char*) { KILN_ENOSYS(); }

}  // extern "C"
