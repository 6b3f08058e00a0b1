#include <kiln/init.h>
#include <kiln/print.h>
#include <errno.h>
#include <string.h>

extern "C" int kiln_run_inits(const kiln_init_entry* begin, const kiln_init_entry* end) {
  static const char* const levels[] = {"early", "plat", "lib", "rootfs", "sys", "late"};
  unsigned last = 0;
  for (const kiln_init_entry* e = begin; e < end; ++e) {
    unsigned key = e->level * 1000u + e->prio;
    if (key < last || e->level > 5) {
      kiln_err("init table out of order at %s (level %u, priority %u)", e->name, e->level, e->prio);
      return -EINVAL;
    }
    last = key;
    kiln_debug("init %s (%s %03u)", e->name, levels[e->level], e->prio);
    int rc = e->fn();
    if (rc != 0) {
      int code = rc < 0 ? -rc : rc;
      kiln_err("init %s (level %s) failed: %s", e->name, levels[e->level], strerror(code));
      return rc < 0 ? rc : -rc;
    }
  }
  return 0;
}
