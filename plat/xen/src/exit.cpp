// xen exit: main's status goes to xenstore (data/kiln-exit-status under
// the domain's home, where the test rig or a host script reads it before
// the domain is destroyed), then SCHEDOP_shutdown(poweroff). A crash
// (panic, failed assertion, CPU exception) shuts down with reason crash
// and writes nothing: the toolstack sees the reason (xl list shows 'c').
#include "xen.h"
#include <kiln/plat/console.h>
#include <kiln/plat/exit.h>
#include <kiln/print.h>
#include <kiln/xen/xenstore.h>

extern "C" void kiln_plat_exit(int status) {
  using namespace kiln::xen;
  asm volatile("cli");
  kiln_plat_console_flush();
  if (ready() && shared_info()) {
    char v[12];
    unsigned u = static_cast<unsigned>(status & 0xff);
    int i = 0;
    char tmp[4];
    int k = 0;
    do tmp[k++] = static_cast<char>('0' + u % 10);
    while ((u /= 10));
    while (k) v[i++] = tmp[--k];
    v[i] = 0;
    xenstore_exiting();
    auto r = xs_write("data/kiln-exit-status", v);
    if (!r.ok()) {
      kiln_warn("xen: cannot write the exit status to xenstore (error %d)", r.error().code());
      kiln_plat_console_flush();
    }
  }
  shutdown(kShutdownPoweroff);
}

extern "C" void kiln_plat_crash(void) {
  asm volatile("cli");
  kiln::xen::shutdown(kiln::xen::kShutdownCrash);
}
