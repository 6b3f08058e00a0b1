// brk and sbrk: the program break does not move. malloc is Kiln's heap
// (lib/alloc), which owns all free memory, so there is no region for a
// break to grow into: brk(2) reports the break, the page after the image
// (_end), and sbrk(0) returns it; moving it fails with ENOMEM and one log
// line (docs/libc.md "Memory mapping").
#include <kiln/print.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

extern "C" char _end[];

namespace {
unsigned long current_break() { return (reinterpret_cast<unsigned long>(_end) + 4095) & ~4095ul; }
}  // namespace

extern "C" {

// Linux's brk returns the new break, or the old one when it cannot move.
long kiln_sys_brk(unsigned long addr) {
  unsigned long cur = current_break();
  if (addr && addr != cur) {
    static bool logged;
    if (!logged) kiln_warn("brk: the program break cannot move (malloc is the heap's; use malloc or mmap): ENOMEM");
    logged = true;
  }
  return static_cast<long>(cur);
}
KILN_SYSCALL(brk);

int brk(void* addr) {
  if (static_cast<unsigned long>(kiln_sys_brk(reinterpret_cast<unsigned long>(addr))) ==
      reinterpret_cast<unsigned long>(addr))
    return 0;
  errno = ENOMEM;
  return -1;
}

void* _sbrk(ptrdiff_t inc) {
  unsigned long cur = static_cast<unsigned long>(kiln_sys_brk(0));
  if (inc == 0) return reinterpret_cast<void*>(cur);
  unsigned long want = cur + static_cast<unsigned long>(inc);
  if (static_cast<unsigned long>(kiln_sys_brk(want)) != want) {
    errno = ENOMEM;
    return reinterpret_cast<void*>(-1);
  }
  return reinterpret_cast<void*>(cur);
}

__typeof__(_sbrk) sbrk __attribute__((alias("_sbrk")));

}  // extern "C"
