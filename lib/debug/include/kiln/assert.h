// Assertions and panic.
//
// KILN_ASSERT(cond)   always checked; on failure panics with the condition,
//                     file, line and a backtrace.
// KILN_DASSERT(cond)  checked only with CONFIG_LIBDEBUG_DEBUG_ASSERTS (for
//                     costly invariants); otherwise not evaluated.
// kiln_panic(fmt,...) prints "kiln: PANIC: <reason>", a symbolised backtrace,
//                     and ends the image with status KILN_EXIT_CRASH.
#pragma once
#include <stdint.h>
#include <kiln/compiler.h>
#include <kiln/config.h>

KILN_EXTERN_C KILN_NORETURN void kiln_panic(const char* fmt, ...) KILN_PRINTF(1, 2);
KILN_EXTERN_C KILN_NORETURN void kiln_assert_fail(const char* cond, const char* file,
                                                  int line, const char* func);
// Print a backtrace starting at frame pointer fp (0: the caller's frame).
KILN_EXTERN_C void kiln_backtrace(uintptr_t fp);
// Print the backtrace of interrupted code (traps, fatal signals): pc, its
// caller when pc's function keeps no frame, then the frame chain from fp.
// readable (may be null) says whether an address can be read safely.
KILN_EXTERN_C void kiln_backtrace_from(uintptr_t pc, uintptr_t sp, uintptr_t fp,
                                       bool (*readable)(uintptr_t));
// Print "  #n 0x... name+0xoff" for one code address.
KILN_EXTERN_C void kiln_backtrace_line(int n, uintptr_t pc);

#define KILN_ASSERT(cond)                                             \
  do {                                                                \
    if (kiln_unlikely(!(cond)))                                       \
      kiln_assert_fail(#cond, __FILE__, __LINE__, __func__);          \
  } while (0)

#ifdef CONFIG_LIBDEBUG_DEBUG_ASSERTS
#define KILN_DASSERT(cond) KILN_ASSERT(cond)
#else
#define KILN_DASSERT(cond) ((void)sizeof(!(cond)))
#endif

// What a faulting address means, if a library knows (e.g. "stack overflow
// in thread 'worker'" for a thread's guard page); nullptr otherwise. Trap
// and crash reports print it. Asks every registered hint in turn.
KILN_EXTERN_C const char* kiln_fault_hint(uintptr_t addr);

// Registers a fault hint: fn(addr) returns a description of addr or
// nullptr (the scheduler: thread guard pages; the bare-metal base: the
// boot and main stacks' guard pages). Crash context: fn must not take
// locks or allocate.
struct kiln_fault_hint_entry {
  const char* (*fn)(uintptr_t addr);
  const char* name;
};
#define KILN_FAULT_HINT(fn)                                                          \
  static const struct kiln_fault_hint_entry KILN_UNIQUE(_kiln_hint_) KILN_USED        \
      __attribute__((aligned(8))) KILN_SECTION(".kiln_fault_hints") = {fn, #fn}
