// kvm platform internals shared by its source files.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/kvm/bootinfo.h>

namespace kiln::kvm {

// console.cpp
void console_init();

// memory.cpp: page tables and the free-memory list from the boot info.
// Returns false after printing why (the boot cannot go on).
bool memory_init(const BootInfo& bi);

// clock.cpp: TSC frequency (calibrated on first use) and conversions.
uint64_t tsc_hz();
uint64_t tsc_to_ns(uint64_t tsc);
uint64_t ns_to_tsc(uint64_t ns);
const char* clock_source();

// events.cpp: PIC masking at boot.
void pic_mask_all();

// exit.cpp
[[noreturn]] void power_off(int status);

}  // namespace kiln::kvm
