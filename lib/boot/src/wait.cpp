// The blocking contract of kiln/plat/wait.h, for every platform: the one
// registered provider (lib/sched) blocks the caller; without one the CPU
// idles until the next event.
#include <kiln/init.h>
#include <kiln/plat/time.h>
#include <kiln/plat/wait.h>
#include <kiln/print.h>
#include <errno.h>

extern "C" const kiln_wait_provider __kiln_wait_providers_start[], __kiln_wait_providers_end[];

namespace {

const kiln_wait_provider* provider() {
  return +__kiln_wait_providers_start < +__kiln_wait_providers_end ? __kiln_wait_providers_start : nullptr;
}

int check_providers() {
  if (__kiln_wait_providers_end - __kiln_wait_providers_start > 1) {
    kiln_crit("boot: two blocking providers are linked (%s, %s); an image has at most one scheduler",
              __kiln_wait_providers_start[0].name, __kiln_wait_providers_start[1].name);
    return -EINVAL;
  }
  return 0;
}

}  // namespace

KILN_INIT(early, 000, check_providers);

extern "C" void kiln_plat_wait_event(uint64_t deadline_ns) {
  if (const kiln_wait_provider* p = provider(); p && p->wait(deadline_ns)) return;
  kiln_plat_idle_until(deadline_ns ? deadline_ns : ~uint64_t{0});
}

extern "C" void kiln_plat_wake_event(void) {
  if (const kiln_wait_provider* p = provider()) p->wake();
}
