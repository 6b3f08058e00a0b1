// Sleeping without the scheduler (CONFIG_LIBSCHED off): there is only
// one thread, so the CPU idles until the deadline. With the scheduler,
// threads.cpp provides sleep_until instead (see sleep.h).
#include "sleep.h"
#include <kiln/plat/time.h>

// No scheduler, so no lib/signal (it selects the scheduler): never interrupted.
bool kiln::newlib::sleep_until(uint64_t deadline_ns) {
  while (kiln_plat_monotonic_ns() < deadline_ns) kiln_plat_idle_until(deadline_ns);
  return true;
}
