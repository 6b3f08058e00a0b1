// x86_64 bare metal: CPU exception reports.
//
// Every exception is fatal: the report names the vector, prints the error
// code, all general registers, RIP, RFLAGS, CR2 for page faults and a
// symbolised backtrace, then ends the image with kiln_plat_crash() (status
// 125). A fault while reporting prints one line and crashes at once; a
// fault after that stops the CPU, so nothing recurses.
#include <kiln/arch/x86.h>
#include <kiln/assert.h>
#include <kiln/plat/console.h>
#include <kiln/plat/exit.h>
#include <kiln/print.h>

namespace {

const char* const kNames[32] = {
    "divide error (#DE)",         "debug (#DB)",
    "non-maskable interrupt",     "breakpoint (#BP)",
    "overflow (#OF)",             "bound range exceeded (#BR)",
    "invalid opcode (#UD)",       "device not available (#NM)",
    "double fault (#DF)",         "coprocessor segment overrun",
    "invalid TSS (#TS)",          "segment not present (#NP)",
    "stack-segment fault (#SS)",  "general protection fault (#GP)",
    "page fault (#PF)",           "reserved vector 15",
    "x87 floating-point error (#MF)", "alignment check (#AC)",
    "machine check (#MC)",        "SIMD floating-point error (#XM)",
    "virtualization exception (#VE)", "control protection (#CP)",
    "reserved vector 22",         "reserved vector 23",
    "reserved vector 24",         "reserved vector 25",
    "reserved vector 26",         "reserved vector 27",
    "hypervisor injection (#HV)", "VMM communication (#VC)",
    "security exception (#SX)",   "reserved vector 31",
};

constinit volatile int depth = 0;

bool readable(uintptr_t a) { return kiln::x86::pt_readable(a) && kiln::x86::pt_readable(a + 15); }


}  // namespace

extern "C" void kiln_x86_exception(kiln_x86_frame* f) {
  depth = depth + 1;
  if (depth > 1) {
    if (depth == 2) {
      kiln_puts("\nkiln: critical: CPU exception while reporting a crash; stopping\n");
      kiln_plat_crash();
    }
    for (;;) asm volatile("cli; hlt");
  }
  using ul = unsigned long;
  if (f->vector >= 32) {
    // entry.S: an interrupt delivered again before its stub ran.
    kiln_printk(KILN_LOG_CRIT,
                "CRASH: interrupt vector %lu was delivered a second time before its handler started "
                "(a hypervisor re-injected it); the interrupted context is lost",
                static_cast<ul>(f->vector));
    kiln_printk(KILN_LOG_CRIT, "  second delivery: rip %016lx rsp %016lx rflags %08lx", static_cast<ul>(f->rip),
                static_cast<ul>(f->rsp), static_cast<ul>(f->rflags));
    kiln_plat_crash();
  }
  unsigned v = static_cast<unsigned>(f->vector) & 31;
  kiln_printk(KILN_LOG_CRIT, "CRASH: CPU exception %u: %s, error code 0x%lx", v, kNames[v], static_cast<ul>(f->error));
  if (v == 14) {
    ul cr2 = kiln::x86::read_cr2();
    ul e = f->error;
    kiln_printk(KILN_LOG_CRIT, "  %s %saddress 0x%lx (%s)", e & 16 ? "instruction fetch from" : e & 2 ? "write to" : "read from",
                cr2 < 4096 ? "null-page " : "", cr2, e & 1 ? "protection violation" : "not mapped");
    if (const char* hint = kiln_fault_hint(cr2)) kiln_printk(KILN_LOG_CRIT, "  %s", hint);
    else if (cr2 + 4096 >= f->rsp && cr2 <= f->rsp + 256 && !(e & 1))
      kiln_printk(KILN_LOG_CRIT, "  at the stack pointer: probably a stack overflow into the guard page");
  }
  if (v == 13 && f->error)
    kiln_printk(KILN_LOG_CRIT, "  selector 0x%lx", static_cast<ul>(f->error));
  kiln_printk(KILN_LOG_CRIT, "  rip %016lx rsp %016lx rbp %016lx rflags %08lx", static_cast<ul>(f->rip),
              static_cast<ul>(f->rsp), static_cast<ul>(f->rbp), static_cast<ul>(f->rflags));
  kiln_printk(KILN_LOG_CRIT, "  rax %016lx rbx %016lx rcx %016lx rdx %016lx", static_cast<ul>(f->rax),
              static_cast<ul>(f->rbx), static_cast<ul>(f->rcx), static_cast<ul>(f->rdx));
  kiln_printk(KILN_LOG_CRIT, "  rsi %016lx rdi %016lx r8  %016lx r9  %016lx", static_cast<ul>(f->rsi),
              static_cast<ul>(f->rdi), static_cast<ul>(f->r8), static_cast<ul>(f->r9));
  kiln_printk(KILN_LOG_CRIT, "  r10 %016lx r11 %016lx r12 %016lx r13 %016lx", static_cast<ul>(f->r10),
              static_cast<ul>(f->r11), static_cast<ul>(f->r12), static_cast<ul>(f->r13));
  kiln_printk(KILN_LOG_CRIT, "  r14 %016lx r15 %016lx cs %lx ss %lx cr2 %016lx cr3 %016lx",
              static_cast<ul>(f->r14), static_cast<ul>(f->r15), static_cast<ul>(f->cs),
              static_cast<ul>(f->ss), static_cast<ul>(kiln::x86::read_cr2()), static_cast<ul>(kiln::x86::read_cr3()));
  kiln_backtrace_from(f->rip, f->rsp, f->rbp, readable);
  kiln_plat_crash();
}
