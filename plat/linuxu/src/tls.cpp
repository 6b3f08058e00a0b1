// The thread pointer on linuxu (kiln/plat/tls.h): the host kernel owns the
// FS base. wrfsbase works in user mode when the host kernel enabled
// CR4.FSGSBASE and says so in AT_HWCAP2 (Linux 5.9+); otherwise each
// switch is a host system call, arch_prctl(SET_FS). The host keeps
// the value across its own context switches and signal delivery.
#include "syscall.h"
#include <kiln/option.h>
#include <kiln/plat/exit.h>
#include <kiln/plat/tls.h>
#include <errno.h>
#include <string.h>

namespace {
constexpr long kArchPrctl = 158, kArchSetFs = 0x1002;
constexpr unsigned long kAtHwcap2 = 26, kHwcap2FsGsBase = 1ul << 1;
constinit bool host_allows_wrfsbase = false;
constinit bool use_wrfsbase = false;

int set_method(const char* v) {
  if (strcmp(v, "arch_prctl") == 0) use_wrfsbase = false;
  else if (strcmp(v, "auto") == 0) use_wrfsbase = host_allows_wrfsbase;
  else return -EINVAL;
  return 0;
}
}  // namespace

KILN_OPTION("tls.fsbase", set_method,
            "how to switch the thread pointer: auto (wrfsbase if the host allows it) or arch_prctl");

// From kiln_linuxu_start, before anything else: the auxiliary vector
// follows the environment on the initial stack.
extern "C" void kiln_linuxu_tls_setup(long* sp) {
  long argc = sp[0];
  char** p = reinterpret_cast<char**>(sp + 1 + argc + 1);
  while (*p) ++p;  // the environment
  for (auto* av = reinterpret_cast<unsigned long*>(p + 1); av[0] != 0; av += 2)
    if (av[0] == kAtHwcap2 && (av[1] & kHwcap2FsGsBase)) host_allows_wrfsbase = true;
  use_wrfsbase = host_allows_wrfsbase;
}

extern "C" void kiln_plat_tls_set(uintptr_t tp) {
  if (use_wrfsbase) {
    asm volatile("wrfsbase %0" ::"r"(tp) : "memory");
    return;
  }
  long r = linuxu::syscall(kArchPrctl, kArchSetFs, static_cast<long>(tp));
  if (r < 0) linuxu::exit_group(KILN_EXIT_CRASH);  // no thread pointer: nothing thread-local would work
}

extern "C" const char* kiln_plat_tls_method(void) { return use_wrfsbase ? "wrfsbase" : "arch_prctl"; }
