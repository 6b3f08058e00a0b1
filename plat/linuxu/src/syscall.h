// Raw Linux x86_64 system calls (linuxu does not use the host libc).
#pragma once
#include <stdint.h>

namespace linuxu {

enum Nr : long {
  kRead = 0, kWrite = 1, kOpen = 2, kClose = 3, kFstat = 5, kMmap = 9, kMprotect = 10, kMunmap = 11, kRtSigaction = 13,
  kRtSigprocmask = 14, kIoctl = 16, kSigaltstack = 131, kTimerCreate = 222, kTimerSettime = 223,
  kClockGettime = 228, kClockNanosleep = 230, kExitGroup = 231, kPpoll = 271,
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

struct KernelSigaction {
  void (*handler)(int, void*, void*);
  unsigned long flags;
  void (*restorer)();
  unsigned long mask;
};
constexpr unsigned long kSaSiginfo = 4, kSaOnstack = 0x08000000, kSaRestorer = 0x04000000,
                        kSaRestart = 0x10000000;
// Offsets into the kernel's ucontext for x86_64: uc_mcontext.gregs.
enum Greg { R8, R9, R10, R11, R12, R13, R14, R15, RDI, RSI, RBP, RBX, RDX, RAX, RCX, RSP, RIP, EFL };
constexpr unsigned kGregsOffset = 40;

[[noreturn]] inline void exit_group(int status) {
  for (;;) syscall(kExitGroup, status);
}

}  // namespace linuxu
