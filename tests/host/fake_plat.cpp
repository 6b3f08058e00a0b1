#include "fake_plat.h"

#include <kiln/assert.h>
#include <kiln/plat/console.h>
#include <kiln/plat/exit.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace fake {
std::string& console() {
  static std::string s;
  return s;
}
}  // namespace fake

extern "C" void kiln_plat_console_write(const char* s, size_t n) { fake::console().append(s, n); }
extern "C" void kiln_plat_console_flush(void) {}
extern "C" long kiln_plat_console_read(char*, size_t) { return 0; }
extern "C" int kiln_plat_console_readable(void) { return 1; }  // end of input: readable
extern "C" int kiln_plat_console_arm(void) { return 0; }
extern "C" void kiln_plat_exit(int status) { throw fake::Exit{status}; }
extern "C" void kiln_plat_crash(void) { throw fake::Exit{KILN_EXIT_CRASH}; }
extern "C" unsigned long kiln_plat_irq_save(void) { return 0; }
extern "C" void kiln_plat_irq_restore(unsigned long) {}
extern "C" uint64_t kiln_plat_monotonic_ns(void) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Panic and failed checks (lib/debug's panic.cpp in images): the message on
// stderr, then abort, so death tests (EXPECT_DEATH) can match it.
extern "C" void kiln_panic(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::fputs("kiln: PANIC: ", stderr);
  std::vfprintf(stderr, fmt, ap);
  std::fputc('\n', stderr);
  va_end(ap);
  std::abort();
}
extern "C" void kiln_assert_fail(const char* cond, const char* file, int line, const char* func) {
  kiln_panic("assertion failed: %s (%s:%d, %s)", cond, file, line, func);
}
