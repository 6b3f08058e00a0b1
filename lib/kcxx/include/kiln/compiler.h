// Compiler helpers shared by all Kiln code (kernel, host tests).
#pragma once

#define KILN_CAT_(a, b) a##b
#define KILN_CAT(a, b) KILN_CAT_(a, b)
#define KILN_STR_(x) #x
#define KILN_STR(x) KILN_STR_(x)
#define KILN_UNIQUE(prefix) KILN_CAT(prefix, __COUNTER__)

#define kiln_likely(x) __builtin_expect(!!(x), 1)
#define kiln_unlikely(x) __builtin_expect(!!(x), 0)
#define KILN_NORETURN __attribute__((noreturn))
#define KILN_USED __attribute__((used))
#define KILN_SECTION(s) __attribute__((section(s)))
#define KILN_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

#ifdef __cplusplus
#define KILN_EXTERN_C extern "C"
#define KILN_STATIC_ASSERT static_assert
#else
#define KILN_EXTERN_C
#define KILN_STATIC_ASSERT _Static_assert
#endif
