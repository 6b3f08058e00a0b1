// The system-call table: dispatch by Linux number over the entries the
// libraries registered (KILN_SYSCALL), and syscall(2) for applications.
#include <kiln/syscall.h>
#include <kiln/lock.h>
#include <kiln/print.h>
#include <stdarg.h>
#include <stddef.h>

// The linker defines these for the orphan section kiln_syscalls (see
// kiln/syscall.h): referring to them keeps every entry in the image.
extern "C" const kiln_syscall_entry __start_kiln_syscalls[], __stop_kiln_syscalls[];

namespace {

// Indexed by number, filled from the registered entries at the first
// dispatch (an init would keep the table in every image).
constinit kiln_syscall_fn g_table[KILN_NR_COUNT];
constinit bool g_ready = false;
// One bit per number: its "not implemented" line was printed.
constinit unsigned char g_logged[(KILN_NR_COUNT + 7) / 8];

void build_table() {
  kiln::IrqGuard g;
  if (g_ready) return;
  for (auto e = __start_kiln_syscalls; e < __stop_kiln_syscalls; ++e) {
    if (e->nr >= KILN_NR_COUNT) {
      kiln_err("system call %s has number %u, past the table (%d): ignored", e->name, e->nr, KILN_NR_COUNT);
      continue;
    }
    g_table[e->nr] = e->fn;
  }
  __atomic_store_n(&g_ready, true, __ATOMIC_RELEASE);
}

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
  for (auto e = __start_kiln_syscalls; e < __stop_kiln_syscalls; ++e)
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
  if (kiln_unlikely(!__atomic_load_n(&g_ready, __ATOMIC_ACQUIRE))) build_table();
  kiln_syscall_fn fn = g_table[nr];
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
