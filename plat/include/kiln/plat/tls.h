// The thread pointer (thread-local storage, kiln/arch/tls.h): installing
// it on the CPU is the platform's. lib/boot installs the main thread's
// before any KILN_INIT or constructor runs; the scheduler installs each
// thread's when it switches to it (masked).
//   x86bm (kvm, xen): wrfsbase when the CPU has FSGSBASE (plat boot code
//                     enables CR4.FSGSBASE), else the FS base MSR
//   linuxu:           wrfsbase when the host kernel allows it in user
//                     mode (AT_HWCAP2 bit 1), else arch_prctl(SET_FS)
#pragma once
#include <stdint.h>
#include <kiln/compiler.h>

KILN_EXTERN_C void kiln_plat_tls_set(uintptr_t tp);
// How kiln_plat_tls_set does it ("wrfsbase", "msr", "arch_prctl"), for
// reports and benchmarks.
KILN_EXTERN_C const char* kiln_plat_tls_method(void);
