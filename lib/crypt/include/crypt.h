/* Password hashing (lib/crypt): crypt() and crypt_r() with MD5 ($1$),
 * SHA-256 ($5$), SHA-512 ($6$, with rounds=) and bcrypt ($2a$ $2b$ $2x$
 * $2y$). docs/libc.md, "crypt". */
#ifndef _KILN_CRYPT_H
#define _KILN_CRYPT_H
#ifdef __cplusplus
extern "C" {
#endif

/* The state crypt_r works in: set initialized to 0 before first use. */
struct crypt_data {
  int initialized;
  char __output[256];
  unsigned int __work[1042]; /* bcrypt's Blowfish state */
};

char* crypt(const char* key, const char* setting);
char* crypt_r(const char* key, const char* setting, struct crypt_data* data);

#ifdef __cplusplus
}
#endif
#endif
