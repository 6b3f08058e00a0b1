// POSIX threads over kiln::Thread: creation, attributes, keys, once.
#include "cancel.h"
#include <kiln/assert.h>
#include <kiln/lock.h>
#include <kiln/plat/irq.h>
#include <kiln/print.h>
#include <kiln/sched.h>
#include <kiln/symbols.h>
#include <kiln/sync.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>

using kiln::Thread;

namespace {

Thread* thread_of(pthread_t t) { return reinterpret_cast<Thread*>(t); }

void (*key_destructors[kiln::kThreadKeys])(void*);
bool key_used[kiln::kThreadKeys];

kiln::Mutex once_lock;
kiln::CondVar once_done;

bool valid_attr(const pthread_attr_t* a) { return a && a->is_initialized; }

// A new thread is named after its start routine (what crash reports and
// pthread_getname_np show) when the image has a symbol table; the name is
// cut to fit Thread::name.
const char* start_name(void* (*start)(void*)) {
  uintptr_t off = 1;
  const char* name = kiln_symbol_lookup(reinterpret_cast<uintptr_t>(start), &off);
  return name && off == 0 ? name : "pthread";
}

// The calling thread's cleanup handlers (pthread_cleanup_push) and cancel type.
constinit thread_local __kiln_pthread_cleanup* cleanup_top = nullptr;
constinit thread_local int cancel_type = PTHREAD_CANCEL_DEFERRED;

// Newest first; a handler may itself push and pop.
void run_cleanup_handlers() {
  while (__kiln_pthread_cleanup* c = cleanup_top) {
    cleanup_top = c->prev;
    c->fn(c->arg);
  }
}

}  // namespace

bool kiln::pthread::cancel_now(Thread* t) { return t->cancel_pending && !t->cancel_disabled; }

void kiln::pthread::act_on_cancel() {
  run_cleanup_handlers();
  kiln::thread_exit(PTHREAD_CANCELED);
}

void kiln::pthread::testcancel() {
  if (cancel_now(kiln::thread_current())) act_on_cancel();
}

// Thread-specific data destructors, run by the exiting thread.
static void run_key_destructors(Thread* t) {
  for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; ++round) {
    bool again = false;
    for (unsigned k = 0; k < kiln::kThreadKeys; ++k) {
      void* v = t->specific[k];
      if (v && key_used[k] && key_destructors[k]) {
        t->specific[k] = nullptr;
        key_destructors[k](v);
        again = true;
      }
    }
    if (!again) break;
  }
}
KILN_THREAD_HOOKS({nullptr, nullptr, nullptr, run_key_destructors, "pthread keys"});

extern "C" {

int pthread_attr_init(pthread_attr_t* a) {
  if (!a) return EINVAL;
  memset(a, 0, sizeof *a);
  a->is_initialized = 1;
  a->detachstate = PTHREAD_CREATE_JOINABLE;
  a->inheritsched = PTHREAD_INHERIT_SCHED;
  a->schedpolicy = SCHED_OTHER;
  a->contentionscope = PTHREAD_SCOPE_SYSTEM;
  return 0;
}
int pthread_attr_destroy(pthread_attr_t* a) {
  if (!valid_attr(a)) return EINVAL;
  a->is_initialized = 0;
  return 0;
}
int pthread_attr_setdetachstate(pthread_attr_t* a, int s) {
  if (!valid_attr(a) || (s != PTHREAD_CREATE_JOINABLE && s != PTHREAD_CREATE_DETACHED)) return EINVAL;
  a->detachstate = s;
  return 0;
}
int pthread_attr_getdetachstate(const pthread_attr_t* a, int* s) {
  if (!valid_attr(a) || !s) return EINVAL;
  *s = a->detachstate;
  return 0;
}
int pthread_attr_setstacksize(pthread_attr_t* a, size_t size) {
  if (!valid_attr(a) || size < PTHREAD_STACK_MIN) return EINVAL;
  a->stacksize = size;
  return 0;
}
int pthread_attr_getstacksize(const pthread_attr_t* a, size_t* size) {
  if (!valid_attr(a) || !size) return EINVAL;
  *size = a->stacksize;
  return 0;
}
// Stacks are always Kiln's own (with a guard page): caller stacks are not supported.
int pthread_attr_setstack(pthread_attr_t* a, void*, size_t) { return valid_attr(a) ? ENOTSUP : EINVAL; }
int pthread_attr_setschedpolicy(pthread_attr_t* a, int p) {
  if (!valid_attr(a)) return EINVAL;
  if (p != SCHED_OTHER) return ENOTSUP;  // one round-robin scheduler, no priorities
  a->schedpolicy = p;
  return 0;
}
int pthread_attr_getschedpolicy(const pthread_attr_t* a, int* p) {
  if (!valid_attr(a) || !p) return EINVAL;
  *p = a->schedpolicy;
  return 0;
}
int pthread_attr_setscope(pthread_attr_t* a, int s) {
  if (!valid_attr(a)) return EINVAL;
  if (s == PTHREAD_SCOPE_PROCESS) return ENOTSUP;
  if (s != PTHREAD_SCOPE_SYSTEM) return EINVAL;
  a->contentionscope = s;
  return 0;
}
int pthread_attr_getscope(const pthread_attr_t* a, int* s) {
  if (!valid_attr(a) || !s) return EINVAL;
  *s = a->contentionscope;
  return 0;
}
int pthread_attr_setinheritsched(pthread_attr_t* a, int i) {
  if (!valid_attr(a) || (i != PTHREAD_INHERIT_SCHED && i != PTHREAD_EXPLICIT_SCHED)) return EINVAL;
  a->inheritsched = i;
  return 0;
}
int pthread_attr_getinheritsched(const pthread_attr_t* a, int* i) {
  if (!valid_attr(a) || !i) return EINVAL;
  *i = a->inheritsched;
  return 0;
}

// The stack as POSIX describes it: the lowest usable address and the size
// (the guard page below it is not part of it).
int pthread_attr_getstack(const pthread_attr_t* a, void** addr, size_t* size) {
  if (!valid_attr(a) || !addr || !size) return EINVAL;
  *addr = a->stackaddr;
  *size = a->stacksize;
  return 0;
}
int pthread_attr_getguardsize(const pthread_attr_t* a, size_t* size) {
  if (!valid_attr(a) || !size) return EINVAL;
  *size = 4096;  // one guard page below every thread stack
  return 0;
}

// The attributes a thread runs with. main's stack is the platform's
// (linuxu: the process stack; x86bm: main.stack=): reported as unknown,
// address NULL and size 0.
int pthread_getattr_np(pthread_t t, pthread_attr_t* a) {
  Thread* th = thread_of(t);
  if (!th || !a) return EINVAL;
  pthread_attr_init(a);
  a->detachstate = th->detached ? PTHREAD_CREATE_DETACHED : PTHREAD_CREATE_JOINABLE;
  if (th->stack) {
    a->stackaddr = static_cast<char*>(th->stack) + 4096;
    a->stacksize = th->stack_size;
  }
  return 0;
}

int pthread_create(pthread_t* out, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
  if (!out || !start || (attr && !attr->is_initialized)) return EINVAL;
  auto t = kiln::thread_create(start_name(start), start, arg, attr ? attr->stacksize : 0);
  if (t.is_error()) return t.error().code();
  if (attr && attr->detachstate == PTHREAD_CREATE_DETACHED) (void)kiln::thread_detach(t.value());
  *out = reinterpret_cast<pthread_t>(t.value());
  return 0;
}

int pthread_join(pthread_t t, void** result) {
  kiln::pthread::testcancel();  // a cancellation point (at entry only)
  auto r = kiln::thread_join(thread_of(t));
  if (r.is_error()) return r.error().code();
  if (result) *result = r.value();
  return 0;
}

int pthread_detach(pthread_t t) {
  auto r = kiln::thread_detach(thread_of(t));
  return r.is_error() ? r.error().code() : 0;
}

void pthread_exit(void* result) {
  run_cleanup_handlers();
  kiln::thread_exit(result);
}
pthread_t pthread_self(void) { return reinterpret_cast<pthread_t>(kiln::thread_current()); }
int pthread_equal(pthread_t a, pthread_t b) { return a == b; }

// Deferred cancellation (docs/threads.md): pthread_cancel marks the thread
// and wakes it if it is blocked at a cancellation point that can be woken
// (pthread_cond_wait/timedwait); the thread acts on it at its next
// cancellation point: its cleanup handlers run, then it exits with
// PTHREAD_CANCELED (key destructors and thread_local destructors as for
// pthread_exit).
// PTHREAD_CANCEL_ASYNCHRONOUS: the cancel is also acted on at the thread's
// next preemption point (kiln::set_preempt_hook: the scheduler calls
// on_preempt in the thread's own context, masked), so a thread computing
// in `for (;;);` ends; and at once when the type or the state is changed
// so that a pending cancel becomes asynchronous and enabled. Without the
// preemptive scheduler there are no preemption points: it acts deferred.
static void cancel_action() { kiln::pthread::act_on_cancel(); }

static void on_preempt() {
  Thread* me = kiln::thread_current();
  if (!me->cancel_async || !kiln::pthread::cancel_now(me)) return;
  kiln_plat_irq_restore(0);  // handlers run unmasked; the interrupted code is not resumed
  kiln::pthread::act_on_cancel();
}

int pthread_cancel(pthread_t t) {
  Thread* th = thread_of(t);
  if (!th) return ESRCH;
  kiln::set_cancel_action(cancel_action);
  kiln::IrqGuard g;
  th->cancel_pending = true;
  // A blocked thread is woken (every wait tolerates it): an interruptible
  // wait (read, poll, nanosleep, sem_wait, ... with lib/signal) then stops
  // and the call acts on the cancel; any other waits again.
  if (!th->cancel_disabled && th->state == Thread::State::Blocked) kiln::wake(th);
  return 0;
}
int pthread_setcancelstate(int state, int* old) {
  if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE) return EINVAL;
  Thread* me = kiln::thread_current();
  if (old) *old = me->cancel_disabled ? PTHREAD_CANCEL_DISABLE : PTHREAD_CANCEL_ENABLE;
  me->cancel_disabled = state == PTHREAD_CANCEL_DISABLE;
  if (me->cancel_async) kiln::pthread::testcancel();
  return 0;
}
int pthread_setcanceltype(int type, int* old) {
  if (type != PTHREAD_CANCEL_DEFERRED && type != PTHREAD_CANCEL_ASYNCHRONOUS) return EINVAL;
  if (old) *old = cancel_type;
  cancel_type = type;
  Thread* me = kiln::thread_current();
  me->cancel_async = type == PTHREAD_CANCEL_ASYNCHRONOUS;
  if (me->cancel_async) {
    kiln::set_preempt_hook(on_preempt);
    kiln::pthread::testcancel();
  }
  return 0;
}
void pthread_testcancel(void) { kiln::pthread::testcancel(); }

void __kiln_pthread_cleanup_push(struct __kiln_pthread_cleanup* c, void (*fn)(void*), void* arg) {
  *c = {fn, arg, cleanup_top};
  cleanup_top = c;
}
void __kiln_pthread_cleanup_pop(struct __kiln_pthread_cleanup* c, int execute) {
  cleanup_top = c->prev;
  if (execute) c->fn(c->arg);
}

int pthread_setname_np(pthread_t t, const char* name) {
  Thread* th = thread_of(t);
  if (!th || !name) return EINVAL;
  if (strlen(name) >= sizeof th->name) return ERANGE;
  kiln::IrqGuard g;  // crash reports and other threads read it
  strcpy(th->name, name);
  return 0;
}
int pthread_getname_np(pthread_t t, char* name, size_t len) {
  Thread* th = thread_of(t);
  if (!th || !name) return EINVAL;
  if (strlen(th->name) >= len) return ERANGE;
  strcpy(name, th->name);
  return 0;
}

// There is no fork() (it fails with ENOSYS), so the handlers never run.
int pthread_atfork(void (*)(void), void (*)(void), void (*)(void)) { return 0; }

int pthread_key_create(pthread_key_t* key, void (*destructor)(void*)) {
  if (!key) return EINVAL;
  kiln::IrqGuard g;
  for (unsigned k = 0; k < kiln::kThreadKeys; ++k) {
    if (!key_used[k]) {
      key_used[k] = true;
      key_destructors[k] = destructor;
      *key = k;
      return 0;
    }
  }
  return EAGAIN;
}
int pthread_key_delete(pthread_key_t key) {
  kiln::IrqGuard g;
  if (key >= kiln::kThreadKeys || !key_used[key]) return EINVAL;
  key_used[key] = false;
  key_destructors[key] = nullptr;
  // The values go with the key: the next key to get this slot must read
  // NULL in every thread, also in threads that set this one.
  kiln::thread_for_each([](Thread* t, void* k) { t->specific[reinterpret_cast<uintptr_t>(k)] = nullptr; },
                        reinterpret_cast<void*>(uintptr_t{key}));
  return 0;
}
void* pthread_getspecific(pthread_key_t key) {
  if (key >= kiln::kThreadKeys) return nullptr;
  return kiln::thread_current()->specific[key];
}
int pthread_setspecific(pthread_key_t key, const void* value) {
  if (key >= kiln::kThreadKeys || !key_used[key]) return EINVAL;
  kiln::thread_current()->specific[key] = const_cast<void*>(value);
  return 0;
}

int pthread_once(pthread_once_t* once, void (*fn)(void)) {
  if (!once || !fn) return EINVAL;
  if (__atomic_load_n(&once->state, __ATOMIC_ACQUIRE) == 2) return 0;
  {
    kiln::MutexGuard g(once_lock);
    // Without a deadline, wait fails only if the caller does not hold the
    // mutex, which the guard rules out.
    while (once->state == 1) KILN_ASSERT(once_done.wait(once_lock).ok());
    if (once->state != 0) return 0;
    once->state = 1;
  }
  fn();  // without the lock: fn may call pthread_once for another control
  kiln::MutexGuard g(once_lock);
  __atomic_store_n(&once->state, 2, __ATOMIC_RELEASE);
  once_done.broadcast();
  return 0;
}

int sched_yield(void) {
  kiln::yield();
  return 0;
}

}  // extern "C"
