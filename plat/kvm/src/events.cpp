// kvm interrupts and the one-shot timer hardware. Masking, deferral, the
// scheduler's timer and idle are the bare-metal event core
// (kiln/x86bm/events.h, shared with xen); this file gives it the LAPIC
// timer and halts with `sti; hlt`. The boot masks the legacy PIC
// (remapped to vectors 0x20..0x2f first, so a stray IRQ cannot look like
// an exception) and enables interrupts before kiln_boot_main.
//
// The LAPIC is set up lazily, when the timer is first used: x2APIC (MSRs)
// when the CPU has it, else xAPIC (MMIO at the APIC base, identity mapped
// uncached). The timer is the TSC-deadline mode when CPUID advertises it,
// else the LAPIC timer in one-shot mode with its rate measured against
// the TSC on first use. A deadline too far for the 32-bit LAPIC counter
// is reached in several shots; the handler runs only once the monotonic
// clock has reached the deadline.
#include "kvm.h"
#include <kiln/x86bm/events.h>
#include <kiln/arch/cpu.h>
#include <kiln/arch/x86.h>
#include <kiln/plat/console.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>
#include <kiln/plat/timer.h>
#include <kiln/assert.h>
#include <kiln/print.h>

namespace kiln::kvm {
namespace {

using kiln::arch::outb;
using kiln::x86::cpuid;
using kiln::x86::rdmsr;
using kiln::x86::wrmsr;

constexpr unsigned kTimerVector = 0xf0, kSpuriousVector = 0xff;
constexpr uint32_t kMsrApicBase = 0x1b, kMsrTscDeadline = 0x6e0;
enum : uint32_t {
  kRegEoi = 0xb0, kRegSvr = 0xf0, kRegLvtTimer = 0x320, kRegLvtLint0 = 0x350,
  kRegLvtLint1 = 0x360, kRegLvtError = 0x370, kRegInitCount = 0x380, kRegCurCount = 0x390,
  kRegDivide = 0x3e0,
};

constinit bool apic_ready = false;
constinit bool x2apic = false;
constinit bool tsc_deadline = false;
constinit uintptr_t apic_mmio = 0;
constinit uint64_t apic_hz = 0;           // LAPIC timer counts per second (divide 16)

uint32_t apic_read(uint32_t reg) {
  if (x2apic) return static_cast<uint32_t>(rdmsr(0x800 + (reg >> 4)));
  return *reinterpret_cast<volatile uint32_t*>(apic_mmio + reg);
}

void apic_write(uint32_t reg, uint32_t v) {
  if (x2apic) wrmsr(0x800 + (reg >> 4), v);
  else *reinterpret_cast<volatile uint32_t*>(apic_mmio + reg) = v;
}

}  // namespace

void apic_eoi() { apic_write(kRegEoi, 0); }

uint32_t apic_id() {
  apic_init();
  return x2apic ? apic_read(0x20) : apic_read(0x20) >> 24;
}

namespace {

void on_timer(kiln_x86_frame*) {
  apic_write(kRegEoi, 0);  // first: the handler may switch threads
  kiln::bm::timer_fired();
  kiln::bm::after_interrupt();
}

void on_spurious(kiln_x86_frame*) {}

}  // namespace

void apic_init() {
  if (apic_ready) return;
  auto c1 = cpuid(1);
  if (!(c1.d & (1u << 9))) kiln_panic("kvm: the CPU has no local APIC");
  x2apic = c1.c & (1u << 21);
  tsc_deadline = c1.c & (1u << 24);
  uint64_t base = rdmsr(kMsrApicBase);
  base |= 1u << 11;  // enable
  if (x2apic) base |= 1u << 10;
  wrmsr(kMsrApicBase, base);
  apic_mmio = base & 0xfffff000u;
  kiln_x86_set_irq_handler(kTimerVector, on_timer);
  kiln_x86_set_irq_handler(kSpuriousVector, on_spurious);
  apic_write(kRegSvr, 0x100 | kSpuriousVector);
  apic_write(kRegLvtLint0, 1u << 16);  // masked
  apic_write(kRegLvtLint1, 1u << 16);
  apic_write(kRegLvtError, 1u << 16);
  if (tsc_deadline) {
    apic_write(kRegLvtTimer, (2u << 17) | kTimerVector);
  } else {
    // One-shot, divide by 16; measure the count rate against the TSC.
    apic_write(kRegDivide, 0x3);
    apic_write(kRegLvtTimer, (1u << 16) | kTimerVector);  // masked while measuring
    uint64_t f = tsc_hz();
    apic_write(kRegInitCount, 0xffffffffu);
    uint64_t t0 = kiln::arch::cycles();
    uint32_t c0 = apic_read(kRegCurCount);
    while (kiln::arch::cycles() - t0 < f / 1000) kiln::arch::pause();  // ~1 ms
    uint32_t c1v = apic_read(kRegCurCount);
    uint64_t t1 = kiln::arch::cycles();
    apic_write(kRegInitCount, 0);
    apic_hz = static_cast<uint64_t>(static_cast<unsigned __int128>(c0 - c1v) * f / (t1 - t0));
    if (!apic_hz) apic_hz = 1000000000 / 16;
    apic_write(kRegLvtTimer, kTimerVector);
  }
  apic_ready = true;
  kiln_info("kvm: timer: %s, %s", tsc_deadline ? "TSC deadline" : "LAPIC one-shot", x2apic ? "x2APIC" : "xAPIC");
  if (!tsc_deadline) kiln_info("kvm: LAPIC timer %lu kHz (divide 16)", static_cast<unsigned long>(apic_hz / 1000));
}

void pic_mask_all() {
  // ICW1..4: remap master to 0x20, slave to 0x28, then mask every line.
  outb(0x20, 0x11);
  outb(0xa0, 0x11);
  outb(0x21, 0x20);
  outb(0xa1, 0x28);
  outb(0x21, 0x04);
  outb(0xa1, 0x02);
  outb(0x21, 0x01);
  outb(0xa1, 0x01);
  outb(0x21, 0xff);
  outb(0xa1, 0xff);
}

}  // namespace kiln::kvm

// The event core's hardware hooks (kiln/x86bm/events.h).
namespace kiln::bm::hw {

void timer_init() { kiln::kvm::apic_init(); }

void timer_arm(uint64_t d) {
  using namespace kiln::kvm;
  if (tsc_deadline) {
    wrmsr(kMsrTscDeadline, d ? (ns_to_tsc(d) ? ns_to_tsc(d) : 1) : 0);
    return;
  }
  if (!d) {
    apic_write(kRegInitCount, 0);
    return;
  }
  uint64_t now = kiln_plat_monotonic_ns();
  uint64_t delta = d > now ? d - now : 0;
  unsigned __int128 c = static_cast<unsigned __int128>(delta) * apic_hz / 1000000000u;
  uint32_t count = c > 0xffffffffu ? 0xffffffffu : c ? static_cast<uint32_t>(c) : 1;
  apic_write(kRegInitCount, count);
}

bool devices_pending() { return kiln::kvm::device_irqs_pending(); }

void run_devices() { kiln::kvm::run_device_irqs(); }

void halt(uint64_t) {
  kiln::x86::sti_hlt();
  kiln::x86::cli();
}

}  // namespace kiln::bm::hw
