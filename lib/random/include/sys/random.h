/* getrandom(2) and getentropy(3) for Kiln (lib/random; docs/libc.md). */
#pragma once
#include <stddef.h>
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif

#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM 0x0002
#define GRND_INSECURE 0x0004

ssize_t getrandom(void* buf, size_t buflen, unsigned int flags);
int getentropy(void* buf, size_t buflen);

#ifdef __cplusplus
}
#endif
