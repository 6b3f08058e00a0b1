// Platform contract: one one-shot timer, for the scheduler (sleeping,
// timeouts, preemption).
#pragma once
#include <stdint.h>
#include <kiln/compiler.h>

// Fire the timer handler once the monotonic clock reaches deadline_ns
// (replaces any earlier deadline). A deadline in the past fires at once.
KILN_EXTERN_C void kiln_plat_timer_set_deadline(uint64_t deadline_ns);
KILN_EXTERN_C void kiln_plat_timer_cancel(void);
// The handler runs with events masked, in a context that may switch
// threads (kvm: the timer interrupt; linuxu: after the timer signal, once
// the interrupted code is outside any masked section).
KILN_EXTERN_C void kiln_plat_timer_set_handler(void (*handler)(void));
