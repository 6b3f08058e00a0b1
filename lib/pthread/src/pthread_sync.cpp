// pthread mutexes, condition variables and read-write locks: Kiln's locks
// built inline in the pthread objects on first use (so zeroed, statically
// initialised objects work).
#include "cancel.h"
#include <kiln/lock.h>
#include <kiln/plat/time.h>
#include <kiln/sync.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <new>

namespace {

static_assert(sizeof(kiln::Mutex) <= sizeof(pthread_mutex_t::__lock), "pthread_mutex_t too small");
static_assert(sizeof(kiln::CondVar) <= sizeof(pthread_cond_t::__cond), "pthread_cond_t too small");
static_assert(sizeof(kiln::RwLock) <= sizeof(pthread_rwlock_t::__rw), "pthread_rwlock_t too small");

// The Kiln object inside a pthread object, built on first use (the check
// is inline, the building out of line: every lock and unlock makes it).
template <typename T, typename... Args>
[[gnu::noinline, gnu::cold]] void build(int* initialized, void* storage, Args... args) {
  kiln::IrqGuard g;
  if (!*initialized) {
    new (storage) T(args...);
    __atomic_store_n(initialized, 1, __ATOMIC_RELEASE);
  }
}
template <typename T, typename... Args>
inline T* lazy(int* initialized, void* storage, Args... args) {
  if (!__atomic_load_n(initialized, __ATOMIC_ACQUIRE)) [[unlikely]]
    build<T>(initialized, storage, args...);
  return static_cast<T*>(storage);
}
inline kiln::Mutex* mutex(pthread_mutex_t* m) {
  return lazy<kiln::Mutex>(&m->initialized, m->__lock, m->type == PTHREAD_MUTEX_RECURSIVE);
}
kiln::CondVar* cond(pthread_cond_t* c) { return lazy<kiln::CondVar>(&c->initialized, c->__cond); }
kiln::RwLock* rwlock(pthread_rwlock_t* rw) { return lazy<kiln::RwLock>(&rw->initialized, rw->__rw); }

// Robust mutexes: their state, and the list of those the calling thread
// holds (linked through the mutexes: a mutex has one owner at a time).
enum { kConsistent = 0, kOwnerDied = 1, kNotRecoverable = 2 };
constinit thread_local pthread_mutex_t* robust_held = nullptr;

void robust_hold(pthread_mutex_t* m) {
  m->__robust_prev = nullptr;
  m->__robust_next = robust_held;
  if (robust_held) robust_held->__robust_prev = m;
  robust_held = m;
}
void robust_release(pthread_mutex_t* m) {
  auto* next = static_cast<pthread_mutex_t*>(m->__robust_next);
  auto* prev = static_cast<pthread_mutex_t*>(m->__robust_prev);
  if (next) next->__robust_prev = prev;
  if (prev) prev->__robust_next = next;
  else robust_held = next;
  m->__robust_next = m->__robust_prev = nullptr;
}

// In the exiting thread: every robust mutex it still holds is released,
// marked "owner died", waking a waiter (which gets EOWNERDEAD).
void robust_owner_exits(kiln::Thread* t) {
  while (pthread_mutex_t* m = robust_held) {
    robust_release(m);
    m->__state = kOwnerDied;
    kiln::Mutex* k = mutex(m);
    while (k->owner() == t && k->unlock().ok()) {
    }
  }
}
KILN_THREAD_HOOKS({nullptr, nullptr, nullptr, robust_owner_exits, "pthread robust mutexes"});

int code(kiln::Result<void> r) { return r.is_error() ? r.error().code() : 0; }

// An absolute time on `clock` as a monotonic deadline (at least 1, so it
// never reads as "no deadline"). -EINVAL for a malformed timespec.
long long deadline(const struct timespec* abs, clockid_t clock) {
  if (!abs || abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000 || abs->tv_sec < 0) return -EINVAL;
  long long t = static_cast<long long>(abs->tv_sec) * 1000000000LL + abs->tv_nsec;
  long long mono = static_cast<long long>(kiln_plat_monotonic_ns());
  if (clock == CLOCK_REALTIME) t = mono + (t - kiln_plat_wall_ns());
  return t < 1 ? 1 : t;
}

}  // namespace

extern "C" {

int pthread_mutexattr_init(pthread_mutexattr_t* a) {
  if (!a) return EINVAL;
  memset(a, 0, sizeof *a);
  a->is_initialized = 1;
  a->type = PTHREAD_MUTEX_DEFAULT;
  return 0;
}
int pthread_mutexattr_destroy(pthread_mutexattr_t* a) {
  if (!a || !a->is_initialized) return EINVAL;
  a->is_initialized = 0;
  return 0;
}
int pthread_mutexattr_settype(pthread_mutexattr_t* a, int type) {
  if (!a || !a->is_initialized || type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_DEFAULT) return EINVAL;
  a->type = type;
  return 0;
}
int pthread_mutexattr_gettype(const pthread_mutexattr_t* a, int* type) {
  if (!a || !a->is_initialized || !type) return EINVAL;
  *type = a->type;
  return 0;
}
// The image is one process: every mutex is shared by all its threads, so
// PTHREAD_PROCESS_SHARED is accepted and means what PRIVATE does (there is
// no other process to share memory with: no fork, no shared mappings
// between processes).
int pthread_mutexattr_setpshared(pthread_mutexattr_t* a, int p) {
  if (!a || !a->is_initialized) return EINVAL;
  if (p != PTHREAD_PROCESS_PRIVATE && p != PTHREAD_PROCESS_SHARED) return EINVAL;
  a->pshared = p;
  return 0;
}
int pthread_mutexattr_getpshared(const pthread_mutexattr_t* a, int* p) {
  if (!a || !a->is_initialized || !p) return EINVAL;
  *p = a->pshared;
  return 0;
}
// Priority inheritance is accepted: Kiln's threads have no priorities (one
// round-robin scheduler), so a lower-priority owner cannot hold up a
// higher-priority waiter and there is nothing to inherit. Priority
// ceilings (PTHREAD_PRIO_PROTECT) need priorities: ENOTSUP.
int pthread_mutexattr_setprotocol(pthread_mutexattr_t* a, int p) {
  if (!a || !a->is_initialized) return EINVAL;
  if (p == PTHREAD_PRIO_PROTECT) return ENOTSUP;
  if (p != PTHREAD_PRIO_NONE && p != PTHREAD_PRIO_INHERIT) return EINVAL;
  a->protocol = p;
  return 0;
}
int pthread_mutexattr_getprotocol(const pthread_mutexattr_t* a, int* p) {
  if (!a || !a->is_initialized || !p) return EINVAL;
  *p = a->protocol;
  return 0;
}

// Robust mutexes: when a thread exits holding one, the exit hook below
// releases it marked "owner died"; the next thread to lock it gets it with
// EOWNERDEAD and either calls pthread_mutex_consistent or, by unlocking it
// as it is, makes it unusable (ENOTRECOVERABLE for every later lock).
int pthread_mutexattr_setrobust(pthread_mutexattr_t* a, int r) {
  if (!a || !a->is_initialized || (r != PTHREAD_MUTEX_STALLED && r != PTHREAD_MUTEX_ROBUST)) return EINVAL;
  a->robust = r;
  return 0;
}
int pthread_mutexattr_getrobust(const pthread_mutexattr_t* a, int* r) {
  if (!a || !a->is_initialized || !r) return EINVAL;
  *r = a->robust;
  return 0;
}

int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* a) {
  if (!m || (a && !a->is_initialized)) return EINVAL;
  memset(m, 0, sizeof *m);
  m->type = a ? a->type : PTHREAD_MUTEX_DEFAULT;
  m->robust = a ? a->robust : PTHREAD_MUTEX_STALLED;
  mutex(m);
  return 0;
}
// A held mutex is busy, except a robust one held by the caller (as on
// glibc: a robust mutex may be destroyed by its owner; it leaves the
// owner's list).
int pthread_mutex_destroy(pthread_mutex_t* m) {
  if (!m) return EINVAL;
  if (m->initialized && mutex(m)->owner()) {
    if (m->robust != PTHREAD_MUTEX_ROBUST || mutex(m)->owner() != kiln::thread_current()) return EBUSY;
    robust_release(m);
  }
  m->initialized = 0;
  return 0;
}

// The lock is held (r ok) or not: the robust states and a NORMAL mutex's
// self-deadlock (POSIX: relocking one deadlocks; until the deadline for
// pthread_mutex_timedlock, for ever otherwise).
static int locked(pthread_mutex_t* m, kiln::Result<void> r, uint64_t deadline_ns, bool may_block = true) {
  kiln::Mutex* k = mutex(m);
  if (r.is_error()) {
    if (r.error().code() == EDEADLK && m->type == PTHREAD_MUTEX_NORMAL && may_block) {
      static kiln::WaitQueue never;  // nobody wakes it
      kiln::IrqGuard g;
      while (never.wait(deadline_ns)) {
      }
      return ETIMEDOUT;
    }
    return r.error().code();
  }
  if (m->robust != PTHREAD_MUTEX_ROBUST) return 0;
  if (m->__state == kNotRecoverable) {
    (void)k->unlock();
    return ENOTRECOVERABLE;
  }
  if (k->depth() == 1) robust_hold(m);
  return m->__state == kOwnerDied ? EOWNERDEAD : 0;
}

int pthread_mutex_lock(pthread_mutex_t* m) { return m ? locked(m, mutex(m)->lock(), 0) : EINVAL; }
int pthread_mutex_trylock(pthread_mutex_t* m) { return m ? locked(m, mutex(m)->try_lock(), 0, false) : EINVAL; }
int pthread_mutex_unlock(pthread_mutex_t* m) {
  if (!m) return EINVAL;
  kiln::Mutex* k = mutex(m);
  if (m->robust == PTHREAD_MUTEX_ROBUST && k->owner() == kiln::thread_current() && k->depth() == 1) {
    robust_release(m);
    if (m->__state == kOwnerDied) m->__state = kNotRecoverable;  // not made consistent
  }
  return code(k->unlock());
}
int pthread_mutex_timedlock(pthread_mutex_t* m, const struct timespec* abs) {
  long long d = deadline(abs, CLOCK_REALTIME);
  if (!m || d < 0) return EINVAL;
  return locked(m, mutex(m)->lock(static_cast<uint64_t>(d)), static_cast<uint64_t>(d));
}
int pthread_mutex_consistent(pthread_mutex_t* m) {
  if (!m || m->robust != PTHREAD_MUTEX_ROBUST || m->__state != kOwnerDied ||
      mutex(m)->owner() != kiln::thread_current())
    return EINVAL;
  m->__state = kConsistent;
  return 0;
}

int pthread_condattr_init(pthread_condattr_t* a) {
  if (!a) return EINVAL;
  a->is_initialized = 1;
  a->clock = CLOCK_REALTIME;
  a->pshared = PTHREAD_PROCESS_PRIVATE;
  return 0;
}
int pthread_condattr_destroy(pthread_condattr_t* a) {
  if (!a || !a->is_initialized) return EINVAL;
  a->is_initialized = 0;
  return 0;
}
int pthread_condattr_setclock(pthread_condattr_t* a, clockid_t clock) {
  if (!a || !a->is_initialized || (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)) return EINVAL;
  a->clock = clock;
  return 0;
}
int pthread_condattr_getclock(const pthread_condattr_t* a, clockid_t* clock) {
  if (!a || !a->is_initialized || !clock) return EINVAL;
  *clock = a->clock;
  return 0;
}
int pthread_condattr_setpshared(pthread_condattr_t* a, int p) {
  if (!a || !a->is_initialized) return EINVAL;
  return p == PTHREAD_PROCESS_PRIVATE ? 0 : p == PTHREAD_PROCESS_SHARED ? ENOTSUP : EINVAL;
}

int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* a) {
  if (!c || (a && !a->is_initialized)) return EINVAL;
  memset(c, 0, sizeof *c);
  c->clock = a ? a->clock : CLOCK_REALTIME;
  cond(c);
  return 0;
}
int pthread_cond_destroy(pthread_cond_t* c) {
  if (!c) return EINVAL;
  c->initialized = 0;
  return 0;
}
// A cancellation point that a cancel wakes: checked and entered masked, so
// a pthread_cancel between the check and the wait cannot be missed. When
// the cancel is acted on, the mutex is held again (POSIX), for the
// cleanup handlers to release.
static int cancellable_wait(kiln::CondVar* cv, kiln::Mutex* m, uint64_t deadline_ns) {
  kiln::pthread::testcancel();
  kiln::Thread* me = kiln::thread_current();
  kiln::Result<void> r;
  bool cancelled;
  {
    kiln::IrqGuard g;
    cancelled = kiln::pthread::cancel_now(me);
    if (!cancelled) {
      me->at_cancel_point = true;
      r = cv->wait(*m, deadline_ns);
      me->at_cancel_point = false;
      cancelled = kiln::pthread::cancel_now(me) && m->owner() == me;
    }
  }
  if (cancelled) kiln::pthread::act_on_cancel();  // not masked: handlers may block
  return code(r);
}

int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  if (!c || !m) return EINVAL;
  return cancellable_wait(cond(c), mutex(m), 0);
}
int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const struct timespec* abs) {
  if (!c || !m) return EINVAL;
  long long d = deadline(abs, c->clock);
  if (d < 0) return EINVAL;
  return cancellable_wait(cond(c), mutex(m), static_cast<uint64_t>(d));
}
int pthread_cond_signal(pthread_cond_t* c) {
  if (!c) return EINVAL;
  cond(c)->signal();
  return 0;
}
int pthread_cond_broadcast(pthread_cond_t* c) {
  if (!c) return EINVAL;
  cond(c)->broadcast();
  return 0;
}

int pthread_rwlockattr_init(pthread_rwlockattr_t* a) {
  if (!a) return EINVAL;
  a->is_initialized = 1;
  a->pshared = PTHREAD_PROCESS_PRIVATE;
  return 0;
}
int pthread_rwlockattr_destroy(pthread_rwlockattr_t* a) {
  if (!a || !a->is_initialized) return EINVAL;
  a->is_initialized = 0;
  return 0;
}
int pthread_rwlock_init(pthread_rwlock_t* rw, const pthread_rwlockattr_t* a) {
  if (!rw || (a && !a->is_initialized)) return EINVAL;
  memset(rw, 0, sizeof *rw);
  rwlock(rw);
  return 0;
}
int pthread_rwlock_destroy(pthread_rwlock_t* rw) {
  if (!rw) return EINVAL;
  rw->initialized = 0;
  return 0;
}
int pthread_rwlock_rdlock(pthread_rwlock_t* rw) { return rw ? code(rwlock(rw)->read_lock()) : EINVAL; }
int pthread_rwlock_wrlock(pthread_rwlock_t* rw) { return rw ? code(rwlock(rw)->write_lock()) : EINVAL; }
int pthread_rwlock_tryrdlock(pthread_rwlock_t* rw) { return rw ? code(rwlock(rw)->try_read_lock()) : EINVAL; }
int pthread_rwlock_trywrlock(pthread_rwlock_t* rw) { return rw ? code(rwlock(rw)->try_write_lock()) : EINVAL; }
int pthread_rwlock_unlock(pthread_rwlock_t* rw) { return rw ? code(rwlock(rw)->unlock()) : EINVAL; }
int pthread_rwlock_timedrdlock(pthread_rwlock_t* rw, const struct timespec* abs) {
  long long d = deadline(abs, CLOCK_REALTIME);
  if (!rw || d < 0) return EINVAL;
  return code(rwlock(rw)->read_lock(static_cast<uint64_t>(d)));
}
int pthread_rwlock_timedwrlock(pthread_rwlock_t* rw, const struct timespec* abs) {
  long long d = deadline(abs, CLOCK_REALTIME);
  if (!rw || d < 0) return EINVAL;
  return code(rwlock(rw)->write_lock(static_cast<uint64_t>(d)));
}

}  // extern "C"
