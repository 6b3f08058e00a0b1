// linuxu: entropy from the host kernel's getrandom(2) (kiln/plat/entropy.h).
#include "syscall.h"
#include <kiln/plat/entropy.h>
#include <errno.h>
#include <stdint.h>

namespace {
constexpr long kGetrandom = 318;
constinit int state = 0;  // 0: not tried yet, 1: works, -1: the host has no getrandom
}  // namespace

extern "C" long kiln_plat_entropy(void* buf, size_t n) {
  if (state < 0) return -ENOSYS;
  auto* p = static_cast<uint8_t*>(buf);
  for (size_t done = 0; done < n;) {
    // flags 0: the host's pool, blocking only until it is first seeded.
    long r = linuxu::syscall(kGetrandom, reinterpret_cast<long>(p + done), static_cast<long>(n - done), 0);
    if (r == -EINTR) continue;
    if (r == -ENOSYS) state = -1;
    if (r <= 0) return r < 0 ? r : -EIO;
    done += static_cast<size_t>(r);
  }
  state = 1;
  return static_cast<long>(n);
}

extern "C" kiln_plat_entropy_info kiln_plat_entropy_source(void) {
  if (state == 0) {
    uint8_t probe;
    (void)kiln_plat_entropy(&probe, 1);
  }
  return state > 0 ? kiln_plat_entropy_info{"getrandom", 0} : kiln_plat_entropy_info{nullptr, 0};
}
