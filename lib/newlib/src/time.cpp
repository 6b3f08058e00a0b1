// Clocks and sleeping for newlib.
#include <kiln/plat/time.h>
#include <errno.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

extern "C" {

int clock_gettime(clockid_t id, struct timespec* ts) {
  uint64_t ns;
  switch (id) {
    case CLOCK_REALTIME:
      ns = static_cast<uint64_t>(kiln_plat_wall_ns());
      break;
    case CLOCK_MONOTONIC:
#ifdef CLOCK_PROCESS_CPUTIME_ID
    case CLOCK_PROCESS_CPUTIME_ID:
#endif
#ifdef CLOCK_THREAD_CPUTIME_ID
    case CLOCK_THREAD_CPUTIME_ID:
#endif
      ns = kiln_plat_monotonic_ns();
      break;
    default:
      errno = EINVAL;
      return -1;
  }
  ts->tv_sec = static_cast<time_t>(ns / 1000000000u);
  ts->tv_nsec = static_cast<long>(ns % 1000000000u);
  return 0;
}

int clock_getres(clockid_t id, struct timespec* res) {
  if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC) {
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

clock_t _times(struct tms* t) {
  clock_t ticks = static_cast<clock_t>(kiln_plat_monotonic_ns() / (1000000000u / 100));
  if (t) {
    t->tms_utime = ticks;
    t->tms_stime = 0;
    t->tms_cutime = 0;
    t->tms_cstime = 0;
  }
  return ticks;
}
clock_t times(struct tms* t) __attribute__((alias("_times")));

int nanosleep(const struct timespec* req, struct timespec* rem) {
  if (!req || req->tv_nsec < 0 || req->tv_nsec >= 1000000000 || req->tv_sec < 0) {
    errno = EINVAL;
    return -1;
  }
  uint64_t deadline = kiln_plat_monotonic_ns() + static_cast<uint64_t>(req->tv_sec) * 1000000000u +
                      static_cast<uint64_t>(req->tv_nsec);
  while (kiln_plat_monotonic_ns() < deadline) kiln_plat_idle_until(deadline);
  if (rem) rem->tv_sec = rem->tv_nsec = 0;
  return 0;
}

int usleep(useconds_t us) {
  struct timespec ts = {static_cast<time_t>(us / 1000000), static_cast<long>(us % 1000000) * 1000};
  return nanosleep(&ts, nullptr);
}

unsigned sleep(unsigned s) {
  struct timespec ts = {static_cast<time_t>(s), 0};
  nanosleep(&ts, nullptr);
  return 0;
}

}  // extern "C"
