// xen console: the PV console ring (xencons_interface), shared with
// xenconsoled in dom0, for stdout and stdin.
//
// Output is copied into the ring as it is written; the peer is told
// (EVTCHNOP_send, one hypercall) only on kiln_plat_console_flush (printk
// flushes errors; the platform flushes before idling, reading and at
// exit) or when the ring is full, so a burst of output costs one
// notification. When the ring is full the writer notifies and waits for
// the peer to consume (SCHEDOP_poll on the console port).
//
// Before the ring is up (and when Xen gives no console page) output goes
// to I/O port 0xe9, which Xen prints on its own console with the domain's
// prefix when booted with guest_loglvl=all.
#include "xen.h"
#include <kiln/arch/cpu.h>
#include <kiln/plat/console.h>
#include <kiln/plat/irq.h>
#include <kiln/print.h>

namespace kiln::xen {
namespace {

struct ConsRing {
  char in[1024];
  char out[2048];
  uint32_t in_cons, in_prod;
  uint32_t out_cons, out_prod;
};
static_assert(sizeof(ConsRing) == 3088 && offsetof(ConsRing, out) == 1024 && offsetof(ConsRing, in_cons) == 3072 &&
              offsetof(ConsRing, out_prod) == 3084);

constinit ConsRing* ring = nullptr;
constinit uint32_t port = 0;
constinit bool dirty = false;

void notify() {
  dirty = false;
  evtchn_send(port);
}

void ring_write(const char* s, size_t n) {
  while (n) {
    uint32_t cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
    uint32_t prod = ring->out_prod;
    uint32_t space = sizeof ring->out - (prod - cons);
    if (space > sizeof ring->out) space = 0;  // peer wrote nonsense: treat as full
    if (!space) {
      notify();
      poll_port(port, system_time_ns() ? system_time_ns() + 10000000 : 0);
      continue;
    }
    uint32_t k = space < n ? space : static_cast<uint32_t>(n);
    for (uint32_t i = 0; i < k; ++i) ring->out[(prod + i) % sizeof ring->out] = s[i];
    __atomic_store_n(&ring->out_prod, prod + k, __ATOMIC_RELEASE);
    dirty = true;
    s += k;
    n -= k;
  }
}

}  // namespace

void e9_write(const char* s, size_t n) {
  asm volatile("rep outsb" : "+S"(s), "+c"(n) : "d"(0xe9) : "memory");
}

void console_init() {
  uint64_t pfn = 0, evtchn = 0;
  if (hvm_get_param(kParamConsolePfn, &pfn) || !pfn || hvm_get_param(kParamConsoleEvtchn, &evtchn)) {
    kiln_warn("xen: no PV console (HVM_PARAM_CONSOLE_PFN); output goes to port 0xe9 only");
    return;
  }
  port = static_cast<uint32_t>(evtchn);
  ring = reinterpret_cast<ConsRing*>(pfn << 12);
}

}  // namespace kiln::xen

using namespace kiln::xen;

extern "C" void kiln_plat_console_write(const char* s, size_t n) {
  unsigned long f = kiln_plat_irq_save();
  if (ring) ring_write(s, n);
  else e9_write(s, n);
  kiln_plat_irq_restore(f);
}

extern "C" void kiln_plat_console_flush(void) {
  unsigned long f = kiln_plat_irq_save();
  if (ring && dirty) notify();
  kiln_plat_irq_restore(f);
}

extern "C" long kiln_plat_console_read(char* out, size_t n) {
  if (!n) return 0;
  kiln_plat_console_flush();
  if (!ring) {
    kiln_warn("xen: no console input (no PV console ring)");
    return -5;  // EIO
  }
  for (;;) {
    uint32_t prod = __atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE);
    uint32_t cons = ring->in_cons;
    if (prod - cons > sizeof ring->in) {  // peer wrote nonsense: drop it
      __atomic_store_n(&ring->in_cons, prod, __ATOMIC_RELEASE);
      continue;
    }
    if (prod != cons) {
      size_t got = 0;
      while (got < n && cons != prod) out[got++] = ring->in[cons++ % sizeof ring->in];
      __atomic_store_n(&ring->in_cons, cons, __ATOMIC_RELEASE);
      evtchn_send(port);
      return static_cast<long>(got);
    }
    poll_port(port, 0);
  }
}
