// Fatal signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL) become a Kiln crash
// report: the fault, the registers, a symbolised backtrace, status 125.
#include "syscall.h"
#include <kiln/assert.h>
#include <kiln/plat/exit.h>
#include <kiln/print.h>

using namespace linuxu;

extern "C" void kiln_linuxu_sigreturn();

namespace {

struct StackT {
  void* sp;
  int flags;
  unsigned long size;
};

alignas(16) char altstack[16384];
int crashing;

const char* describe(int sig) {
  switch (sig) {
    case 4: return "SIGILL (illegal instruction)";
    case 7: return "SIGBUS (bus error)";
    case 8: return "SIGFPE (arithmetic exception, e.g. divide by zero)";
    case 11: return "SIGSEGV (invalid memory access)";
    default: return "fatal signal";
  }
}

void on_fatal(int sig, void* info, void* uc) {
  if (crashing++) exit_group(KILN_EXIT_CRASH);
  auto* g = reinterpret_cast<unsigned long*>(static_cast<char*>(uc) + kGregsOffset);
  unsigned long addr = *reinterpret_cast<unsigned long*>(static_cast<char*>(info) + 16);
  kiln_printk(KILN_LOG_CRIT, "CRASH: %s at address 0x%lx", describe(sig), addr);
  if (const char* hint = sig == 11 || sig == 7 ? kiln_fault_hint(addr) : nullptr)
    kiln_printk(KILN_LOG_CRIT, "  %s", hint);
  kiln_printk(KILN_LOG_CRIT, "  rip %016lx rsp %016lx rbp %016lx rflags %08lx", g[RIP], g[RSP], g[RBP], g[EFL]);
  kiln_printk(KILN_LOG_CRIT, "  rax %016lx rbx %016lx rcx %016lx rdx %016lx", g[RAX], g[RBX], g[RCX], g[RDX]);
  kiln_printk(KILN_LOG_CRIT, "  rsi %016lx rdi %016lx r8  %016lx r9  %016lx", g[RSI], g[RDI], g[R8], g[R9]);
  kiln_printk(KILN_LOG_CRIT, "  r10 %016lx r11 %016lx r12 %016lx r13 %016lx", g[R10], g[R11], g[R12], g[R13]);
  kiln_printk(KILN_LOG_CRIT, "  r14 %016lx r15 %016lx", g[R14], g[R15]);
  kiln_backtrace_from(g[RIP], g[RSP], g[RBP], nullptr);
  kiln_plat_crash();
}

}  // namespace

extern "C" void kiln_linuxu_install_crash_handlers() {
  StackT ss{altstack, 0, sizeof altstack};
  syscall(kSigaltstack, reinterpret_cast<long>(&ss), 0);
  KernelSigaction act{on_fatal, kSaSiginfo | kSaOnstack | kSaRestorer, kiln_linuxu_sigreturn, 0};
  static const int kSigs[] = {4, 7, 8, 11};
  for (int sig : kSigs) syscall(kRtSigaction, sig, reinterpret_cast<long>(&act), 0, 8);
}
