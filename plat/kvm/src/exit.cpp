// kvm exit: isa-debug-exit, else ACPI poweroff, else stop the CPU.
//
// 1. isa-debug-exit at port 0xf4 (QEMU `-device isa-debug-exit,iobase=0xf4,
//    iosize=4`): the status is written there and QEMU exits with
//    (status << 1) | 1. Without the device the write goes nowhere.
// 2. ACPI S5: PM1a control at port 0x604 (where SeaBIOS puts the PIIX4 /
//    ICH9 PM block on QEMU pc and q35; SLP_TYP 0 = S5 in QEMU's DSDT), then
//    the microvm GED sleep control register (MMIO 0xfea00200, SLP_TYP S5 |
//    SLP_EN). QEMU then exits with status 0; the app's status is lost.
// 3. cli; hlt forever.
#include "kvm.h"
#include <kiln/arch/cpu.h>
#include <kiln/arch/x86.h>
#include <kiln/plat/console.h>
#include <kiln/plat/exit.h>

namespace kiln::kvm {

void power_off(int status) {
  asm volatile("cli");
  kiln_plat_console_flush();
  kiln::arch::outl(0xf4, static_cast<uint32_t>(status & 0xff));
  kiln::arch::outw(0x604, 0x2000);
  constexpr uintptr_t kGedSleepCtl = 0xfea00200;
  if (kiln::x86::pt_readable(kGedSleepCtl))
    *reinterpret_cast<volatile uint8_t*>(kGedSleepCtl) = (5 << 2) | 0x20;
  for (;;) asm volatile("cli; hlt");
}

}  // namespace kiln::kvm

extern "C" void kiln_plat_exit(int status) { kiln::kvm::power_off(status); }
extern "C" void kiln_plat_crash(void) { kiln::kvm::power_off(KILN_EXIT_CRASH); }
