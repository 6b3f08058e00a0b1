// The process calls. A unikernel is one process: there is nothing to fork,
// no program to exec and no child to wait for, so each of these links and
// fails with ENOSYS, logging its name once (docs/libc.md, "Processes").
// fork, vfork, execve, wait4 and waitid are Linux system calls: each is a
// kiln_sys_<name> returning the negative errno and a POSIX wrapper setting
// errno, the shape of Kiln's system-call table. The rest are libc functions
// over them; each logs its own name, so the log says what the app called.
#include <kiln/enosys.h>
#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

long nosys(const char* name, int* logged) {
  kiln_enosys_note(name, logged);
  return -ENOSYS;
}

long ret(long r) {
  if (r >= 0) return r;
  errno = static_cast<int>(-r);
  return -1;
}

// posix_spawn* return the error number instead of setting errno.
#define KILN_SPAWN_ENOSYS()   \
  ({                          \
    KILN_ENOSYS();            \
    ENOSYS;                   \
  })

}  // namespace

extern "C" {

#define KILN_SYS_ENOSYS(name)       \
  ({                                \
    static int _logged;             \
    nosys(#name, &_logged);         \
  })

long kiln_sys_fork(void) { return KILN_SYS_ENOSYS(fork); }
long kiln_sys_vfork(void) { return KILN_SYS_ENOSYS(vfork); }
long kiln_sys_execve(const char*, char* const*, char* const*) { return KILN_SYS_ENOSYS(execve); }
long kiln_sys_wait4(pid_t, int*, int, struct rusage*) { return KILN_SYS_ENOSYS(wait4); }
long kiln_sys_waitid(int, id_t, siginfo_t*, int, struct rusage*) { return KILN_SYS_ENOSYS(waitid); }

pid_t _fork(void) { return static_cast<pid_t>(ret(kiln_sys_fork())); }
pid_t fork(void) { return _fork(); }
pid_t vfork(void) { return static_cast<pid_t>(ret(kiln_sys_vfork())); }
int _execve(const char* path, char* const argv[], char* const envp[]) {
  return static_cast<int>(ret(kiln_sys_execve(path, argv, envp)));
}
int execve(const char* path, char* const argv[], char* const envp[]) { return _execve(path, argv, envp); }
pid_t wait4(pid_t pid, int* status, int options, struct rusage* usage) {
  return static_cast<pid_t>(ret(kiln_sys_wait4(pid, status, options, usage)));
}
int waitid(idtype_t idtype, id_t id, siginfo_t* info, int options) {
  return static_cast<int>(ret(kiln_sys_waitid(idtype, id, info, options, nullptr)));
}

int execl(const char*, const char*, ...) { return KILN_ENOSYS(); }
int execle(const char*, const char*, ...) { return KILN_ENOSYS(); }
int execlp(const char*, const char*, ...) { return KILN_ENOSYS(); }
int execlpe(const char*, const char*, ...) { return KILN_ENOSYS(); }
int execv(const char*, char* const[]) { return KILN_ENOSYS(); }
int execvp(const char*, char* const[]) { return KILN_ENOSYS(); }
int execvpe(const char*, char* const[], char* const[]) { return KILN_ENOSYS(); }
int fexecve(int, char* const[], char* const[]) { return KILN_ENOSYS(); }

pid_t _wait(int*) { return KILN_ENOSYS(); }
pid_t wait(int* status) { return _wait(status); }
pid_t waitpid(pid_t, int*, int) { return KILN_ENOSYS(); }
pid_t wait3(int*, int, struct rusage*) { return KILN_ENOSYS(); }

// daemon() forks and leaves the parent: no second process.
int daemon(int, int) { return KILN_ENOSYS(); }

// POSIX: system(NULL) asks whether a shell is there; there is none.
int system(const char* command) {
  if (!command) return 0;
  return KILN_ENOSYS();
}

FILE* popen(const char*, const char*) {
  KILN_ENOSYS();
  return nullptr;
}
int pclose(FILE*) { return KILN_ENOSYS(); }

int posix_spawn(pid_t* __restrict, const char* __restrict, const posix_spawn_file_actions_t*,
                const posix_spawnattr_t* __restrict, char* const[], char* const[]) {
  return KILN_SPAWN_ENOSYS();
}
int posix_spawnp(pid_t* __restrict, const char* __restrict, const posix_spawn_file_actions_t*,
                 const posix_spawnattr_t* __restrict, char* const[], char* const[]) {
  return KILN_SPAWN_ENOSYS();
}
int posix_spawn_file_actions_init(posix_spawn_file_actions_t*) { return KILN_SPAWN_ENOSYS(); }
int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t*) { return KILN_SPAWN_ENOSYS(); }
int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t* __restrict, int, const char* __restrict, int,
                                     mode_t) {
  return KILN_SPAWN_ENOSYS();
}
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t*, int, int) { return KILN_SPAWN_ENOSYS(); }
int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t*, int) { return KILN_SPAWN_ENOSYS(); }
int posix_spawnattr_init(posix_spawnattr_t*) { return KILN_SPAWN_ENOSYS(); }
int posix_spawnattr_destroy(posix_spawnattr_t*) { return KILN_SPAWN_ENOSYS(); }
int posix_spawnattr_getflags(const posix_spawnattr_t* __restrict, short* __restrict) { return KILN_SPAWN_ENOSYS(); }
int posix_spawnattr_getpgroup(const posix_spawnattr_t* __restrict, pid_t* __restrict) {
  return KILN_SPAWN_ENOSYS();
}
int posix_spawnattr_getschedparam(const posix_spawnattr_t* __restrict, struct sched_param* __restrict) {
  return KILN_SPAWN_ENOSYS();
}
int posix_spawnattr_getschedpolicy(const posix_spawnattr_t* __restrict, int* __restrict) {
  return KILN_SPAWN_ENOSYS();
}
int posix_spawnattr_getsigdefault(const posix_spawnattr_t* __restrict, sigset_t* __restrict) {
  return KILN_SPAWN_ENOSYS();
}
int posix_spawnattr_getsigmask(const posix_spawnattr_t* __restrict, sigset_t* __restrict) {
  return KILN_SPAWN_ENOSYS();
}
int posix_spawnattr_setflags(posix_spawnattr_t*, short) { return KILN_SPAWN_ENOSYS(); }
int posix_spawnattr_setpgroup(posix_spawnattr_t*, pid_t) { return KILN_SPAWN_ENOSYS(); }
int posix_spawnattr_setschedparam(posix_spawnattr_t* __restrict, const struct sched_param* __restrict) {
  return KILN_SPAWN_ENOSYS();
}
int posix_spawnattr_setschedpolicy(posix_spawnattr_t*, int) { return KILN_SPAWN_ENOSYS(); }
int posix_spawnattr_setsigdefault(posix_spawnattr_t* __restrict, const sigset_t* __restrict) {
  return KILN_SPAWN_ENOSYS();
}
int posix_spawnattr_setsigmask(posix_spawnattr_t* __restrict, const sigset_t* __restrict) {
  return KILN_SPAWN_ENOSYS();
}

}  // extern "C"
