// POSIX semaphores over kiln::Semaphore. Errors through errno, as POSIX
// specifies for these calls.
#include "cancel.h"
#include <kiln/sigpoint.h>
#include <kiln/enosys.h>
#include <kiln/plat/time.h>
#include <kiln/sync.h>
#include <errno.h>
#include <semaphore.h>
#include <new>

namespace {
static_assert(sizeof(kiln::Semaphore) <= sizeof(sem_t::__sem), "sem_t too small");
kiln::Semaphore* sem(sem_t* s) { return reinterpret_cast<kiln::Semaphore*>(s->__sem); }
int fail(int e) {
  errno = e;
  return -1;
}
}  // namespace

extern "C" {

int sem_init(sem_t* s, int pshared, unsigned value) {
  if (!s || value > SEM_VALUE_MAX) return fail(EINVAL);
  if (pshared) return fail(ENOSYS);  // one process
  new (s->__sem) kiln::Semaphore(value);
  s->initialized = 1;
  return 0;
}

int sem_destroy(sem_t* s) {
  if (!s || !s->initialized) return fail(EINVAL);
  s->initialized = 0;
  return 0;
}

// sem_wait and sem_timedwait are cancellation points at entry (a cancel
// does not wake a thread blocked in them).
int sem_wait(sem_t* s) {
  kiln::pthread::testcancel();
  if (!s || !s->initialized) return fail(EINVAL);
  auto r = sem(s)->down(0, true);  // EINTR when a signal handler is due
  if (r.is_error() && r.error().code() == EINTR) kiln_signal_deliver();
  return r.is_error() ? fail(r.error().code()) : 0;
}

int sem_trywait(sem_t* s) {
  if (!s || !s->initialized) return fail(EINVAL);
  return sem(s)->try_down() ? 0 : fail(EAGAIN);
}

int sem_timedwait(sem_t* s, const struct timespec* abs) {
  kiln::pthread::testcancel();
  if (!s || !s->initialized || !abs || abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000) return fail(EINVAL);
  long long t = static_cast<long long>(abs->tv_sec) * 1000000000LL + abs->tv_nsec;
  long long d = static_cast<long long>(kiln_plat_monotonic_ns()) + (t - kiln_plat_wall_ns());
  auto r = sem(s)->down(d < 1 ? 1 : static_cast<uint64_t>(d), true);
  if (r.is_error() && r.error().code() == EINTR) kiln_signal_deliver();
  return r.is_error() ? fail(r.error().code()) : 0;
}

int sem_post(sem_t* s) {
  if (!s || !s->initialized) return fail(EINVAL);
  if (sem(s)->value() == SEM_VALUE_MAX) return fail(EOVERFLOW);
  sem(s)->up();
  return 0;
}

int sem_getvalue(sem_t* s, int* value) {
  if (!s || !s->initialized || !value) return fail(EINVAL);
  *value = static_cast<int>(sem(s)->value());
  return 0;
}

sem_t* sem_open(const char*, int, ...) {
  KILN_ENOSYS();
  return SEM_FAILED;
}
int sem_close(sem_t*) { return KILN_ENOSYS(); }
int sem_unlink(const char*) { return KILN_ENOSYS(); }

}  // extern "C"
