// Panic, assertion failure, backtraces.
#include <kiln/assert.h>
#include <kiln/plat/console.h>
#include <kiln/plat/exit.h>
#include <kiln/plat/irq.h>
#include <kiln/print.h>
#include <kiln/symbols.h>

extern "C" void kiln_backtrace_line(int n, uintptr_t pc) {
  uintptr_t off = 0;
  const char* name = kiln_symbol_lookup(pc, &off);
  if (name)
    kiln_printk(KILN_LOG_CRIT, "  #%d 0x%lx %s+0x%lx", n, (unsigned long)pc, name, (unsigned long)off);
  else
    kiln_printk(KILN_LOG_CRIT, "  #%d 0x%lx ?", n, (unsigned long)pc);
}

// Walks the frame-pointer chain (Kiln builds with -fno-omit-frame-pointer).
// Stops at a null, misaligned or non-increasing frame pointer: the chain
// ends at the entry stub, which clears rbp.
extern "C" void kiln_backtrace(uintptr_t fp) {
  if (!fp) fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  kiln_printk(KILN_LOG_CRIT, "backtrace:");
  for (int i = 0; i < 32; ++i) {
    if (fp < 4096 || (fp & 7)) break;
    const uintptr_t* frame = reinterpret_cast<const uintptr_t*>(fp);
    uintptr_t ret = frame[1];
    if (ret < 4096) break;
    // Return addresses point after the call; look up the call itself.
    kiln_backtrace_line(i, ret - 1);
    uintptr_t next = frame[0];
    if (next <= fp) break;
    fp = next;
  }
}

namespace {
int panicking;
}

extern "C" void kiln_panic(const char* fmt, ...) {
  kiln_plat_irq_save();
  if (panicking++) {
    kiln_puts("kiln: PANIC while panicking; stopping\n");
    kiln_plat_crash();
  }
  char msg[384];
  va_list ap;
  va_start(ap, fmt);
  kiln_vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  kiln_printk(KILN_LOG_CRIT, "PANIC: %s", msg);
  kiln_backtrace(reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
  kiln_plat_crash();
}

extern "C" void kiln_assert_fail(const char* cond, const char* file, int line, const char* func) {
  kiln_panic("assertion failed: %s (%s:%d, %s)", cond, file, line, func);
}

extern "C" __attribute__((weak)) const char* kiln_fault_hint(uintptr_t) { return nullptr; }
