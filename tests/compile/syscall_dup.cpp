// Compiled twice (-DPART=1, -DPART=2) and linked: two registrations of one
// system call must be a link error (kiln/syscall.h, "multiple definition").
#include <kiln/syscall.h>
extern "C" long kiln_sys_getppid() { return PART; }
KILN_SYSCALL(getppid);
#if PART == 1
int main() { return kiln_syscall(KILN_NR_getppid, 0, 0, 0, 0, 0, 0) == 1 ? 0 : 1; }
// kiln_syscall for the host link: scan the one entry.
extern "C" long kiln_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
  return nr == kiln_sysent_getppid.nr ? kiln_sysent_getppid.fn(a0, a1, a2, a3, a4, a5) : -ENOSYS;
}
#endif
