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

extern "C" const char __kiln_image_start[], __kiln_text_end[];

namespace {

bool in_text(uintptr_t a) {
  return a >= reinterpret_cast<uintptr_t>(__kiln_image_start) &&
         a < reinterpret_cast<uintptr_t>(__kiln_text_end);
}

// Walks the frame-pointer chain (Kiln builds with frame pointers). Stops at
// a null, misaligned, unreadable or non-increasing frame pointer: the chain
// ends at the entry stub, which clears rbp.
void walk(int n, uintptr_t fp, bool (*readable)(uintptr_t)) {
  for (; n < 32; ++n) {
    if (fp < 4096 || (fp & 7) || (readable && !readable(fp))) break;
    const uintptr_t* frame = reinterpret_cast<const uintptr_t*>(fp);
    uintptr_t ret = frame[1];
    if (ret < 4096) break;
    kiln_backtrace_line(n, ret - 1);  // the call, not the return address
    uintptr_t next = frame[0];
    if (next <= fp) break;
    fp = next;
  }
}

}  // namespace

extern "C" void kiln_backtrace(uintptr_t fp) {
  if (!fp) fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  kiln_printk(KILN_LOG_CRIT, "backtrace:");
  walk(0, fp, nullptr);
}

extern "C" void kiln_backtrace_from(uintptr_t pc, uintptr_t sp, uintptr_t fp, bool (*readable)(uintptr_t)) {
  kiln_printk(KILN_LOG_CRIT, "backtrace:");
  kiln_backtrace_line(0, pc);
  int n = 1;
  // A function that keeps no frame (GCC omits it in small leaf functions,
  // and nothing has one at its first instruction) still has its return
  // address at the stack pointer; the frame chain starts at its caller's
  // caller. Recognise frame-keeping functions by their `push %rbp` start.
  uintptr_t off = 0;
  if (kiln_symbol_lookup(pc, &off) && in_text(pc - off)) {
    const auto* code = reinterpret_cast<const unsigned char*>(pc - off);
    bool keeps_frame = code[0] == 0x55 || (code[0] == 0xf3 && code[1] == 0x0f && code[4] == 0x55);
    if ((!keeps_frame || off == 0) && !(sp & 7) && (!readable || readable(sp))) {
      uintptr_t ret = *reinterpret_cast<const uintptr_t*>(sp);
      if (in_text(ret)) kiln_backtrace_line(n++, ret - 1);
    }
  }
  walk(n, fp, readable);
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

extern "C" const kiln_fault_hint_entry __kiln_fault_hints_start[], __kiln_fault_hints_end[];

extern "C" const char* kiln_fault_hint(uintptr_t addr) {
  for (const kiln_fault_hint_entry* h = __kiln_fault_hints_start; h < __kiln_fault_hints_end; ++h)
    if (const char* s = h->fn(addr)) return s;
  return nullptr;
}
