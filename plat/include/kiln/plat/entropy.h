// Platform contract: an entropy source, for seeding random number
// generators (lwIP's TCP initial sequence numbers, ports, DNS ids).
//
//   kvm, xen   the CPU's RDSEED, else RDRAND (kiln/arch/cpu.h), if CPUID
//              has them (QEMU TCG: -cpu max has RDRAND; qemu64 has none)
//   linuxu     the host kernel's getrandom(2)
#pragma once
#include <stddef.h>
#include <kiln/compiler.h>

struct kiln_plat_entropy_info {
  const char* name;  // "rdseed", "rdrand", "getrandom"; nullptr: no source
  int hardware;      // 1: the CPU's own generator; 0: the host's
};

// Fill buf with n bytes of entropy. Returns n, -ENOSYS when this platform
// (or this CPU) has no source, or another negative errno when the source
// failed (e.g. -EIO: the CPU kept reporting no random numbers).
KILN_EXTERN_C long kiln_plat_entropy(void* buf, size_t n);
// Which source kiln_plat_entropy uses (name nullptr: none).
KILN_EXTERN_C struct kiln_plat_entropy_info kiln_plat_entropy_source(void);
