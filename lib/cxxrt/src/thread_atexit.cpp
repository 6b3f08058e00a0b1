// Destructors of C++ thread_local objects (the Itanium C++ ABI's
// __cxa_thread_atexit, which the compiler calls when it has constructed
// one): a per-thread list, itself thread-local, run in reverse order of
// registration. Other threads' lists run at thread exit (the scheduler's
// exit hook, thread_atexit_sched.cpp); the list of the thread that calls
// exit() runs at exit, before the destructors of static objects
// constructed before the first thread_local (C++ [basic.start.term]).
// This definition takes precedence over libsupc++'s, which keeps its list
// in pthread keys: Kiln's objects are linked before the archives.
#include <kiln/alloc.h>
#include <stdlib.h>

namespace {

struct Dtor {
  void (*fn)(void*);
  void* obj;
  Dtor* next;
};

constinit thread_local Dtor* dtors = nullptr;
constinit bool exit_registered = false;

void run_all() {
  // A destructor may construct (and so register) another thread_local:
  // run until the list stays empty.
  while (Dtor* d = dtors) {
    dtors = d->next;
    d->fn(d->obj);
    kiln_free(d);
  }
}

void at_exit() { run_all(); }

}  // namespace

extern "C" int __cxa_thread_atexit(void (*fn)(void*), void* obj, void* /*dso_handle*/) {
  if (!__atomic_exchange_n(&exit_registered, true, __ATOMIC_ACQ_REL)) atexit(at_exit);
  auto* d = static_cast<Dtor*>(kiln_malloc(sizeof(Dtor)));
  // Out of memory: the object is never destroyed (the ABI has no way to
  // report it to the constructing code, which ignores the result).
  if (!d) return -1;
  *d = Dtor{fn, obj, dtors};
  dtors = d;
  return 0;
}

// The glibc name, for code built against it.
extern "C" int __cxa_thread_atexit_impl(void (*fn)(void*), void* obj, void* dso_handle) {
  return __cxa_thread_atexit(fn, obj, dso_handle);
}

// The calling thread's destructors, now (thread_atexit_sched.cpp).
extern "C" void kiln_cxxrt_thread_exit(void) { run_all(); }
