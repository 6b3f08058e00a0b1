// pthread barriers and spinlocks (issue 14).
#include <kiln/sched.h>
#include <kiln/sync.h>
#include <errno.h>
#include <pthread.h>
#include <new>

namespace {

// A barrier: the count-th arrival starts the next generation and wakes
// the waiters of the one that ended; a waiter leaves when the generation
// it arrived in is over (so a fast thread re-entering cannot slip through).
struct Barrier {
  kiln::Mutex m;
  kiln::CondVar all_here;
  unsigned count;
  unsigned arrived = 0;
  unsigned waiting = 0;  // still inside wait(): destroy() is EBUSY
  unsigned long generation = 0;
  explicit Barrier(unsigned n) : count(n) {}
};
static_assert(sizeof(Barrier) <= sizeof(pthread_barrier_t::__bar), "pthread_barrier_t too small");

Barrier* barrier(pthread_barrier_t* b) { return reinterpret_cast<Barrier*>(b->__bar); }

}  // namespace

extern "C" {

int pthread_barrierattr_init(pthread_barrierattr_t* a) {
  if (!a) return EINVAL;
  a->is_initialized = 1;
  a->pshared = PTHREAD_PROCESS_PRIVATE;
  return 0;
}
int pthread_barrierattr_destroy(pthread_barrierattr_t* a) {
  if (!a || !a->is_initialized) return EINVAL;
  a->is_initialized = 0;
  return 0;
}
int pthread_barrierattr_setpshared(pthread_barrierattr_t* a, int p) {
  if (!a || !a->is_initialized) return EINVAL;
  if (p == PTHREAD_PROCESS_SHARED) return ENOTSUP;  // one process
  if (p != PTHREAD_PROCESS_PRIVATE) return EINVAL;
  return 0;
}
int pthread_barrierattr_getpshared(const pthread_barrierattr_t* a, int* p) {
  if (!a || !a->is_initialized || !p) return EINVAL;
  *p = PTHREAD_PROCESS_PRIVATE;
  return 0;
}

int pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t* a, unsigned count) {
  if (!b || count == 0 || (a && !a->is_initialized)) return EINVAL;
  new (b->__bar) Barrier(count);
  b->count = count;
  b->initialized = 1;
  return 0;
}

int pthread_barrier_destroy(pthread_barrier_t* b) {
  if (!b || !b->initialized) return EINVAL;
  Barrier* br = barrier(b);
  {
    kiln::MutexGuard g(br->m);
    if (br->waiting) return EBUSY;
  }
  br->~Barrier();
  b->initialized = 0;
  return 0;
}

int pthread_barrier_wait(pthread_barrier_t* b) {
  if (!b || !b->initialized) return EINVAL;
  Barrier* br = barrier(b);
  kiln::MutexGuard g(br->m);
  unsigned long gen = br->generation;
  if (++br->arrived == br->count) {
    br->arrived = 0;
    ++br->generation;
    br->all_here.broadcast();
    return PTHREAD_BARRIER_SERIAL_THREAD;
  }
  ++br->waiting;
  // Without a deadline the wait fails only if the caller does not hold
  // the mutex, which the guard rules out.
  while (br->generation == gen) (void)br->all_here.wait(br->m);
  --br->waiting;
  return 0;
}

// Spinlocks. With one CPU, spinning on a held lock only burns the holder's
// time: a thread that finds it held yields so the holder can run (which
// also makes them work under the cooperative scheduler). Relocking a
// spinlock one holds is not detected (POSIX leaves it undefined): the
// thread yields forever.
int pthread_spin_init(pthread_spinlock_t* l, int pshared) {
  if (!l) return EINVAL;
  if (pshared == PTHREAD_PROCESS_SHARED) return ENOTSUP;
  if (pshared != PTHREAD_PROCESS_PRIVATE) return EINVAL;
  __atomic_store_n(l, 0, __ATOMIC_RELEASE);
  return 0;
}
int pthread_spin_destroy(pthread_spinlock_t* l) { return l ? 0 : EINVAL; }
int pthread_spin_lock(pthread_spinlock_t* l) {
  if (!l) return EINVAL;
  while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE)) kiln::yield();
  return 0;
}
int pthread_spin_trylock(pthread_spinlock_t* l) {
  if (!l) return EINVAL;
  return __atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE) ? EBUSY : 0;
}
int pthread_spin_unlock(pthread_spinlock_t* l) {
  if (!l) return EINVAL;
  __atomic_store_n(l, 0, __ATOMIC_RELEASE);
  return 0;
}

}  // extern "C"
