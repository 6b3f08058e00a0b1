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
#include "rings.h"
#include "xen.h"
#include <kiln/arch/cpu.h>
#include <kiln/plat/console.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/wait.h>
#include <kiln/print.h>
#include <kiln/xen/evtchn.h>

namespace kiln::xen {
namespace {

constinit ConsRing* ring = nullptr;
constinit uint32_t port = 0;
constinit bool dirty = false;
constinit bool input_events = false;  // input wakes readers through the port handler

void notify() {
  dirty = false;
  evtchn_send(port);
}

void ring_write(const char* s, size_t n) {
  while (n && ring) {
    long k = ring_put(ring->out, sizeof ring->out, &ring->out_cons, &ring->out_prod, s, n);
    if (k < 0) {  // the peer wrote nonsense: stop using the ring
      ring = nullptr;
      const char msg[] = "kiln: xen: corrupt console ring indices; console output goes to port 0xe9\n";
      e9_write(msg, sizeof msg - 1);
      e9_write(s, n);
      return;
    }
    if (k == 0) {  // full: let xenconsoled drain it
      notify();
      poll_port(port, system_time_ns() ? system_time_ns() + 10000000 : 0);
      continue;
    }
    dirty = true;
    s += k;
    n -= static_cast<size_t>(k);
  }
}

void on_console_event(evtchn_port_t, void*) { kiln_plat_wake_event(); }

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
  if (events_ready()) input_events = evtchn_attach(port, on_console_event, nullptr).ok();
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
  unsigned long f = kiln_plat_irq_save();
  for (;;) {
    if (!ring) {
      kiln_plat_irq_restore(f);
      return -5;  // EIO: the ring went bad
    }
    long k = ring_get(ring->in, sizeof ring->in, &ring->in_cons, &ring->in_prod, out, n);
    if (k < 0) {  // the peer wrote nonsense: drop what it claims to have
      kiln_warn("xen: corrupt console input ring indices; input dropped");
      __atomic_store_n(&ring->in_cons, __atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
      continue;
    }
    if (k > 0) {
      evtchn_send(port);  // room for more input
      kiln_plat_irq_restore(f);
      return k;
    }
    // Wait for input: as a thread (others run) when events are up.
    if (input_events) kiln_plat_wait_event(0);
    else poll_port(port, 0);
  }
}

extern "C" int kiln_plat_console_readable(void) {
  unsigned long f = kiln_plat_irq_save();
  // No ring (or a ring gone bad): a read fails at once, so it is "ready".
  int r = !ring || __atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE) != __atomic_load_n(&ring->in_cons,
                                                                                      __ATOMIC_RELAXED);
  kiln_plat_irq_restore(f);
  return r;
}

// The console port's handler wakes waiters on every event (on_console_event);
// without event delivery the poller has to re-check.
extern "C" int kiln_plat_console_arm(void) { return input_events ? 0 : -19; /* ENODEV */ }
