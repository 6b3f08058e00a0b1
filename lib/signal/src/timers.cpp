// Timers that send signals: alarm, setitimer/getitimer (ITIMER_REAL) and
// the POSIX timers (timer_create: SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD),
// on lib/sched's timer callbacks (kiln::Timer, run with events masked: they
// only post a signal or wake the notifier thread).
#include "signal.h"
#include <kiln/lock.h>
#include <kiln/plat/time.h>
#include <kiln/sched.h>
#include <kiln/sync.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <new>

namespace kiln::signal {
namespace {

constexpr uint64_t kSec = 1000000000u;
constexpr int kMaxTimers = 32;

uint64_t now() { return kiln_plat_monotonic_ns(); }

bool valid_ts(const struct timespec& t) { return t.tv_sec >= 0 && t.tv_nsec >= 0 && t.tv_nsec < 1000000000; }
uint64_t ts_ns(const struct timespec& t) {
  constexpr uint64_t kMax = (~uint64_t{0} >> 2) / kSec;
  uint64_t s = static_cast<uint64_t>(t.tv_sec);
  return (s > kMax ? kMax : s) * kSec + static_cast<uint64_t>(t.tv_nsec);
}
struct timespec ns_ts(uint64_t ns) {
  return {static_cast<time_t>(ns / kSec), static_cast<long>(ns % kSec)};
}

// One timer: a deadline, an optional period, and what an expiry does.
struct SigTimer {
  kiln::Timer timer;
  bool used = false;
  bool armed = false;
  bool deleting = false;
  int notify = SIGEV_SIGNAL;
  clockid_t clock = CLOCK_MONOTONIC;
  int signo = SIGALRM;
  int code = SI_TIMER;
  int id = 0;
  union sigval value = {};
  void (*fn)(union sigval) = nullptr;
  uint64_t deadline = 0;
  uint64_t interval = 0;
  int overrun = 0;       // expiries while the last signal was still pending
  int last_overrun = 0;  // timer_getoverrun: the count the delivered signal carried
  kiln::Semaphore* fired = nullptr;  // SIGEV_THREAD: one up per expiry (allocated: see timer_create)
  kiln::Thread* thread = nullptr;
};

constinit SigTimer real_timer;  // ITIMER_REAL and alarm
constinit SigTimer timers[kMaxTimers];

void expired(kiln::Timer* kt) {
  auto* t = static_cast<SigTimer*>(kt->data);
  if (t->interval) {
    // Periodic: the next deadline, skipping (and counting) missed periods.
    uint64_t n = now();
    t->deadline += t->interval;
    while (t->deadline <= n) {
      t->deadline += t->interval;
      ++t->overrun;
    }
    kiln::timer_start(&t->timer, t->deadline);
  } else {
    t->armed = false;
  }
  switch (t->notify) {
    case SIGEV_SIGNAL:
      if (process_pending(t->signo)) {
        ++t->overrun;
      } else {
        t->last_overrun = t->overrun;
        t->overrun = 0;
        post_process(t->signo, Info{t->code, 0, t->id, t->last_overrun, t->value});
      }
      break;
    case SIGEV_THREAD:
      t->fired->up();
      break;
    default:  // SIGEV_NONE: only the clock
      break;
  }
}

void arm(SigTimer* t, uint64_t deadline, uint64_t interval) {
  kiln::IrqGuard g;
  kiln::timer_cancel(&t->timer);
  t->interval = interval;
  t->overrun = 0;
  t->armed = deadline != 0;
  t->deadline = deadline;
  if (!deadline) return;
  t->timer.fn = expired;
  t->timer.data = t;
  kiln::timer_start(&t->timer, deadline);
}

// Remaining time and period of t (0, 0 when disarmed).
void remaining(SigTimer* t, uint64_t* left, uint64_t* interval) {
  kiln::IrqGuard g;
  uint64_t n = now();
  *left = t->armed ? (t->deadline > n ? t->deadline - n : 1) : 0;
  *interval = t->armed ? t->interval : 0;
}

// The notifier thread of a SIGEV_THREAD timer: calls the function once per
// expiry, in thread context, until timer_delete.
void* notifier(void* arg) {
  auto* t = static_cast<SigTimer*>(arg);
  for (;;) {
    (void)t->fired->down();
    if (__atomic_load_n(&t->deleting, __ATOMIC_ACQUIRE)) break;
    t->fn(t->value);
  }
  kiln::Semaphore* sem = t->fired;
  {
    kiln::IrqGuard g;
    t->fired = nullptr;
    t->thread = nullptr;
    t->deleting = false;
    t->used = false;  // the slot is free once its thread is done with it
  }
  delete sem;
  return nullptr;
}

SigTimer* lookup(int id) {
  if (id < 1 || id > kMaxTimers) return nullptr;
  SigTimer* t = &timers[id - 1];
  return t->used && !t->deleting ? t : nullptr;
}

}  // namespace
}  // namespace kiln::signal

using namespace kiln::signal;

extern "C" {

long kiln_sys_setitimer(int which, const struct itimerval* v, struct itimerval* old) {
  if (which != ITIMER_REAL) return -EINVAL;  // no CPU-time timers
  if (v && (v->it_value.tv_sec < 0 || v->it_value.tv_usec < 0 || v->it_value.tv_usec >= 1000000 ||
            v->it_interval.tv_sec < 0 || v->it_interval.tv_usec < 0 || v->it_interval.tv_usec >= 1000000))
    return -EINVAL;
  if (old) {
    uint64_t left, iv;
    remaining(&real_timer, &left, &iv);
    old->it_value = {static_cast<time_t>(left / kSec), static_cast<suseconds_t>(left % kSec / 1000)};
    old->it_interval = {static_cast<time_t>(iv / kSec), static_cast<suseconds_t>(iv % kSec / 1000)};
  }
  if (v) {
    uint64_t val = static_cast<uint64_t>(v->it_value.tv_sec) * kSec + static_cast<uint64_t>(v->it_value.tv_usec) * 1000;
    uint64_t iv =
        static_cast<uint64_t>(v->it_interval.tv_sec) * kSec + static_cast<uint64_t>(v->it_interval.tv_usec) * 1000;
    real_timer.notify = SIGEV_SIGNAL;
    real_timer.signo = SIGALRM;
    real_timer.code = SI_KERNEL;  // as Linux's itimers
    arm(&real_timer, val ? now() + val : 0, val ? iv : 0);
  }
  return 0;
}
KILN_SYSCALL(setitimer);

long kiln_sys_getitimer(int which, struct itimerval* v) { return kiln_sys_setitimer(which, nullptr, v); }
KILN_SYSCALL(getitimer);

long kiln_sys_alarm(unsigned int seconds) {
  struct itimerval v = {{0, 0}, {static_cast<time_t>(seconds), 0}}, old;
  kiln_sys_setitimer(ITIMER_REAL, &v, &old);
  // Whole seconds left, rounded up (0 only when none was set).
  return old.it_value.tv_sec + (old.it_value.tv_usec ? 1 : 0);
}
KILN_SYSCALL(alarm);

long kiln_sys_timer_create(clockid_t clock, struct sigevent* ev, int* id) {
  if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME) return -EINVAL;
  int notify = ev ? ev->sigev_notify : SIGEV_SIGNAL;
  int signo = ev ? ev->sigev_signo : SIGALRM;
  if (notify != SIGEV_SIGNAL && notify != SIGEV_NONE && notify != SIGEV_THREAD) return -EINVAL;
  if (notify == SIGEV_SIGNAL && (signo < 1 || signo >= NSIG)) return -EINVAL;
  if (notify == SIGEV_THREAD && !ev->sigev_notify_function) return -EINVAL;
  SigTimer* t = nullptr;
  {
    kiln::IrqGuard g;
    for (int i = 0; i < kMaxTimers && !t; ++i)
      if (!timers[i].used) {
        t = &timers[i];
        t->used = true;
      }
  }
  if (!t) return -EAGAIN;
  int n = static_cast<int>(t - timers) + 1;
  t->id = n;
  t->notify = notify;
  t->clock = clock;
  t->signo = signo;
  t->code = SI_TIMER;
  if (ev) {
    t->value = ev->sigev_value;
  } else {
    t->value = {};
    t->value.sival_int = n;  // POSIX: the default value is the timer's id
  }
  t->fn = notify == SIGEV_THREAD ? ev->sigev_notify_function : nullptr;
  t->armed = false;
  t->deleting = false;
  t->overrun = t->last_overrun = 0;
  if (notify == SIGEV_THREAD) {
    // Allocated, not in the timer table: the table is zero-initialised
    // (.bss), and a wait queue's list head must point at itself.
    t->fired = new (std::nothrow) kiln::Semaphore(0);
    if (!t->fired) {
      t->used = false;
      return -EAGAIN;
    }
    auto th = kiln::thread_create("timer", notifier, t);
    if (th.is_error()) {
      delete t->fired;
      t->fired = nullptr;
      t->used = false;
      return -EAGAIN;
    }
    t->thread = th.value();
    (void)kiln::thread_detach(t->thread);
  }
  *id = n;
  return 0;
}
KILN_SYSCALL(timer_create);

long kiln_sys_timer_settime(int id, int flags, const struct itimerspec* v, struct itimerspec* old) {
  SigTimer* t = lookup(id);
  if (!t) return -EINVAL;
  if (!v || !valid_ts(v->it_value) || !valid_ts(v->it_interval)) return -EINVAL;
  if (old) {
    uint64_t left, iv;
    remaining(t, &left, &iv);
    old->it_value = ns_ts(left);
    old->it_interval = ns_ts(iv);
  }
  uint64_t val = ts_ns(v->it_value);
  uint64_t deadline = 0;
  if (val) {
    if (flags & TIMER_ABSTIME) {
      deadline = val;
      if (t->clock == CLOCK_REALTIME) {
        // A wall-clock deadline becomes a monotonic one now (the wall
        // clock is not stepped while the image runs); a past one fires now.
        int64_t wall = kiln_plat_wall_ns();
        uint64_t n = now();
        deadline = wall >= 0 && val > static_cast<uint64_t>(wall) ? n + (val - static_cast<uint64_t>(wall)) : n;
      }
    } else {
      deadline = now() + val;
    }
    if (deadline == 0) deadline = 1;
  }
  arm(t, deadline, val ? ts_ns(v->it_interval) : 0);
  return 0;
}
KILN_SYSCALL(timer_settime);

long kiln_sys_timer_gettime(int id, struct itimerspec* v) {
  SigTimer* t = lookup(id);
  if (!t) return -EINVAL;
  uint64_t left, iv;
  remaining(t, &left, &iv);
  v->it_value = ns_ts(left);
  v->it_interval = ns_ts(iv);
  return 0;
}
KILN_SYSCALL(timer_gettime);

long kiln_sys_timer_getoverrun(int id) {
  SigTimer* t = lookup(id);
  if (!t) return -EINVAL;
  return t->last_overrun;
}
KILN_SYSCALL(timer_getoverrun);

long kiln_sys_timer_delete(int id) {
  SigTimer* t = lookup(id);
  if (!t) return -EINVAL;
  arm(t, 0, 0);
  kiln::IrqGuard g;
  if (t->thread) {
    __atomic_store_n(&t->deleting, true, __ATOMIC_RELEASE);
    t->fired->up();  // the notifier exits and frees the slot
  } else {
    t->used = false;
  }
  return 0;
}
KILN_SYSCALL(timer_delete);

// ---- the POSIX functions ---------------------------------------------------

unsigned alarm(unsigned seconds) { return static_cast<unsigned>(kiln_sys_alarm(seconds)); }

// ualarm (obsolescent): ITIMER_REAL in microseconds; returns what was left.
useconds_t ualarm(useconds_t usecs, useconds_t interval) {
  struct itimerval v{}, old{};
  v.it_value.tv_sec = static_cast<time_t>(usecs / 1000000);
  v.it_value.tv_usec = static_cast<suseconds_t>(usecs % 1000000);
  v.it_interval.tv_sec = static_cast<time_t>(interval / 1000000);
  v.it_interval.tv_usec = static_cast<suseconds_t>(interval % 1000000);
  if (kiln_sys_ret(kiln_sys_setitimer(ITIMER_REAL, &v, &old)) < 0) return static_cast<useconds_t>(-1);
  return static_cast<useconds_t>(old.it_value.tv_sec * 1000000 + old.it_value.tv_usec);
}

int setitimer(int which, const struct itimerval* v, struct itimerval* old) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_setitimer(which, v, old)));
}

int getitimer(int which, struct itimerval* v) { return static_cast<int>(kiln_sys_ret(kiln_sys_getitimer(which, v))); }

int timer_create(clockid_t clock, struct sigevent* ev, timer_t* out) {
  int id;
  long r = kiln_sys_timer_create(clock, ev, &id);
  if (r == 0) *out = static_cast<timer_t>(id);
  return static_cast<int>(kiln_sys_ret(r));
}

int timer_settime(timer_t t, int flags, const struct itimerspec* v, struct itimerspec* old) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_timer_settime(static_cast<int>(t), flags, v, old)));
}

int timer_gettime(timer_t t, struct itimerspec* v) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_timer_gettime(static_cast<int>(t), v)));
}

int timer_getoverrun(timer_t t) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_timer_getoverrun(static_cast<int>(t))));
}

int timer_delete(timer_t t) { return static_cast<int>(kiln_sys_ret(kiln_sys_timer_delete(static_cast<int>(t)))); }

}  // extern "C"
