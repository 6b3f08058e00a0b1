/* threadsig: threads meeting signals, cancellation and memory (issue 14,
 * docs/libc.md "Signals" and "Threads"). Each part prints "threadsig: NAME
 * ok" or "threadsig: FAIL ..."; the exit status is the number of failures.
 *
 *   async_cancel  a thread that set PTHREAD_CANCEL_ASYNCHRONOUS and spins in
 *                 for (;;) is cancelled at its next preemption point: its
 *                 cleanup handler runs, pthread_join gets PTHREAD_CANCELED
 *   internal      signals 32 and 33 are the implementation's: sigaddset and
 *                 sigdelset refuse them (EINVAL), sigfillset leaves them out,
 *                 sigprocmask cannot block them, sigaction refuses them;
 *                 SIGRTMIN is 34
 *   cancel_points a cancel pending before the thread reaches sem_wait (with
 *                 the semaphore free), sem_timedwait, pthread_join, read on
 *                 an empty pipe, poll, nanosleep or pthread_cond_wait ends
 *                 it there
 *   shm           shm_open creates, reopens, maps and unlinks an object;
 *                 bad names are EINVAL; shm_open is not a cancellation point
 *   rt_queue      real-time signals queue: 100 pthread_kill(SIGRTMIN+1) to a
 *                 busy thread run its handler 100 times (raise-race's hang) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(c, ...)                        \
  do {                                       \
    if (!(c)) {                              \
      failures++;                            \
      printf("threadsig: FAIL " __VA_ARGS__); \
      printf(" (%s)\n", #c);                 \
    }                                        \
  } while (0)

/* ---- async_cancel ---- */
static sem_t started;
static volatile int cleaned;
static void mark_cleaned(void* p) { *(volatile int*)p = 1; }
static void* spin(void* arg) {
  (void)arg;
  pthread_cleanup_push(mark_cleaned, (void*)&cleaned);
  pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, 0);
  sem_post(&started);
  for (;;) {
  }
  pthread_cleanup_pop(0);
  return 0;
}
static void async_cancel(void) {
  int f = failures;
  pthread_t t;
  void* res = 0;
  sem_init(&started, 0, 0);
  CHECK(pthread_create(&t, 0, spin, 0) == 0, "async_cancel: pthread_create");
  while (sem_wait(&started)) {
  }
  CHECK(pthread_cancel(t) == 0, "async_cancel: pthread_cancel");
  CHECK(pthread_join(t, &res) == 0, "async_cancel: pthread_join");
  CHECK(res == PTHREAD_CANCELED, "async_cancel: exit status %p", res);
  CHECK(cleaned == 1, "async_cancel: cleanup handler did not run");
  if (f == failures) printf("threadsig: async_cancel ok\n");
}

/* ---- internal ---- */
static void internal(void) {
  int f = failures;
  sigset_t s;
  CHECK(SIGRTMIN == 34, "internal: SIGRTMIN %d", SIGRTMIN);
  sigemptyset(&s);
  for (int i = 32; i < 34; i++) {
    errno = 0;
    CHECK(sigaddset(&s, i) == -1 && errno == EINVAL, "internal: sigaddset(%d)", i);
    CHECK(sigismember(&s, i) == 0, "internal: %d in the set", i);
    CHECK(sigdelset(&s, i) == -1 && errno == EINVAL, "internal: sigdelset(%d)", i);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    CHECK(sigaction(i, &sa, 0) == -1 && errno == EINVAL, "internal: sigaction(%d)", i);
  }
  sigfillset(&s);
  CHECK(sigismember(&s, 32) == 0 && sigismember(&s, 33) == 0 && sigismember(&s, 34) == 1,
        "internal: sigfillset");
  s = ~(sigset_t)0; /* every bit, as a program could write it */
  CHECK(sigprocmask(SIG_BLOCK, &s, 0) == 0, "internal: sigprocmask");
  CHECK(sigprocmask(SIG_BLOCK, 0, &s) == 0, "internal: sigprocmask query");
  CHECK(sigismember(&s, 32) == 0 && sigismember(&s, 33) == 0, "internal: 32/33 blocked");
  CHECK(sigismember(&s, SIGRTMIN) == 1 && sigismember(&s, SIGUSR1) == 1, "internal: others not blocked");
  sigemptyset(&s);
  sigprocmask(SIG_SETMASK, &s, 0);
  if (f == failures) printf("threadsig: internal ok\n");
}

/* ---- cancel_points ---- */
static sem_t go, sem_free;
static pthread_t helper;
static int pipefd[2];
static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static volatile int reached, passed;
static void unlock_m(void* p) { pthread_mutex_unlock(p); }
static void* forever(void* p) {
  (void)p;
  pause();
  return 0;
}
static void point(int which) {
  struct timespec ts;
  char c;
  switch (which) {
    case 0: sem_wait(&sem_free); break; /* does not block: the semaphore is 1 */
    case 1:
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_sec += 5;
      sem_timedwait(&sem_free, &ts);
      break;
    case 2: pthread_join(helper, 0); break;
    case 3: (void)!read(pipefd[0], &c, 1); break;
    case 4: {
      struct pollfd pf = {pipefd[0], POLLIN, 0};
      poll(&pf, 1, 5000);
      break;
    }
    case 5:
      ts.tv_sec = 5;
      ts.tv_nsec = 0;
      nanosleep(&ts, 0);
      break;
    case 6:
      pthread_mutex_lock(&cm);
      pthread_cleanup_push(unlock_m, &cm);
      pthread_cond_wait(&cv, &cm);
      pthread_cleanup_pop(1);
      break;
  }
}
static const char* const kPoints[] = {"sem_wait", "sem_timedwait", "pthread_join", "read",
                                      "poll", "nanosleep", "pthread_cond_wait"};
static void* at_point(void* arg) {
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, 0);
  while (sem_wait(&go)) {
  }
  pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, 0);
  reached = 1;
  point((int)(long)arg);
  passed = 1;
  return 0;
}
static void cancel_points(void) {
  int f = failures;
  CHECK(pipe(pipefd) == 0, "cancel_points: pipe");
  sem_init(&go, 0, 0);
  sem_init(&sem_free, 0, 1);
  static const int kTested[] = {0, 1, 2, 3, 4, 5, 6};
  for (unsigned k = 0; k < sizeof kTested / sizeof kTested[0]; k++) {
    int i = kTested[k];
    pthread_t t;
    void* res = 0;
    reached = passed = 0;
    if (i == 2) pthread_create(&helper, 0, forever, 0);
    CHECK(pthread_create(&t, 0, at_point, (void*)(long)i) == 0, "cancel_points: create");
    pthread_cancel(t);
    sem_post(&go);
    CHECK(pthread_join(t, &res) == 0, "cancel_points: join");
    CHECK(res == PTHREAD_CANCELED && reached && !passed, "cancel_points: %s did not act on the cancel",
          kPoints[i]);
    if (i == 0) CHECK(sem_trywait(&sem_free) == 0, "cancel_points: sem_wait took the count");
    if (i == 0) sem_post(&sem_free);
  }
  /* already blocked: the cancel wakes a thread waiting in read or nanosleep */
  for (int i = 3; i <= 5; i += 2) {
    pthread_t t;
    void* res = 0;
    reached = passed = 0;
    pthread_create(&t, 0, at_point, (void*)(long)i);
    sem_post(&go);
    struct timespec ts = {0, 50000000};
    nanosleep(&ts, 0);
    CHECK(reached, "cancel_points: thread did not reach %s", kPoints[i]);
    pthread_cancel(t);
    CHECK(pthread_join(t, &res) == 0 && res == PTHREAD_CANCELED && !passed,
          "cancel_points: a thread blocked in %s was not cancelled", kPoints[i]);
  }
  if (f == failures) printf("threadsig: cancel_points ok\n");
}

/* ---- shm ---- */
static void* opens_shm(void* p) {
  *(int*)p = shm_open("/threadsig-c", O_RDWR | O_CREAT, 0600);
  return 0;
}
static void shm(void) {
  int f = failures;
  int fd = shm_open("/threadsig", O_RDWR | O_CREAT | O_EXCL, 0600);
  CHECK(fd >= 0, "shm: shm_open create: %s", strerror(errno));
  CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC, "shm: FD_CLOEXEC");
  CHECK(ftruncate(fd, 8192) == 0, "shm: ftruncate");
  char* p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(p != MAP_FAILED, "shm: mmap");
  if (p != MAP_FAILED) {
    strcpy(p + 4096, "shared");
    munmap(p, 8192);
  }
  close(fd);
  CHECK(shm_open("/threadsig", O_RDWR | O_CREAT | O_EXCL, 0600) == -1 && errno == EEXIST, "shm: O_EXCL");
  fd = shm_open("/threadsig", O_RDONLY, 0);
  char buf[8] = {0};
  CHECK(fd >= 0 && pread(fd, buf, 7, 4096) == 7 && strcmp(buf, "shared") == 0, "shm: reopened contents");
  close(fd);
  CHECK(shm_unlink("/threadsig") == 0, "shm: shm_unlink");
  CHECK(shm_open("/threadsig", O_RDONLY, 0) == -1 && errno == ENOENT, "shm: gone after unlink");
  CHECK(shm_open("bad", O_RDONLY, 0) == -1 && errno == EINVAL, "shm: name without '/'");
  CHECK(shm_open("/a/b", O_RDONLY, 0) == -1 && errno == EINVAL, "shm: name with two '/'");
  /* not a cancellation point (as in libc-test's pthread_cancel-points) */
  pthread_t t;
  void* res = 0;
  int cfd = -1;
  pthread_create(&t, 0, opens_shm, &cfd);
  pthread_cancel(t);
  pthread_join(t, &res);
  if (res != PTHREAD_CANCELED) {
    CHECK(cfd >= 0, "shm: shm_open in a cancelled thread");
    close(cfd);
    shm_unlink("/threadsig-c");
  }
  if (f == failures) printf("threadsig: shm ok\n");
}

/* ---- rt_queue ---- */
static volatile int rt_count;
static volatile int rt_stop;
static void rt_handler(int s) {
  (void)s;
  rt_count++;
}
static void* rt_busy(void* p) {
  (void)p;
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGRTMIN + 1);
  pthread_sigmask(SIG_UNBLOCK, &s, 0); /* the 100 pending ones run here */
  while (rt_count < 100 && !rt_stop) sched_yield(); /* a safe point each time round */
  return 0;
}
static void rt_queue(void) {
  int f = failures;
  signal(SIGRTMIN + 1, rt_handler);
  sigset_t s, old;
  sigemptyset(&s);
  sigaddset(&s, SIGRTMIN + 1);
  pthread_sigmask(SIG_BLOCK, &s, &old); /* the thread inherits it blocked: all 100 wait */
  pthread_t t;
  pthread_create(&t, 0, rt_busy, 0);
  pthread_sigmask(SIG_SETMASK, &old, 0);
  for (int i = 0; i < 100; i++) pthread_kill(t, SIGRTMIN + 1);
  struct timespec ts = {0, 200000000};
  nanosleep(&ts, 0);
  rt_stop = 1;
  pthread_join(t, 0);
  CHECK(rt_count == 100, "rt_queue: handler ran %d times, want 100", rt_count);
  if (f == failures) printf("threadsig: rt_queue ok\n");
}

int main(void) {
  setvbuf(stdout, 0, _IOLBF, 0);
  async_cancel();
  internal();
  cancel_points();
  shm();
  rt_queue();
  printf("threadsig: %s (%d failures)\n", failures ? "FAILED" : "all passed", failures);
  return failures;
}
