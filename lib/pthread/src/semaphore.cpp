// POSIX semaphores over kiln::Semaphore. Errors through errno, as POSIX
// specifies for these calls.
#include "cancel.h"
#include <kiln/sigpoint.h>
#include <kiln/enosys.h>
#include <kiln/plat/time.h>
#include <kiln/sync.h>
#include <errno.h>
#include <semaphore.h>
#include <fcntl.h>
#include <kiln/alloc.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <new>

namespace {
static_assert(sizeof(kiln::Semaphore) <= sizeof(sem_t::__sem), "sem_t too small");
kiln::Semaphore* sem(sem_t* s) { return reinterpret_cast<kiln::Semaphore*>(s->__sem); }
int fail(int e) {
  errno = e;
  return -1;
}

struct Named {
  Named* next;
  sem_t sem;
  unsigned opens;  // sem_open calls not yet closed
  bool unlinked;   // the name is gone; freed at the last sem_close
  char name[];
};
constinit Named* named_list = nullptr;
kiln::Mutex named_lock;

int check_name(const char* name) {
  if (!name) return EINVAL;
  const char* base = name[0] == '/' ? name + 1 : name;
  if (!*base || strchr(base, '/')) return EINVAL;
  if (strlen(base) > NAME_MAX) return ENAMETOOLONG;
  return 0;
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

// Named semaphores live in the image (there is one process to share
// them): a list of names, each with its semaphore and how many sem_open
// calls have it open. sem_open of an open name returns the same sem_t;
// sem_unlink removes the name at once and the semaphore goes with the last
// sem_close. Names are those of POSIX: "/name" (the slash is optional
// here), no further slash, at most NAME_MAX bytes.
int sem_close(sem_t* s) {
  kiln::MutexGuard g(named_lock);
  for (Named** p = &named_list; *p; p = &(*p)->next) {
    Named* n = *p;
    if (&n->sem != s) continue;
    if (n->opens == 0) break;
    if (--n->opens == 0 && n->unlinked) {
      *p = n->next;
      kiln_free(n);
    }
    return 0;
  }
  return fail(EINVAL);
}

int sem_unlink(const char* name) {
  int e = check_name(name);
  if (e) return fail(e);
  kiln::MutexGuard g(named_lock);
  for (Named** p = &named_list; *p; p = &(*p)->next) {
    Named* n = *p;
    if (n->unlinked || strcmp(n->name, name) != 0) continue;
    n->unlinked = true;
    if (n->opens == 0) {
      *p = n->next;
      kiln_free(n);
    }
    return 0;
  }
  return fail(ENOENT);
}

sem_t* sem_open(const char* name, int oflag, ...) {
  int e = check_name(name);
  if (e) {
    errno = e;
    return SEM_FAILED;
  }
  unsigned value = 0;
  if (oflag & O_CREAT) {
    va_list ap;
    va_start(ap, oflag);
    (void)va_arg(ap, int);  // mode_t, promoted: one process, no permissions to check
    value = va_arg(ap, unsigned);
    va_end(ap);
    if (value > SEM_VALUE_MAX) {
      errno = EINVAL;
      return SEM_FAILED;
    }
  }
  kiln::MutexGuard g(named_lock);
  for (Named* n = named_list; n; n = n->next) {
    if (n->unlinked || strcmp(n->name, name) != 0) continue;
    if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
      errno = EEXIST;
      return SEM_FAILED;
    }
    ++n->opens;
    return &n->sem;
  }
  if (!(oflag & O_CREAT)) {
    errno = ENOENT;
    return SEM_FAILED;
  }
  size_t len = strlen(name);
  auto* n = static_cast<Named*>(kiln_malloc(sizeof(Named) + len + 1));
  if (!n) {
    errno = ENOMEM;
    return SEM_FAILED;
  }
  memset(n, 0, sizeof *n);
  memcpy(n->name, name, len + 1);
  sem_init(&n->sem, 0, value);
  n->opens = 1;
  n->next = named_list;
  named_list = n;
  return &n->sem;
}

}  // extern "C"
