// main()'s stack on the bare-metal platforms.
//
// The boot stack (boot_stack.S, CONFIG_X86BM_BOOT_STACK_KB) carries the
// boot and the init tables only. main() and the app's constructors run on
// a stack of their own, `main.stack=` bytes (default CONFIG_MAIN_STACK_KB,
// 1 MiB), taken from the top of free memory before the allocator gets the
// rest, with an unmapped guard page below it: an overflow is a page fault
// that the crash report names ("stack overflow in main").
#include <kiln/x86bm/base.h>
#include <kiln/arch/x86.h>
#include <kiln/assert.h>
#include <kiln/config.h>
#include <kiln/init.h>
#include <kiln/option.h>
#include <kiln/plat/memory.h>
#include <kiln/print.h>
#include <errno.h>

namespace kiln::bm {
namespace {

constexpr uint64_t kPage = 4096;
constexpr unsigned long kMinStack = 16 * 1024;

constinit unsigned long stack_bytes = static_cast<unsigned long>(CONFIG_MAIN_STACK_KB) * 1024;
constinit uint64_t guard = 0;  // the guard page below main's stack
constinit uint64_t top = 0;

int set_stack(const char* v) {
  unsigned long n;
  if (kiln_parse_size(v, &n) < 0 || n < kMinStack || n > (1ul << 40)) {
    return -EINVAL;
  }
  stack_bytes = (n + kPage - 1) & ~(kPage - 1);
  return 0;
}

// Before the allocator (lib 000) takes the free regions.
int main_stack_init() {
  uint64_t base = take_free_pages(stack_bytes + kPage);
  if (!base) {
    kiln_crit("main.stack: no free range holds a %lu KiB stack for main(); give more memory or a smaller main.stack=",
              stack_bytes >> 10);
    return -ENOMEM;
  }
  guard = base;
  if (!kiln::x86::pt_set(guard, guard + kPage, kiln::x86::kProtNone)) {
    kiln_crit("main.stack: out of page-table pages for its guard page");
    return -ENOMEM;
  }
  kiln::x86::pt_activate();
  top = base + kPage + stack_bytes;
  kiln_debug("main.stack: %lu KiB at %#lx", stack_bytes >> 10, static_cast<unsigned long>(base + kPage));
  return 0;
}

const char* stack_hint(uintptr_t addr) {
  static char buf[112];
  if (guard && addr >= guard && addr < guard + kPage) {
    kiln_snprintf(buf, sizeof buf, "stack overflow in main (hit the guard page below its %lu KiB stack: main.stack=)",
                  stack_bytes >> 10);
    return buf;
  }
  auto g = reinterpret_cast<uintptr_t>(kiln_bm_boot_stack_guard);
  if (addr >= g && addr < g + kPage) return "stack overflow of the boot stack (init code; X86BM_BOOT_STACK_KB)";
  return nullptr;
}

}  // namespace
}  // namespace kiln::bm

KILN_OPTION("main.stack", kiln::bm::set_stack, "main()'s stack size, e.g. main.stack=8M (guarded)");
KILN_INIT(plat, 005, kiln::bm::main_stack_init);
KILN_FAULT_HINT(kiln::bm::stack_hint);

extern "C" uintptr_t kiln_plat_main_stack(void) { return static_cast<uintptr_t>(kiln::bm::top); }
