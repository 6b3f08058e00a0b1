// The system-call table's functions (kiln/syscall.h): one declaration per
// implemented call, Linux's name and argument types, grouped by the library
// that implements it. Each returns the result or a negative errno.
#pragma once
#include <stddef.h>
#include <sys/types.h>
#include <kiln/compiler.h>

struct stat;
struct iovec;
struct utsname;
struct rlimit;
struct rusage;
struct timespec;
struct itimerval;
struct itimerspec;
struct sigevent;
struct sigaltstack;
struct __kiln_siginfo;  // siginfo_t (Kiln's <signal.h>)
struct msqid_ds;
struct sembuf;
struct shmid_ds;

// Linux's struct kernel_sigaction (rt_sigaction's, not the libc's struct
// sigaction): the handler, flags, restorer, then the 64-bit mask.
struct kiln_ksigaction {
  void* handler;
  unsigned long flags;
  void (*restorer)(void);
  unsigned long mask;  // 64-bit set: bit n - 1 is signal n
};

#ifdef __cplusplus
extern "C" {
#endif

// lib/fdtab: every kind of descriptor.
long kiln_sys_read(int fd, void* buf, size_t n);
long kiln_sys_write(int fd, const void* buf, size_t n);
long kiln_sys_close(int fd);
long kiln_sys_fstat(int fd, struct stat* st);
long kiln_sys_lseek(int fd, off_t off, int whence);
long kiln_sys_dup(int fd);
long kiln_sys_dup2(int fd, int to);
long kiln_sys_readv(int fd, const struct iovec* iov, int n);
long kiln_sys_writev(int fd, const struct iovec* iov, int n);

// lib/process: identity, limits, usage.
long kiln_sys_uname(struct utsname* u);
long kiln_sys_sethostname(const char* name, size_t len);
long kiln_sys_getpid(void);
long kiln_sys_getppid(void);
long kiln_sys_gettid(void);
long kiln_sys_getpgrp(void);
long kiln_sys_getpgid(pid_t pid);
long kiln_sys_getsid(pid_t pid);
long kiln_sys_setsid(void);
long kiln_sys_setpgid(pid_t pid, pid_t pgid);
long kiln_sys_getuid(void);
long kiln_sys_geteuid(void);
long kiln_sys_getgid(void);
long kiln_sys_getegid(void);
long kiln_sys_setuid(uid_t u);
long kiln_sys_setgid(gid_t g);
long kiln_sys_setreuid(uid_t r, uid_t e);
long kiln_sys_setregid(gid_t r, gid_t e);
long kiln_sys_setresuid(uid_t r, uid_t e, uid_t s);
long kiln_sys_setresgid(gid_t r, gid_t e, gid_t s);
long kiln_sys_getresuid(uid_t* r, uid_t* e, uid_t* s);
long kiln_sys_getresgid(gid_t* r, gid_t* e, gid_t* s);
long kiln_sys_getgroups(int n, gid_t* list);
long kiln_sys_setgroups(size_t n, const gid_t* list);
long kiln_sys_prlimit64(pid_t pid, int res, const struct rlimit* nl, struct rlimit* ol);
long kiln_sys_getrlimit(int res, struct rlimit* l);
long kiln_sys_setrlimit(int res, const struct rlimit* l);
long kiln_sys_getrusage(int who, struct rusage* u);
long kiln_sys_getpriority(int which, id_t who);
long kiln_sys_setpriority(int which, id_t who, int prio);

// lib/random.
long kiln_sys_getrandom(void* buf, size_t n, unsigned flags);

// lib/mm: memory mappings and the program break.
long kiln_sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags, unsigned long fd,
                   unsigned long off);
long kiln_sys_munmap(unsigned long addr, size_t len);
long kiln_sys_mprotect(unsigned long addr, size_t len, unsigned long prot);
long kiln_sys_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len, unsigned long flags,
                     unsigned long new_addr);
long kiln_sys_madvise(unsigned long addr, size_t len, int advice);
long kiln_sys_msync(unsigned long addr, size_t len, int flags);
long kiln_sys_mlock(unsigned long addr, size_t len);
long kiln_sys_munlock(unsigned long addr, size_t len);
long kiln_sys_mlockall(int flags);
long kiln_sys_munlockall(void);
long kiln_sys_brk(unsigned long addr);
// lib/signal: signals within the image (Linux's numbers and structures;
// timer ids are the kernel's ints, sets are 64-bit, setsize must be 8).
long kiln_sys_rt_sigaction(int sig, const struct kiln_ksigaction* act, struct kiln_ksigaction* old,
                           size_t setsize);
long kiln_sys_rt_sigprocmask(int how, const unsigned long* set, unsigned long* old, size_t setsize);
long kiln_sys_rt_sigpending(unsigned long* set, size_t setsize);
long kiln_sys_rt_sigsuspend(const unsigned long* set, size_t setsize);
long kiln_sys_rt_sigtimedwait(const unsigned long* set, struct __kiln_siginfo* info, const struct timespec* ts,
                              size_t setsize);
long kiln_sys_kill(pid_t pid, int sig);
long kiln_sys_tkill(pid_t tid, int sig);
long kiln_sys_tgkill(pid_t tgid, pid_t tid, int sig);
long kiln_sys_pause(void);
long kiln_sys_sigaltstack(const struct sigaltstack* ss, struct sigaltstack* old);
long kiln_sys_alarm(unsigned int seconds);
long kiln_sys_setitimer(int which, const struct itimerval* value, struct itimerval* old);
long kiln_sys_getitimer(int which, struct itimerval* value);
long kiln_sys_timer_create(clockid_t clock, struct sigevent* ev, int* id);
long kiln_sys_timer_settime(int id, int flags, const struct itimerspec* value, struct itimerspec* old);
long kiln_sys_timer_gettime(int id, struct itimerspec* value);
long kiln_sys_timer_getoverrun(int id);
long kiln_sys_timer_delete(int id);


// lib/sysvipc: System V IPC within the image.
long kiln_sys_msgget(key_t key, int flags);
long kiln_sys_msgsnd(int id, const void* msg, size_t size, int flags);
long kiln_sys_msgrcv(int id, void* msg, size_t size, long type, int flags);
long kiln_sys_msgctl(int id, int cmd, struct msqid_ds* buf);
long kiln_sys_semget(key_t key, int nsems, int flags);
long kiln_sys_semop(int id, struct sembuf* ops, size_t nops);
long kiln_sys_semtimedop(int id, struct sembuf* ops, size_t nops, const struct timespec* timeout);
long kiln_sys_semctl(int id, int num, int cmd, unsigned long arg);
long kiln_sys_shmget(key_t key, size_t size, int flags);
long kiln_sys_shmat(int id, const void* addr, int flags);
long kiln_sys_shmdt(const void* addr);
long kiln_sys_shmctl(int id, int cmd, struct shmid_ds* buf);

#ifdef __cplusplus
}
#endif
