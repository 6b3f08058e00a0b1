/* Kiln (lib/newlib/src/process.cpp): newlib's <sys/wait.h> plus the wait
 * calls it leaves out (wait3, wait4, waitid). A unikernel is one process:
 * every wait call fails with ENOSYS (docs/libc.md). */
#include_next <sys/wait.h>
#ifndef _KILN_SYS_WAIT_H
#define _KILN_SYS_WAIT_H
#include <signal.h>
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif
#ifndef WEXITED
#define WSTOPPED 2
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x1000000
#endif
typedef enum { P_ALL = 0, P_PID = 1, P_PGID = 2 } idtype_t;
struct rusage;
pid_t wait3(int* status, int options, struct rusage* usage);
pid_t wait4(pid_t pid, int* status, int options, struct rusage* usage);
int waitid(idtype_t idtype, id_t id, siginfo_t* info, int options);
#ifdef __cplusplus
}
#endif
#endif
