// Platform contract: blocking a caller until an event handler has run.
//
// For platform drivers whose completions arrive through event or
// interrupt handlers (xen: xenstore replies and watches, console input).
// The caller masks events (kiln_plat_irq_save), checks its condition and,
// if it must wait, calls kiln_plat_wait_event; the handler that makes the
// condition true calls kiln_plat_wake_event. Wake-ups may be spurious:
// re-check the condition after every return.
//
// With the scheduler linked (lib/sched) the calling thread blocks and
// other threads run. Without it -- or before the scheduler starts, or on
// the idle thread -- the CPU idles (kiln_plat_idle_until) until the next
// event or the deadline.
#pragma once
#include <stdint.h>
#include <kiln/compiler.h>

// Returns when woken, at the monotonic deadline (0: none), or spuriously.
KILN_EXTERN_C void kiln_plat_wait_event(uint64_t deadline_ns);
// Wakes every caller blocked in kiln_plat_wait_event. Safe from handlers.
KILN_EXTERN_C void kiln_plat_wake_event(void);
