// The system-call table: dispatch by Linux number over the entries the
// libraries registered (KILN_SYSCALL), and syscall(2) for applications.
#include <kiln/syscall.h>
#include <kiln/init.h>
#include <kiln/lock.h>
#include <kiln/print.h>
#include <stdarg.h>
#include <stddef.h>

extern "C" const kiln_syscall_entry __kiln_syscalls_start[], __kiln_syscalls_end[];

namespace {

// Indexed by number, filled at boot from the registered entries. Until
// then (code running before the early inits) dispatch scans the entries.
constinit kiln_syscall_fn g_table[KILN_NR_COUNT];
constinit bool g_ready = false;
// One bit per number: its "not implemented" line was printed.
constinit unsigned char g_logged[(KILN_NR_COUNT + 7) / 8];

int build_table() {
  for (auto e = __kiln_syscalls_start; e < __kiln_syscalls_end; ++e) {
    if (e->nr >= KILN_NR_COUNT) {
      kiln_err("system call %s has number %u, past the table (%d)", e->name, e->nr, KILN_NR_COUNT);
      return -1;
    }
    g_table[e->nr] = e->fn;
  }
  g_ready = true;
  return 0;
}
KILN_INIT(early, 010, build_table);

#define KILN_NAME_CASE(nr, name) \
  case nr:                       \
    return #name;

}  // namespace

extern "C" {

const char* kiln_syscall_name(long nr) {
  switch (nr) {
    KILN_SYSCALL_LIST(KILN_NAME_CASE)
    default:
      return nullptr;
  }
}

const kiln_syscall_entry* kiln_syscall_entry_for(long nr) {
  for (auto e = __kiln_syscalls_start; e < __kiln_syscalls_end; ++e)
    if (e->nr == nr) return e;
  return nullptr;
}

long kiln_sys_enosys(long nr) {
  if (nr >= 0 && nr < KILN_NR_COUNT) {
    unsigned char bit = static_cast<unsigned char>(1u << (nr & 7));
    unsigned char old = __atomic_fetch_or(&g_logged[nr >> 3], bit, __ATOMIC_RELAXED);
    if (!(old & bit)) {
      const char* name = kiln_syscall_name(nr);
      if (name)
        kiln_warn("system call %s (%ld) is not implemented (ENOSYS)", name, nr);
      else
        kiln_warn("system call %ld does not exist (ENOSYS)", nr);
    }
  }
  // Numbers past the table have no names and no bit: no log line to repeat.
  return -ENOSYS;
}

long kiln_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
  if (kiln_unlikely(nr < 0 || nr >= KILN_NR_COUNT)) return kiln_sys_enosys(nr);
  kiln_syscall_fn fn = nullptr;
  if (kiln_likely(g_ready)) {
    fn = g_table[nr];
  } else if (auto e = kiln_syscall_entry_for(nr)) {
    fn = e->fn;
  }
  if (!fn) return kiln_sys_enosys(nr);
  return fn(a0, a1, a2, a3, a4, a5);
}

// syscall(2): the libc's way into the table. Arguments past what the call
// takes are read but ignored, as on Linux.
long syscall(long nr, ...) {
  va_list ap;
  va_start(ap, nr);
  long a[6];
  for (long& v : a) v = va_arg(ap, long);
  va_end(ap);
  return kiln_sys_ret(kiln_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]));
}

}  // extern "C"
