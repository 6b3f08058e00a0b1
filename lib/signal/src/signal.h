// lib/signal's internals shared by its sources (signal.cpp: state and
// delivery; timers.cpp: alarm, setitimer, timer_create).
#pragma once
#include <signal.h>
#include <stdint.h>

namespace kiln::signal {

// What a handler's siginfo_t says about one pending signal.
struct Info {
  int code = SI_USER;
  int pid = 0;
  int timerid = 0;
  int overrun = 0;
  union sigval value = {};
};

// A process-directed signal (kill, timers, the host), from any context
// with events masked or not: marks it pending, ends the image for a
// default terminating action, wakes a thread that does not block it.
void post_process(int sig, const Info& info);
// True while sig is pending for the process (not yet taken by a thread).
bool process_pending(int sig);

}  // namespace kiln::signal
