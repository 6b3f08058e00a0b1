// xen event channels, and the timer and idle hardware under the
// bare-metal event core (kiln/x86bm/events.h, shared with kvm: masking
// is RFLAGS.IF, handlers deferred while idle). Xen delivers every event
// channel through one vector (HVM_PARAM_CALLBACK_IRQ, type "vector"); it keeps
// injecting it while vcpu_info.evtchn_upcall_pending is set and IF is 1,
// so the upcall clears that flag first, then takes the pending ports
// (evtchn_pending_sel, then evtchn_pending & ~evtchn_mask) and clears
// their bits. There is no EOI: the callback vector does not go through the
// local APIC.
//
// Timer: VIRQ_TIMER on vCPU 0 with VCPUOP_set_singleshot_timer at an
// absolute Xen system time, which is the monotonic clock (clock.cpp); the
// periodic timer is stopped. Port handlers are the core's "device"
// handlers: run from the upcall, or before kiln_plat_idle_until returns.
//
// Idle: SCHEDOP_poll, with events masked, on every bound port (the
// timer's among them) and a timeout at the wake-up: the vCPU blocks in Xen
// and uses no host CPU; Xen checks the ports after marking the vCPU
// blocked, so an event that came just before cannot be lost. The events
// are then taken by collect() directly, without an upcall. (Not `sti;
// hlt`: under nested SVM in QEMU TCG the wake-up from HLT occasionally
// delivered the callback vector twice at the same instruction boundary,
// and a second delivery through the same IST stack overwrites the first
// one's frame; see docs/xen.md.) With more than 128 ports bound, the halt
// is `sti; hlt`. Without the callback vector (reported at boot) it polls
// the console port until the wake-up, and nothing preempts.
#include "xen.h"
#include <kiln/x86bm/events.h>
#include <kiln/arch/x86.h>
#include <kiln/plat/console.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>
#include <kiln/plat/timer.h>
#include <kiln/plat/wait.h>
#include <kiln/print.h>
#include <kiln/xen/evtchn.h>

namespace kiln::xen {
namespace {

constexpr unsigned kUpcallVector = 0xf3;
constexpr unsigned kWords = kMaxPorts / 64;
constexpr uint32_t kMaxPollPorts = 128;  // SCHEDOP_poll's limit

struct Slot {
  EventHandler fn;
  void* ctx;
};

constinit Slot slots[kMaxPorts] = {};
constinit volatile uint64_t deferred[kWords] = {};  // ports whose handler waits to run
constinit bool upcalls = false;
constinit uint32_t timer_port = 0;

bool deferred_pending() {
  for (unsigned w = 0; w < kWords; ++w)
    if (deferred[w]) return true;
  return false;
}

void run_deferred() {
  for (unsigned w = 0; w < kWords; ++w) {
    uint64_t m = __atomic_exchange_n(&deferred[w], 0, __ATOMIC_RELAXED);
    while (m) {
      unsigned b = static_cast<unsigned>(__builtin_ctzll(m));
      m &= m - 1;
      uint32_t port = w * 64 + b;
      if (slots[port].fn) slots[port].fn(port, slots[port].ctx);
    }
  }
}

// Take the pending, unmasked ports; the timer is handled here, the others
// marked for their handlers.
void collect() {
  SharedInfo* s = shared_info();
  VcpuInfo& v = s->vcpu_info[0];
  while (__atomic_load_n(&v.evtchn_upcall_pending, __ATOMIC_ACQUIRE)) {
    __atomic_store_n(&v.evtchn_upcall_pending, 0, __ATOMIC_RELEASE);
    uint64_t sel = __atomic_exchange_n(&v.evtchn_pending_sel, 0, __ATOMIC_ACQ_REL);
    while (sel) {
      unsigned w = static_cast<unsigned>(__builtin_ctzll(sel));
      sel &= sel - 1;
      uint64_t bits = __atomic_load_n(&s->evtchn_pending[w], __ATOMIC_ACQUIRE) & ~s->evtchn_mask[w];
      if (!bits) continue;
      __atomic_fetch_and(&s->evtchn_pending[w], ~bits, __ATOMIC_ACQ_REL);
      while (bits) {
        unsigned b = static_cast<unsigned>(__builtin_ctzll(bits));
        bits &= bits - 1;
        uint32_t port = w * 64 + b;
        if (port == timer_port) kiln::bm::timer_fired();
        else if (port < kMaxPorts && slots[port].fn) __atomic_fetch_or(&deferred[w], 1ull << b, __ATOMIC_RELAXED);
      }
    }
  }
}

void on_upcall(kiln_x86_frame*) {
  collect();
  kiln::bm::after_interrupt();
}

long evtchn_op(unsigned cmd, void* arg) { return hypercall(kHcEventChannelOp, cmd, reinterpret_cast<uint64_t>(arg)); }

Error xen_error(long r) { return Error(r < 0 && r > -4096 ? static_cast<int>(-r) : EIO); }

Result<evtchn_port_t> bound(long r, evtchn_port_t port, EventHandler fn, void* ctx) {
  if (r) return xen_error(r);
  if (port >= kMaxPorts) {
    uint32_t p = port;
    evtchn_op(kEvtchnClose, &p);
    kiln_warn("xen: event channel port %u is beyond the %u Kiln handles", port, kMaxPorts);
    return Error(ENOSPC);
  }
  auto a = evtchn_attach(port, fn, ctx);
  if (!a.ok()) return a.error();
  return Ok(port);
}

}  // namespace

bool events_ready() { return upcalls; }

bool events_init() {
  SharedInfo* s = shared_info();
  if (!s) return false;
  kiln_x86_set_irq_handler(kUpcallVector, on_upcall);
  long r = hvm_set_param(kParamCallbackIrq, (2ull << 56) | kUpcallVector);
  if (r) {
    kiln_warn("xen: cannot set the event callback vector (HVM_PARAM_CALLBACK_IRQ: %ld): no timer interrupts", r);
    return false;
  }
  s->vcpu_info[0].evtchn_upcall_mask = 0;
  hypercall(kHcVcpuOp, kVcpuStopPeriodicTimer, 0, 0);
  EvtchnBindVirq b{kVirqTimer, 0, 0};
  r = evtchn_op(kEvtchnBindVirq, &b);
  if (r) {
    kiln_warn("xen: cannot bind VIRQ_TIMER (%ld): no timer interrupts", r);
    return false;
  }
  timer_port = b.port;
  upcalls = true;
  return true;
}

void poll_port(uint32_t port, uint64_t deadline) {
  SharedInfo* s = shared_info();
  if (!s) {
    hypercall(kHcSchedOp, kSchedYield, 0ul);
    return;
  }
  uint32_t p = port;
  SchedPoll sp{&p, 1, deadline};
  hypercall(kHcSchedOp, kSchedPoll, &sp);
  // Only this port's bit: the upcall finds the others (upcall_pending
  // stays set, so Xen injects it once interrupts are on).
  __atomic_fetch_and(&s->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_ACQ_REL);
}

Result<void> evtchn_attach(evtchn_port_t port, EventHandler fn, void* ctx) {
  if (port >= kMaxPorts) return Error(ENOSPC);
  unsigned long f = kiln_plat_irq_save();
  slots[port] = {fn, ctx};
  kiln_plat_irq_restore(f);
  evtchn_unmask(port);
  return {};
}

Result<evtchn_port_t> evtchn_bind_virq(uint32_t virq, EventHandler fn, void* ctx) {
  EvtchnBindVirq b{virq, 0, 0};
  long r = evtchn_op(kEvtchnBindVirq, &b);
  return bound(r, b.port, fn, ctx);
}

Result<evtchn_port_t> evtchn_alloc_unbound(domid_t remote_dom, EventHandler fn, void* ctx) {
  EvtchnAllocUnbound a{kDomidSelf, remote_dom, 0};
  long r = evtchn_op(kEvtchnAllocUnbound, &a);
  return bound(r, a.port, fn, ctx);
}

Result<evtchn_port_t> evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port, EventHandler fn,
                                              void* ctx) {
  EvtchnBindInterdomain b{remote_dom, remote_port, 0};
  long r = evtchn_op(kEvtchnBindInterdomain, &b);
  return bound(r, b.local_port, fn, ctx);
}

Result<void> evtchn_unbind(evtchn_port_t port) {
  if (port >= kMaxPorts || port == timer_port) return Error(EINVAL);
  evtchn_mask(port);
  unsigned long f = kiln_plat_irq_save();
  slots[port] = {nullptr, nullptr};
  __atomic_fetch_and(&deferred[port / 64], ~(1ull << (port % 64)), __ATOMIC_RELAXED);
  kiln_plat_irq_restore(f);
  uint32_t p = port;
  long r = evtchn_op(kEvtchnClose, &p);
  if (r) return xen_error(r);
  return {};
}

void evtchn_mask(evtchn_port_t port) {
  if (SharedInfo* s = shared_info())
    __atomic_fetch_or(&s->evtchn_mask[port / 64], 1ull << (port % 64), __ATOMIC_ACQ_REL);
}

void evtchn_unmask(evtchn_port_t port) {
  // EVTCHNOP_unmask: Xen clears the bit and raises the upcall if the port
  // became pending while masked. A port that is not masked (the console
  // and xenstore ports at boot) costs no hypercall.
  SharedInfo* s = shared_info();
  if (s && !(__atomic_load_n(&s->evtchn_mask[port / 64], __ATOMIC_ACQUIRE) & (1ull << (port % 64)))) return;
  uint32_t p = port;
  evtchn_op(kEvtchnUnmask, &p);
}

Result<void> evtchn_notify(evtchn_port_t port) {
  long r = evtchn_send(port);
  if (r) return xen_error(r);
  return {};
}

}  // namespace kiln::xen

using namespace kiln::xen;

// The event core's hardware hooks (kiln/x86bm/events.h).
namespace kiln::bm::hw {

void timer_init() {}

void timer_arm(uint64_t d) {
  if (!upcalls) return;
  if (!d) {
    hypercall(kHcVcpuOp, kVcpuStopSingleshotTimer, 0, 0);
    return;
  }
  SingleshotTimer t{d, 0};  // no VCPU_SSHOTTMR_future: a past deadline fires at once
  hypercall(kHcVcpuOp, kVcpuSetSingleshotTimer, 0, reinterpret_cast<uint64_t>(&t));
}

bool devices_pending() { return deferred_pending(); }

void run_devices() { run_deferred(); }

void halt(uint64_t wake) {
  if (upcalls) {
    // SCHEDOP_poll on every bound port (the timer's among them), events
    // masked: Xen checks the ports after marking the vCPU blocked, so an
    // event that came before the call is not lost, and nothing is
    // injected while the vCPU idles; the events are taken right after.
    uint32_t ports[kMaxPollPorts];
    uint32_t n = 0;
    ports[n++] = timer_port;
    for (uint32_t p = 0; p < kMaxPorts; ++p) {
      if (!slots[p].fn || p == timer_port) continue;
      if (n == kMaxPollPorts) {  // too many to poll: halt until the upcall
        kiln::x86::sti_hlt();
        kiln::x86::cli();
        return;
      }
      ports[n++] = p;
    }
    SchedPoll sp{ports, n, wake};
    hypercall(kHcSchedOp, kSchedPoll, &sp);
    collect();
    return;
  }
  uint64_t v = 0;
  poll_port(hvm_get_param(kParamConsoleEvtchn, &v) == 0 ? static_cast<uint32_t>(v) : 0, wake);
  kiln::bm::timer_fired();
}

}  // namespace kiln::bm::hw

