// kvm console: the 16550 UART at COM1 (0x3f8).
//
// Output is buffered and written in batches with `rep outsb`: under KVM a
// string I/O instruction is one VM exit for the whole batch, where a loop
// of `outb` would be one exit per byte. The buffer is written when it
// fills, on kiln_plat_console_flush (kiln_printk does that for errors),
// before a blocking read, before the CPU idles and at exit or crash.
//
// Input: LSR.DR says a byte is waiting. A reader or poller that must wait
// turns on the UART's receive interrupt (IER.ERBFI, COM1 = ISA IRQ 4,
// routed through the IOAPIC on first use) and sleeps; the interrupt turns
// it off again (one-shot: the line drops, and input nobody waits for
// cannot keep the CPU busy) and wakes the waiters. Without an IOAPIC line
// the waiter re-checks every 10 ms instead.
//
// The line status register (LSR.THRE) is not polled before each byte:
// QEMU's emulated UART accepts bytes at any rate and never drops them, so
// polling would only add an exit per byte. (Real 16550 hardware would
// need the poll; Kiln's kvm platform targets QEMU/KVM.)
#include "kvm.h"
#include <kiln/arch/cpu.h>
#include <kiln/plat/console.h>
#include <kiln/plat/device.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>
#include <kiln/plat/wait.h>
#include <kiln/compiler.h>
#include <errno.h>

namespace {

constexpr uint16_t kCom1 = 0x3f8;
enum : uint16_t { kData = 0, kIer = 1, kFcr = 2, kLcr = 3, kMcr = 4, kLsr = 5 };

constexpr unsigned kIrqLine = 4;  // COM1
constexpr uint8_t kIerRx = 0x01;  // received data available

constinit char buf[4096] = {};
constinit size_t len = 0;
constinit int irq_state = 0;  // 0: not attached yet, 1: attached, <0: errno (no interrupt)

void flush_locked() {
  if (!len) return;
  const char* p = buf;
  size_t n = len;
  asm volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(kCom1) : "memory");
  len = 0;
}

bool data_ready() { return kiln::arch::inb(kCom1 + kLsr) & 1; }

// Events masked: the interrupt quiets the UART (receive interrupt off, so
// the level-triggered line drops) and wakes whoever waits for input.
void on_rx_irq(void*) {
  kiln::arch::outb(kCom1 + kIer, 0);
  kiln_plat_wake_event();
}

}  // namespace

namespace kiln::kvm {

void console_init() {
  using kiln::arch::outb;
  outb(kCom1 + kIer, 0x00);  // no UART interrupts until a reader waits
  outb(kCom1 + kLcr, 0x80);  // DLAB: set the divisor
  outb(kCom1 + kData, 0x01); // 115200 baud
  outb(kCom1 + kIer, 0x00);
  outb(kCom1 + kLcr, 0x03);  // 8N1
  // FCR stays 0: turning the FIFOs on clears them, which would drop input
  // that arrived before boot (QEMU hands bytes over as the guest reads).
  outb(kCom1 + kMcr, 0x03);  // DTR, RTS
}

}  // namespace kiln::kvm

extern "C" void kiln_plat_console_write(const char* s, size_t n) {
  unsigned long f = kiln_plat_irq_save();
  while (n) {
    size_t k = sizeof buf - len < n ? sizeof buf - len : n;
    __builtin_memcpy(buf + len, s, k);
    len += k;
    s += k;
    n -= k;
    if (len == sizeof buf) flush_locked();
  }
  kiln_plat_irq_restore(f);
}

extern "C" void kiln_plat_console_flush(void) {
  unsigned long f = kiln_plat_irq_save();
  flush_locked();
  kiln_plat_irq_restore(f);
}

extern "C" int kiln_plat_console_readable(void) { return data_ready(); }

// Masked. The IOAPIC line is attached on first use (it reads ACPI, which
// images that never wait for input should not pay for).
extern "C" int kiln_plat_console_arm(void) {
  if (irq_state == 0) {
    int r = kiln_plat_irq_attach_line(kIrqLine, on_rx_irq, nullptr);
    irq_state = r == 0 ? 1 : r;
  }
  if (irq_state < 0) return irq_state;
  kiln::arch::outb(kCom1 + kIer, kIerRx);  // QEMU raises the line at once if a byte is there
  return 0;
}

extern "C" long kiln_plat_console_read(char* out, size_t n) {
  using kiln::arch::inb;
  if (!n) return 0;
  kiln_plat_console_flush();
  while (!data_ready()) {
    unsigned long f = kiln_plat_irq_save();
    if (!data_ready()) {
      int armed = kiln_plat_console_arm();
      kiln_plat_wait_event(armed == 0 ? 0 : kiln_plat_monotonic_ns() + 10000000);
    }
    kiln_plat_irq_restore(f);
  }
  size_t got = 0;
  while (got < n && data_ready()) out[got++] = static_cast<char>(inb(kCom1 + kData));
  return static_cast<long>(got);
}

