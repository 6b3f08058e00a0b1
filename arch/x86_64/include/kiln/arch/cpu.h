// x86_64 CPU helpers for kernel code (the arch contract: every arch
// provides kiln/arch/cpu.h with these names).
#pragma once
#include <stdint.h>

namespace kiln::arch {

inline void pause() { __builtin_ia32_pause(); }
inline uint64_t cycles() { return __builtin_ia32_rdtsc(); }
inline uintptr_t frame_pointer() { return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)); }

inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline void outw(uint16_t port, uint16_t v) { asm volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
inline void outl(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
inline uint8_t inb(uint16_t port) {
  uint8_t v;
  asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
inline uint16_t inw(uint16_t port) {
  uint16_t v;
  asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
inline uint32_t inl(uint16_t port) {
  uint32_t v;
  asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

// The CPU's random number instructions. RDSEED gives conditioned
// entropy (for seeding), RDRAND the output of the CPU's own DRBG. Each may
// fail (carry clear) when the hardware is momentarily out of numbers:
// Intel's DRNG guide says to retry RDRAND up to 10 times (a longer
// failure means a broken unit) and RDSEED more patiently, with a pause
// between tries. Check has_rdrand()/has_rdseed() (CPUID) before use.
inline bool has_rdrand() {
  uint32_t a = 1, b, c, d;
  asm volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d) : "c"(0));
  return c & (1u << 30);  // CPUID.1:ECX.RDRAND
}
inline bool has_rdseed() {
  uint32_t a = 0, b, c, d;
  asm volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d) : "c"(0));
  if (a < 7) return false;
  a = 7;
  asm volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d) : "c"(0));
  return b & (1u << 18);  // CPUID.(7,0):EBX.RDSEED
}
inline bool rdrand64(uint64_t* out) {
  for (int i = 0; i < 10; ++i) {
    uint64_t v;
    bool ok;
    asm volatile("rdrand %0" : "=r"(v), "=@ccc"(ok));
    if (ok) {
      *out = v;
      return true;
    }
  }
  return false;
}
inline bool rdseed64(uint64_t* out) {
  for (int i = 0; i < 1000; ++i) {
    uint64_t v;
    bool ok;
    asm volatile("rdseed %0" : "=r"(v), "=@ccc"(ok));
    if (ok) {
      *out = v;
      return true;
    }
    pause();
  }
  return false;
}

}  // namespace kiln::arch
