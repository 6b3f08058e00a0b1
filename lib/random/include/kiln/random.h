// The kernel's random numbers: one ChaCha20 generator (kiln/chacha_rng.h)
// seeded at first use from the platform's entropy source
// (kiln/plat/entropy.h) and reseeded from it every 64 KiB of output.
// Without a source (QEMU's qemu64 CPU model) it warns once and seeds from
// the clocks and the cycle counter, which an attacker who can estimate the
// boot time may guess. Safe from any thread and from interrupt handlers.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/compiler.h>

KILN_EXTERN_C void kiln_random_fill(void* buf, size_t n);
KILN_EXTERN_C uint32_t kiln_random_u32(void);

// A device that gives entropy (a virtio-rng driver), mixed into every
// (re)seed next to the platform's source. read() must not block: it copies
// what it has now (0..n bytes) and returns the count, or a negative errno;
// it may be called with events masked.
struct kiln_random_source {
  const char* name;
  long (*read)(void* buf, size_t n);
};
// At most 4 sources; registering more is refused (-ENOSPC). Call from an
// init (or a driver's probe); the next seed uses it.
KILN_EXTERN_C int kiln_random_add_source(const struct kiln_random_source* s);
