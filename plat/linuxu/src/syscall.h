// Raw Linux x86_64 system calls (linuxu does not use the host libc).
#pragma once
#include <stdint.h>

namespace linuxu {

enum Nr : long {
  kRead = 0, kWrite = 1, kMmap = 9, kMunmap = 11, kRtSigaction = 13, kRtSigprocmask = 14,
  kSigaltstack = 131, kClockGettime = 228, kClockNanosleep = 230, kExitGroup = 231,
};

inline long syscall(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0, long f = 0) {
  long ret;
  register long r10 asm("r10") = d;
  register long r8 asm("r8") = e;
  register long r9 asm("r9") = f;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
               : "rcx", "r11", "memory");
  return ret;
}

struct Timespec {
  long sec;
  long nsec;
};

inline void write_all(int fd, const char* s, unsigned long n) {
  while (n) {
    long r = syscall(kWrite, fd, reinterpret_cast<long>(s), static_cast<long>(n));
    if (r == -4) continue;  // EINTR
    if (r <= 0) return;
    s += r;
    n -= static_cast<unsigned long>(r);
  }
}

[[noreturn]] inline void exit_group(int status) {
  for (;;) syscall(kExitGroup, status);
}

}  // namespace linuxu
