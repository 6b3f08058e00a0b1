/* In-image tests of the pthread layer (written in C, as apps use it). */
#include <kiln/alloc.h>
#include <kiln/ktest.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void* times_two(void* p) { return (void*)((intptr_t)p * 2); }
static void* exits_early(void* p) {
  pthread_exit((void*)((intptr_t)p + 100));
}

KILN_TEST(pthread, create_join_exit) {
  pthread_t t;
  void* r = NULL;
  KTEST_EXPECT_EQ(pthread_create(&t, NULL, times_two, (void*)21), 0);
  KTEST_EXPECT_EQ(pthread_join(t, &r), 0);
  KTEST_EXPECT_EQ((intptr_t)r, 42);
  KTEST_EXPECT_EQ(pthread_create(&t, NULL, exits_early, (void*)1), 0);
  KTEST_EXPECT_EQ(pthread_join(t, &r), 0);
  KTEST_EXPECT_EQ((intptr_t)r, 101);
  KTEST_EXPECT_EQ(pthread_join(pthread_self(), NULL), EDEADLK);
  KTEST_EXPECT(pthread_equal(pthread_self(), pthread_self()));
}

KILN_TEST(pthread, attributes) {
  pthread_attr_t a;
  pthread_t t;
  KTEST_EXPECT_EQ(pthread_attr_init(&a), 0);
  KTEST_EXPECT_EQ(pthread_attr_setstacksize(&a, 128 * 1024), 0);
  KTEST_EXPECT_EQ(pthread_attr_setstacksize(&a, 100), EINVAL);
  KTEST_EXPECT_EQ(pthread_attr_setschedpolicy(&a, SCHED_FIFO), ENOTSUP);
  KTEST_EXPECT_EQ(pthread_attr_setscope(&a, PTHREAD_SCOPE_PROCESS), ENOTSUP);
  KTEST_EXPECT_EQ(pthread_attr_setstack(&a, NULL, 65536), ENOTSUP);
  KTEST_EXPECT_EQ(pthread_attr_setdetachstate(&a, 7), EINVAL);
  KTEST_EXPECT_EQ(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED), 0);
  KTEST_EXPECT_EQ(pthread_create(&t, &a, times_two, NULL), 0);
  KTEST_EXPECT_EQ(pthread_join(t, NULL), EINVAL); /* detached */
  KTEST_EXPECT_EQ(pthread_attr_destroy(&a), 0);
  KTEST_EXPECT_EQ(pthread_cancel(0), ESRCH);
}

KILN_TEST(pthread, mutex_types) {
  pthread_mutex_t normal = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_t rec = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
  pthread_mutexattr_t a;
  pthread_mutex_t ec;
  KTEST_EXPECT_EQ(pthread_mutex_lock(&normal), 0);
  KTEST_EXPECT_EQ(pthread_mutex_trylock(&normal), EBUSY);
  KTEST_EXPECT_EQ(pthread_mutex_unlock(&normal), 0);
  KTEST_EXPECT_EQ(pthread_mutex_lock(&rec), 0);
  KTEST_EXPECT_EQ(pthread_mutex_lock(&rec), 0);
  KTEST_EXPECT_EQ(pthread_mutex_unlock(&rec), 0);
  KTEST_EXPECT_EQ(pthread_mutex_unlock(&rec), 0);
  KTEST_EXPECT_EQ(pthread_mutex_unlock(&rec), EPERM);
  KTEST_EXPECT_EQ(pthread_mutexattr_init(&a), 0);
  KTEST_EXPECT_EQ(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK), 0);
  /* One process: shared is accepted; no priorities: inheritance is
   * accepted (nothing to inherit), ceilings are not. */
  KTEST_EXPECT_EQ(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED), 0);
  KTEST_EXPECT_EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT), 0);
  KTEST_EXPECT_EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_PROTECT), ENOTSUP);
  KTEST_EXPECT_EQ(pthread_mutex_init(&ec, &a), 0);
  KTEST_EXPECT_EQ(pthread_mutex_lock(&ec), 0);
  KTEST_EXPECT_EQ(pthread_mutex_lock(&ec), EDEADLK);
  KTEST_EXPECT_EQ(pthread_mutex_destroy(&ec), EBUSY);
  KTEST_EXPECT_EQ(pthread_mutex_unlock(&ec), 0);
  KTEST_EXPECT_EQ(pthread_mutex_destroy(&ec), 0);
}

KILN_TEST(pthread, cond_timedwait_times_out) {
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t c = PTHREAD_COND_INITIALIZER;
  struct timespec now, abs;
  clock_gettime(CLOCK_REALTIME, &now);
  abs = now;
  abs.tv_nsec += 5000000;
  if (abs.tv_nsec >= 1000000000) {
    abs.tv_sec++;
    abs.tv_nsec -= 1000000000;
  }
  pthread_mutex_lock(&m);
  KTEST_EXPECT_EQ(pthread_cond_timedwait(&c, &m, &abs), ETIMEDOUT);
  KTEST_EXPECT_EQ(pthread_mutex_unlock(&m), 0); /* held again after the timeout */
  struct timespec later;
  clock_gettime(CLOCK_REALTIME, &later);
  KTEST_EXPECT((later.tv_sec - now.tv_sec) * 1000000000LL + (later.tv_nsec - now.tv_nsec) >= 4000000);
  abs.tv_nsec = 2000000000;
  KTEST_EXPECT_EQ(pthread_cond_timedwait(&c, &m, &abs), EINVAL);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void once_fn(void) { once_runs++; sched_yield(); }
static void* call_once(void* p) {
  (void)p;
  pthread_once(&once, once_fn);
  return NULL;
}

KILN_TEST(pthread, once_runs_once) {
  pthread_t t[6];
  for (int i = 0; i < 6; i++) pthread_create(&t[i], NULL, call_once, NULL);
  for (int i = 0; i < 6; i++) pthread_join(t[i], NULL);
  KTEST_EXPECT_EQ(once_runs, 1);
}

static pthread_key_t key;
static int destructed;
static void key_dtor(void* v) { destructed += (int)(intptr_t)v; }
static void* use_key(void* p) {
  pthread_setspecific(key, p);
  return pthread_getspecific(key);
}

KILN_TEST(pthread, keys_and_destructors) {
  KTEST_EXPECT_EQ(pthread_key_create(&key, key_dtor), 0);
  KTEST_EXPECT(pthread_getspecific(key) == NULL);
  pthread_t a, b;
  void* ra;
  void* rb;
  pthread_create(&a, NULL, use_key, (void*)5);
  pthread_create(&b, NULL, use_key, (void*)7);
  pthread_join(a, &ra);
  pthread_join(b, &rb);
  KTEST_EXPECT_EQ((intptr_t)ra, 5);
  KTEST_EXPECT_EQ((intptr_t)rb, 7);
  KTEST_EXPECT_EQ(destructed, 12);
  KTEST_EXPECT(pthread_getspecific(key) == NULL); /* main's own slot untouched */
  KTEST_EXPECT_EQ(pthread_key_delete(key), 0);
  KTEST_EXPECT_EQ(pthread_key_delete(key), EINVAL);
}

static void* set_errno(void* p) {
  errno = (int)(intptr_t)p;
  sched_yield();
  return (void*)(intptr_t)errno;
}

KILN_TEST(pthread, errno_is_per_thread) {
  errno = 0;
  pthread_t t;
  void* r;
  pthread_create(&t, NULL, set_errno, (void*)ERANGE);
  pthread_join(t, &r);
  KTEST_EXPECT_EQ((intptr_t)r, ERANGE);
  KTEST_EXPECT_EQ(errno, 0);
}

/* Many threads in malloc/free and printf at once: heap statistics stay
 * consistent and every line comes out whole (checked by the image test). */
static void* hammer(void* p) {
  int id = (int)(intptr_t)p;
  for (int i = 0; i < 3000; i++) {
    size_t n = (size_t)(16 + (i * 37 + id * 11) % 2000);
    char* a = malloc(n);
    char* b = malloc(n / 2 + 1);
    if (!a || !b) return (void*)1;
    memset(a, id, n);
    memset(b, id, n / 2 + 1);
    for (size_t k = 0; k < n; k++)
      if (a[k] != (char)id) return (void*)2;
    free(a);
    free(b);
    if (i % 500 == 0) printf("hammer: thread %02d iteration %03d line-is-whole\n", id, i);
  }
  return NULL;
}

KILN_TEST(pthread, malloc_and_printf_from_many_threads) {
  struct kiln_alloc_stats before, after;
  /* stdio keeps its buffer and stream locks once used: set them up first. */
  fputs("ktest: eight threads hammer malloc, free and printf\n", stdout);
  fflush(stdout);
  kiln_alloc_get_stats(&before);
  pthread_t t[8];
  for (int i = 0; i < 8; i++) pthread_create(&t[i], NULL, hammer, (void*)(intptr_t)i);
  for (int i = 0; i < 8; i++) {
    void* r;
    pthread_join(t[i], &r);
    KTEST_EXPECT(r == NULL);
  }
  fflush(stdout);
  kiln_alloc_get_stats(&after);
  /* Consistent statistics: everything allocated was freed, and counted. */
  KTEST_EXPECT_EQ(after.in_use, before.in_use);
  KTEST_EXPECT_EQ(after.allocs - before.allocs, after.frees - before.frees);
  KTEST_EXPECT(after.allocs - before.allocs >= 8 * 3000 * 2);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
KILN_TEST(pthread, rwlock) {
  KTEST_EXPECT_EQ(pthread_rwlock_rdlock(&rw), 0);
  KTEST_EXPECT_EQ(pthread_rwlock_tryrdlock(&rw), 0);
  KTEST_EXPECT_EQ(pthread_rwlock_trywrlock(&rw), EBUSY);
  KTEST_EXPECT_EQ(pthread_rwlock_unlock(&rw), 0);
  KTEST_EXPECT_EQ(pthread_rwlock_unlock(&rw), 0);
  KTEST_EXPECT_EQ(pthread_rwlock_wrlock(&rw), 0);
  KTEST_EXPECT_EQ(pthread_rwlock_tryrdlock(&rw), EBUSY);
  KTEST_EXPECT_EQ(pthread_rwlock_unlock(&rw), 0);
}

#include <semaphore.h>
static sem_t ping, pong;
static void* ponger(void* p) {
  for (int i = 0; i < 1000; i++) {
    sem_wait(&ping);
    sem_post(&pong);
  }
  return p;
}

KILN_TEST(pthread, semaphores) {
  KTEST_EXPECT_EQ(sem_init(&ping, 0, 0), 0);
  KTEST_EXPECT_EQ(sem_init(&pong, 0, 0), 0);
  pthread_t t;
  pthread_create(&t, NULL, ponger, NULL);
  for (int i = 0; i < 1000; i++) {
    sem_post(&ping);
    sem_wait(&pong);
  }
  pthread_join(t, NULL);
  int v = -1;
  KTEST_EXPECT_EQ(sem_getvalue(&ping, &v), 0);
  KTEST_EXPECT_EQ(v, 0);
  errno = 0;
  KTEST_EXPECT_EQ(sem_trywait(&ping), -1);
  KTEST_EXPECT_EQ(errno, EAGAIN);
  struct timespec abs;
  clock_gettime(CLOCK_REALTIME, &abs);
  abs.tv_nsec = (abs.tv_nsec + 3000000) % 1000000000;
  if (abs.tv_nsec < 3000000) abs.tv_sec++;
  KTEST_EXPECT_EQ(sem_timedwait(&ping, &abs), -1);
  KTEST_EXPECT_EQ(errno, ETIMEDOUT);
  KTEST_EXPECT_EQ(sem_init(&ping, 1, 0), -1);
  KTEST_EXPECT_EQ(errno, ENOSYS);
}

/* Sleeping blocks only the caller (issue 12): while this thread sleeps in
 * nanosleep/usleep/sleep/clock_nanosleep, a ready thread gets the CPU for
 * (nearly) all of the sleep. The spinner yields each round, so it also
 * runs on the cooperative scheduler, and it counts as "ran" only the gaps
 * between its rounds that are shorter than 4 ms: time it spent off the
 * CPU for a whole time slice (10 ms: the CPU halted in the sleeper's idle)
 * is not counted. The old idling sleep gave it exactly 0 us on both
 * schedulers; blocking gives it most of the sleep, but how much depends on
 * the host (35% seen on linuxu with two busy cores, 10% on xen in nested
 * TCG), so the check is that it ran at all, not how much: timing never
 * decides the test. */
static uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
static volatile int spin_stop, spin_window;
static volatile uint64_t spin_ran_ns;
static volatile long spin_rounds;
static void* spinner(void* p) {
  uint64_t prev = mono_ns();
  while (!spin_stop) {
    uint64_t t = mono_ns();
    if (spin_window) {
      if (t - prev < 4000000) spin_ran_ns += t - prev;
      spin_rounds++;
    }
    prev = t;
    sched_yield();
  }
  return p;
}

enum { SLEEP_NANOSLEEP, SLEEP_USLEEP, SLEEP_SLEEP, SLEEP_CLOCK_REL, SLEEP_CLOCK_ABS };
/* Sleeps `ms` with one of the calls while the spinner runs; returns the
 * spinner's share of the sleep in percent (-1 if the call failed). */
static int other_thread_share(int how, unsigned ms) {
  spin_ran_ns = 0;
  spin_rounds = 0;
  spin_window = 1;
  uint64_t start = mono_ns();
  int rc = 0;
  struct timespec d = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
  switch (how) {
    case SLEEP_NANOSLEEP: rc = nanosleep(&d, NULL); break;
    case SLEEP_USLEEP: rc = usleep(ms * 1000); break;
    case SLEEP_SLEEP: rc = (int)sleep(ms / 1000); break;
    case SLEEP_CLOCK_REL: rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL); break;
    case SLEEP_CLOCK_ABS: {
      struct timespec abs;
      clock_gettime(CLOCK_MONOTONIC, &abs);
      abs.tv_sec += d.tv_sec;
      abs.tv_nsec += d.tv_nsec;
      if (abs.tv_nsec >= 1000000000) {
        abs.tv_nsec -= 1000000000;
        abs.tv_sec++;
      }
      rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
      break;
    }
  }
  uint64_t slept = mono_ns() - start;
  spin_window = 0;
  if (rc != 0 || slept < (uint64_t)ms * 1000000u) return -1;
  printf("ktest: sleep kind %d: %llu us, the other thread ran %llu us in %ld rounds\n", how,
         (unsigned long long)(slept / 1000), (unsigned long long)(spin_ran_ns / 1000), spin_rounds);
  return (int)(spin_ran_ns * 100 / slept);
}

KILN_TEST(pthread, sleep_blocks_only_the_caller) {
  spin_stop = 0;
  pthread_t t;
  KTEST_ASSERT(pthread_create(&t, NULL, spinner, NULL) == 0);
  sched_yield(); /* let it start */
  KTEST_EXPECT(other_thread_share(SLEEP_NANOSLEEP, 60) >= 0 && spin_ran_ns > 0);
  KTEST_EXPECT(other_thread_share(SLEEP_USLEEP, 60) >= 0 && spin_ran_ns > 0);
  KTEST_EXPECT(other_thread_share(SLEEP_CLOCK_REL, 60) >= 0 && spin_ran_ns > 0);
  KTEST_EXPECT(other_thread_share(SLEEP_CLOCK_ABS, 60) >= 0 && spin_ran_ns > 0);
  KTEST_EXPECT(other_thread_share(SLEEP_SLEEP, 1000) >= 0 && spin_ran_ns > 0);
  spin_stop = 1;
  KTEST_EXPECT_EQ(pthread_join(t, NULL), 0);
}

/* A deleted key's values are gone: a new key that reuses the slot reads
 * NULL in every thread, also in one that set the old key and still runs. */
static pthread_key_t old_key, new_key;
static sem_t key_set, key_swapped;
static void* keeps_old_value(void* p) {
  pthread_setspecific(old_key, p);
  sem_post(&key_set);
  sem_wait(&key_swapped);
  return pthread_getspecific(new_key);
}

KILN_TEST(pthread, deleted_key_values_do_not_reach_the_next_owner) {
  KTEST_ASSERT(pthread_key_create(&old_key, NULL) == 0);
  KTEST_EXPECT_EQ(sem_init(&key_set, 0, 0), 0);
  KTEST_EXPECT_EQ(sem_init(&key_swapped, 0, 0), 0);
  KTEST_EXPECT_EQ(pthread_setspecific(old_key, (void*)0x1234), 0);
  pthread_t t;
  KTEST_ASSERT(pthread_create(&t, NULL, keeps_old_value, (void*)0x5678) == 0);
  sem_wait(&key_set);
  KTEST_EXPECT_EQ(pthread_key_delete(old_key), 0);
  KTEST_ASSERT(pthread_key_create(&new_key, NULL) == 0);
  KTEST_EXPECT_EQ(new_key, old_key); /* the slot is reused: the case under test */
  KTEST_EXPECT(pthread_getspecific(new_key) == NULL);
  sem_post(&key_swapped);
  void* seen = (void*)1;
  KTEST_EXPECT_EQ(pthread_join(t, &seen), 0);
  KTEST_EXPECT(seen == NULL);
  KTEST_EXPECT_EQ(pthread_key_delete(new_key), 0);
}

/* Threads are named after their start routine (what crash reports show),
 * and pthread_setname_np/pthread_getname_np rename them. */
static void* name_probe(void* p) {
  char* out = p;
  pthread_getname_np(pthread_self(), out, 32);
  return NULL;
}

KILN_TEST(pthread, thread_names) {
  char seen[32] = "";
  pthread_t t;
  KTEST_ASSERT(pthread_create(&t, NULL, name_probe, seen) == 0);
  KTEST_EXPECT_EQ(pthread_join(t, NULL), 0);
  KTEST_EXPECT(strncmp(seen, "name_probe", 10) == 0);
  char name[32];
  KTEST_EXPECT_EQ(pthread_getname_np(pthread_self(), name, sizeof name), 0);
  KTEST_EXPECT_EQ(pthread_setname_np(pthread_self(), "renamed-main"), 0);
  KTEST_EXPECT_EQ(pthread_getname_np(pthread_self(), seen, sizeof seen), 0);
  KTEST_EXPECT(strcmp(seen, "renamed-main") == 0);
  KTEST_EXPECT_EQ(pthread_getname_np(pthread_self(), seen, 5), ERANGE);
  KTEST_EXPECT_EQ(pthread_setname_np(pthread_self(), "a name much longer than the limit"), ERANGE);
  KTEST_EXPECT_EQ(pthread_setname_np(pthread_self(), name), 0);
}

/* Barriers (issue 14): every round, all threads arrive before any leaves,
 * and exactly one of them gets PTHREAD_BARRIER_SERIAL_THREAD. */
#define BAR_THREADS 4
#define BAR_ROUNDS 50
static pthread_barrier_t bar;
static volatile int bar_arrived[BAR_ROUNDS];
static volatile int bar_serial[BAR_ROUNDS];
static volatile int bar_early;
static void* bar_worker(void* p) {
  (void)p;
  for (int r = 0; r < BAR_ROUNDS; r++) {
    __atomic_add_fetch(&bar_arrived[r], 1, __ATOMIC_SEQ_CST);
    if ((r & 3) == 0) sched_yield();
    int rc = pthread_barrier_wait(&bar);
    if (rc == PTHREAD_BARRIER_SERIAL_THREAD) __atomic_add_fetch(&bar_serial[r], 1, __ATOMIC_SEQ_CST);
    else if (rc != 0) bar_early = 1000 + rc;
    if (bar_arrived[r] != BAR_THREADS) bar_early = 1;  /* left before all arrived */
  }
  return NULL;
}

KILN_TEST(pthread, barrier_releases_all_together) {
  pthread_barrierattr_t a;
  KTEST_EXPECT_EQ(pthread_barrierattr_init(&a), 0);
  int ps = -1;
  KTEST_EXPECT_EQ(pthread_barrierattr_getpshared(&a, &ps), 0);
  KTEST_EXPECT_EQ(ps, PTHREAD_PROCESS_PRIVATE);
  KTEST_EXPECT_EQ(pthread_barrierattr_setpshared(&a, PTHREAD_PROCESS_SHARED), ENOTSUP);
  KTEST_EXPECT_EQ(pthread_barrier_init(&bar, &a, 0), EINVAL);
  KTEST_ASSERT(pthread_barrier_init(&bar, &a, BAR_THREADS) == 0);
  KTEST_EXPECT_EQ(pthread_barrierattr_destroy(&a), 0);
  pthread_t t[BAR_THREADS];
  for (int i = 0; i < BAR_THREADS; i++) KTEST_ASSERT(pthread_create(&t[i], NULL, bar_worker, NULL) == 0);
  for (int i = 0; i < BAR_THREADS; i++) KTEST_EXPECT_EQ(pthread_join(t[i], NULL), 0);
  KTEST_EXPECT_EQ(bar_early, 0);
  int serial_ok = 1;
  for (int r = 0; r < BAR_ROUNDS; r++)
    if (bar_serial[r] != 1) serial_ok = 0;
  KTEST_EXPECT(serial_ok);
  KTEST_EXPECT_EQ(pthread_barrier_destroy(&bar), 0);
}

/* Spinlocks: a counter under one stays exact with threads that yield or
 * are preempted while holding it. */
static pthread_spinlock_t spin;
static long spin_counter;
static void* spin_worker(void* p) {
  (void)p;
  for (int i = 0; i < 20000; i++) {
    pthread_spin_lock(&spin);
    long v = spin_counter;
    if ((i & 255) == 0) sched_yield(); /* others must wait, not get in */
    spin_counter = v + 1;
    pthread_spin_unlock(&spin);
  }
  return NULL;
}

KILN_TEST(pthread, spinlock_counter_is_exact) {
  KTEST_EXPECT_EQ(pthread_spin_init(&spin, PTHREAD_PROCESS_SHARED), ENOTSUP);
  KTEST_ASSERT(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE) == 0);
  KTEST_EXPECT_EQ(pthread_spin_trylock(&spin), 0);
  KTEST_EXPECT_EQ(pthread_spin_trylock(&spin), EBUSY);
  KTEST_EXPECT_EQ(pthread_spin_unlock(&spin), 0);
  spin_counter = 0;
  pthread_t t[4];
  for (int i = 0; i < 4; i++) KTEST_ASSERT(pthread_create(&t[i], NULL, spin_worker, NULL) == 0);
  for (int i = 0; i < 4; i++) KTEST_EXPECT_EQ(pthread_join(t[i], NULL), 0);
  KTEST_EXPECT_EQ(spin_counter, 4 * 20000);
  KTEST_EXPECT_EQ(pthread_spin_destroy(&spin), 0);
}

/* pthread_attr_setstacksize is honoured: a 256 KiB thread uses 192 KiB of
 * stack (the 64 KiB default would hit the guard page), and
 * pthread_getattr_np reports the stack it got. */
static int deep(int n) {
  volatile char buf[4096];
  buf[0] = (char)n;
  buf[4095] = (char)n;
  return n == 0 ? buf[0] : deep(n - 1) + buf[4095] - (char)n + 1;
}
static void* stack_user(void* p) {
  pthread_attr_t a;
  size_t* out = p;
  if (pthread_getattr_np(pthread_self(), &a) != 0) return NULL;
  void* addr = NULL;
  size_t size = 0;
  pthread_attr_getstacksize(&a, &out[0]);
  pthread_attr_getstack(&a, &addr, &size);
  char here;
  out[1] = (uintptr_t)&here > (uintptr_t)addr && (uintptr_t)&here < (uintptr_t)addr + size;
  int detached = -1;
  pthread_attr_getdetachstate(&a, &detached);
  out[2] = detached == PTHREAD_CREATE_JOINABLE;
  pthread_attr_destroy(&a);
  out[3] = (size_t)deep(48);
  return p;
}

KILN_TEST(pthread, stacksize_is_honoured_and_getattr_np_reports_it) {
  pthread_attr_t a;
  size_t out[4] = {0, 0, 0, 0};
  pthread_t t;
  KTEST_EXPECT_EQ(pthread_attr_init(&a), 0);
  KTEST_EXPECT_EQ(pthread_attr_setstacksize(&a, 256 * 1024), 0);
  KTEST_ASSERT(pthread_create(&t, &a, stack_user, out) == 0);
  KTEST_EXPECT_EQ(pthread_join(t, NULL), 0);
  KTEST_EXPECT(out[0] >= 256 * 1024);
  KTEST_EXPECT_EQ(out[1], 1);
  KTEST_EXPECT_EQ(out[2], 1);
  KTEST_EXPECT_EQ(out[3], 48);
  KTEST_EXPECT_EQ(pthread_attr_destroy(&a), 0);
  KTEST_EXPECT_EQ(pthread_getattr_np(pthread_self(), &a), 0);
  KTEST_EXPECT_EQ(pthread_attr_destroy(&a), 0);
}

/* Robust and priority mutexes are refused with the errno POSIX allows. */
/* Robust mutexes: the owner's exit hands the next locker EOWNERDEAD;
 * unlocking without pthread_mutex_consistent makes it unrecoverable.
 * Priority inheritance is accepted (no priorities), ceilings are not. */
static void* robust_lock_and_exit(void* m) {
  pthread_mutex_lock((pthread_mutex_t*)m);
  return NULL;
}
KILN_TEST(pthread, robust_mutexes_and_protocols) {
  pthread_mutexattr_t a;
  int v = -1;
  KTEST_EXPECT_EQ(pthread_mutexattr_init(&a), 0);
  KTEST_EXPECT_EQ(pthread_mutexattr_setrobust(&a, 5), EINVAL);
  KTEST_EXPECT_EQ(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST), 0);
  KTEST_EXPECT_EQ(pthread_mutexattr_getrobust(&a, &v), 0);
  KTEST_EXPECT_EQ(v, PTHREAD_MUTEX_ROBUST);
  KTEST_EXPECT_EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT), 0);
  KTEST_EXPECT_EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_PROTECT), ENOTSUP);
  KTEST_EXPECT_EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_NONE), 0);
  pthread_mutex_t m;
  pthread_t t;
  KTEST_EXPECT_EQ(pthread_mutex_init(&m, &a), 0);
  KTEST_EXPECT_EQ(pthread_mutex_consistent(&m), EINVAL); /* its owner did not die */
  KTEST_ASSERT(pthread_create(&t, NULL, robust_lock_and_exit, &m) == 0);
  KTEST_ASSERT(pthread_join(t, NULL) == 0);
  KTEST_EXPECT_EQ(pthread_mutex_lock(&m), EOWNERDEAD);
  KTEST_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
  KTEST_EXPECT_EQ(pthread_mutex_lock(&m), ENOTRECOVERABLE);
  KTEST_EXPECT_EQ(pthread_mutex_destroy(&m), 0);
  KTEST_EXPECT_EQ(pthread_mutexattr_destroy(&a), 0);
}

/* Cleanup handlers: pop(1) runs one, pop(0) does not, pthread_exit runs
 * the pushed ones newest first. */
static char cleanup_log[16];
static void note_cleanup(void* p) { strncat(cleanup_log, (const char*)p, sizeof cleanup_log - strlen(cleanup_log) - 1); }
static void* cleanup_user(void* p) {
  (void)p;
  pthread_cleanup_push(note_cleanup, "a");
  pthread_cleanup_push(note_cleanup, "b");
  pthread_cleanup_pop(1); /* runs b */
  pthread_cleanup_push(note_cleanup, "c");
  pthread_cleanup_pop(0); /* c does not run */
  pthread_cleanup_push(note_cleanup, "d");
  pthread_exit((void*)7); /* runs d, then a */
  pthread_cleanup_pop(0);
  pthread_cleanup_pop(0);
  return NULL;
}

KILN_TEST(pthread, cleanup_handlers_run_on_pop_and_exit) {
  pthread_t t;
  void* r = NULL;
  cleanup_log[0] = 0;
  KTEST_ASSERT(pthread_create(&t, NULL, cleanup_user, NULL) == 0);
  KTEST_EXPECT_EQ(pthread_join(t, &r), 0);
  KTEST_EXPECT_EQ((intptr_t)r, 7);
  KTEST_EXPECT(strcmp(cleanup_log, "bda") == 0);
}

/* Deferred cancellation: a thread blocked in pthread_cond_wait is woken
 * and cancelled, with the mutex re-acquired for its cleanup handler; one
 * with cancellation disabled runs on until it enables it and reaches
 * pthread_testcancel. */
static pthread_mutex_t cancel_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static volatile int cancel_waiting, cancel_cleanup_held, cancel_after_wait;
static void unlock_cleanup(void* m) {
  cancel_cleanup_held = pthread_mutex_trylock(&cancel_lock) == EBUSY; /* still ours */
  pthread_mutex_unlock((pthread_mutex_t*)m);
}
static void* cond_waiter(void* p) {
  (void)p;
  pthread_mutex_lock(&cancel_lock);
  pthread_cleanup_push(unlock_cleanup, &cancel_lock);
  cancel_waiting = 1;
  for (;;) pthread_cond_wait(&never, &cancel_lock);
  cancel_after_wait = 1;
  pthread_cleanup_pop(1);
  return NULL;
}
static volatile int disabled_progress;
static void* disabled_worker(void* p) {
  (void)p;
  int old = -1;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
  while (disabled_progress < 3) {
    pthread_testcancel(); /* disabled: not acted on */
    disabled_progress++;
    sched_yield();
  }
  pthread_setcancelstate(old, NULL);
  pthread_testcancel(); /* cancelled here */
  disabled_progress = 100;
  return NULL;
}

KILN_TEST(pthread, deferred_cancel_wakes_cond_wait_and_respects_state) {
  pthread_t t;
  void* r = NULL;
  KTEST_ASSERT(pthread_create(&t, NULL, cond_waiter, NULL) == 0);
  while (!cancel_waiting) sched_yield();
  sched_yield();
  KTEST_EXPECT_EQ(pthread_cancel(t), 0);
  KTEST_EXPECT_EQ(pthread_join(t, &r), 0);
  KTEST_EXPECT(r == PTHREAD_CANCELED);
  KTEST_EXPECT_EQ(cancel_cleanup_held, 1);
  KTEST_EXPECT_EQ(cancel_after_wait, 0);
  KTEST_EXPECT_EQ(pthread_mutex_trylock(&cancel_lock), 0); /* the handler unlocked it */
  pthread_mutex_unlock(&cancel_lock);

  disabled_progress = 0;
  KTEST_ASSERT(pthread_create(&t, NULL, disabled_worker, NULL) == 0);
  KTEST_EXPECT_EQ(pthread_cancel(t), 0);
  KTEST_EXPECT_EQ(pthread_join(t, &r), 0);
  KTEST_EXPECT(r == PTHREAD_CANCELED);
  KTEST_EXPECT_EQ(disabled_progress, 3);
}

/* CPU-time clocks (issue 14): a thread's CLOCK_THREAD_CPUTIME_ID counts
 * only while it has the CPU; the process clock counts every thread's. */
static uint64_t clock_ns(clockid_t c) {
  struct timespec ts;
  if (clock_gettime(c, &ts) != 0) return 0;
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void* cpu_sleeper(void* arg) {
  uint64_t t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
  usleep(50000);
  *(uint64_t*)arg = clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
  return NULL;
}

static void* cpu_spinner(void* arg) {
  uint64_t t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), m0 = clock_ns(CLOCK_MONOTONIC);
  while (clock_ns(CLOCK_MONOTONIC) - m0 < 30000000) {
  }
  *(uint64_t*)arg = clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
  return NULL;
}

KILN_TEST(pthread, cpu_time_clocks_count_per_thread) {
  struct timespec res;
  KTEST_EXPECT_EQ(clock_getres(CLOCK_THREAD_CPUTIME_ID, &res), 0);
  KTEST_EXPECT_EQ(clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res), 0);
  KTEST_EXPECT_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
  uint64_t slept = 0, spun = 0;
  uint64_t p0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
  pthread_t a, b;
  KTEST_ASSERT(pthread_create(&a, NULL, cpu_sleeper, &slept) == 0);
  KTEST_ASSERT(pthread_join(a, NULL) == 0);
  KTEST_ASSERT(pthread_create(&b, NULL, cpu_spinner, &spun) == 0);
  KTEST_ASSERT(pthread_join(b, NULL) == 0);
  uint64_t p1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
  /* The sleeper's 50 ms asleep are not its CPU time (a few ms of work at
   * most); the spinner's 30 ms of monotonic time are (nothing else ran). */
  KTEST_EXPECT(slept < 20000000);
  KTEST_EXPECT(spun >= 25000000);
  KTEST_EXPECT(p1 - p0 >= spun);
  KTEST_EXPECT(p1 - p0 < spun + 40000000);  /* the 50 ms of sleep are idle, not the process's */
}
