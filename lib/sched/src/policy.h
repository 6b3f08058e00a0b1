// The scheduling policy: which ready thread runs next, and for how long.
// One implementation, policy_rr.cpp: round robin, cooperative or with time
// slices as the Kconfig choice "Scheduler" says (SCHED_COOP, SCHED_PREEMPT).
// Called with events masked.
#pragma once
#include <kiln/sched.h>

namespace kiln::policy {
void enqueue(Thread* t);  // t became ready
Thread* pick();           // next thread to run (removed), or nullptr
bool empty();
// When the thread starting to run at `now` must give up the CPU if others
// are ready (0: never; the cooperative policy).
uint64_t slice_end(uint64_t now);
}  // namespace kiln::policy
