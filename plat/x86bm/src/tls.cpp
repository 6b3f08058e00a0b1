// The thread pointer on the bare CPU (kiln/plat/tls.h): the FS base,
// written with wrfsbase when arch boot code enabled CR4.FSGSBASE (the CPU
// has it), else through its MSR.
#include <kiln/arch/x86.h>
#include <kiln/option.h>
#include <kiln/plat/tls.h>
#include <errno.h>
#include <string.h>

namespace {
// 1: wrfsbase, 0: the MSR, -1: not decided yet (decided at the first call,
// before any KILN_INIT; the tls.fsbase= option may only turn wrfsbase off).
constinit int use_wrfsbase = -1;
constinit bool force_msr = false;

int set_method(const char* v) {
  if (strcmp(v, "msr") == 0) force_msr = true;
  else if (strcmp(v, "auto") != 0) return -EINVAL;
  use_wrfsbase = -1;
  return 0;
}
}  // namespace

KILN_OPTION("tls.fsbase", set_method, "how to switch the thread pointer: auto (wrfsbase if the CPU has it) or msr");

extern "C" void kiln_plat_tls_set(uintptr_t tp) {
  if (use_wrfsbase < 0) use_wrfsbase = !force_msr && (kiln::x86::read_cr4() & kiln::x86::kCr4FsGsBase);
  if (use_wrfsbase) asm volatile("wrfsbase %0" ::"r"(tp) : "memory");
  else kiln::x86::wrmsr(kiln::x86::kMsrFsBase, tp);
}

extern "C" const char* kiln_plat_tls_method(void) { return use_wrfsbase > 0 ? "wrfsbase" : "msr"; }
