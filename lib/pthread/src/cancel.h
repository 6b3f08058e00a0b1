// Deferred cancellation inside lib/pthread (pthread.cpp): the
// cancellation points call these.
#pragma once
#include <kiln/sched.h>

namespace kiln::pthread {
// t has a cancel pending and enabled.
bool cancel_now(Thread* t);
// Run the caller's cleanup handlers and exit with PTHREAD_CANCELED.
[[noreturn]] void act_on_cancel();
// Act on a pending, enabled cancel, else return.
void testcancel();
}  // namespace kiln::pthread
