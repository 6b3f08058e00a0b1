// How the C library's sleep calls (time.cpp: nanosleep, usleep, sleep,
// clock_nanosleep) wait. Two implementations, and CMake links exactly one
// (lib/newlib/CMakeLists.txt):
//   threads.cpp      with the scheduler (CONFIG_LIBSCHED): the calling
//                    thread blocks and the others run;
//   sleep_idle.cpp   without it: the CPU idles until the deadline.
#pragma once
#include <stdint.h>

namespace kiln::newlib {

// Return true once the monotonic clock has reached deadline_ns, or false
// early when a signal is to be handled (kiln/sigpoint.h): the sleep call
// then fails with EINTR.
bool sleep_until(uint64_t deadline_ns);

}  // namespace kiln::newlib
