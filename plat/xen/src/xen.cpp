// The xen platform: from the arch boot code to kiln_boot_main.
//
// A PVH domU: Xen enters at the XEN_ELFNOTE_PHYS32_ENTRY address with
// ebx = hvm_start_info (parsed by the base's PVH parser, kiln/x86bm/bootinfo.h). Order:
// hypercall page (needs nothing), memory (page tables, free list: the
// bare-metal base, plat/x86bm), shared_info, event channels (upcall vector, VIRQ_TIMER),
// PV console ring, xenstore, then main.
// Until the console ring is up, output goes to port 0xe9.
//
// Command line: xl's `extra`, split into words; argv[0] is the app name.
// Words before `--` are Kiln options (lib/boot), the rest the app's.
#include "xen.h"
#include <kiln/x86bm/base.h>
#include <kiln/arch/cpu.h>
#include <kiln/arch/x86.h>
#include <kiln/init.h>
#include <kiln/plat/exit.h>
#include <kiln/plat/memory.h>
#include <kiln/print.h>
#include <errno.h>

#ifndef KILN_XEN_APP_NAME
#define KILN_XEN_APP_NAME "app"
#endif

namespace kiln::xen {
namespace {

constinit kiln::bm::BootInfo boot_info = {};
constinit char app_name[] = KILN_XEN_APP_NAME;
constinit bool have_store = false;

void early(const char* s) { e9_write(s, __builtin_strlen(s)); }

int boot_report() {
  const kiln_mem_region* r;
  size_t n = kiln_plat_mem_regions(&r);
  unsigned long kib = 0;
  for (size_t i = 0; i < n; ++i) kib += r[i].len >> 10;
  kiln_info("xen: PVH domU; %lu KiB free in %zu ranges; shared_info %s; events %s; xenstore %s; initrd %lu bytes",
            kib, n, shared_info() ? "mapped" : "missing", events_ready() ? "upcall vector" : "polled only",
            have_store ? "connected" : "missing", static_cast<unsigned long>(boot_info.initrd_len));
  return 0;
}

}  // namespace
}  // namespace kiln::xen

KILN_INIT(plat, 010, kiln::xen::boot_report);

extern "C" void kiln_x86_bm_main(uint32_t entry, uint32_t info, uint32_t eax) {
  using namespace kiln::xen;
  using namespace kiln::bm;
  (void)entry;
  (void)eax;
  if (!hypercall_init()) {
    early("kiln: xen: not running on Xen (no Xen CPUID leaves / hypercall page)\n");
    for (;;) asm volatile("cli; hlt");
  }
  const PhysView view{0, 0, 1ull << 32};
  BootError err = parse_pvh(view, info, &boot_info);
  if (err != BootError::ok) {
    kiln_printk(KILN_LOG_CRIT, "xen: bad hvm_start_info at 0x%x: %s", info, boot_error_str(err));
    kiln_plat_crash();
  }
  if (!memory_init(boot_info, "xen")) kiln_plat_crash();
  bool events = map_shared_info() && events_init();
  mark_start();
  kiln::xen::console_init();
  int r = xenstore_init();
  have_store = r == 0;
  if (r) kiln_warn("xen: no xenstore (%d): the exit status will not reach the host", r);

  int argc;
  char** argv = kiln_boot_argv(reinterpret_cast<char*>(boot_info.cmdline), app_name, 0, "xen", &argc);
  if (!events) kiln_warn("xen: no event upcalls: no preemption; idle polls the console port");
  asm volatile("sti" ::: "memory");
  kiln_boot_main(argc, argv);
}
