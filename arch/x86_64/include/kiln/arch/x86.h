// Bare-metal x86_64 (kvm, xen): CPU registers, descriptor tables, traps
// and interrupts. Only code linked into bare-metal images includes this.
//
// Boot flow: the platform's 32-bit entry stub (PVH or Multiboot; the
// bare-metal platforms share it: KILN_BM_ENTER32 in plat/x86bm) records
// the TSC, sets esp to its boot stack and jumps to kiln_x86_boot32 with
//   esi = entry kind (KILN_X86_ENTRY_*), edi = boot info address (ebx),
//   ebp = eax at entry.
// kiln_x86_boot32 (src/bm/boot.S) builds boot page tables (the low 4 GiB,
// 2 MiB pages), enables long mode, NX and the FPU/SSE/AVX, and calls
// kiln_x86_start64 (src/bm/cpu.cpp), which loads the final GDT, TSS and
// IDT and calls the platform's kiln_x86_bm_main.
#pragma once

#define KILN_X86_ENTRY_PVH 1
#define KILN_X86_ENTRY_MULTIBOOT 2
#define KILN_X86_IRQ_STACK_SIZE 256    /* the interrupts' IST stack (src/bm/cpu.cpp) */
#define KILN_X86_EXC_STACK_SIZE 16384  /* the exceptions' IST stack */


#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>
#include <kiln/compiler.h>

// The registers an interrupt or exception stub saved, lowest address
// first (src/bm/entry.S pushes them in reverse).
struct kiln_x86_frame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error;
  // Pushed by the CPU.
  uint64_t rip, cs, rflags, rsp, ss;
};

// Defined by the platform: entered once, on the boot stack, with the CPU
// in long mode, FPU on, final GDT/IDT loaded and interrupts off.
KILN_EXTERN_C KILN_NORETURN void kiln_x86_bm_main(uint32_t entry, uint32_t info, uint32_t eax);

// TSC at the platform's first instruction (0 if it did not record it).
KILN_EXTERN_C uint64_t kiln_x86_boot_tsc;

// Interrupt vectors 32..255: handler called with interrupts off, on the
// interrupted stack, all registers and the full FPU state saved. It may
// switch threads (the frame stays on the interrupted thread's stack).
// The handler acknowledges its device (e.g. LAPIC EOI) itself.
typedef void (*kiln_x86_irq_fn)(struct kiln_x86_frame* frame);
KILN_EXTERN_C void kiln_x86_set_irq_handler(unsigned vector, kiln_x86_irq_fn fn);

// The exception report (vector name, error code, registers, CR2, a
// symbolised backtrace), then kiln_plat_crash(). Also used for NMIs.
KILN_EXTERN_C KILN_NORETURN void kiln_x86_exception(struct kiln_x86_frame* frame);

namespace kiln::x86 {

struct Cpuid {
  uint32_t a, b, c, d;
};
inline Cpuid cpuid(uint32_t leaf, uint32_t sub = 0) {
  Cpuid r;
  asm volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
  return r;
}
inline uint64_t rdmsr(uint32_t msr) {
  uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}
inline void wrmsr(uint32_t msr, uint64_t v) {
  asm volatile("wrmsr" ::"c"(msr), "a"(static_cast<uint32_t>(v)), "d"(static_cast<uint32_t>(v >> 32)) : "memory");
}
inline uint64_t read_cr2() {
  uint64_t v;
  asm volatile("mov %%cr2, %0" : "=r"(v));
  return v;
}
inline uint64_t read_cr3() {
  uint64_t v;
  asm volatile("mov %%cr3, %0" : "=r"(v));
  return v;
}
inline void write_cr3(uint64_t v) { asm volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
inline uint64_t read_cr0() {
  uint64_t v;
  asm volatile("mov %%cr0, %0" : "=r"(v));
  return v;
}
inline uint64_t read_cr4() {
  uint64_t v;
  asm volatile("mov %%cr4, %0" : "=r"(v));
  return v;
}
inline void write_cr4(uint64_t v) { asm volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }
constexpr uint64_t kCr4FsGsBase = 1u << 16;  // rd/wr{fs,gs}base allowed
constexpr uint32_t kMsrFsBase = 0xc0000100;
inline void cli() { asm volatile("cli" ::: "memory"); }
inline void sti() { asm volatile("sti" ::: "memory"); }
// sti takes effect after the next instruction, so no interrupt is lost
// between the two.
inline void sti_hlt() { asm volatile("sti; hlt" ::: "memory"); }
inline void hlt() { asm volatile("hlt" ::: "memory"); }
inline uint64_t save_flags() {
  uint64_t f;
  asm volatile("pushfq; popq %0" : "=r"(f)::"memory");
  return f;
}
inline bool irqs_enabled() { return save_flags() & (1u << 9); }

// Identity page tables (src/bm/paging.cpp). Protections:
enum : unsigned {
  kProtNone = 0,      // not mapped
  kProtRead = 1,      // present, read-only, no execute
  kProtWrite = 2,     // writable
  kProtExec = 4,      // executable
  kProtDevice = 8,    // uncached (MMIO)
};
// Returns a zeroed 4 KiB page (physical = virtual) or 0 when out of pages.
using PageAlloc = uint64_t (*)();
// Start a fresh, empty set of tables (not active yet). Returns false if
// the allocator is empty.
bool pt_init(PageAlloc alloc);
// Change where new table pages come from (e.g. a reserve after boot).
void pt_set_alloc(PageAlloc alloc);
// Identity-map [start, end) (4 KiB aligned) with prot, replacing what was
// there. Uses 1 GiB / 2 MiB pages where alignment allows; splits larger
// pages when a change needs 4 KiB granularity. Returns false when out of
// table pages (the tables are then unchanged at the failing page).
bool pt_set(uint64_t start, uint64_t end, unsigned prot);
// Load the tables into CR3 (also flushes the TLB after pt_set on the
// active tables).
void pt_activate();
// Whether addr is mapped readable in the current tables (for crash
// reports that must not fault while walking stacks).
bool pt_readable(uint64_t addr);
// Table pages taken so far.
size_t pt_pages_used();
// CPU features the paging code uses, set up by boot.S.
bool has_nx();
bool has_1g_pages();

}  // namespace kiln::x86

#endif  // __ASSEMBLY__
