// Kernel logging. Lines go straight to the platform console (no malloc, no
// stdio), so they work from the first instruction and inside a panic.
//
//   kiln_warn("virtio: queue %u too small (%zu)", q, n);
//   kiln_info("heap: %lu KiB", kib);
#pragma once
#include <stdarg.h>
#include <stddef.h>
#include <kiln/compiler.h>
#include <kiln/config.h>

#define KILN_LOG_CRIT 0
#define KILN_LOG_ERR 1
#define KILN_LOG_WARN 2
#define KILN_LOG_INFO 3
#define KILN_LOG_DEBUG 4

#ifndef CONFIG_LIBDEBUG_LOG_MAX
#define CONFIG_LIBDEBUG_LOG_MAX 3
#endif

KILN_EXTERN_C int kiln_log_level;  // run-time level (option log.level=)
KILN_EXTERN_C void kiln_printk(int level, const char* fmt, ...) KILN_PRINTF(2, 3);
KILN_EXTERN_C void kiln_vprintk(int level, const char* fmt, va_list ap);
// printf subset: %d %i %u %x %X %o %p %s %c %% with l, ll, z, h and width,
// precision (for %s), '-', '0'. Always NUL-terminates; returns the length
// the full output would have had.
KILN_EXTERN_C int kiln_vsnprintf(char* buf, size_t n, const char* fmt, va_list ap);
KILN_EXTERN_C int kiln_snprintf(char* buf, size_t n, const char* fmt, ...) KILN_PRINTF(3, 4);
// Unformatted write of a string to the console (for panics and dumps).
KILN_EXTERN_C void kiln_puts(const char* s);

#define kiln_log(level, ...)                                           \
  do {                                                                 \
    if ((level) <= CONFIG_LIBDEBUG_LOG_MAX && (level) <= kiln_log_level) \
      kiln_printk(level, __VA_ARGS__);                                 \
  } while (0)
#define kiln_crit(...) kiln_log(KILN_LOG_CRIT, __VA_ARGS__)
#define kiln_err(...) kiln_log(KILN_LOG_ERR, __VA_ARGS__)
#define kiln_warn(...) kiln_log(KILN_LOG_WARN, __VA_ARGS__)
#define kiln_info(...) kiln_log(KILN_LOG_INFO, __VA_ARGS__)
#define kiln_debug(...) kiln_log(KILN_LOG_DEBUG, __VA_ARGS__)
