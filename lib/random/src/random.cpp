// The shared generator behind kiln/random.h (moved here from lib/lwip so
// that lwIP and the vfs's /dev/urandom use one seeded generator).
#include <kiln/random.h>
#include <kiln/chacha_rng.h>
#include <kiln/arch/cpu.h>
#include <kiln/lock.h>
#include <kiln/plat/entropy.h>
#include <kiln/plat/time.h>
#include <kiln/print.h>
#include <errno.h>
#include <string.h>

namespace {

constinit kiln::ChachaRng rng;
constinit bool have_entropy = false;
constexpr int kMaxSources = 4;
constinit const kiln_random_source* sources[kMaxSources];
constinit int nsources = 0;

// Mixes what the registered devices have into seed[0..32); returns the
// bytes they gave and the first giver's name.
size_t device_entropy(uint8_t* seed, const char** name) {
  size_t got = 0;
  for (int i = 0; i < nsources; ++i) {
    uint8_t b[32];
    long r = sources[i]->read(b, sizeof b);
    if (r <= 0) continue;
    if (r > static_cast<long>(sizeof b)) r = sizeof b;  // a source that lies about its count
    for (long k = 0; k < r; ++k) seed[k] ^= b[k];
    if (!got && name) *name = sources[i]->name;
    got += static_cast<size_t>(r);
    memset(b, 0, sizeof b);
  }
  return got;
}
constexpr uint64_t kReseedBytes = 64 * 1024;

// Without an entropy source: the clocks, read with the CPU's cycle counter
// between reads (their jitter), hashed by the generator. Better than a
// constant, but an attacker who can estimate the boot time can guess it.
void clock_seed(uint64_t* w, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    uint64_t c = kiln::arch::cycles();
    w[i] = c ^ (kiln_plat_monotonic_ns() << 17) ^ static_cast<uint64_t>(kiln_plat_wall_ns()) ^
           (reinterpret_cast<uintptr_t>(&c) << 3) ^ (i * 0x9e3779b97f4a7c15ull);
  }
}

void seed_rng() {
  uint8_t seed[32];
  long r = kiln_plat_entropy(seed, sizeof seed);
  if (r != static_cast<long>(sizeof seed)) memset(seed, 0, sizeof seed);
  const char* dev = nullptr;
  size_t from_dev = device_entropy(seed, &dev);
  if (r == static_cast<long>(sizeof seed) || from_dev >= sizeof seed) {
    if (!have_entropy) {
      kiln_plat_entropy_info src = kiln_plat_entropy_source();
      if (r == static_cast<long>(sizeof seed))
        kiln_info("random numbers seeded from %s (%s)%s%s", src.name ? src.name : "?",
                  src.hardware ? "the CPU" : "the host", from_dev ? " and " : "", from_dev ? dev : "");
      else
        kiln_info("random numbers seeded from %s (a device)", dev);
    }
    have_entropy = true;
    rng.reseed(seed, sizeof seed);
  } else if (have_entropy) {
    // A periodic reseed failed (the CPU unit is busy or broken): the key
    // already came from the source; stir it (no secret is added, none is
    // lost) and try again after another kReseedBytes.
    rng.reseed(&r, sizeof r);
  } else if (!rng.seeded()) {
    // Printed once: without a source the generator is seeded only here
    // (and, when a device source is registered, again at each draw until
    // the device has given a full seed).
    if (r == -ENOSYS && nsources)
      kiln_warn("random: no entropy yet (the CPU has none; waiting for %s): random numbers drawn before it "
                "answers come from a clock seed", sources[0]->name);
    else if (r == -ENOSYS)
      kiln_warn("random: no entropy source on this platform or CPU: random numbers (TCP sequence numbers, "
                "DNS ids, /dev/urandom) come from a clock seed and may be guessed (on QEMU, use a CPU with "
                "RDRAND: -cpu max or host)");
    else
      kiln_warn("random: the entropy source failed (%ld): random numbers (TCP sequence numbers, DNS ids, "
                "/dev/urandom) come from a clock seed and may be guessed", r);
    uint64_t w[8];
    clock_seed(w, 8);
    rng.reseed(w, sizeof w);
    memset(w, 0, sizeof w);
  } else if (from_dev) {
    rng.reseed(seed, from_dev);  // part of a seed from the device: stir it in
  }
  memset(seed, 0, sizeof seed);
}

void maybe_seed() {
  if (!rng.seeded() || (have_entropy && rng.since_reseed() >= kReseedBytes) || (!have_entropy && nsources))
    seed_rng();
}

}  // namespace

// Events masked: lwIP draws from interrupt-free thread context, but the
// generator's state must not be seen half-updated by another thread.
// Long requests are served in pieces so events are not masked for long.
void kiln_random_fill(void* buf, size_t n) {
  auto* p = static_cast<unsigned char*>(buf);
  while (n) {
    size_t k = n < 4096 ? n : 4096;
    {
      kiln::IrqGuard g;
      maybe_seed();
      rng.fill(p, k);
    }
    p += k;
    n -= k;
  }
}

int kiln_random_add_source(const kiln_random_source* s) {
  kiln::IrqGuard g;
  if (nsources == kMaxSources) return -ENOSPC;
  sources[nsources++] = s;  // a generator seeded from clocks takes it at the next draw
  return 0;
}

uint32_t kiln_random_u32(void) {
  kiln::IrqGuard g;
  maybe_seed();
  return rng.next_u32();
}
