/* lwIP compiler and platform port for Kiln. */
#ifndef KILN_LWIP_ARCH_CC_H
#define KILN_LWIP_ARCH_CC_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/select.h>
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX /* newlib: ssize_t is long; lwIP would typedef int */
#endif

#ifdef __cplusplus
extern "C" {
#endif
void kiln_lwip_diag(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void kiln_lwip_assert(const char* msg, const char* file, int line) __attribute__((noreturn));
uint32_t kiln_lwip_rand(void);
void* kiln_malloc(size_t);
void* kiln_calloc(size_t, size_t);
void kiln_free(void*);
#ifdef __cplusplus
}
#endif

#define LWIP_PLATFORM_DIAG(x) kiln_lwip_diag x
#define LWIP_PLATFORM_ASSERT(x) kiln_lwip_assert(x, __FILE__, __LINE__)
#define LWIP_RAND() kiln_lwip_rand()
#define LWIP_NO_STDINT_H 0
#define LWIP_NO_INTTYPES_H 0
#define LWIP_NO_LIMITS_H 0
#define LWIP_NO_CTYPE_H 0
#define lwip_htons(x) __builtin_bswap16(x)
#define lwip_htonl(x) __builtin_bswap32(x)
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1
#define mem_clib_malloc kiln_malloc
#define mem_clib_free kiln_free
#define mem_clib_calloc kiln_calloc
#endif
