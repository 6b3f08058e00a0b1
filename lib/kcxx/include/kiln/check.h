// Always-on checks inside kcxx's own headers (Result, IntrusiveList).
//
// kcxx is a header base that depends on nothing, so it only declares the
// failure function: lib/debug defines it for images (it panics with the
// message, the place and a backtrace), tests/host/fake_plat.cpp for host
// tests. It is the same function KILN_ASSERT (kiln/assert.h) calls.
//
//   KILN_CHECK(n->linked(), "IntrusiveList::remove: node is not on a list");
#pragma once
#include <kiln/compiler.h>

KILN_EXTERN_C KILN_NORETURN void kiln_assert_fail(const char* cond, const char* file, int line,
                                                  const char* func);

// what names the misuse; the place is where the macro is written.
#define KILN_CHECK(cond, what)                                  \
  do {                                                          \
    if (kiln_unlikely(!(cond)))                                 \
      kiln_assert_fail(what, __FILE__, __LINE__, __func__);     \
  } while (0)
