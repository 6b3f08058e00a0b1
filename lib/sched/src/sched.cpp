// The scheduler core: threads, switching, sleeping, timers.
//
// Everything here runs with events masked (kiln_plat_irq_save), which on
// one CPU is the lock for all scheduler state.
#include "policy.h"
#include <kiln/alloc.h>
#include <kiln/arch/context.h>
#include <kiln/arch/tls.h>
#include <kiln/assert.h>
#include <kiln/config.h>
#include <kiln/deadline_queue.h>
#include <kiln/init.h>
#include <kiln/lock.h>
#include <kiln/plat/paging.h>
#include <kiln/plat/time.h>
#include <kiln/plat/timer.h>
#include <kiln/plat/tls.h>
#include <kiln/plat/wait.h>
#include <kiln/print.h>
#include <kiln/sched.h>
#include <string.h>
#include <new>

// The registered per-thread hooks (KILN_THREAD_HOOKS, kiln/sched.h).
extern "C" const kiln_thread_hooks __kiln_thread_hooks_start[], __kiln_thread_hooks_end[];

namespace kiln {
namespace {

constexpr size_t kPage = 4096;
constexpr size_t kIdleStack = 16384;
constexpr uint64_t kNever = ~uint64_t{0};

constinit Thread main_thread;
constinit Thread idle_thread;
constinit uint64_t idle_ns = 0;  // time the idle thread had the CPU, charged as it leaves it
alignas(16) char idle_stack[kIdleStack];
Thread* current = &main_thread;  // main runs before the scheduler starts
constinit DeadlineQueue<Thread, &Thread::sleep_node, &Thread::wake_at> sleepers;
constinit DeadlineQueue<Timer, &Timer::node, &Timer::deadline> timers;
constinit IntrusiveList<Thread, &Thread::all_node> all_threads;
constinit IntrusiveList<Thread, &Thread::qnode> zombies;  // exited, detached
using PreemptHook = void (*)();
constinit PreemptHook preempt_hook = nullptr;
constinit CancelAction cancel_fn = nullptr;
uint64_t next_id = 1;
uint64_t programmed = kNever;
bool started = false;
bool guard_warned = false;

void hooks_fini(Thread* t, const kiln_thread_hooks* upto = __kiln_thread_hooks_end) {
  for (const kiln_thread_hooks* h = __kiln_thread_hooks_start; h < upto; ++h)
    if (h->fini) h->fini(t);
}

int hooks_init(Thread* t) {
  for (const kiln_thread_hooks* h = __kiln_thread_hooks_start; h < __kiln_thread_hooks_end; ++h) {
    if (!h->init) continue;
    if (int r = h->init(t); r < 0) {
      hooks_fini(t, h);
      return r;
    }
  }
  return 0;
}

void hooks_switch(Thread* prev, Thread* next) {
  for (const kiln_thread_hooks* h = __kiln_thread_hooks_start; h < __kiln_thread_hooks_end; ++h)
    if (h->switch_to) h->switch_to(prev, next);
}

void hooks_exit(Thread* t) {
  for (const kiln_thread_hooks* h = __kiln_thread_hooks_start; h < __kiln_thread_hooks_end; ++h)
    if (h->exit) h->exit(t);
}

void set_name(Thread* t, const char* name) {
  strncpy(t->name, name ? name : "thread", sizeof t->name - 1);
}

// A blocked thread becomes ready (woken, or its deadline passed).
void make_ready(Thread* t, bool timed_out) {
  if (t->state != Thread::State::Blocked) return;
  if (t->qnode.linked()) IntrusiveList<Thread, &Thread::qnode>::remove(*t);
  if (sleepers.queued(*t)) sleepers.remove(*t);
  t->waiting_on = nullptr;
  t->timed_out = timed_out;
  t->state = Thread::State::Ready;
  policy::enqueue(t);
}

void expire(uint64_t now) {
  while (Thread* t = sleepers.pop_expired(now)) make_ready(t, true);
  while (Timer* tm = timers.pop_expired(now)) tm->fn(tm);
}

uint64_t next_event() {
  uint64_t d = sleepers.next();
  if (timers.next() < d) d = timers.next();
  if (current != &idle_thread && current->slice_end && !policy::empty() && current->slice_end < d)
    d = current->slice_end;
  return d;
}

void program_timer() {
  uint64_t d = next_event();
  if (d == programmed) return;
  programmed = d;
  if (d == kNever) kiln_plat_timer_cancel();
  else kiln_plat_timer_set_deadline(d);
}

// Pick the next thread and switch to it. Masked; the caller has already
// set the current thread's state (Running: it stays runnable).
void schedule() {
  uint64_t now = kiln_plat_monotonic_ns();
  expire(now);
  Thread* prev = current;
  if (prev->state == Thread::State::Running) {
    prev->state = Thread::State::Ready;
    if (prev != &idle_thread) policy::enqueue(prev);
  }
  Thread* next = policy::pick();
  if (!next) next = &idle_thread;
  next->state = Thread::State::Running;
  if (next != prev) next->slice_end = next == &idle_thread ? 0 : policy::slice_end(now);
  current = next;
  program_timer();
  if (next != prev) {
    // CPU accounting: what prev ran since it got the CPU.
    uint64_t ran = now > prev->on_cpu_since ? now - prev->on_cpu_since : 0;
    prev->cpu_ns += ran;
    if (prev == &idle_thread) idle_ns += ran;
    next->on_cpu_since = now;
    hooks_switch(prev, next);
    if (next->tls_pointer != prev->tls_pointer) kiln_plat_tls_set(next->tls_pointer);
    kiln_arch_context_switch(&prev->ctx, next->ctx);
  }
}

void free_thread(Thread* t) {
  {
    IrqGuard g;
    if (t->all_node.linked()) all_threads.remove(*t);
  }
  hooks_fini(t);
  kiln_free(t->tls_block);
  if (t->stack) {
    kiln_plat_unguard(t->stack, kPage);
    kiln_free(t->stack);
  }
  delete t;
}

void reap() {
  while (Thread* z = zombies.pop_front()) free_thread(z);
}

// The platform timer fired (masked, may switch).
void on_timer() {
  programmed = kNever;  // one-shot: it has fired
  uint64_t now = kiln_plat_monotonic_ns();
  expire(now);
  bool slice_over = current->slice_end && now >= current->slice_end;
  if (!policy::empty() && (current == &idle_thread || slice_over)) schedule();
  else program_timer();
  // Back in the preempted thread (now, or when it got the CPU back).
  if (preempt_hook && current != &idle_thread) preempt_hook();
}

[[noreturn]] void idle_loop(void*) {
  for (;;) {
    unsigned long f = kiln_plat_irq_save();
    reap();
    expire(kiln_plat_monotonic_ns());
    if (!policy::empty()) {
      schedule();
    } else {
      program_timer();
      kiln_plat_idle_until(next_event());
    }
    kiln_plat_irq_restore(f);
  }
}

[[noreturn]] void thread_start(void* p) {
  kiln_plat_irq_restore(0);  // switched to from schedule(), which runs masked
  auto* t = static_cast<Thread*>(p);
  thread_exit(t->fn(t->arg));
}

bool all_user_threads_done() {
  for (Thread& t : all_threads)
    if (&t != &idle_thread && t.state != Thread::State::Exited) return false;
  return true;
}

int sched_init() {
  main_thread.state = Thread::State::Running;
  main_thread.is_main = true;
  // main has had the CPU since the image started (the platform's start;
  // never later than now: xen's start is read from another clock).
  if (!main_thread.on_cpu_since) {
    uint64_t now = kiln_plat_monotonic_ns(), start = kiln_plat_start_ns();
    main_thread.on_cpu_since = start <= now ? start : now;
  }
  main_thread.id = next_id++;
  set_name(&main_thread, "main");
  all_threads.push_back(main_thread);
  idle_thread.id = next_id++;
  set_name(&idle_thread, "idle");
  idle_thread.state = Thread::State::Ready;
  idle_thread.ctx = kiln_arch_context_init(idle_stack, sizeof idle_stack, idle_loop, nullptr);
  // main's thread-local storage was installed by boot (kiln/plat/tls.h);
  // the idle thread gets its own, so what its hooks touch is nobody's.
  main_thread.tls_pointer = kiln_arch_tls_pointer();
  idle_thread.tls_block = kiln_memalign(kiln_arch_tls_block_align(), kiln_arch_tls_block_size());
  if (!idle_thread.tls_block) return -ENOMEM;
  idle_thread.tls_pointer = kiln_arch_tls_init(idle_thread.tls_block);
  if (hooks_init(&main_thread) < 0) return -ENOMEM;
  kiln_plat_timer_set_handler(on_timer);
  started = true;
  return 0;
}

}  // namespace

KILN_INIT(lib, 050, sched_init);

Thread* thread_current() { return current; }

size_t thread_count() {
  IrqGuard g;
  return all_threads.size() + 1;
}

void thread_for_each(void (*fn)(Thread*, void*), void* arg) {
  IrqGuard g;
  for (Thread& t : all_threads) fn(&t, arg);
}

Result<Thread*> thread_create(const char* name, void* (*fn)(void*), void* arg, size_t stack_size) {
  if (!fn) return Error(EINVAL);
  {
    IrqGuard g;
    reap();
  }
  if (stack_size == 0) stack_size = size_t{CONFIG_SCHED_STACK_KB} * 1024;
  stack_size = (stack_size + kPage - 1) & ~(kPage - 1);
  if (stack_size < 2 * kPage) return Error(EINVAL);
  auto* t = new (std::nothrow) Thread();
  if (!t) return Error(EAGAIN);
  t->stack = kiln_memalign(kPage, kPage + stack_size);
  if (!t->stack) {
    delete t;
    return Error(EAGAIN);
  }
  t->stack_size = stack_size;
  t->tls_block = kiln_memalign(kiln_arch_tls_block_align(), kiln_arch_tls_block_size());
  if (!t->tls_block) {
    kiln_free(t->stack);
    delete t;
    return Error(EAGAIN);
  }
  t->tls_pointer = kiln_arch_tls_init(t->tls_block);
  int g = kiln_plat_guard(t->stack, kPage);
  if (g < 0 && !guard_warned) {
    guard_warned = true;
    kiln_info("sched: no guard pages on this platform (%d)", g);
  }
  set_name(t, name);
  t->fn = fn;
  t->arg = arg;
  if (hooks_init(t) < 0) {
    kiln_plat_unguard(t->stack, kPage);
    kiln_free(t->tls_block);
    kiln_free(t->stack);
    delete t;
    return Error(EAGAIN);
  }
  t->ctx = kiln_arch_context_init(static_cast<char*>(t->stack) + kPage, stack_size, thread_start, t);
  IrqGuard guard;
  t->id = next_id++;
  all_threads.push_back(*t);
  t->state = Thread::State::Ready;
  policy::enqueue(t);
  if (started) program_timer();  // a ready thread may start a time slice
  return t;
}

void thread_exit(void* result) {
  hooks_exit(current);
  kiln_plat_irq_save();
  Thread* t = current;
  t->result = result;
  t->state = Thread::State::Exited;
  if (t->joiner) make_ready(t->joiner, false);
  if (all_user_threads_done()) {
    // pthread_exit from main with no other thread left: the image is done.
    kiln_plat_irq_restore(0);
    kiln_app_exit(0);
  }
  if (t->is_main) {
    // main exited its thread but others still run; nothing to free.
  } else if (t->detached) {
    zombies.push_back(*t);
  }
  schedule();
  kiln_panic("exited thread %s was scheduled again", t->name);
}

Result<void*> thread_join(Thread* t) {
  if (!t) return Error(ESRCH);
  if (t == current) return Error(EDEADLK);
  {
    IrqGuard g;
    if (t->detached || t->is_main || (t->joiner && t->joiner != current)) return Error(EINVAL);
    while (t->state != Thread::State::Exited) {
      t->joiner = current;
      current->state = Thread::State::Blocked;
      schedule();
    }
  }
  void* r = t->result;
  free_thread(t);
  return r;
}

Result<void> thread_detach(Thread* t) {
  if (!t) return Error(ESRCH);
  IrqGuard g;
  if (t->detached || t->joiner) return Error(EINVAL);
  t->detached = true;
  if (t->state == Thread::State::Exited && !t->is_main) zombies.push_back(*t);
  return {};
}

void set_preempt_hook(void (*fn)()) {
  IrqGuard g;
  preempt_hook = fn;
}

void set_cancel_action(CancelAction fn) { cancel_fn = fn; }
CancelAction cancel_action() { return cancel_fn; }

void yield() {
  IrqGuard g;
  schedule();
}

void sleep_until(uint64_t deadline) {
  if (!started) {
    // Before sched_init (an init step that sleeps): one thread, so idle.
    while (kiln_plat_monotonic_ns() < deadline) kiln_plat_idle_until(deadline);
    return;
  }
  IrqGuard g;
  while (kiln_plat_monotonic_ns() < deadline) {
    current->wake_at = deadline;
    sleepers.insert(*current);
    current->state = Thread::State::Blocked;
    schedule();
  }
}

void sleep_ns(uint64_t ns) { sleep_until(kiln_plat_monotonic_ns() + ns); }

// The platform's blocking contract (kiln/plat/wait.h): platform drivers'
// waiters sleep as threads on one queue; a wake-up wakes them all and each
// re-checks its own condition. Before the scheduler starts, and on the
// idle thread, the CPU idles instead.
namespace {
constinit WaitQueue plat_events;
}

// The blocking provider of kiln/plat/wait.h: platform drivers' waits
// block the calling thread.
bool plat_wait(uint64_t deadline_ns) {
  if (!started || current == &idle_thread) return false;
  plat_events.wait(deadline_ns);
  return true;
}

void plat_wake() { plat_events.wake_all(); }

KILN_WAIT_PROVIDER({plat_wait, plat_wake, "sched"});

void wake(Thread* t) {
  IrqGuard g;
  make_ready(t, false);
  // The running thread may have had the CPU alone, with no time slice
  // armed: a thread now ready starts one, or a thread computing without
  // a blocking call would never be preempted (and the woken one never run).
  if (started) program_timer();
}

bool WaitQueue::wait(uint64_t deadline) {
  IrqGuard g;
  Thread* t = current;
  if (deadline && kiln_plat_monotonic_ns() >= deadline) return false;
  waiters_.push_back(*t);
  t->waiting_on = this;
  t->timed_out = false;
  if (deadline) {
    t->wake_at = deadline;
    sleepers.insert(*t);
  }
  t->state = Thread::State::Blocked;
  schedule();
  return !t->timed_out;
}

bool WaitQueue::wake_one() {
  IrqGuard g;
  Thread* t = waiters_.front();
  if (!t) return false;
  make_ready(t, false);
  if (started) program_timer();  // as in wake()
  return true;
}

void WaitQueue::wake_all() {
  IrqGuard g;
  while (Thread* t = waiters_.front()) make_ready(t, false);
  if (started) program_timer();  // as in wake()
}

void timer_start(Timer* tm, uint64_t deadline) {
  IrqGuard g;
  if (timers.queued(*tm)) timers.remove(*tm);
  tm->deadline = deadline;
  timers.insert(*tm);
  program_timer();
}

bool timer_cancel(Timer* tm) {
  IrqGuard g;
  if (!timers.queued(*tm)) return false;
  timers.remove(*tm);
  return true;
}

uint64_t thread_cpu_ns() {
  IrqGuard g;
  uint64_t now = kiln_plat_monotonic_ns();
  Thread* t = current;
  uint64_t since = t->on_cpu_since ? t->on_cpu_since : kiln_plat_start_ns();  // main before sched_init
  if (since > now) since = now;
  return t->cpu_ns + (now > since ? now - since : 0);
}

uint64_t process_cpu_ns() {
  // The time since the image started less the time the CPU idled: it
  // never depends on which thread is current, so it cannot stall while a
  // thread computes. (While the idle thread has the CPU nobody reads it.)
  IrqGuard g;
  uint64_t now = kiln_plat_monotonic_ns(), start = kiln_plat_start_ns();
  uint64_t up = now > start ? now - start : 0;
  return up > idle_ns ? up - idle_ns : 0;
}

}  // namespace kiln

namespace {
const char* thread_guard_hint(uintptr_t addr) {
  static char buf[96];
  for (kiln::Thread& t : kiln::all_threads) {
    auto base = reinterpret_cast<uintptr_t>(t.stack);
    if (t.stack && addr >= base && addr < base + kiln::kPage) {
      kiln_snprintf(buf, sizeof buf, "stack overflow in thread '%s' (hit the guard page below its stack)", t.name);
      return buf;
    }
  }
  return nullptr;
}
}  // namespace
KILN_FAULT_HINT(thread_guard_hint);
