// Asynchronous events on linuxu: the one-shot timer (a POSIX timer that
// raises SIGALRM), masking, preemption, and the host's signals that
// lib/signal forwards to the application (kiln/plat/signal.h).
//
// Masking is a flag, not a signal mask: kiln_plat_irq_save costs no system
// call. A timer signal that arrives while events are masked only records
// that it is pending; kiln_plat_irq_restore runs the handler once the
// outermost masked section ends. A signal that arrives in unmasked code
// makes the interrupted code "call" kiln_linuxu_preempt (by editing the
// signal frame): after the kernel's sigreturn, that stub saves every
// register and the FPU state and runs the handler in ordinary thread
// context, where it may switch threads.
#include "hostfd.h"
#include "syscall.h"
#include <kiln/assert.h>
#include <kiln/config.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/paging.h>
#include <kiln/plat/signal.h>
#include <kiln/plat/time.h>
#include <kiln/plat/timer.h>
#include <errno.h>

using namespace linuxu;

extern "C" void kiln_linuxu_preempt();
extern "C" void kiln_linuxu_sigreturn();

namespace {

constexpr int kSigAlrm = 14;
volatile int masked;
volatile int pending;
void (*timer_handler)();
// Host signals for the image (kiln/plat/signal.h): bit n is signal n.
// Compiled only with lib/signal, the contract's one user, so an image
// without signals is the same as before.
#if CONFIG_LIBSIGNAL
volatile unsigned long host_signals;
void (*signal_handler)(int);
constexpr int kForwarded[] = {1 /* SIGHUP */, 2 /* SIGINT */, 10 /* SIGUSR1 */, 12 /* SIGUSR2 */,
                              15 /* SIGTERM */};
#endif
int timer_id = -1;

struct Sigevent {
  long value;
  int signo;
  int notify;
  int pad[12];
};
struct Itimerspec {
  Timespec interval;
  Timespec value;
};

void on_alarm(int signo, void*, void* uc) {
#if CONFIG_LIBSIGNAL
  if (signo != kSigAlrm) __atomic_fetch_or(&host_signals, 1ul << signo, __ATOMIC_RELAXED);
#else
  (void)signo;
#endif
  pending = 1;
  if (masked || !timer_handler) return;
  // Redirect the interrupted code into kiln_linuxu_preempt, as if it had
  // called it: push the interrupted rip below the red zone.
  auto* g = reinterpret_cast<unsigned long*>(static_cast<char*>(uc) + kGregsOffset);
  unsigned long sp = g[RSP] - 128 - 8;
  *reinterpret_cast<unsigned long*>(sp) = g[RIP];
  g[RSP] = sp;
  g[RIP] = reinterpret_cast<unsigned long>(kiln_linuxu_preempt);
}

struct Pollfd {
  int fd;
  short events;
  short revents;
};
constexpr short kPollIn = 1;
struct Watch {
  void (*fn)(void*);
  void* arg;
  int fd;  // watched[i].fd is this, or -1 while the watch is off (ppoll skips it)
};
Pollfd watched[kMaxWatchedFds];
Watch watches[kMaxWatchedFds];
volatile int nwatched;

// ppoll the watched fds (timeout null: until a signal or an fd) and run the
// callbacks of the readable ones. Masked.
void poll_watched(const Timespec* timeout) {
  int n = nwatched;
  long r = syscall(kPpoll, reinterpret_cast<long>(watched), n, reinterpret_cast<long>(timeout), 0, 8);
  if (r <= 0) return;
  for (int i = 0; i < n; ++i)
    if (watched[i].fd >= 0 && watched[i].revents) watches[i].fn(watches[i].arg);
}

// The host's signals that arrived: lib/signal's handler for each. Masked.
void run_host_signals() {
#if CONFIG_LIBSIGNAL
  if (unsigned long sigs = __atomic_exchange_n(&host_signals, 0ul, __ATOMIC_RELAXED); sigs && signal_handler)
    for (int n = 1; n < 64; ++n)
      if (sigs & (1ul << n)) signal_handler(n);
#endif
}

}  // namespace

int linuxu::watch_fd(int fd, void (*fn)(void*), void* arg) {
  unsigned long f = kiln_plat_irq_save();
  int n = nwatched;
  if (n == kMaxWatchedFds) {
    kiln_plat_irq_restore(f);
    return -ENOSPC;
  }
  watched[n] = {fd, kPollIn, 0};
  watches[n] = {fn, arg, fd};
  nwatched = n + 1;
  kiln_plat_irq_restore(f);
  return 0;
}

void linuxu::set_watch(int fd, bool on) {
  unsigned long f = kiln_plat_irq_save();
  for (int i = 0; i < nwatched; ++i)
    if (watches[i].fd == fd) watched[i].fd = on ? fd : -1;
  kiln_plat_irq_restore(f);
}

// Called by kiln_linuxu_preempt, and by kiln_plat_irq_restore when a timer
// signal arrived inside a masked section.
extern "C" void kiln_linuxu_run_pending() {
  masked = 1;
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  while (pending) {
    pending = 0;
    if (nwatched) {  // a busy image still notices host fds at each timer event
      Timespec zero{0, 0};
      poll_watched(&zero);
    }
    run_host_signals();
    if (timer_handler) timer_handler();
  }
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  masked = 0;
}

extern "C" unsigned long kiln_plat_irq_save(void) {
  unsigned long was = masked;
  masked = 1;
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  return was;
}

extern "C" void kiln_plat_irq_restore(unsigned long state) {
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  masked = static_cast<int>(state);
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  // A signal that came while masked left work pending; one that comes from
  // here on redirects by itself.
  if (!state && pending && timer_handler) kiln_linuxu_run_pending();
}

extern "C" void kiln_plat_timer_set_handler(void (*handler)(void)) {
  timer_handler = handler;
  if (timer_id >= 0) return;
  KernelSigaction act{on_alarm, kSaSiginfo | kSaRestorer | kSaRestart, kiln_linuxu_sigreturn, 0};
  syscall(kRtSigaction, kSigAlrm, reinterpret_cast<long>(&act), 0, 8);
  Sigevent ev{};
  ev.signo = kSigAlrm;
  ev.notify = 0;  // SIGEV_SIGNAL
  int id = -1;
  long r = syscall(kTimerCreate, 1 /* CLOCK_MONOTONIC */, reinterpret_cast<long>(&ev),
                   reinterpret_cast<long>(&id));
  if (r < 0) kiln_panic("linuxu: timer_create failed (errno %ld)", -r);
  timer_id = id;
}

// The host's signals for the application go through the event path of the
// timer signal (on_alarm): pending, then handled once events are unmasked,
// where lib/signal's handler marks them pending for a thread. A signal
// during an idle ppoll/clock_nanosleep ends it (EINTR), so a blocked thread
// wakes at once.
#if CONFIG_LIBSIGNAL
extern "C" void kiln_plat_signal_set_handler(void (*handler)(int)) {
  signal_handler = handler;
  KernelSigaction act{on_alarm, kSaSiginfo | kSaRestorer | kSaRestart, kiln_linuxu_sigreturn, 0};
  for (int n : kForwarded) syscall(kRtSigaction, n, reinterpret_cast<long>(&act), 0, 8);
}
#endif

extern "C" void kiln_plat_timer_set_deadline(uint64_t deadline_ns) {
  if (timer_id < 0) return;
  if (deadline_ns == 0) deadline_ns = 1;  // 0 would disarm
  Itimerspec its{{0, 0}, {static_cast<long>(deadline_ns / 1000000000u),
                          static_cast<long>(deadline_ns % 1000000000u)}};
  syscall(kTimerSettime, timer_id, 1 /* TIMER_ABSTIME */, reinterpret_cast<long>(&its), 0);
}

extern "C" void kiln_plat_timer_cancel(void) {
  if (timer_id < 0) return;
  Itimerspec its{};
  syscall(kTimerSettime, timer_id, 0, reinterpret_cast<long>(&its), 0);
}

// Sleeps in the host until the deadline, a signal (the timer) or a watched
// fd becomes readable (its callback runs here, masked); masked, so the
// timer's work waits for the caller's restore.
extern "C" void kiln_plat_idle_until(uint64_t deadline_ns) {
  // The idle thread stays masked (it checks the timers itself), so a host
  // signal that ended the idle sleep is handed over here: the thread it
  // wakes runs next.
  struct HostSignals {
    ~HostSignals() { run_host_signals(); }
  } at_return;
  if (pending) return;
  if (nwatched) {
    uint64_t now = kiln_plat_monotonic_ns();
    if (deadline_ns == ~uint64_t{0}) {
      poll_watched(nullptr);
    } else {
      uint64_t d = deadline_ns > now ? deadline_ns - now : 0;
      Timespec rel{static_cast<long>(d / 1000000000u), static_cast<long>(d % 1000000000u)};
      poll_watched(&rel);
    }
    return;
  }
  Timespec ts{static_cast<long>(deadline_ns / 1000000000u), static_cast<long>(deadline_ns % 1000000000u)};
  syscall(kClockNanosleep, 1 /* CLOCK_MONOTONIC */, 1 /* TIMER_ABSTIME */, reinterpret_cast<long>(&ts), 0);
}

extern "C" int kiln_plat_guard(void* addr, size_t len) {
  long r = syscall(kMprotect, reinterpret_cast<long>(addr), static_cast<long>(len), 0 /* PROT_NONE */);
  return r < 0 ? static_cast<int>(r) : 0;
}

extern "C" int kiln_plat_unguard(void* addr, size_t len) {
  long r = syscall(kMprotect, reinterpret_cast<long>(addr), static_cast<long>(len), 3 /* RW */);
  return r < 0 ? static_cast<int>(r) : 0;
}

// Mappings (lib/mm): the host's mprotect on the heap's pages (the heap is
// one host mapping, so any page-aligned part of it can be changed).
extern "C" int kiln_plat_protect(void* addr, size_t len, unsigned prot) {
  long r = syscall(kMprotect, reinterpret_cast<long>(addr), static_cast<long>(len), static_cast<long>(prot & 7));
  return r < 0 ? static_cast<int>(r) : 0;
}

// The host keeps its own page tables.
extern "C" int kiln_plat_paging_donate(void*) { return -ENOSYS; }
