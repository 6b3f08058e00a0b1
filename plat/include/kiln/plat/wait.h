// Platform contract: blocking a caller until an event handler has run.
//
// For platform drivers whose completions arrive through event or
// interrupt handlers (xen: xenstore replies and watches, console input).
// The caller masks events (kiln_plat_irq_save), checks its condition and,
// if it must wait, calls kiln_plat_wait_event; the handler that makes the
// condition true calls kiln_plat_wake_event. Wake-ups may be spurious:
// re-check the condition after every return.
//
// Implemented once, in lib/boot (src/wait.cpp), for every platform: it
// calls the registered blocking provider (KILN_WAIT_PROVIDER below; lib/sched
// registers one: the calling thread blocks and other threads run) and, with
// none, or before the scheduler starts, or on the idle thread, idles the
// CPU (kiln_plat_idle_until) until the next event or the deadline.
#pragma once
#include <stdint.h>
#include <kiln/compiler.h>

// Returns when woken, at the monotonic deadline (0: none), or spuriously.
KILN_EXTERN_C void kiln_plat_wait_event(uint64_t deadline_ns);
// Wakes every caller blocked in kiln_plat_wait_event. Safe from handlers.
KILN_EXTERN_C void kiln_plat_wake_event(void);

// A blocking provider: wait returns false when it cannot block the caller
// now (scheduler not started, idle thread): the CPU idles instead. At most
// one provider may be linked (two stop the boot with their names).
struct kiln_wait_provider {
  bool (*wait)(uint64_t deadline_ns);
  void (*wake)(void);
  const char* name;
};
#define KILN_WAIT_PROVIDER(...)                                                   \
  static const struct kiln_wait_provider KILN_UNIQUE(_kiln_waitp_) KILN_USED        \
      __attribute__((aligned(8))) KILN_SECTION(".kiln_wait_providers") = __VA_ARGS__
