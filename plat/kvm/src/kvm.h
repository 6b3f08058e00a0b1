// kvm platform internals shared by its source files.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/x86bm/base.h>

namespace kiln::kvm {

// console.cpp
void console_init();

// clock.cpp: TSC frequency (calibrated on first use) and conversions.
uint64_t tsc_hz();
uint64_t tsc_to_ns(uint64_t tsc);
uint64_t ns_to_tsc(uint64_t ns);
const char* clock_source();

// events.cpp: PIC masking at boot; the LAPIC; deferred handlers.
void pic_mask_all();
void apic_init();  // idempotent
void apic_eoi();
uint32_t apic_id();

// devices.cpp: device interrupts (IOAPIC lines, MSI) and the
// virtio_mmio.device words of the command line.
bool device_irqs_pending();
void run_device_irqs();
// Where the loader said the ACPI RSDP is (0: search); ACPI is read on
// first use.
void acpi_devices(uint64_t rsdp);
// Removes `virtio_mmio.device=` words from the command line in place
// (wherever they are: QEMU appends them after the app's arguments) and
// records the devices.
void take_mmio_devices(char* cmdline);

// exit.cpp
[[noreturn]] void power_off(int status);

}  // namespace kiln::kvm
