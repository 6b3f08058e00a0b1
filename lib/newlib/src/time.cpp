// Clocks and sleeping for newlib.
#include "sleep.h"
#include <kiln/config.h>
#include <kiln/enosys.h>
#include <sys/timeb.h>
#include <kiln/init.h>
#include <kiln/plat/time.h>
#include <kiln/sigpoint.h>
#include <errno.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#ifdef CONFIG_LIBSCHED
#include <kiln/sched.h>
#endif

namespace {
// CPU time. With the scheduler, each thread's is charged at every switch
// (kiln::thread_cpu_ns) and the process's is every thread's but the idle
// thread's (kiln::process_cpu_ns). Without it there is one thread and the
// CPU time is the time since the image started (the platform's start,
// kiln_plat_start_ns, not read at an init: a clock read at boot would cost
// kvm its TSC calibration in every image), idle waits included.
#ifdef CONFIG_LIBSCHED
uint64_t cpu_ns() { return kiln::process_cpu_ns(); }
uint64_t thread_ns() { return kiln::thread_cpu_ns(); }
#else
uint64_t cpu_ns() { return kiln_plat_monotonic_ns() - kiln_plat_start_ns(); }
uint64_t thread_ns() { return cpu_ns(); }
#endif

// The clocks Kiln has: 0 for an unknown id.
enum class Clock { kNone, kWall, kMono, kProcess, kThread };
Clock which(clockid_t id) {
  switch (id) {
    case CLOCK_REALTIME:
#ifdef CLOCK_REALTIME_COARSE
    case CLOCK_REALTIME_COARSE:
#endif
      return Clock::kWall;
    case CLOCK_MONOTONIC:
#ifdef CLOCK_MONOTONIC_RAW
    case CLOCK_MONOTONIC_RAW:
#endif
#ifdef CLOCK_MONOTONIC_COARSE
    case CLOCK_MONOTONIC_COARSE:
#endif
#ifdef CLOCK_BOOTTIME
    case CLOCK_BOOTTIME:  // nothing suspends an image: the same as monotonic
#endif
      return Clock::kMono;
    case CLOCK_PROCESS_CPUTIME_ID: return Clock::kProcess;
    case CLOCK_THREAD_CPUTIME_ID: return Clock::kThread;
    default: return Clock::kNone;
  }
}
}  // namespace

extern "C" {

int clock_gettime(clockid_t id, struct timespec* ts) {
  uint64_t ns;
  switch (which(id)) {
    case Clock::kWall: ns = static_cast<uint64_t>(kiln_plat_wall_ns()); break;
    case Clock::kMono: ns = kiln_plat_monotonic_ns(); break;
    case Clock::kProcess: ns = cpu_ns(); break;
    case Clock::kThread: ns = thread_ns(); break;
    default:
      errno = EINVAL;
      return -1;
  }
  if (!ts) {
    errno = EFAULT;
    return -1;
  }
  ts->tv_sec = static_cast<time_t>(ns / 1000000000u);
  ts->tv_nsec = static_cast<long>(ns % 1000000000u);
  return 0;
}

int clock_getres(clockid_t id, struct timespec* res) {
  if (which(id) == Clock::kNone) {
    errno = EINVAL;
    return -1;
  }
  if (res) {
    res->tv_sec = 0;
    res->tv_nsec = 1;
  }
  return 0;
}

int _gettimeofday(struct timeval* tv, void*) {
  if (tv) {
    int64_t ns = kiln_plat_wall_ns();
    tv->tv_sec = static_cast<time_t>(ns / 1000000000);
    tv->tv_usec = static_cast<suseconds_t>((ns % 1000000000) / 1000);
  }
  return 0;
}
int gettimeofday(struct timeval* tv, void* tz) __attribute__((alias("_gettimeofday")));

// clock(), times() and the CPU-time clocks: one CPU and one process, so
// the CPU time used is the time since the image started (idle time
// included). newlib's clock() sums the struct tms fields and calls that
// CLOCKS_PER_SEC units, and its CLK_TCK is CLOCKS_PER_SEC, so times()
// ticks at CLOCKS_PER_SEC (1000 Hz), which sysconf(_SC_CLK_TCK) reports.
static_assert(CLOCKS_PER_SEC == CLK_TCK, "newlib's clock() counts in times() ticks");
static_assert(1000000000 % CLOCKS_PER_SEC == 0, "whole nanoseconds per tick");

clock_t _times(struct tms* t) {
  clock_t ticks = static_cast<clock_t>(cpu_ns() / (1000000000u / CLOCKS_PER_SEC));
  if (t) {
    t->tms_utime = ticks;
    t->tms_stime = 0;
    t->tms_cutime = 0;
    t->tms_cstime = 0;
  }
  return ticks;
}
clock_t times(struct tms* t) __attribute__((alias("_times")));

// The sleep calls: how they wait is sleep.h's (the calling thread blocks
// when the scheduler is in the image, else the CPU idles). A signal to
// handle ends them early (EINTR, never restarted, as on Linux); the
// handler runs before they return (kiln/sigpoint.h).
namespace {
bool valid(const struct timespec* ts) {
  return ts && ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000;
}
uint64_t to_ns(const struct timespec* ts) {
  constexpr uint64_t kMaxSec = (~uint64_t{0} >> 1) / 1000000000u;  // saturate, no overflow
  uint64_t s = static_cast<uint64_t>(ts->tv_sec);
  if (s > kMaxSec) s = kMaxSec;
  return s * 1000000000u + static_cast<uint64_t>(ts->tv_nsec);
}
// Sleeps ns; on a signal returns the time left (> 0), after its handler ran.
uint64_t sleep_for_ns(uint64_t ns) {
  uint64_t deadline = kiln_plat_monotonic_ns() + ns;
  if (kiln::newlib::sleep_until(deadline)) return 0;
  uint64_t now = kiln_plat_monotonic_ns();
  uint64_t left = deadline > now ? deadline - now : 1;
  kiln_signal_deliver();
  return left;
}
void set_rem(struct timespec* rem, uint64_t left) {
  if (!rem) return;
  rem->tv_sec = static_cast<time_t>(left / 1000000000u);
  rem->tv_nsec = static_cast<long>(left % 1000000000u);
}
}  // namespace

int nanosleep(const struct timespec* req, struct timespec* rem) {
  if (!valid(req)) {
    errno = EINVAL;
    return -1;
  }
  uint64_t left = sleep_for_ns(to_ns(req));
  set_rem(rem, left);
  if (left) {
    errno = EINTR;
    return -1;
  }
  return 0;
}

// POSIX: returns the error number instead of setting errno.
int clock_nanosleep(clockid_t id, int flags, const struct timespec* req, struct timespec* rem) {
  if (!valid(req)) return EINVAL;
  uint64_t ns = to_ns(req);
  uint64_t left = 0;
  switch (id) {
    case CLOCK_MONOTONIC:
      if (flags & TIMER_ABSTIME) {
        if (!kiln::newlib::sleep_until(ns)) {
          kiln_signal_deliver();
          return EINTR;  // rem is not used for an absolute sleep
        }
      } else {
        left = sleep_for_ns(ns);
      }
      break;
    case CLOCK_REALTIME:
      if (flags & TIMER_ABSTIME) {
        // A wall-clock deadline, turned into a monotonic one now (the wall
        // clock is not stepped while the image runs).
        int64_t wall = kiln_plat_wall_ns();
        if (wall >= 0 && ns > static_cast<uint64_t>(wall) && sleep_for_ns(ns - static_cast<uint64_t>(wall)))
          return EINTR;
      } else {
        left = sleep_for_ns(ns);
      }
      break;
    default:
      return EINVAL;  // includes the CPU-time clocks, as POSIX allows
  }
  if (!(flags & TIMER_ABSTIME)) set_rem(rem, left);
  return left ? EINTR : 0;
}

int usleep(useconds_t us) {
  if (sleep_for_ns(uint64_t{us} * 1000u)) {
    errno = EINTR;
    return -1;
  }
  return 0;
}

// The seconds left when a signal ended the sleep, rounded up.
unsigned sleep(unsigned s) {
  uint64_t left = sleep_for_ns(uint64_t{s} * 1000000000u);
  return static_cast<unsigned>((left + 999999999u) / 1000000000u);
}

// The clock is the platform's (the host's on linuxu, the hypervisor's or
// the CMOS clock's on kvm/xen): an image does not set it.
int clock_settime(clockid_t, const struct timespec*) { return KILN_ENOSYS(); }
int settimeofday(const struct timeval*, const struct timezone*) { return KILN_ENOSYS(); }
int adjtime(const struct timeval*, struct timeval*) { return KILN_ENOSYS(); }

// The old BSD form of gettimeofday (no time zone: UTC).
int ftime(struct timeb* tb) {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  tb->time = tv.tv_sec;
  tb->millitm = static_cast<unsigned short>(tv.tv_usec / 1000);
  tb->timezone = 0;
  tb->dstflag = 0;
  return 0;
}

}  // extern "C"
