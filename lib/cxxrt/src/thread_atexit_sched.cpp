// With threads (lib/sched): a thread's thread_local destructors run in the
// exiting thread, while its thread-local storage is still there.
#include <kiln/sched.h>

extern "C" void kiln_cxxrt_thread_exit(void);

namespace {
void on_exit(kiln::Thread*) { kiln_cxxrt_thread_exit(); }
}  // namespace

KILN_THREAD_HOOKS({nullptr, nullptr, nullptr, on_exit, "C++ thread_local destructors"});
