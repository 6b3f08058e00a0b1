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

// The Kiln object inside a pthread object, built on first use.
template <typename T, typename... Args>
T* lazy(int* initialized, void* storage, Args... args) {
  if (!__atomic_load_n(initialized, __ATOMIC_ACQUIRE)) {
    kiln::IrqGuard g;
    if (!*initialized) {
      new (storage) T(args...);
      __atomic_store_n(initialized, 1, __ATOMIC_RELEASE);
    }
  }
  return static_cast<T*>(storage);
}
kiln::Mutex* mutex(pthread_mutex_t* m) {
  return lazy<kiln::Mutex>(&m->initialized, m->__lock, m->type == PTHREAD_MUTEX_RECURSIVE);
}
kiln::CondVar* cond(pthread_cond_t* c) { return lazy<kiln::CondVar>(&c->initialized, c->__cond); }
kiln::RwLock* rwlock(pthread_rwlock_t* rw) { return lazy<kiln::RwLock>(&rw->initialized, rw->__rw); }

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
  return 0;
}
int pthread_mutexattr_destroy(pthread_mutexattr_t* a) {
  if (!a || !a->is_initialized) return EINVAL;
  a->is_initialized = 0;
  return 0;
}
int pthread_mutexattr_settype(pthread_mutexattr_t* a, int type) {
  if (!a || !a->is_initialized || type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_RECURSIVE) return EINVAL;
  a->type = type;
  return 0;
}
int pthread_mutexattr_gettype(const pthread_mutexattr_t* a, int* type) {
  if (!a || !a->is_initialized || !type) return EINVAL;
  *type = a->type;
  return 0;
}
int pthread_mutexattr_setpshared(pthread_mutexattr_t* a, int p) {
  if (!a || !a->is_initialized) return EINVAL;
  if (p == PTHREAD_PROCESS_SHARED) return ENOTSUP;  // one process
  if (p != PTHREAD_PROCESS_PRIVATE) return EINVAL;
  return 0;
}
int pthread_mutexattr_getpshared(const pthread_mutexattr_t* a, int* p) {
  if (!a || !a->is_initialized || !p) return EINVAL;
  *p = PTHREAD_PROCESS_PRIVATE;
  return 0;
}
int pthread_mutexattr_setprotocol(pthread_mutexattr_t* a, int p) {
  if (!a || !a->is_initialized) return EINVAL;
  if (p == PTHREAD_PRIO_INHERIT || p == PTHREAD_PRIO_PROTECT) return ENOTSUP;  // no priorities
  if (p != PTHREAD_PRIO_NONE) return EINVAL;
  return 0;
}
int pthread_mutexattr_getprotocol(const pthread_mutexattr_t* a, int* p) {
  if (!a || !a->is_initialized || !p) return EINVAL;
  *p = PTHREAD_PRIO_NONE;
  return 0;
}

// Robust mutexes (owner death) are refused: POSIX's only error for
// pthread_mutexattr_setrobust is EINVAL, and no Kiln mutex is robust, so
// pthread_mutex_consistent has nothing to restore (EINVAL too).
int pthread_mutexattr_setrobust(pthread_mutexattr_t* a, int r) {
  if (!a || !a->is_initialized || r != PTHREAD_MUTEX_STALLED) return EINVAL;
  return 0;
}
int pthread_mutexattr_getrobust(const pthread_mutexattr_t* a, int* r) {
  if (!a || !a->is_initialized || !r) return EINVAL;
  *r = PTHREAD_MUTEX_STALLED;
  return 0;
}
int pthread_mutex_consistent(pthread_mutex_t*) { return EINVAL; }

int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* a) {
  if (!m || (a && !a->is_initialized)) return EINVAL;
  memset(m, 0, sizeof *m);
  m->type = a ? a->type : PTHREAD_MUTEX_DEFAULT;
  mutex(m);
  return 0;
}
int pthread_mutex_destroy(pthread_mutex_t* m) {
  if (!m) return EINVAL;
  if (m->initialized && mutex(m)->owner()) return EBUSY;
  m->initialized = 0;
  return 0;
}
int pthread_mutex_lock(pthread_mutex_t* m) { return m ? code(mutex(m)->lock()) : EINVAL; }
int pthread_mutex_trylock(pthread_mutex_t* m) { return m ? code(mutex(m)->try_lock()) : EINVAL; }
int pthread_mutex_unlock(pthread_mutex_t* m) { return m ? code(mutex(m)->unlock()) : EINVAL; }
int pthread_mutex_timedlock(pthread_mutex_t* m, const struct timespec* abs) {
  long long d = deadline(abs, CLOCK_REALTIME);
  if (!m || d < 0) return EINVAL;
  return code(mutex(m)->lock(static_cast<uint64_t>(d)));
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
