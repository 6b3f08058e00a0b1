/* Signals within the image (lib/signal; docs/libc.md, "Signals").
 *   signals           every check below, then "signals: ok"
 *   signals pipe      a write to a pipe with no reader: SIGPIPE, status 141
 *   signals term      raise(SIGTERM) with no handler: status 143
 *   signals host      waits for SIGTERM or SIGINT from outside (linuxu: the
 *                     test harness sends it), the handler's flag ends main
 *   signals alarm     alarm(1) with no handler, then pause(): status 142
 *   signals console   a blocking console read that alarm(1) interrupts */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(c)                                                   \
  do {                                                             \
    if (!(c)) {                                                    \
      printf("FAIL %s:%d: %s (errno %d)\n", __FILE__, __LINE__, #c, errno); \
      ++failures;                                                  \
    }                                                              \
  } while (0)

static volatile sig_atomic_t got_sig, got_code, count;
static volatile int got_value;
static volatile uintptr_t handler_sp;

static void on_sig(int sig) {
  got_sig = sig;
  ++count;
}

static void on_info(int sig, siginfo_t* si, void* uc) {
  (void)uc;
  got_sig = sig;
  got_code = si->si_code;
  got_value = si->si_value.sival_int;
  CHECK(si->si_signo == sig);
  ++count;
}

static void install(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void install_info(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_info;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void arm_ms(long ms) {
  struct itimerval v = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
  CHECK(setitimer(ITIMER_REAL, &v, NULL) == 0);
}

static void numbers(void) {
  CHECK(SIGPIPE == 13 && SIGTERM == 15 && SIGUSR1 == 10 && SIGCHLD == 17 && SIGRTMIN == 34);
  CHECK(strcmp(strsignal(SIGTERM), "Terminated") == 0);
  printf("numbers ok\n");
}

static void handler_and_info(void) {
  install_info(SIGUSR1);
  got_sig = 0;
  CHECK(raise(SIGUSR1) == 0);
  CHECK(got_sig == SIGUSR1 && got_code == SI_TKILL);
  got_sig = 0;
  CHECK(kill(getpid(), SIGUSR1) == 0);
  CHECK(got_sig == SIGUSR1 && got_code == SI_USER);
  CHECK(kill(0, 0) == 0);
  CHECK(kill(1234, SIGUSR1) == -1 && errno == ESRCH);
  CHECK(sigaction(SIGKILL, &(struct sigaction){0}, NULL) == -1 && errno == EINVAL);
  printf("handler ok: signo %d code %d\n", (int)got_sig, (int)got_code);
}

static void masking(void) {
  install(SIGUSR2, on_sig, 0);
  sigset_t s, old, pend;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR2);
  CHECK(sigprocmask(SIG_BLOCK, &s, &old) == 0);
  got_sig = 0;
  raise(SIGUSR2);
  CHECK(got_sig == 0);
  CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR2) == 1);
  CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
  CHECK(got_sig == SIGUSR2);
  CHECK(sigpending(&pend) == 0 && !sigismember(&pend, SIGUSR2));
  printf("masking ok\n");
}

static void suspend(void) {
  install(SIGALRM, on_sig, 0);
  sigset_t s, old, wait;
  sigemptyset(&s);
  sigaddset(&s, SIGALRM);
  sigprocmask(SIG_BLOCK, &s, &old);
  got_sig = 0;
  arm_ms(50);
  sigemptyset(&wait);
  int r = sigsuspend(&wait);
  CHECK(r == -1 && errno == EINTR && got_sig == SIGALRM);
  sigset_t now;
  sigprocmask(SIG_SETMASK, &old, &now);
  CHECK(sigismember(&now, SIGALRM) == 1);  /* the mask came back */
  printf("sigsuspend ok\n");
}

static void* late_writer(void* arg) {
  usleep(150000);
  write(*(int*)arg, "r", 1);
  return NULL;
}

static void eintr(void) {
  install(SIGALRM, on_sig, 0);  /* no SA_RESTART */
  got_sig = 0;
  arm_ms(50);
  struct timespec req = {5, 0}, rem = {0, 0};
  int r = nanosleep(&req, &rem);
  CHECK(r == -1 && errno == EINTR && got_sig == SIGALRM);
  CHECK(rem.tv_sec >= 3 && rem.tv_sec <= 5);
  printf("nanosleep EINTR ok\n");

  int p[2];
  CHECK(pipe(p) == 0);
  got_sig = 0;
  CHECK(alarm(1) == 0);
  char c;
  errno = 0;
  ssize_t n = read(p[0], &c, 1);
  CHECK(n == -1 && errno == EINTR && got_sig == SIGALRM);
  printf("pipe read EINTR ok\n");

  /* With SA_RESTART the handler runs and the read goes on: it returns the
   * byte a thread writes after the signal. */
  install(SIGALRM, on_sig, SA_RESTART);
  got_sig = 0;
  pthread_t w;
  CHECK(pthread_create(&w, NULL, late_writer, &p[1]) == 0);
  arm_ms(30);
  n = read(p[0], &c, 1);
  CHECK(n == 1 && c == 'r' && got_sig == SIGALRM);
  pthread_join(w, NULL);
  printf("SA_RESTART read ok\n");

  install(SIGALRM, on_sig, 0);
  sem_t sem;
  CHECK(sem_init(&sem, 0, 0) == 0);
  got_sig = 0;
  arm_ms(30);
  errno = 0;
  CHECK(sem_wait(&sem) == -1 && errno == EINTR && got_sig == SIGALRM);
  sem_destroy(&sem);
  printf("sem_wait EINTR ok\n");
  close(p[0]);
  close(p[1]);
}

static void periodic(void) {
  install(SIGALRM, on_sig, SA_RESTART);
  count = 0;
  struct itimerval v = {{0, 20000}, {0, 20000}};
  CHECK(setitimer(ITIMER_REAL, &v, NULL) == 0);
  sigset_t none;
  sigemptyset(&none);
  while (count < 3) sigsuspend(&none);
  struct itimerval g;
  CHECK(getitimer(ITIMER_REAL, &g) == 0 && g.it_interval.tv_usec == 20000);
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  printf("setitimer periodic ok: %d\n", (int)count);
}

static volatile int thread_calls;
static volatile int thread_value;
static void on_timer_thread(union sigval v) {
  thread_value = v.sival_int;
  ++thread_calls;
}

static void posix_timers(void) {
  install_info(SIGRTMIN);
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGRTMIN;
  ev.sigev_value.sival_int = 4242;
  timer_t t;
  CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
  struct itimerspec its = {{0, 0}, {0, 30000000}};
  got_sig = 0;
  CHECK(timer_settime(t, 0, &its, NULL) == 0);
  struct itimerspec left;
  CHECK(timer_gettime(t, &left) == 0 && left.it_value.tv_nsec > 0);
  sigset_t none;
  sigemptyset(&none);
  while (got_sig != SIGRTMIN) sigsuspend(&none);
  CHECK(got_code == SI_TIMER && got_value == 4242);
  CHECK(timer_delete(t) == 0);
  printf("timer_create SIGEV_SIGNAL ok: value %d\n", got_value);

  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD;
  ev.sigev_notify_function = on_timer_thread;
  ev.sigev_value.sival_int = 77;
  CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
  struct itimerspec per = {{0, 10000000}, {0, 10000000}};
  CHECK(timer_settime(t, 0, &per, NULL) == 0);
  for (int i = 0; i < 200 && thread_calls < 3; ++i) usleep(5000);
  CHECK(thread_calls >= 3 && thread_value == 77);
  CHECK(timer_delete(t) == 0);
  printf("timer_create SIGEV_THREAD ok\n");
}

static sigjmp_buf jb;
static void on_jump(int sig) { siglongjmp(jb, sig); }

static void jumps(void) {
  install(SIGUSR1, on_jump, 0);
  sigset_t now;
  int r = sigsetjmp(jb, 1);
  if (r == 0) {
    raise(SIGUSR1);
    CHECK(!"siglongjmp did not leave the handler");
  }
  CHECK(r == SIGUSR1);
  sigprocmask(SIG_SETMASK, NULL, &now);
  CHECK(!sigismember(&now, SIGUSR1));  /* the handler's mask was undone */
  printf("sigsetjmp/siglongjmp ok\n");
}

static void ignored_pipe(void) {
  CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
  int p[2];
  CHECK(pipe(p) == 0);
  close(p[0]);
  errno = 0;
  CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE);
  close(p[1]);
  signal(SIGPIPE, SIG_DFL);
  printf("ignored SIGPIPE gives EPIPE ok\n");
}

static char altstack[16384];
static void on_alt(int sig) {
  got_sig = sig;
  handler_sp = (uintptr_t)__builtin_frame_address(0);
}

static void alternate(void) {
  stack_t ss = {altstack, 0, sizeof altstack}, old;
  CHECK(sigaltstack(&ss, &old) == 0 && (old.ss_flags & SS_DISABLE));
  install(SIGUSR2, on_alt, SA_ONSTACK);
  raise(SIGUSR2);
  CHECK(handler_sp >= (uintptr_t)altstack && handler_sp < (uintptr_t)altstack + sizeof altstack);
  ss.ss_flags = SS_DISABLE;
  CHECK(sigaltstack(&ss, NULL) == 0);
  printf("sigaltstack ok\n");
}

static volatile sig_atomic_t term;
static void on_term(int sig) { term = sig; }

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "all";
  if (!strcmp(what, "pipe")) {
    int p[2];
    pipe(p);
    close(p[0]);
    printf("writing to a closed pipe\n");
    write(p[1], "x", 1);
    printf("still alive after SIGPIPE\n");
    return 1;
  }
  if (!strcmp(what, "term")) {
    printf("raising SIGTERM\n");
    raise(SIGTERM);
    printf("still alive after SIGTERM\n");
    return 1;
  }
  if (!strcmp(what, "console")) {  /* kvm: no console input arrives */
    install(SIGALRM, on_sig, 0);
    alarm(1);
    char c;
    errno = 0;
    ssize_t n = read(0, &c, 1);
    if (n == -1 && errno == EINTR && got_sig == SIGALRM) printf("console read EINTR ok\n");
    else printf("console read: %d errno %d\n", (int)n, errno);
    return 0;
  }
  if (!strcmp(what, "alarm")) {
    printf("alarm in 1 s\n");
    alarm(1);
    pause();
    printf("still alive after SIGALRM\n");
    return 1;
  }
  if (!strcmp(what, "host")) {
    install(SIGTERM, on_term, 0);
    install(SIGINT, on_term, 0);
    printf("waiting for SIGTERM or SIGINT\n");
    fflush(stdout);
    while (!term) pause();
    printf("handler got signal %d, exiting cleanly\n", (int)term);
    return 0;
  }
  numbers();
  handler_and_info();
  masking();
  suspend();
  eintr();
  periodic();
  posix_timers();
  jumps();
  ignored_pipe();
  alternate();
  if (failures) {
    printf("signals: %d failures\n", failures);
    return 1;
  }
  printf("signals: ok\n");
  return 0;
}
