// x86_64 bare metal: the final GDT (with a TSS for the exception stacks),
// the IDT, and interrupt dispatch.
#include <kiln/arch/x86.h>
#include <kiln/print.h>

extern "C" char kiln_x86_exc_stubs[], kiln_x86_irq_stubs[];

namespace {

struct [[gnu::packed]] DescPtr {
  uint16_t limit;
  uint64_t base;
};

struct [[gnu::packed]] Tss {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t iomap_base;
};

struct IdtEntry {
  uint16_t off0;
  uint16_t selector;
  uint8_t ist;
  uint8_t type;
  uint16_t off1;
  uint32_t off2;
  uint32_t zero;
};

constexpr uint16_t kCodeSel = 0x08, kTssSel = 0x18;

// Same code and data descriptors as the boot GDT, plus the TSS.
alignas(16) constinit uint64_t gdt[5] = {0, 0x00af9a000000ffff, 0x00cf92000000ffff, 0, 0};
alignas(16) constinit Tss tss = {};
alignas(16) constinit IdtEntry idt[256] = {};
// IST1: every exception (a fault on a broken stack, e.g. a guard page hit,
// still gets its report). IST2: double fault and NMI. IST3: interrupts,
// only long enough to move the frame below the interrupted code's red zone
// (entry.S), since host-built libgcc code may use it.
alignas(16) constinit char df_stack[8192] = {};
constinit kiln_x86_irq_fn handlers[256] = {};

}  // namespace

// Named for entry.S: it checks whether interrupted code ran on the IRQ
// stack, and reports a redelivered interrupt on the exception stack.
extern "C" {
alignas(16) constinit char kiln_x86_irq_stack[KILN_X86_IRQ_STACK_SIZE] = {};
alignas(16) constinit char kiln_x86_exc_stack[KILN_X86_EXC_STACK_SIZE] = {};
}

namespace {

void set_gate(unsigned v, void* stub, uint8_t ist) {
  uint64_t a = reinterpret_cast<uint64_t>(stub);
  idt[v] = IdtEntry{static_cast<uint16_t>(a), kCodeSel, ist, 0x8e /* present, interrupt gate */,
                    static_cast<uint16_t>(a >> 16), static_cast<uint32_t>(a >> 32), 0};
}

}  // namespace

extern "C" void kiln_x86_set_irq_handler(unsigned vector, kiln_x86_irq_fn fn) {
  if (vector >= 32 && vector < 256) __atomic_store_n(&handlers[vector], fn, __ATOMIC_RELEASE);
}

extern "C" void kiln_x86_irq_dispatch(kiln_x86_frame* f) {
  kiln_x86_irq_fn fn = __atomic_load_n(&handlers[f->vector & 255], __ATOMIC_ACQUIRE);
  if (fn) {
    fn(f);
    return;
  }
  static unsigned warned;
  if (warned++ < 4) kiln_warn("x86: unexpected interrupt, vector %lu", static_cast<unsigned long>(f->vector));
}

extern "C" KILN_NORETURN void kiln_x86_start64(uint32_t entry, uint32_t info, uint32_t eax) {
  tss.ist[0] = reinterpret_cast<uint64_t>(kiln_x86_exc_stack + sizeof kiln_x86_exc_stack);
  tss.ist[1] = reinterpret_cast<uint64_t>(df_stack + sizeof df_stack);
  tss.ist[2] = reinterpret_cast<uint64_t>(kiln_x86_irq_stack + sizeof kiln_x86_irq_stack);
  tss.iomap_base = sizeof(Tss);
  uint64_t base = reinterpret_cast<uint64_t>(&tss), limit = sizeof(Tss) - 1;
  gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) /* present, 64-bit TSS */ |
           (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
  gdt[4] = base >> 32;
  DescPtr gd{sizeof gdt - 1, reinterpret_cast<uint64_t>(gdt)};
  asm volatile("lgdt %0; ltr %w1" ::"m"(gd), "r"(kTssSel) : "memory");

  for (unsigned v = 0; v < 32; ++v) set_gate(v, kiln_x86_exc_stubs + 16 * v, v == 2 || v == 8 ? 2 : 1);
  for (unsigned v = 32; v < 256; ++v) set_gate(v, kiln_x86_irq_stubs + 16 * (v - 32), 3);
  DescPtr id{sizeof idt - 1, reinterpret_cast<uint64_t>(idt)};
  asm volatile("lidt %0" ::"m"(id) : "memory");

  // wrfsbase where the CPU has it: the thread pointer (FS base) is
  // switched with every thread (kiln/plat/tls.h), and the instruction is
  // cheaper than wrmsr, which traps to the hypervisor.
  using namespace kiln::x86;
  if (cpuid(0).a >= 7 && (cpuid(7).b & 1)) write_cr4(read_cr4() | kCr4FsGsBase);  // CPUID.(7,0):EBX.FSGSBASE

  kiln_x86_bm_main(entry, info, eax);
}
