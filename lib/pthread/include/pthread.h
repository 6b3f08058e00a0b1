/* POSIX threads on Kiln (lib/pthread). See docs/threads.md for what is
 * supported; everything else fails with ENOTSUP, EINVAL or ENOSYS. */
#ifndef _KILN_PTHREAD_H_
#define _KILN_PTHREAD_H_

#include <sched.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Kiln's C library implements clock_nanosleep (lib/newlib/src/time.cpp),
 * but newlib's <time.h> declares it only on targets that define
 * _POSIX_CLOCK_SELECTION, which Kiln's does not. */
#if !defined(_POSIX_CLOCK_SELECTION)
int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec* rqtp, struct timespec* rmtp);
#endif

#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1
#define PTHREAD_INHERIT_SCHED 1
#define PTHREAD_EXPLICIT_SCHED 2
#define PTHREAD_SCOPE_SYSTEM 0
#define PTHREAD_SCOPE_PROCESS 1
#define PTHREAD_PROCESS_PRIVATE 0
#define PTHREAD_PROCESS_SHARED 1
#define PTHREAD_PRIO_NONE 0
#define PTHREAD_PRIO_INHERIT 1
#define PTHREAD_PRIO_PROTECT 2
#define PTHREAD_CANCEL_ENABLE 0
#define PTHREAD_CANCEL_DISABLE 1
#define PTHREAD_CANCEL_DEFERRED 0
#define PTHREAD_CANCEL_ASYNCHRONOUS 1
#define PTHREAD_CANCELED ((void*)-1)

#define PTHREAD_MUTEX_NORMAL 0
#define PTHREAD_MUTEX_ERRORCHECK 1
#define PTHREAD_MUTEX_RECURSIVE 2
#define PTHREAD_MUTEX_DEFAULT 3 /* relocking it fails with EDEADLK (NORMAL deadlocks) */
#define PTHREAD_MUTEX_STALLED 0
#define PTHREAD_MUTEX_ROBUST 1
#define PTHREAD_BARRIER_SERIAL_THREAD (-1)

#define PTHREAD_MUTEX_INITIALIZER {PTHREAD_MUTEX_DEFAULT, 0, {0}, 0, 0, 0, 0}
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP {PTHREAD_MUTEX_RECURSIVE, 0, {0}, 0, 0, 0, 0}
#define PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP {PTHREAD_MUTEX_ERRORCHECK, 0, {0}, 0, 0, 0, 0}
#define PTHREAD_COND_INITIALIZER {0, CLOCK_REALTIME, {0}}
#define PTHREAD_RWLOCK_INITIALIZER {0, 0, {0}}
#define PTHREAD_ONCE_INIT {0}
#define PTHREAD_KEYS_MAX 64
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#define PTHREAD_STACK_MIN 8192

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg);
int pthread_join(pthread_t thread, void** result);
int pthread_detach(pthread_t thread);
void pthread_exit(void* result) __attribute__((noreturn));
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
int pthread_cancel(pthread_t thread);
int pthread_setcancelstate(int state, int* old);
int pthread_setcanceltype(int type, int* old);
void pthread_testcancel(void);
int pthread_setname_np(pthread_t thread, const char* name);
int pthread_getname_np(pthread_t thread, char* name, size_t len);
int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void));

int pthread_attr_init(pthread_attr_t* a);
int pthread_attr_destroy(pthread_attr_t* a);
int pthread_attr_setdetachstate(pthread_attr_t* a, int state);
int pthread_attr_getdetachstate(const pthread_attr_t* a, int* state);
int pthread_attr_setstacksize(pthread_attr_t* a, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t* a, size_t* size);
int pthread_attr_setstack(pthread_attr_t* a, void* addr, size_t size);
int pthread_attr_setschedpolicy(pthread_attr_t* a, int policy);
int pthread_attr_getschedpolicy(const pthread_attr_t* a, int* policy);
int pthread_attr_setscope(pthread_attr_t* a, int scope);
int pthread_attr_getscope(const pthread_attr_t* a, int* scope);
int pthread_attr_setinheritsched(pthread_attr_t* a, int inherit);
int pthread_attr_getinheritsched(const pthread_attr_t* a, int* inherit);
int pthread_attr_getstack(const pthread_attr_t* a, void** addr, size_t* size);
int pthread_attr_getguardsize(const pthread_attr_t* a, size_t* size);
int pthread_getattr_np(pthread_t thread, pthread_attr_t* a);

int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr);
int pthread_mutex_destroy(pthread_mutex_t* m);
int pthread_mutex_lock(pthread_mutex_t* m);
int pthread_mutex_trylock(pthread_mutex_t* m);
int pthread_mutex_timedlock(pthread_mutex_t* m, const struct timespec* abstime);
int pthread_mutex_unlock(pthread_mutex_t* m);
int pthread_mutexattr_init(pthread_mutexattr_t* a);
int pthread_mutexattr_destroy(pthread_mutexattr_t* a);
int pthread_mutexattr_settype(pthread_mutexattr_t* a, int type);
int pthread_mutexattr_gettype(const pthread_mutexattr_t* a, int* type);
int pthread_mutexattr_setpshared(pthread_mutexattr_t* a, int pshared);
int pthread_mutexattr_getpshared(const pthread_mutexattr_t* a, int* pshared);
int pthread_mutexattr_setprotocol(pthread_mutexattr_t* a, int protocol);
int pthread_mutexattr_getprotocol(const pthread_mutexattr_t* a, int* protocol);
int pthread_mutexattr_setrobust(pthread_mutexattr_t* a, int robust);
int pthread_mutexattr_getrobust(const pthread_mutexattr_t* a, int* robust);
int pthread_mutex_consistent(pthread_mutex_t* m);

int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* attr);
int pthread_cond_destroy(pthread_cond_t* c);
int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m);
int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const struct timespec* abstime);
int pthread_cond_signal(pthread_cond_t* c);
int pthread_cond_broadcast(pthread_cond_t* c);
int pthread_condattr_init(pthread_condattr_t* a);
int pthread_condattr_destroy(pthread_condattr_t* a);
int pthread_condattr_setclock(pthread_condattr_t* a, clockid_t clock);
int pthread_condattr_getclock(const pthread_condattr_t* a, clockid_t* clock);
int pthread_condattr_setpshared(pthread_condattr_t* a, int pshared);

int pthread_rwlock_init(pthread_rwlock_t* rw, const pthread_rwlockattr_t* attr);
int pthread_rwlock_destroy(pthread_rwlock_t* rw);
int pthread_rwlock_rdlock(pthread_rwlock_t* rw);
int pthread_rwlock_wrlock(pthread_rwlock_t* rw);
int pthread_rwlock_tryrdlock(pthread_rwlock_t* rw);
int pthread_rwlock_trywrlock(pthread_rwlock_t* rw);
int pthread_rwlock_timedrdlock(pthread_rwlock_t* rw, const struct timespec* abstime);
int pthread_rwlock_timedwrlock(pthread_rwlock_t* rw, const struct timespec* abstime);
int pthread_rwlock_unlock(pthread_rwlock_t* rw);
int pthread_rwlockattr_init(pthread_rwlockattr_t* a);
int pthread_rwlockattr_destroy(pthread_rwlockattr_t* a);

int pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t* attr, unsigned count);
int pthread_barrier_destroy(pthread_barrier_t* b);
int pthread_barrier_wait(pthread_barrier_t* b);
int pthread_barrierattr_init(pthread_barrierattr_t* a);
int pthread_barrierattr_destroy(pthread_barrierattr_t* a);
int pthread_barrierattr_setpshared(pthread_barrierattr_t* a, int pshared);
int pthread_barrierattr_getpshared(const pthread_barrierattr_t* a, int* pshared);

int pthread_spin_init(pthread_spinlock_t* l, int pshared);
int pthread_spin_destroy(pthread_spinlock_t* l);
int pthread_spin_lock(pthread_spinlock_t* l);
int pthread_spin_trylock(pthread_spinlock_t* l);
int pthread_spin_unlock(pthread_spinlock_t* l);

/* Cleanup handlers (a block: push and pop pair in one scope). */
struct __kiln_pthread_cleanup {
  void (*fn)(void*);
  void* arg;
  struct __kiln_pthread_cleanup* prev;
};
void __kiln_pthread_cleanup_push(struct __kiln_pthread_cleanup* c, void (*fn)(void*), void* arg);
void __kiln_pthread_cleanup_pop(struct __kiln_pthread_cleanup* c, int execute);
#define pthread_cleanup_push(fn, arg)            \
  {                                              \
    struct __kiln_pthread_cleanup __kiln_cleanup; \
    __kiln_pthread_cleanup_push(&__kiln_cleanup, (fn), (arg));
#define pthread_cleanup_pop(execute)                     \
  __kiln_pthread_cleanup_pop(&__kiln_cleanup, (execute)); \
  }

int pthread_once(pthread_once_t* once, void (*fn)(void));
int pthread_key_create(pthread_key_t* key, void (*destructor)(void*));
int pthread_key_delete(pthread_key_t key);
void* pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void* value);

#ifdef __cplusplus
}
#endif
#endif
