// pthread_kill: a thread-directed signal to a pthread (pthread_t is the
// kiln::Thread, lib/pthread). Compiled when lib/pthread is in the image.
#include <kiln/sched.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>

extern "C" int pthread_kill(pthread_t t, int sig) {
  auto* th = reinterpret_cast<kiln::Thread*>(t);
  if (!th) return ESRCH;
  return static_cast<int>(-kiln_sys_tkill(static_cast<pid_t>(th->id), sig));
}
