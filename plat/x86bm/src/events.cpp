// The event core of the bare-metal x86 platforms: see kiln/x86bm/events.h.
#include <kiln/x86bm/events.h>
#include <kiln/arch/x86.h>
#include <kiln/plat/console.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>
#include <kiln/plat/timer.h>

namespace kiln::bm {
namespace {

using Handler = void (*)();
constinit Handler handler = nullptr;
constinit volatile uint64_t target_ns = 0;  // the timer's deadline, 0 = none
constinit volatile uint64_t wake_ns = 0;    // idle wake-up, 0 = none
constinit volatile bool in_idle = false;
constinit volatile bool pending = false;    // the timer handler is due
constinit bool hw_ready = false;

void init() {
  if (hw_ready) return;
  hw::timer_init();
  hw_ready = true;
}

// The earlier of the timer and idle deadlines (0: none).
uint64_t earliest() {
  uint64_t d = target_ns;
  if (wake_ns && (!d || wake_ns < d)) d = wake_ns;
  return d;
}

void arm() { hw::timer_arm(earliest()); }

void run_pending() {
  while (pending || hw::devices_pending()) {
    hw::run_devices();  // first: the timer handler may switch threads
    if (pending) {
      pending = false;
      if (handler) handler();
    }
  }
}

}  // namespace

void timer_fired() {
  uint64_t now = kiln_plat_monotonic_ns();
  if (wake_ns && now >= wake_ns) wake_ns = 0;
  if (target_ns && now >= target_ns) {
    target_ns = 0;
    pending = true;
  }
  if (target_ns || wake_ns) arm();  // early or spurious: wait for the rest
}

void after_interrupt() {
  if (!in_idle) run_pending();
}

bool idling() { return in_idle; }

}  // namespace kiln::bm

using namespace kiln::bm;

extern "C" unsigned long kiln_plat_irq_save(void) {
  uint64_t f;
  asm volatile("pushfq; popq %0; cli" : "=r"(f)::"memory");
  return (f & (1u << 9)) ? 0 : 1;
}

extern "C" void kiln_plat_irq_restore(unsigned long state) {
  if (state) return;
  if ((pending || hw::devices_pending()) && !in_idle) run_pending();
  asm volatile("sti" ::: "memory");
}

extern "C" void kiln_plat_timer_set_handler(void (*fn)(void)) {
  unsigned long f = kiln_plat_irq_save();
  init();
  handler = fn;
  kiln_plat_irq_restore(f);
}

extern "C" void kiln_plat_timer_set_deadline(uint64_t deadline_ns) {
  unsigned long f = kiln_plat_irq_save();
  init();
  target_ns = deadline_ns ? deadline_ns : 1;
  arm();
  kiln_plat_irq_restore(f);
}

extern "C" void kiln_plat_timer_cancel(void) {
  unsigned long f = kiln_plat_irq_save();
  target_ns = 0;
  if (hw_ready) arm();
  kiln_plat_irq_restore(f);
}

extern "C" void kiln_plat_idle_until(uint64_t deadline_ns) {
  unsigned long f = kiln_plat_irq_save();
  kiln_plat_console_flush();  // show output before the CPU rests
  if (!pending && !hw::devices_pending() && kiln_plat_monotonic_ns() < deadline_ns) {
    init();
    wake_ns = deadline_ns;
    arm();
    in_idle = true;
    hw::halt(earliest());  // one interrupt (any) ends the wait
    in_idle = false;
    if (wake_ns) {
      wake_ns = 0;
      arm();
    }
  }
  // Device handlers only wake threads: run them here, so the scheduler
  // sees the woken threads as soon as this returns. (The idle thread runs
  // masked; a restore there would not run them.)
  if (hw::devices_pending()) hw::run_devices();
  kiln_plat_irq_restore(f);
}

// Signals from outside the image (kiln/plat/signal.h): none on the
// bare-metal platforms yet; the ACPI power button or xen's shutdown request
// could become SIGTERM here later.
extern "C" void kiln_plat_signal_set_handler(void (*)(int)) {}
