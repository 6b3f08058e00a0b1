// In-image tests. A library puts cases in its tests/ folder, compiled when
// its CONFIG_LIB<NAME>_TEST switch is on:
//
//   KILN_TEST(alloc, malloc_returns_aligned) {
//     void* p = malloc(24);
//     KTEST_EXPECT(p != nullptr);
//     KTEST_EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
//     free(p);
//   }
#pragma once
#include <kiln/compiler.h>

struct kiln_ktest_ctx {
  int failures;
};

struct kiln_ktest {
  const char* suite;
  const char* name;
  void (*fn)(struct kiln_ktest_ctx*);
};

#define KILN_TEST(suite, name)                                                      \
  static void kiln_ktest_##suite##_##name(struct kiln_ktest_ctx*);                  \
  static const struct kiln_ktest kiln_ktest_entry_##suite##_##name KILN_USED        \
      __attribute__((aligned(8))) KILN_SECTION(".kiln_tests") = {                   \
          #suite, #name, kiln_ktest_##suite##_##name};                              \
  static void kiln_ktest_##suite##_##name(struct kiln_ktest_ctx* _ktest_ctx)

KILN_EXTERN_C void kiln_ktest_fail(struct kiln_ktest_ctx* ctx, const char* what, const char* file,
                                   int line);
KILN_EXTERN_C void kiln_ktest_fail_eq(struct kiln_ktest_ctx* ctx, const char* a_expr,
                                      const char* b_expr, long long a, long long b,
                                      const char* file, int line);

#define KTEST_EXPECT(cond)                                                   \
  do {                                                                       \
    if (!(cond)) kiln_ktest_fail(_ktest_ctx, #cond, __FILE__, __LINE__);     \
  } while (0)
#define KTEST_EXPECT_EQ(a, b)                                                       \
  do {                                                                              \
    long long _ka = (long long)(a), _kb = (long long)(b);                           \
    if (_ka != _kb) kiln_ktest_fail_eq(_ktest_ctx, #a, #b, _ka, _kb, __FILE__, __LINE__); \
  } while (0)
// Stop the current case if cond is false (later checks would crash).
#define KTEST_ASSERT(cond)                                                   \
  do {                                                                       \
    if (!(cond)) {                                                           \
      kiln_ktest_fail(_ktest_ctx, #cond, __FILE__, __LINE__);                \
      return;                                                                \
    }                                                                        \
  } while (0)

// Runs every registered case (or those whose "suite.name" contains filter).
// Returns the number of failed cases.
KILN_EXTERN_C int kiln_ktest_run(const char* filter);
