// Platform contract: clocks.
#pragma once
#include <stdint.h>
#include <kiln/compiler.h>

// Nanoseconds since an arbitrary point before boot; never goes backwards.
KILN_EXTERN_C uint64_t kiln_plat_monotonic_ns(void);
// The monotonic clock's value when the image started (kvm, xen: its first
// instructions; linuxu: the process start): the zero of the CPU-time clocks.
// Recording it costs nothing at boot; reading it, like any clock read, may
// calibrate the clock on first use (kvm).
KILN_EXTERN_C uint64_t kiln_plat_start_ns(void);
// Nanoseconds since 1970-01-01 UTC.
KILN_EXTERN_C int64_t kiln_plat_wall_ns(void);
// Let the CPU rest until the monotonic clock reaches deadline_ns or an
// event (interrupt, signal) arrives, whichever is first. May return early;
// callers loop. Never spins on platforms that can wait.
KILN_EXTERN_C void kiln_plat_idle_until(uint64_t deadline_ns);
