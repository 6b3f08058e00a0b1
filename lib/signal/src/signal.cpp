// Signals within the image (docs/libc.md, "Signals").
//
// Each thread has a mask and a set of thread-directed pending signals
// (raise, pthread_kill, tgkill, SIGPIPE); the process has one set of
// process-directed ones (kill, alarm and timers, the host's signals on
// linuxu), taken by whichever thread that does not block them reaches a
// safe point first. Posting only marks a signal pending and wakes a thread
// (kiln::wake: every wait tolerates spurious wake-ups); handlers run in
// thread context at safe points (kiln/sigpoint.h): the return of the
// signal calls themselves, and of a blocking call that the signal
// interrupted (kiln_sys_ret on -EINTR). A default action that ends the
// image (terminate, core) is taken at once when the signal is posted.
//
// All state is changed with events masked (one CPU: that is the lock).
#include "signal.h"
#include <kiln/alloc.h>
#include <kiln/arch/context.h>
#include <kiln/assert.h>
#include <kiln/init.h>
#include <kiln/lock.h>
#include <kiln/plat/signal.h>
#include <kiln/plat/time.h>
#include <kiln/print.h>
#include <kiln/sched.h>
#include <kiln/sigpoint.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>
#include <new>

namespace kiln::signal {
namespace {

constexpr uint64_t bit(int sig) { return uint64_t{1} << (sig - 1); }
// Signals 32 and 33 are the implementation's, as on glibc (SIGRTMIN is 34).
// Kiln sends neither today (asynchronous cancellation is lib/sched's
// preemption hook, not a signal); they stay reserved for such uses. A
// program cannot add them to a set, block them or install a handler.
constexpr uint64_t kInternal = bit(32) | bit(33);
constexpr uint64_t kUnblockable = bit(SIGKILL) | bit(SIGSTOP) | kInternal;
static_assert(SIGRTMIN == 34, "32 and 33 are internal");
constexpr int kPid = 1;  // getpid()
// Thread-directed real-time signals queue, up to this many pending
// instances of each per thread (more are dropped, as past Linux's
// RLIMIT_SIGPENDING); process-directed ones still merge (docs/libc.md).
constexpr uint16_t kRtQueueMax = 1024;

struct Action {
  void* handler = nullptr;  // SIG_DFL, SIG_IGN or the function
  unsigned long flags = 0;
  uint64_t mask = 0;
};

struct AltCall;

struct PerThread {
  uint64_t mask = 0;
  uint64_t pending = 0;  // thread-directed
  uint64_t waiting = 0;  // the set of a sigwait/sigtimedwait in progress
  int code[NSIG] = {};   // si_code of each thread-directed pending signal
  uint16_t queued[NSIG] = {};  // real-time signals: instances pending beyond the first
  char* alt_sp = nullptr;
  size_t alt_size = 0;
  AltCall* alt_call = nullptr;  // the handler being started on the alternate stack
};

constinit PerThread main_state;
constinit Action actions[NSIG];
constinit uint64_t proc_pending = 0;
constinit Info proc_info[NSIG];
constinit uint64_t ignored = 0;  // signals whose action now is to ignore them
constinit kiln::WaitQueue sleepers;  // sigsuspend, pause, sigtimedwait

enum class Dfl { Term, Core, Ignore };

Dfl default_action(int sig) {
  switch (sig) {
    case SIGCHLD: case SIGURG: case SIGWINCH:
    // No job control in a unikernel: stop and continue are ignored.
    case SIGCONT: case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
      return Dfl::Ignore;
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
    case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
      return Dfl::Core;
    default:
      return Dfl::Term;
  }
}

bool valid(int sig) { return sig >= 1 && sig < NSIG; }

PerThread* state(kiln::Thread* t) { return t ? static_cast<PerThread*>(t->signal_state) : nullptr; }
PerThread* me() { return state(kiln::thread_current()); }

void* const kDfl = reinterpret_cast<void*>(SIG_DFL);
void* const kIgn = reinterpret_cast<void*>(SIG_IGN);

bool ignores(const Action& a, int sig) {
  return a.handler == kIgn || (a.handler == kDfl && default_action(sig) == Dfl::Ignore);
}

void update_ignored(int sig) {
  if (ignores(actions[sig], sig)) ignored |= bit(sig);
  else ignored &= ~bit(sig);
}

// What the calling thread could take now.
uint64_t ready(const PerThread* t) { return (t->pending | proc_pending) & ~t->mask & ~ignored; }

struct Name {
  const char* name;
  const char* text;
};
constexpr Name kNames[32] = {
    {"0", "Unknown signal 0"}, {"SIGHUP", "Hangup"}, {"SIGINT", "Interrupt"}, {"SIGQUIT", "Quit"},
    {"SIGILL", "Illegal instruction"}, {"SIGTRAP", "Trace/breakpoint trap"}, {"SIGABRT", "Aborted"},
    {"SIGBUS", "Bus error"}, {"SIGFPE", "Floating point exception"}, {"SIGKILL", "Killed"},
    {"SIGUSR1", "User defined signal 1"}, {"SIGSEGV", "Segmentation fault"},
    {"SIGUSR2", "User defined signal 2"}, {"SIGPIPE", "Broken pipe"}, {"SIGALRM", "Alarm clock"},
    {"SIGTERM", "Terminated"}, {"SIGSTKFLT", "Stack fault"}, {"SIGCHLD", "Child exited"},
    {"SIGCONT", "Continued"}, {"SIGSTOP", "Stopped (signal)"}, {"SIGTSTP", "Stopped"},
    {"SIGTTIN", "Stopped (tty input)"}, {"SIGTTOU", "Stopped (tty output)"},
    {"SIGURG", "Urgent I/O condition"}, {"SIGXCPU", "CPU time limit exceeded"},
    {"SIGXFSZ", "File size limit exceeded"}, {"SIGVTALRM", "Virtual timer expired"},
    {"SIGPROF", "Profiling timer expired"}, {"SIGWINCH", "Window changed"}, {"SIGIO", "I/O possible"},
    {"SIGPWR", "Power failure"}, {"SIGSYS", "Bad system call"}};

const char* signame(int sig, char* buf, size_t n) {
  if (sig > 0 && sig < 32) return kNames[sig].name;
  if (sig == SIGRTMIN) return "SIGRTMIN";
  if (sig == SIGRTMAX) return "SIGRTMAX";
  if (sig > SIGRTMIN && sig < SIGRTMAX) kiln_snprintf(buf, n, "SIGRTMIN+%d", sig - SIGRTMIN);
  else kiln_snprintf(buf, n, "signal %d", sig);
  return buf;
}

// The default action that ends the image: one line and 128 + sig, as a
// shell reports a process killed by sig; core signals take the crash
// report path (a panic: backtrace, crash status).
[[noreturn]] void die(int sig) {
  char buf[16];
  const char* name = signame(sig, buf, sizeof buf);
  if (default_action(sig) == Dfl::Core) kiln_panic("killed by signal %d (%s)", sig, name);
  kiln_printk(KILN_LOG_INFO, "killed by signal %d (%s)", sig, name);  // "kiln: killed by ..."
  kiln_boot_exit(128 + sig);
}

bool fatal_now(int sig) {
  const Action& a = actions[sig];
  return a.handler == kDfl && default_action(sig) != Dfl::Ignore;
}

struct Pick {
  uint64_t b;
  kiln::Thread* found;
  bool waiters;  // also: wake every thread sigwaiting for it
};

// A thread that will take a process-directed signal: the current one if
// it does not block it, else the first that does not.
kiln::Thread* pick_thread(int sig) {
  kiln::Thread* cur = kiln::thread_current();
  if (PerThread* t = state(cur); t && !(t->mask & bit(sig))) return cur;
  Pick p{bit(sig), nullptr, false};
  kiln::thread_for_each(
      [](kiln::Thread* t, void* arg) {
        auto* p = static_cast<Pick*>(arg);
        PerThread* s = state(t);
        if (!p->found && s && t->state != kiln::Thread::State::Exited && !(s->mask & p->b)) p->found = t;
      },
      &p);
  return p.found;
}

void wake_sigwaiters(int sig) {
  uint64_t b = bit(sig);
  kiln::thread_for_each(
      [](kiln::Thread* t, void* arg) {
        PerThread* s = state(t);
        if (s && (s->waiting & *static_cast<uint64_t*>(arg))) kiln::wake(t);
      },
      &b);
}

void post_thread(kiln::Thread* th, int sig, int code) {
  kiln::IrqGuard g;
  PerThread* t = state(th);
  if (!t) return;
  bool blocked = t->mask & bit(sig);
  if (!blocked && !(t->waiting & bit(sig))) {
    if (ignores(actions[sig], sig)) return;
    if (fatal_now(sig)) die(sig);
  }
  if (!(t->pending & bit(sig))) {
    t->pending |= bit(sig);
    t->code[sig] = code;
  } else if (sig >= SIGRTMIN && t->queued[sig] < kRtQueueMax) {
    ++t->queued[sig];  // real-time signals queue (standard ones merge)
  }
  if (!blocked || (t->waiting & bit(sig))) kiln::wake(th);
}

// Discard sig wherever it is pending (its action became "ignore").
void discard(int sig) {
  proc_pending &= ~bit(sig);
  uint64_t b = bit(sig);
  kiln::thread_for_each(
      [](kiln::Thread* t, void* arg) {
        if (PerThread* s = state(t)) {
          uint64_t b = *static_cast<uint64_t*>(arg);
          s->pending &= ~b;
          s->queued[__builtin_ctzll(b) + 1] = 0;
        }
      },
      &b);
}

// ---- running handlers --------------------------------------------------

void invoke(int sig, siginfo_t* si, const Action& a) {
  if (a.flags & SA_SIGINFO)
    reinterpret_cast<void (*)(int, siginfo_t*, void*)>(a.handler)(sig, si, nullptr);
  else
    reinterpret_cast<void (*)(int)>(a.handler)(sig);
}

// A handler on the alternate stack: kiln_arch_run_on_stack does not
// return, so the trampoline comes back with longjmp.
struct AltCall {
  jmp_buf back;
  int sig;
  siginfo_t* si;
  Action a;
};

void alt_trampoline() {
  AltCall* c = me()->alt_call;
  invoke(c->sig, c->si, c->a);
  longjmp(c->back, 1);
}

bool on_alt_stack(const PerThread* t) {
  auto sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  auto base = reinterpret_cast<uintptr_t>(t->alt_sp);
  return t->alt_sp && sp >= base && sp < base + t->alt_size;
}

void run_handler(PerThread* t, int sig, const Action& a, const Info& info) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_signo = sig;
  si.si_code = info.code;
  if (info.code == SI_TIMER) {
    si.si_timerid = info.timerid;
    si.si_overrun = info.overrun;
  } else {
    si.si_pid = info.pid;
  }
  si.si_value = info.value;
  uint64_t old;
  {
    kiln::IrqGuard g;
    old = t->mask;
    t->mask |= a.mask | ((a.flags & SA_NODEFER) ? 0 : bit(sig));
    t->mask &= ~kUnblockable;
  }
  if ((a.flags & SA_ONSTACK) && t->alt_sp && !on_alt_stack(t)) {
    AltCall c;
    c.sig = sig;
    c.si = &si;
    c.a = a;
    AltCall* outer = t->alt_call;
    t->alt_call = &c;
    if (setjmp(c.back) == 0)
      kiln_arch_run_on_stack(reinterpret_cast<uintptr_t>(t->alt_sp + t->alt_size), alt_trampoline);
    t->alt_call = outer;
  } else {
    invoke(sig, &si, a);
  }
  kiln::IrqGuard g;
  t->mask = old;
}

// Take one deliverable signal: its number (0: none), info and action.
int take(PerThread* t, uint64_t from, Info* info, Action* a) {
  kiln::IrqGuard g;
  uint64_t r = (t->pending | proc_pending) & from;
  if (!r) return 0;
  int sig = __builtin_ctzll(r) + 1;
  if (t->pending & bit(sig)) {
    if (t->queued[sig]) --t->queued[sig];  // another instance stays pending
    else t->pending &= ~bit(sig);
    *info = Info{};
    info->code = t->code[sig];
    info->pid = kPid;
  } else {
    proc_pending &= ~bit(sig);
    *info = proc_info[sig];
  }
  *a = actions[sig];
  if ((a->flags & SA_RESETHAND) && a->handler != kDfl && a->handler != kIgn) {
    actions[sig] = Action{};
    update_ignored(sig);
  }
  return sig;
}

// The safe point: run every deliverable signal's handler (lowest number
// first). True when handlers ran and all had SA_RESTART.
bool deliver() {
  PerThread* t = me();
  if (!t) return false;
  bool ran = false, restart = true;
  for (;;) {
    Info info;
    Action a;
    int sig = take(t, ~t->mask, &info, &a);
    if (!sig) break;
    if (a.handler == kIgn) continue;
    if (a.handler == kDfl) {
      if (default_action(sig) != Dfl::Ignore) die(sig);
      continue;
    }
    ran = true;
    if (!(a.flags & SA_RESTART)) restart = false;
    run_handler(t, sig, a, info);
  }
  return ran && restart;
}

// ---- per-thread state and the host's signals -----------------------------

int thread_init(kiln::Thread* t) {
  PerThread* s = t->is_main ? &main_state : new (std::nothrow) PerThread();
  if (!s) return -ENOMEM;
  if (PerThread* creator = me(); creator && creator != s) s->mask = creator->mask;  // inherited
  t->signal_state = s;
  return 0;
}

void thread_fini(kiln::Thread* t) {
  auto* s = state(t);
  t->signal_state = nullptr;
  if (s && s != &main_state) delete s;
}

void on_host_signal(int sig) {
  if (valid(sig)) post_process(sig, Info{SI_USER, 0, 0, 0, {}});
}

int signal_init() {
  kiln_plat_signal_set_handler(on_host_signal);
  return 0;
}

}  // namespace

KILN_THREAD_HOOKS({thread_init, thread_fini, nullptr, nullptr, "signal"});
KILN_INIT(lib, 060, signal_init);

void post_process(int sig, const Info& info) {
  kiln::IrqGuard g;
  kiln::Thread* th = pick_thread(sig);
  if (th) {
    if (ignores(actions[sig], sig)) return;
    if (fatal_now(sig)) die(sig);
  }
  proc_pending |= bit(sig);
  proc_info[sig] = info;
  if (th) kiln::wake(th);
  else wake_sigwaiters(sig);
}

bool process_pending(int sig) {
  kiln::IrqGuard g;
  return proc_pending & bit(sig);
}

}  // namespace kiln::signal

using namespace kiln::signal;

// ---- the system-call table ------------------------------------------------

extern "C" {

// A pthread_cancel pending and enabled makes every interruptible wait a
// cancellation point: the wait stops as for a signal, and the safe point
// acts on it (lib/pthread's action, through lib/sched) before any handler.
static bool cancel_due(kiln::Thread* t) {
  return t && t->cancel_pending && !t->cancel_disabled && kiln::cancel_action();
}

bool kiln_signal_interrupted(void) {
  PerThread* t = me();
  return (t && ready(t)) || cancel_due(kiln::thread_current());
}

bool kiln_signal_deliver(void) {
  if (cancel_due(kiln::thread_current())) kiln::cancel_action()();
  return deliver();
}

void kiln_signal_pipe(void) {
  post_thread(kiln::thread_current(), SIGPIPE, SI_USER);
  deliver();
}

long kiln_sys_rt_sigaction(int sig, const struct kiln_ksigaction* act, struct kiln_ksigaction* old,
                           size_t setsize) {
  if (!valid(sig) || setsize != sizeof(sigset_t)) return -EINVAL;
  if (act && (sig == SIGKILL || sig == SIGSTOP || (bit(sig) & kInternal))) return -EINVAL;
  kiln::IrqGuard g;
  if (old) *old = {actions[sig].handler, actions[sig].flags, nullptr, actions[sig].mask};
  if (act) {
    actions[sig] = Action{act->handler, act->flags, act->mask & ~kUnblockable};
    update_ignored(sig);
    if (ignored & bit(sig)) discard(sig);  // POSIX: a pending signal set to be ignored goes
  }
  return 0;
}
KILN_SYSCALL(rt_sigaction);

long kiln_sys_rt_sigprocmask(int how, const sigset_t* set, sigset_t* old, size_t setsize) {
  if (setsize != sizeof(sigset_t)) return -EINVAL;
  PerThread* t = me();
  if (!t) return -ENOSYS;
  {
    kiln::IrqGuard g;
    if (old) *old = t->mask;
    if (set) {
      switch (how) {
        case SIG_BLOCK: t->mask |= *set; break;
        case SIG_UNBLOCK: t->mask &= ~*set; break;
        case SIG_SETMASK: t->mask = *set; break;
        default: return -EINVAL;
      }
      t->mask &= ~kUnblockable;
    }
  }
  deliver();  // what was just unblocked runs before the call returns
  return 0;
}
KILN_SYSCALL(rt_sigprocmask);

long kiln_sys_rt_sigpending(sigset_t* set, size_t setsize) {
  if (setsize != sizeof(sigset_t)) return -EINVAL;
  PerThread* t = me();
  if (!t) return -ENOSYS;
  kiln::IrqGuard g;
  *set = (t->pending | proc_pending) & t->mask;
  return 0;
}
KILN_SYSCALL(rt_sigpending);

long kiln_sys_rt_sigsuspend(const sigset_t* set, size_t setsize) {
  if (setsize != sizeof(sigset_t)) return -EINVAL;
  PerThread* t = me();
  if (!t) return -ENOSYS;
  uint64_t old;
  {
    kiln::IrqGuard g;
    old = t->mask;
    t->mask = *set & ~kUnblockable;
    while (!ready(t)) sleepers.wait(0);
  }
  deliver();  // with the temporary mask, as POSIX says
  kiln::IrqGuard g;
  t->mask = old;
  return -EINTR;
}
KILN_SYSCALL(rt_sigsuspend);

long kiln_sys_pause(void) {
  PerThread* t = me();
  if (!t) return -ENOSYS;
  sigset_t m = t->mask;
  return kiln_sys_rt_sigsuspend(&m, sizeof m);
}
KILN_SYSCALL(pause);

long kiln_sys_rt_sigtimedwait(const sigset_t* set, siginfo_t* info, const struct timespec* ts,
                              size_t setsize) {
  if (setsize != sizeof(sigset_t)) return -EINVAL;
  if (ts && (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000)) return -EINVAL;
  PerThread* t = me();
  if (!t) return -ENOSYS;
  uint64_t want = *set & ~kUnblockable;
  uint64_t deadline = 0;
  if (ts) {
    uint64_t now = kiln_plat_monotonic_ns();
    deadline = now + static_cast<uint64_t>(ts->tv_sec) * 1000000000u + static_cast<uint64_t>(ts->tv_nsec);
    if (deadline == 0) deadline = 1;
  }
  Info in;
  Action a;
  int sig;
  {
    kiln::IrqGuard g;
    t->waiting = want;
    for (;;) {
      sig = take(t, want, &in, &a);
      if (sig) break;
      if (ready(t)) {  // another signal, not waited for: its handler runs
        t->waiting = 0;
        return -EINTR;
      }
      if (ts && (deadline <= 1 || kiln_plat_monotonic_ns() >= deadline)) {
        t->waiting = 0;
        return -EAGAIN;
      }
      sleepers.wait(ts ? deadline : 0);
    }
    t->waiting = 0;
  }
  if (info) {
    memset(info, 0, sizeof *info);
    info->si_signo = sig;
    info->si_code = in.code;
    if (in.code == SI_TIMER) {
      info->si_timerid = in.timerid;
      info->si_overrun = in.overrun;
    } else {
      info->si_pid = in.pid;
    }
    info->si_value = in.value;
  }
  return sig;
}
KILN_SYSCALL(rt_sigtimedwait);

long kiln_sys_kill(pid_t pid, int sig) {
  if (pid != kPid && pid != 0 && pid != -1 && pid != -kPid) return -ESRCH;
  if (sig == 0) return 0;
  if (!valid(sig)) return -EINVAL;
  post_process(sig, Info{SI_USER, kPid, 0, 0, {}});
  deliver();  // the caller may be the thread that takes it
  return 0;
}
KILN_SYSCALL(kill);

namespace {
struct FindTid {
  pid_t tid;
  kiln::Thread* found;
};
kiln::Thread* thread_by_id(pid_t tid) {
  FindTid f{tid, nullptr};
  kiln::thread_for_each(
      [](kiln::Thread* t, void* arg) {
        auto* f = static_cast<FindTid*>(arg);
        if (t->signal_state && static_cast<pid_t>(t->id) == f->tid && t->state != kiln::Thread::State::Exited)
          f->found = t;
      },
      &f);
  return f.found;
}
}  // namespace

long kiln_sys_tkill(pid_t tid, int sig) {
  if (!valid(sig) && sig != 0) return -EINVAL;
  kiln::Thread* t = thread_by_id(tid);
  if (!t) return -ESRCH;
  if (sig == 0) return 0;
  post_thread(t, sig, SI_TKILL);
  deliver();
  return 0;
}
KILN_SYSCALL(tkill);

long kiln_sys_tgkill(pid_t tgid, pid_t tid, int sig) {
  if (tgid != kPid) return -ESRCH;
  return kiln_sys_tkill(tid, sig);
}
KILN_SYSCALL(tgkill);

long kiln_sys_sigaltstack(const stack_t* ss, stack_t* old) {
  PerThread* t = me();
  if (!t) return -ENOSYS;
  bool on = on_alt_stack(t);
  if (old) {
    old->ss_sp = t->alt_sp;
    old->ss_size = t->alt_size;
    old->ss_flags = on ? SS_ONSTACK : (t->alt_sp ? 0 : SS_DISABLE);
  }
  if (ss) {
    if (on) return -EPERM;
    if (ss->ss_flags & ~(SS_DISABLE | SS_ONSTACK)) return -EINVAL;
    if (ss->ss_flags & SS_DISABLE) {
      t->alt_sp = nullptr;
      t->alt_size = 0;
    } else {
      if (ss->ss_size < MINSIGSTKSZ) return -ENOMEM;
      t->alt_sp = static_cast<char*>(ss->ss_sp);
      t->alt_size = ss->ss_size;
    }
  }
  return 0;
}
KILN_SYSCALL(sigaltstack);

// ---- the POSIX functions ----------------------------------------------------

int sigaction(int sig, const struct sigaction* act, struct sigaction* old) {
  struct kiln_ksigaction k, ko;
  if (act) k = {reinterpret_cast<void*>(act->sa_handler), static_cast<unsigned long>(act->sa_flags), nullptr,
                act->sa_mask};
  long r = kiln_sys_rt_sigaction(sig, act ? &k : nullptr, old ? &ko : nullptr, sizeof(sigset_t));
  if (r == 0 && old) {
    memset(old, 0, sizeof *old);
    old->sa_handler = reinterpret_cast<_sig_func_ptr>(ko.handler);
    old->sa_flags = static_cast<int>(ko.flags);
    old->sa_mask = ko.mask;
  }
  return static_cast<int>(kiln_sys_ret(r));
}

// BSD semantics, as glibc: the handler stays installed, calls restart.
_sig_func_ptr signal(int sig, _sig_func_ptr fn) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = SA_RESTART;
  if (sigaction(sig, &sa, &old) < 0) return SIG_ERR;
  return old.sa_handler;
}
_sig_func_ptr bsd_signal(int sig, _sig_func_ptr fn) { return signal(sig, fn); }
// newlib's reentrant names, so its signal.o is never linked.
_sig_func_ptr _signal_r(struct _reent*, int sig, _sig_func_ptr fn) { return signal(sig, fn); }

int siginterrupt(int sig, int flag) {
  struct sigaction sa;
  if (sigaction(sig, nullptr, &sa) < 0) return -1;
  if (flag) sa.sa_flags &= ~SA_RESTART;
  else sa.sa_flags |= SA_RESTART;
  return sigaction(sig, &sa, nullptr);
}

int sigprocmask(int how, const sigset_t* set, sigset_t* old) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_rt_sigprocmask(how, set, old, sizeof(sigset_t))));
}

// POSIX: returns the error number.
int pthread_sigmask(int how, const sigset_t* set, sigset_t* old) {
  return static_cast<int>(-kiln_sys_rt_sigprocmask(how, set, old, sizeof(sigset_t)));
}

int sigpending(sigset_t* set) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_rt_sigpending(set, sizeof(sigset_t))));
}

int sigsuspend(const sigset_t* set) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_rt_sigsuspend(set, sizeof(sigset_t))));
}

int pause(void) { return static_cast<int>(kiln_sys_ret(kiln_sys_pause())); }

// pselect: select under a temporary mask. The mask is installed before and
// restored after the wait, not atomically with it: a signal it unblocks
// that arrives just before the wait is handled then and the wait still
// happens (Linux's pselect has no such window). docs/libc.md, "Signals".
int pselect(int n, fd_set* r, fd_set* w, fd_set* e, const struct timespec* ts, const sigset_t* mask) {
  sigset_t old;
  if (mask && sigprocmask(SIG_SETMASK, mask, &old) != 0) return -1;
  struct timeval tv, *tvp = nullptr;
  if (ts) {
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000) {
      if (mask) sigprocmask(SIG_SETMASK, &old, nullptr);
      errno = EINVAL;
      return -1;
    }
    tv.tv_sec = ts->tv_sec;
    tv.tv_usec = static_cast<suseconds_t>((ts->tv_nsec + 999) / 1000);
    tvp = &tv;
  }
  int rc = select(n, r, w, e, tvp);
  int err = errno;
  if (mask) sigprocmask(SIG_SETMASK, &old, nullptr);
  errno = err;
  return rc;
}

int sigpause(int sig) {
  sigset_t m;
  if (sigprocmask(SIG_BLOCK, nullptr, &m) != 0) return -1;
  if (sigdelset(&m, sig) != 0) return -1;
  return sigsuspend(&m);
}

int sigtimedwait(const sigset_t* set, siginfo_t* info, const struct timespec* ts) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_rt_sigtimedwait(set, info, ts, sizeof(sigset_t))));
}

int sigwaitinfo(const sigset_t* set, siginfo_t* info) { return sigtimedwait(set, info, nullptr); }

// POSIX: returns the error number; not interrupted by handlers.
int sigwait(const sigset_t* set, int* sig) {
  for (;;) {
    long r = kiln_sys_rt_sigtimedwait(set, nullptr, nullptr, sizeof(sigset_t));
    if (r > 0) {
      *sig = static_cast<int>(r);
      return 0;
    }
    if (r != -EINTR) return static_cast<int>(-r);
    kiln_signal_deliver();
  }
}

int kill(pid_t pid, int sig) { return static_cast<int>(kiln_sys_ret(kiln_sys_kill(pid, sig))); }
int _kill(pid_t pid, int sig) { return kill(pid, sig); }
int killpg(pid_t pgrp, int sig) { return kill(pgrp <= 1 ? -1 : -pgrp, sig); }

int raise(int sig) {
  if (!valid(sig)) {
    errno = EINVAL;
    return -1;
  }
  post_thread(kiln::thread_current(), sig, SI_TKILL);
  deliver();
  return 0;
}
int _raise_r(struct _reent*, int sig) { return raise(sig); }

int sigqueue(pid_t pid, int sig, const union sigval value) {
  if (pid != kPid && pid != 0) {
    errno = ESRCH;
    return -1;
  }
  if (sig == 0) return 0;
  if (!valid(sig)) {
    errno = EINVAL;
    return -1;
  }
  post_process(sig, Info{SI_QUEUE, kPid, 0, 0, value});
  deliver();
  return 0;
}

int sigaltstack(const stack_t* ss, stack_t* old) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_sigaltstack(ss, old)));
}

// abort() raises SIGABRT, so a handler can catch it; if the handler
// returns (or the signal is ignored or blocked), the default action ends
// the image as POSIX requires: the crash report.
void abort(void) {
  raise(SIGABRT);
  {
    kiln::IrqGuard g;
    actions[SIGABRT] = Action{};
    update_ignored(SIGABRT);
  }
  die(SIGABRT);
}

// The sigset functions (newlib's are macros that shift an int).
int sigemptyset(sigset_t* s) {
  *s = 0;
  return 0;
}
int sigfillset(sigset_t* s) {
  *s = ~sigset_t{0} & ~kInternal;
  return 0;
}
int sigaddset(sigset_t* s, int sig) {
  if (!valid(sig) || (bit(sig) & kInternal)) {
    errno = EINVAL;
    return -1;
  }
  *s |= bit(sig);
  return 0;
}
int sigdelset(sigset_t* s, int sig) {
  if (!valid(sig) || (bit(sig) & kInternal)) {
    errno = EINVAL;
    return -1;
  }
  *s &= ~bit(sig);
  return 0;
}
int sigismember(const sigset_t* s, int sig) {
  if (!valid(sig)) {
    errno = EINVAL;
    return -1;
  }
  return (*s & bit(sig)) != 0;
}
int sigisemptyset(const sigset_t* s) { return *s == 0; }
int sigorset(sigset_t* d, const sigset_t* a, const sigset_t* b) {
  *d = *a | *b;
  return 0;
}
int sigandset(sigset_t* d, const sigset_t* a, const sigset_t* b) {
  *d = *a & *b;
  return 0;
}

int sighold(int sig) {
  sigset_t s = 0;
  if (sigaddset(&s, sig) < 0) return -1;
  return sigprocmask(SIG_BLOCK, &s, nullptr);
}
int sigrelse(int sig) {
  sigset_t s = 0;
  if (sigaddset(&s, sig) < 0) return -1;
  return sigprocmask(SIG_UNBLOCK, &s, nullptr);
}
int sigignore(int sig) { return signal(sig, SIG_IGN) == SIG_ERR ? -1 : 0; }

char* strsignal(int sig) {
  static char buf[32];
  if (sig > 0 && sig < 32) return const_cast<char*>(kNames[sig].text);
  if (sig >= SIGRTMIN && sig <= SIGRTMAX) kiln_snprintf(buf, sizeof buf, "Real-time signal %d", sig - SIGRTMIN);
  else kiln_snprintf(buf, sizeof buf, "Unknown signal %d", sig);
  return buf;
}

void psignal(int sig, const char* s) {
  if (s && *s) fprintf(stderr, "%s: %s\n", s, strsignal(sig));
  else fprintf(stderr, "%s\n", strsignal(sig));
}

void psiginfo(const siginfo_t* si, const char* s) { psignal(si->si_signo, s); }

// sigsetjmp is a macro over setjmp (<setjmp.h>): this records the mask.
_JBTYPE* __kiln_sigsetjmp_prepare(struct __kiln_sigjmp* env, int savemask) {
  env->__saved = savemask;
  if (savemask) {
    PerThread* t = me();
    env->__mask = t ? t->mask : 0;
  }
  return env->__jb;
}

void siglongjmp(sigjmp_buf env, int val) {
  if (env->__saved) {
    sigset_t m = env->__mask;
    kiln_sys_rt_sigprocmask(SIG_SETMASK, &m, nullptr, sizeof m);
  }
  longjmp(env->__jb, val ? val : 1);
}

}  // extern "C"
