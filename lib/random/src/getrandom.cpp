// getrandom(2) and getentropy(3) over the kernel's generator (random.cpp):
// ChaCha20 seeded from the platform's entropy source and reseeded from it
// every 64 KiB. The generator never blocks once seeded and is seeded at the
// first draw, so GRND_NONBLOCK, GRND_RANDOM and GRND_INSECURE change
// nothing (as on Linux after boot). Without an entropy source the first
// draw logs a warning once (random.cpp).
#include <kiln/random.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <sys/random.h>

extern "C" {

long kiln_sys_getrandom(void* buf, size_t n, unsigned flags) {
  if (flags & ~static_cast<unsigned>(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -EINVAL;
  if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE)) return -EINVAL;
  if (n && !buf) return -EFAULT;
  // Linux returns at most 32 MiB - 1 per call (33554431 bytes).
  if (n > 33554431) n = 33554431;
  kiln_random_fill(buf, n);
  return static_cast<long>(n);
}
KILN_SYSCALL(getrandom);

ssize_t getrandom(void* buf, size_t n, unsigned flags) { return kiln_sys_ret(kiln_sys_getrandom(buf, n, flags)); }

int getentropy(void* buf, size_t n) {
  if (n > 256) {
    errno = EIO;  // POSIX 2024 and glibc: more than 256 bytes is an error
    return -1;
  }
  long r = kiln_sys_getrandom(buf, n, 0);
  return r < 0 ? static_cast<int>(kiln_sys_ret(r)) : 0;
}

}  // extern "C"
