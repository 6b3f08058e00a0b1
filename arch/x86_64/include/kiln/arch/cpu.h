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

}  // namespace kiln::arch
