// xen interrupts, idle and the timer -- without event-channel upcalls yet.
//
// Masking is RFLAGS.IF as on kvm (kiln_plat_irq_save returns 0 when
// interrupts were on). No interrupt source is set up yet (no callback
// vector, no VIRQ_TIMER), so nothing preempts: the timer is a deadline
// that the idle loop honours. kiln_plat_idle_until blocks the vCPU in Xen
// with SCHEDOP_poll on the console port and a timeout at the deadline (Xen
// system time is the monotonic clock), so an idle guest does not spin;
// when it wakes past the timer's deadline it runs the handler, as a timer
// interrupt would.
#include "xen.h"
#include <kiln/arch/x86.h>
#include <kiln/plat/console.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>
#include <kiln/plat/timer.h>

namespace kiln::xen {
namespace {

using Handler = void (*)();
constinit Handler handler = nullptr;
constinit uint64_t target_ns = 0;  // 0 = none
constinit uint32_t idle_port = 0;
constinit bool idle_port_known = false;

}  // namespace

void poll_port(uint32_t port, uint64_t deadline) {
  SharedInfo* s = shared_info();
  if (!s) {
    hypercall(kHcSchedOp, kSchedYield, 0ul);
    return;
  }
  uint32_t p = port;
  SchedPoll sp{&p, 1, deadline};
  hypercall(kHcSchedOp, kSchedPoll, &sp);
  __atomic_fetch_and(&s->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_ACQ_REL);
  s->vcpu_info[0].evtchn_upcall_pending = 0;
}

}  // namespace kiln::xen

using namespace kiln::xen;

extern "C" unsigned long kiln_plat_irq_save(void) {
  uint64_t f;
  asm volatile("pushfq; popq %0; cli" : "=r"(f)::"memory");
  return (f & (1u << 9)) ? 0 : 1;
}

extern "C" void kiln_plat_irq_restore(unsigned long state) {
  if (state) return;
  asm volatile("sti" ::: "memory");
}

extern "C" void kiln_plat_timer_set_handler(void (*fn)(void)) { handler = fn; }

extern "C" void kiln_plat_timer_set_deadline(uint64_t deadline_ns) { target_ns = deadline_ns ? deadline_ns : 1; }

extern "C" void kiln_plat_timer_cancel(void) { target_ns = 0; }

extern "C" void kiln_plat_idle_until(uint64_t deadline_ns) {
  unsigned long f = kiln_plat_irq_save();
  kiln_plat_console_flush();  // show output before the CPU rests
  uint64_t d = deadline_ns;
  if (target_ns && target_ns < d) d = target_ns;
  if (kiln_plat_monotonic_ns() < d) {
    if (!idle_port_known) {
      uint64_t v = 0;
      idle_port = hvm_get_param(kParamConsoleEvtchn, &v) == 0 ? static_cast<uint32_t>(v) : 0;
      idle_port_known = true;
    }
    poll_port(idle_port, d);
  }
  if (target_ns && kiln_plat_monotonic_ns() >= target_ns) {
    target_ns = 0;
    if (handler) handler();
  }
  kiln_plat_irq_restore(f);
}
