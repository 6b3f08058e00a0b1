// sysconf: an answer for every _SC_ name newlib's <unistd.h> defines.
// Limits Kiln has say their value; options Kiln implements say their
// POSIX version (200809); options it does not, and limits without a fixed
// bound, return -1 with errno unchanged, as POSIX says. Only a name that is
// not a _SC_ name fails with EINVAL.
#include <kiln/alloc.h>
#include <kiln/config.h>
#include <kiln/file.h>
#include <errno.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>
#ifdef CONFIG_LIBPTHREAD
#include <pthread.h>  // lib/pthread's limits
#endif

namespace {
constexpr long kPosix = 200809L;
constexpr long kPage = 4096;

long phys_pages(bool available) {
  kiln_alloc_stats st;
  kiln_alloc_get_stats(&st);
  return static_cast<long>((available ? st.free : st.total) / kPage);
}
}  // namespace

extern "C" long sysconf(int name) {
  switch (name) {
    // Limits.
    case _SC_ARG_MAX: return 131072;
    case _SC_CHILD_MAX: return 1;
    case _SC_CLK_TCK: return CLOCKS_PER_SEC;  // times() ticks (lib/newlib/src/time.cpp)
    case _SC_NGROUPS_MAX: return 65536;
    case _SC_OPEN_MAX: return kiln::fd_limit();
    case _SC_STREAM_MAX: return kiln::fd_limit();
    case _SC_TZNAME_MAX: return 6;
    case _SC_PAGESIZE: return kPage;
#if _SC_PAGE_SIZE != _SC_PAGESIZE
    case _SC_PAGE_SIZE: return kPage;
#endif
    case _SC_NPROCESSORS_CONF:
    case _SC_NPROCESSORS_ONLN: return 1;
    case _SC_PHYS_PAGES: return phys_pages(false);
    case _SC_AVPHYS_PAGES: return phys_pages(true);
    case _SC_IOV_MAX: return IOV_MAX;
    case _SC_LINE_MAX: return 2048;
    case _SC_HOST_NAME_MAX: return 64;
    case _SC_LOGIN_NAME_MAX: return 256;
    case _SC_TTY_NAME_MAX: return 32;
    case _SC_SYMLOOP_MAX: return 40;  // lib/vfs's bound on symlinks in one walk
    case _SC_GETPW_R_SIZE_MAX:
    case _SC_GETGR_R_SIZE_MAX: return 1024;
#ifdef CONFIG_LIBPTHREAD
    case _SC_THREAD_KEYS_MAX: return PTHREAD_KEYS_MAX;
    case _SC_THREAD_DESTRUCTOR_ITERATIONS: return PTHREAD_DESTRUCTOR_ITERATIONS;
    case _SC_THREAD_STACK_MIN: return PTHREAD_STACK_MIN;
#else
    case _SC_THREAD_KEYS_MAX:
    case _SC_THREAD_DESTRUCTOR_ITERATIONS:
    case _SC_THREAD_STACK_MIN: return -1;  // no threads in this image
#endif
    case _SC_ATEXIT_MAX: return INT_MAX;  // newlib grows its atexit list
    case _SC_SEM_VALUE_MAX: return INT_MAX;
    case _SC_SIGQUEUE_MAX: return 32;
    case _SC_RTSIG_MAX: return 32;
    case _SC_RE_DUP_MAX: return 255;
    case _SC_BC_BASE_MAX: return 99;
    case _SC_BC_DIM_MAX: return 2048;
    case _SC_BC_SCALE_MAX: return 99;
    case _SC_BC_STRING_MAX: return 1000;
    case _SC_COLL_WEIGHTS_MAX: return 2;
    case _SC_EXPR_NEST_MAX: return 32;
    case _SC_LEVEL1_DCACHE_LINESIZE:
    case _SC_LEVEL1_ICACHE_LINESIZE:
    case _SC_LEVEL2_CACHE_LINESIZE:
    case _SC_LEVEL3_CACHE_LINESIZE: return 64;
    // Options Kiln implements.
    case _SC_VERSION:
    case _SC_POSIX_26_VERSION:
    case _SC_THREADS:
    case _SC_THREAD_SAFE_FUNCTIONS:
    case _SC_THREAD_ATTR_STACKADDR:
    case _SC_THREAD_ATTR_STACKSIZE:
    case _SC_TIMERS:
    case _SC_TIMEOUTS:
    case _SC_MONOTONIC_CLOCK:
    case _SC_CLOCK_SELECTION:
    case _SC_SEMAPHORES:
    case _SC_READER_WRITER_LOCKS:
    case _SC_SPIN_LOCKS:
    case _SC_BARRIERS:
    case _SC_FSYNC:
    case _SC_MAPPED_FILES:
    case _SC_MEMORY_PROTECTION:
    case _SC_REGEXP:
    case _SC_IPV6:
    case _SC_SAVED_IDS:
    case _SC_CPUTIME:
    case _SC_THREAD_CPUTIME:
    case _SC_REALTIME_SIGNALS: return kPosix;
    case _SC_2_VERSION: return kPosix;
    case _SC_XOPEN_VERSION: return 700;
    case _SC_V7_LP64_OFF64: return 1;  // = _SC_V6_ and _SC_XBS5_LP64_OFF64 in newlib
    // Everything else newlib names: not supported, or no fixed limit.
    case _SC_2_CHAR_TERM: case _SC_2_C_BIND: case _SC_2_C_DEV: case _SC_2_FORT_DEV: case _SC_2_FORT_RUN:
    case _SC_2_LOCALEDEF: case _SC_2_PBS: case _SC_2_PBS_ACCOUNTING: case _SC_2_PBS_CHECKPOINT:
    case _SC_2_PBS_LOCATE: case _SC_2_PBS_MESSAGE: case _SC_2_PBS_TRACK: case _SC_2_SW_DEV: case _SC_2_UPE:
    case _SC_ADVISORY_INFO: case _SC_AIO_LISTIO_MAX: case _SC_AIO_MAX: case _SC_AIO_PRIO_DELTA_MAX:
    case _SC_ASYNCHRONOUS_IO: case _SC_DELAYTIMER_MAX: case _SC_JOB_CONTROL:
    case _SC_LEVEL1_DCACHE_ASSOC: case _SC_LEVEL1_DCACHE_SIZE: case _SC_LEVEL1_ICACHE_ASSOC:
    case _SC_LEVEL1_ICACHE_SIZE: case _SC_LEVEL2_CACHE_ASSOC: case _SC_LEVEL2_CACHE_SIZE:
    case _SC_LEVEL3_CACHE_ASSOC: case _SC_LEVEL3_CACHE_SIZE: case _SC_LEVEL4_CACHE_ASSOC:
    case _SC_LEVEL4_CACHE_LINESIZE: case _SC_LEVEL4_CACHE_SIZE: case _SC_MEMLOCK: case _SC_MEMLOCK_RANGE:
    case _SC_MESSAGE_PASSING: case _SC_MQ_OPEN_MAX: case _SC_MQ_PRIO_MAX: case _SC_PRIORITIZED_IO:
    case _SC_PRIORITY_SCHEDULING: case _SC_RAW_SOCKETS: case _SC_SEM_NSEMS_MAX: case _SC_SHARED_MEMORY_OBJECTS:
    case _SC_SHELL: case _SC_SPAWN: case _SC_SPORADIC_SERVER: case _SC_SS_REPL_MAX: case _SC_SYNCHRONIZED_IO:
    case _SC_THREAD_PRIORITY_SCHEDULING: case _SC_THREAD_PRIO_INHERIT:
    case _SC_THREAD_PRIO_PROTECT: case _SC_THREAD_PROCESS_SHARED: case _SC_THREAD_ROBUST_PRIO_INHERIT:
    case _SC_THREAD_ROBUST_PRIO_PROTECT: case _SC_THREAD_SPORADIC_SERVER: case _SC_THREAD_THREADS_MAX:
    case _SC_TIMER_MAX: case _SC_TRACE: case _SC_TRACE_EVENT_FILTER: case _SC_TRACE_EVENT_NAME_MAX:
    case _SC_TRACE_INHERIT: case _SC_TRACE_LOG: case _SC_TRACE_NAME_MAX: case _SC_TRACE_SYS_MAX:
    case _SC_TRACE_USER_EVENT_MAX: case _SC_TYPED_MEMORY_OBJECTS:
    // newlib gives _SC_V6_ and _SC_XBS5_ the _SC_V7_ values, and
    // _SC_THREAD_PRIO_CEILING _SC_THREAD_PRIO_PROTECT's.
    case _SC_V7_ILP32_OFF32: case _SC_V7_ILP32_OFFBIG: case _SC_V7_LPBIG_OFFBIG:
    case _SC_XOPEN_CRYPT: case _SC_XOPEN_ENH_I18N: case _SC_XOPEN_LEGACY: case _SC_XOPEN_REALTIME:
    case _SC_XOPEN_REALTIME_THREADS: case _SC_XOPEN_SHM: case _SC_XOPEN_STREAMS: case _SC_XOPEN_UNIX:
    case _SC_XOPEN_UUCP:
      return -1;
    default:
      errno = EINVAL;
      return -1;
  }
}
