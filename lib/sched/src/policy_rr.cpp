// Round robin, cooperative or preemptive (Kconfig "Scheduler"): a FIFO run
// queue; with SCHED_PREEMPT a thread that used up its time slice while
// others were ready goes to the back of the queue.
#include "policy.h"
#include <kiln/config.h>

namespace kiln::policy {
namespace {
constinit IntrusiveList<Thread, &Thread::qnode> runq;
}
void enqueue(Thread* t) { runq.push_back(*t); }
Thread* pick() { return runq.pop_front(); }
bool empty() { return runq.empty(); }
#ifdef CONFIG_SCHED_PREEMPT
uint64_t slice_end(uint64_t now) { return now + uint64_t{CONFIG_SCHED_TIMESLICE_US} * 1000; }
#else
uint64_t slice_end(uint64_t) { return 0; }
#endif
}  // namespace kiln::policy
