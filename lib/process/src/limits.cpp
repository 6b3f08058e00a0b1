// Resource limits and usage of the one process.
//   RLIMIT_NOFILE  the descriptor table's limit (fd.max=), hard limit
//                  CONFIG_LIBFDTAB_MAX until lowered: setrlimit moves the
//                  table's limit and keeps the hard limit it was given.
//   RLIMIT_STACK   main()'s stack (main.stack= on kvm/xen; the host's on
//                  linuxu); lowering it is accepted and changes nothing
//                  already running.
//   RLIMIT_AS, RLIMIT_DATA  the heap's size; kept and reported, the heap
//                  itself is the limit (malloc fails with ENOMEM).
//   RLIMIT_CORE    0 (no core files); others unlimited, kept as set.
// Raising a soft limit past its hard limit fails EINVAL; raising a hard
// limit fails EPERM, as for a process without CAP_SYS_RESOURCE (there is no
// more to give).
#include <kiln/alloc.h>
#include <kiln/config.h>
#include <kiln/file.h>
#include <kiln/syscall.h>
#include <kiln/plat/time.h>
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

namespace {

constinit struct rlimit g_limits[RLIMIT_NLIMITS];
constinit bool g_init = false;
constinit rlim_t g_nofile_max = CONFIG_LIBFDTAB_MAX;  // RLIMIT_NOFILE's hard limit

rlim_t heap_bytes() {
  kiln_alloc_stats st;
  kiln_alloc_get_stats(&st);
  return st.total ? st.total : RLIM_INFINITY;
}

void init_limits() {
  if (g_init) return;
  for (auto& l : g_limits) l = {RLIM_INFINITY, RLIM_INFINITY};
  g_limits[RLIMIT_CORE] = {0, 0};
#ifdef CONFIG_MAIN_STACK_KB
  g_limits[RLIMIT_STACK] = {CONFIG_MAIN_STACK_KB * 1024ul, CONFIG_MAIN_STACK_KB * 1024ul};
#else
  g_limits[RLIMIT_STACK] = {8ul << 20, RLIM_INFINITY};
#endif
  rlim_t heap = heap_bytes();
  g_limits[RLIMIT_AS] = {heap, heap};
  g_limits[RLIMIT_DATA] = {heap, heap};
  g_limits[RLIMIT_NPROC] = {1, 1};
  g_init = true;
}

struct rlimit current(int r) {
  struct rlimit l = g_limits[r];
  if (r == RLIMIT_NOFILE) l = {static_cast<rlim_t>(kiln::fd_limit()), g_nofile_max};
  return l;
}

}  // namespace

extern "C" {

long kiln_sys_prlimit64(pid_t pid, int res, const struct rlimit* nl, struct rlimit* ol) {
  if (pid != 0 && pid != 1) return -ESRCH;
  if (res < 0 || res >= RLIMIT_NLIMITS) return -EINVAL;
  init_limits();
  struct rlimit old = current(res);
  if (nl) {
    struct rlimit n = *nl;
    if (n.rlim_cur > n.rlim_max) return -EINVAL;
    if (n.rlim_max > old.rlim_max) return -EPERM;
    if (res == RLIMIT_NOFILE) {
      // The table needs its three standard descriptors.
      rlim_t want = n.rlim_cur < 3 ? 3 : n.rlim_cur;
      if (want > CONFIG_LIBFDTAB_MAX) want = CONFIG_LIBFDTAB_MAX;
      KILN_TRY_SYS(kiln::fd_set_limit(static_cast<int>(want)));
      g_nofile_max = n.rlim_max < want ? want : n.rlim_max;
    }
    g_limits[res] = n;
  }
  if (ol) *ol = old;
  return 0;
}
KILN_SYSCALL(prlimit64);

long kiln_sys_getrlimit(int res, struct rlimit* l) {
  if (!l) return -EFAULT;
  return kiln_sys_prlimit64(0, res, nullptr, l);
}
KILN_SYSCALL(getrlimit);

long kiln_sys_setrlimit(int res, const struct rlimit* l) {
  if (!l) return -EFAULT;
  return kiln_sys_prlimit64(0, res, l, nullptr);
}
KILN_SYSCALL(setrlimit);

long kiln_sys_getrusage(int who, struct rusage* u) {
  if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD) return -EINVAL;
  if (!u) return -EFAULT;
  memset(u, 0, sizeof *u);
  if (who == RUSAGE_CHILDREN) return 0;  // there are none
  struct timespec ts;
  clockid_t clock = who == RUSAGE_THREAD ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID;
  if (clock_gettime(clock, &ts) == 0) {
    u->ru_utime.tv_sec = ts.tv_sec;
    u->ru_utime.tv_usec = ts.tv_nsec / 1000;
  }
  kiln_alloc_stats st;
  kiln_alloc_get_stats(&st);
  u->ru_maxrss = static_cast<long>((st.peak + 1023) / 1024);  // the heap's high-water mark, KiB
  return 0;
}
KILN_SYSCALL(getrusage);

}  // extern "C"

namespace {
constinit int g_nice = 0;
}

extern "C" {

// No other processes to compete with: priorities are accepted and kept.
long kiln_sys_getpriority(int which, id_t who) {
  if (which < PRIO_PROCESS || which > PRIO_USER) return -EINVAL;
  if (who != 0 && who != 1 && which != PRIO_USER) return -ESRCH;
  return 20 - g_nice;  // Linux's system call returns 20 - nice (never negative)
}
KILN_SYSCALL(getpriority);

long kiln_sys_setpriority(int which, id_t who, int prio) {
  if (which < PRIO_PROCESS || which > PRIO_USER) return -EINVAL;
  if (who != 0 && who != 1 && which != PRIO_USER) return -ESRCH;
  g_nice = prio < -20 ? -20 : prio > 19 ? 19 : prio;
  return 0;
}
KILN_SYSCALL(setpriority);

int getrlimit(int res, struct rlimit* l) { return static_cast<int>(kiln_sys_ret(kiln_sys_getrlimit(res, l))); }
int setrlimit(int res, const struct rlimit* l) { return static_cast<int>(kiln_sys_ret(kiln_sys_setrlimit(res, l))); }
int prlimit(pid_t pid, int res, const struct rlimit* nl, struct rlimit* ol) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_prlimit64(pid, res, nl, ol)));
}
int getrusage(int who, struct rusage* u) { return static_cast<int>(kiln_sys_ret(kiln_sys_getrusage(who, u))); }
int getpriority(int which, id_t who) {
  long r = kiln_sys_getpriority(which, who);
  if (r < 0) return static_cast<int>(kiln_sys_ret(r));
  return g_nice;
}
int setpriority(int which, id_t who, int prio) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_setpriority(which, who, prio)));
}
int nice(int inc) {
  int n = g_nice + inc;
  g_nice = n < -20 ? -20 : n > 19 ? 19 : n;
  return g_nice;
}

}  // extern "C"

extern "C" {
// The descriptor table's size: RLIMIT_NOFILE's soft limit.
int getdtablesize(void) { return kiln::fd_limit(); }
int setdtablesize(int n) {
  struct rlimit l;
  if (getrlimit(RLIMIT_NOFILE, &l) != 0) return -1;
  l.rlim_cur = n < 0 ? 0 : static_cast<rlim_t>(n);
  return setrlimit(RLIMIT_NOFILE, &l);
}
}  // extern "C"
