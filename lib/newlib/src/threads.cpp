// newlib with threads: each thread its own struct _reent (errno, strtok
// state, rand state, ...), switched with the thread; newlib's locks
// (stdio streams, atexit, environment, time zone) are Kiln mutexes, so
// stdio, malloc and atexit are safe under the preemptive scheduler.
// The three standard streams are shared by all threads (newlib is built
// with --enable-newlib-global-stdio-streams) and locked per call.
#include "sleep.h"
#include <kiln/alloc.h>
#include <kiln/assert.h>
#include <kiln/lock.h>
#include <kiln/plat/time.h>
#include <kiln/sched.h>
#include <kiln/sigpoint.h>
#include <kiln/sync.h>
#include <errno.h>
#include <reent.h>
#include <string.h>
#include <sys/lock.h>
#include <new>

struct __lock {
  kiln::Mutex m;
};

extern "C" {

// newlib's static locks (sys/lock.h declares them through __LOCK_INIT).
struct __lock __lock___sinit_recursive_mutex{kiln::Mutex(true)};
struct __lock __lock___sfp_recursive_mutex{kiln::Mutex(true)};
struct __lock __lock___atexit_recursive_mutex{kiln::Mutex(true)};
struct __lock __lock___malloc_recursive_mutex{kiln::Mutex(true)};
struct __lock __lock___env_recursive_mutex{kiln::Mutex(true)};
struct __lock __lock___at_quick_exit_mutex{kiln::Mutex(false)};
struct __lock __lock___tz_mutex{kiln::Mutex(false)};
struct __lock __lock___dd_hash_mutex{kiln::Mutex(false)};
struct __lock __lock___arc4random_mutex{kiln::Mutex(false)};

static void init_lock(_LOCK_T* l, bool recursive) {
  *l = new (std::nothrow) __lock{kiln::Mutex(recursive)};
  // newlib has no way to report this; a FILE without a lock would be
  // unsafe, so say so loudly rather than corrupt output later.
  if (!*l) kiln_panic("newlib: out of memory for a lock");
}
void __retarget_lock_init(_LOCK_T* l) { init_lock(l, false); }
void __retarget_lock_init_recursive(_LOCK_T* l) { init_lock(l, true); }
void __retarget_lock_close(_LOCK_T l) { delete l; }
void __retarget_lock_close_recursive(_LOCK_T l) { delete l; }
// newlib pairs acquire and release across its own code, so they cannot be
// a MutexGuard scope. Neither can fail in correct use (no deadline; the
// releasing thread is the one that acquired): a failure is a deadlock or a
// corrupted lock, so it panics rather than letting stdio run unlocked.
static void lock_acquire(_LOCK_T l) {
  kiln::Result<void> r = l->m.lock();
  if (r.is_error())
    kiln_panic("newlib: cannot acquire lock %p (errno %d)", static_cast<void*>(l), r.error().code());
}
static void lock_release(_LOCK_T l) {
  kiln::Result<void> r = l->m.unlock();
  if (r.is_error())
    kiln_panic("newlib: cannot release lock %p (errno %d)", static_cast<void*>(l), r.error().code());
}
void __retarget_lock_acquire(_LOCK_T l) { lock_acquire(l); }
void __retarget_lock_acquire_recursive(_LOCK_T l) { lock_acquire(l); }
int __retarget_lock_try_acquire(_LOCK_T l) { return l->m.try_lock().ok() ? 0 : EBUSY; }
int __retarget_lock_try_acquire_recursive(_LOCK_T l) { return l->m.try_lock().ok() ? 0 : EBUSY; }
void __retarget_lock_release(_LOCK_T l) { lock_release(l); }
void __retarget_lock_release_recursive(_LOCK_T l) { lock_release(l); }

}  // extern "C"

// Each thread's struct _reent, registered with the scheduler.
namespace {

int reent_init(kiln::Thread* t) {
  if (t->is_main) {
    t->libc_state = _GLOBAL_REENT;
    return 0;
  }
  auto* r = static_cast<struct _reent*>(kiln_malloc(sizeof(struct _reent)));
  if (!r) return -ENOMEM;
  _REENT_INIT_PTR(r);
  t->libc_state = r;
  return 0;
}

void reent_fini(kiln::Thread* t) {
  auto* r = static_cast<struct _reent*>(t->libc_state);
  if (!r || r == _GLOBAL_REENT) return;
  _reclaim_reent(r);
  kiln_free(r);
  t->libc_state = nullptr;
}

void reent_switch(kiln::Thread*, kiln::Thread* next) {
  _impure_ptr = next->libc_state ? static_cast<struct _reent*>(next->libc_state) : _GLOBAL_REENT;
}

}  // namespace

KILN_THREAD_HOOKS({reent_init, reent_fini, reent_switch, nullptr, "newlib reent"});

// Sleeping (time.cpp, through sleep.h): only the calling thread blocks,
// the others keep running; the CPU idles only when no thread is ready.
// A sleeper waits on a queue nobody wakes but a signal (lib/signal's
// kiln::wake), so it returns at its deadline or when it has a signal to
// handle. The check and the wait are under one mask: no signal is missed.
bool kiln::newlib::sleep_until(uint64_t deadline_ns) {
  static constinit kiln::WaitQueue sleepers;
  kiln::IrqGuard g;
  while (kiln_plat_monotonic_ns() < deadline_ns) {
    if (kiln_signal_interrupted()) return false;
    sleepers.wait(deadline_ns);
  }
  return true;
}
