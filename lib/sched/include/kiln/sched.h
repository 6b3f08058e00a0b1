// Threads and the scheduler.
//
//   auto t = kiln::thread_create("worker", fn, arg);   // Result<Thread*>
//   void* ret = KILN_TRY(kiln::thread_join(t.value()));
//   kiln::sleep_ns(1'000'000);
//
// Safe from any thread. Calls that may block must not be made from a timer
// callback or an interrupt handler; waking (WaitQueue::wake_*,
// Semaphore::up, timer_start, timer_cancel) may be.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/list.h>
#include <kiln/result.h>

namespace kiln {

constexpr unsigned kThreadKeys = 64;  // thread-specific slots (pthread keys)

struct Thread {
  enum class State : uint8_t { Ready, Running, Blocked, Exited };

  uintptr_t ctx = 0;        // saved stack pointer (kiln/arch/context.h)
  ListNode qnode;           // run queue or a wait queue
  ListNode sleep_node;      // on the sleep list while a deadline is set
  ListNode all_node;        // every live thread
  uint64_t wake_at = 0;     // deadline of a timed wait (monotonic ns)
  uint64_t slice_end = 0;   // preemptive scheduler: end of the time slice
  State state = State::Ready;
  bool timed_out = false;
  bool detached = false;
  bool is_main = false;
  uint64_t id = 0;
  char name[24] = {};
  void* (*fn)(void*) = nullptr;
  void* arg = nullptr;
  void* result = nullptr;
  Thread* joiner = nullptr;  // thread blocked in join() on this one
  void* stack = nullptr;     // allocation: guard page, then the stack
  size_t stack_size = 0;     // usable bytes above the guard page
  class WaitQueue* waiting_on = nullptr;
  void* specific[kThreadKeys] = {};
  void* libc_state = nullptr;  // per-thread libc data (newlib's struct _reent)
  void* tls_block = nullptr;     // thread-local storage (kiln/arch/tls.h); main's is static
  uintptr_t tls_pointer = 0;     // its thread pointer, installed when the thread runs
  // lib/pthread's deferred cancellation (pthread_cancel sets cancel_pending
  // from another thread, masked; the rest is the thread's own).
  bool cancel_pending = false;
  bool cancel_disabled = false;
  bool at_cancel_point = false;  // blocked where a cancel may wake it
  bool cancel_async = false;     // PTHREAD_CANCEL_ASYNCHRONOUS: acted on at preemption points
  void* signal_state = nullptr;  // per-thread signal mask and pending set (lib/signal)
  // CPU time (monotonic ns while it ran), charged at each switch;
  // on_cpu_since: when it last got the CPU.
  uint64_t cpu_ns = 0;
  uint64_t on_cpu_since = 0;
};

// Threads waiting for something.
class WaitQueue {
 public:
  constexpr WaitQueue() = default;
  // Block the calling thread until woken or until the monotonic deadline
  // (0: none). Call with events masked (kiln::IrqGuard), after checking the
  // awaited condition under that same mask, so no wake-up is lost. Returns
  // false on timeout.
  bool wait(uint64_t deadline_ns = 0);
  bool wake_one();  // true if a thread was woken
  void wake_all();
  bool empty() const { return waiters_.empty(); }

 private:
  friend void wake(Thread* t);
  IntrusiveList<Thread, &Thread::qnode> waiters_;
};

// Create a thread running fn(arg). stack_size 0 means the Kconfig default.
// EAGAIN when its stack, its thread-local storage block or a hook's state
// cannot be allocated.
Result<Thread*> thread_create(const char* name, void* (*fn)(void*), void* arg,
                              size_t stack_size = 0);
// Wait for t to exit and free it; yields fn's return value (or what it
// passed to thread_exit). EINVAL for a detached thread, EDEADLK for itself.
Result<void*> thread_join(Thread* t);
// t's resources are freed when it exits; it can no longer be joined.
Result<void> thread_detach(Thread* t);
[[noreturn]] void thread_exit(void* result);
Thread* thread_current();

// CPU time of the calling thread, and of the process (every thread but
// the idle thread, including those that have exited), in nanoseconds:
// CLOCK_THREAD_CPUTIME_ID and CLOCK_PROCESS_CPUTIME_ID.
uint64_t thread_cpu_ns();
uint64_t process_cpu_ns();
void yield();
// The preemption point's hook (lib/pthread's asynchronous cancellation).
// The scheduler calls it at the end of every timer preemption in the
// preempted thread's own context (its stack, its thread pointer), with
// events masked: when the thread gets the CPU back, or keeps it. It may
// not block; it may end the thread, after unmasking events (the
// interrupted code is then abandoned, as a signal handler's longjmp
// would). nullptr: none. One hook; set once.
void set_preempt_hook(void (*fn)());
// lib/pthread's action on a pending, enabled cancel (run the cleanup
// handlers, exit with PTHREAD_CANCELED), set with its first pthread_cancel.
// lib/signal makes every interruptible blocking call a cancellation point
// with it: such a wait stops as for a signal, and the call's safe point
// (kiln_signal_deliver) takes the action. nullptr until set.
using CancelAction = void (*)();
void set_cancel_action(CancelAction fn);
CancelAction cancel_action();
// Sleep until the monotonic clock reaches deadline_ns / for ns nanoseconds.
void sleep_until(uint64_t deadline_ns);
void sleep_ns(uint64_t ns);
// Wake a thread blocked in WaitQueue::wait (used by the lock types).
void wake(Thread* t);
// Number of live threads (main, idle and user threads).
size_t thread_count();
// Call fn(t, arg) for every live thread but the idle thread, with events
// masked: fn must not block (used to clear a deleted pthread key).
void thread_for_each(void (*fn)(Thread* t, void* arg), void* arg);

// A callback at a monotonic deadline, run with events masked in timer
// context: it must not block. The Timer object must outlive it.
struct Timer {
  uint64_t deadline = 0;
  void (*fn)(Timer*) = nullptr;
  void* data = nullptr;
  ListNode node;
};
void timer_start(Timer* t, uint64_t deadline_ns);
bool timer_cancel(Timer* t);  // false if it was not pending

}  // namespace kiln

// Per-thread state kept by other libraries (newlib's struct _reent, pthread
// keys): each registers one set of hooks with KILN_THREAD_HOOKS and the
// scheduler calls every registered set (members may be null). What is
// plugged in is visible in the image's .kiln_thread_hooks table.
//   init(t):       at creation (main's at scheduler init); < 0 fails the
//                  creation (EAGAIN), after the earlier sets' fini ran
//   fini(t):       when the thread is freed
//   switch_to(p,n): at every switch, masked, before the stacks change
//   exit(t):       in the exiting thread, before it is marked exited
struct kiln_thread_hooks {
  int (*init)(kiln::Thread* t);
  void (*fini)(kiln::Thread* t);
  void (*switch_to)(kiln::Thread* prev, kiln::Thread* next);
  void (*exit)(kiln::Thread* t);
  const char* name;
};
#define KILN_THREAD_HOOKS(...)                                                      \
  static const struct kiln_thread_hooks KILN_UNIQUE(_kiln_thooks_) KILN_USED         \
      __attribute__((aligned(8))) KILN_SECTION(".kiln_thread_hooks") = __VA_ARGS__
