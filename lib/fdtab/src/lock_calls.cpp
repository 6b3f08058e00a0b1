// flock(2) and lockf(3) for apps (the locks are src/locks.cpp's). Written
// as the system-call table wants them: kiln_sys_<name> with Linux's
// argument types returns the result or -errno; the POSIX call sets errno.
// fcntl's lock commands are in fcntl (lib/newlib/src/syscalls.cpp).
#include <kiln/file.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace {
long sys_ret(long r) {
  if (r < 0) {
    errno = static_cast<int>(-r);
    return -1;
  }
  return r;
}
}  // namespace

extern "C" {

long kiln_sys_flock(unsigned int fd, unsigned int cmd) {
  auto f = kiln::fd_get(static_cast<int>(fd));
  if (f.is_error()) return -f.error().code();
  auto r = kiln::flock_file(*f.value(), static_cast<int>(cmd));
  return r.is_error() ? -r.error().code() : 0;
}

int flock(int fd, int operation) {
  return static_cast<int>(sys_ret(kiln_sys_flock(static_cast<unsigned>(fd), static_cast<unsigned>(operation))));
}

// lockf: a POSIX write lock from the current offset over len bytes (0: to
// the end; negative: the bytes before it), as glibc builds it on fcntl.
int lockf(int fd, int cmd, off_t len) {
  auto f = kiln::fd_get(fd);
  if (f.is_error()) {
    errno = f.error().code();
    return -1;
  }
  struct flock fl = {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_CUR;
  fl.l_start = 0;
  fl.l_len = len;
  int c;
  switch (cmd) {
    case F_TEST: {
      fl.l_type = F_RDLCK;  // anything another owner holds is a conflict
      auto r = kiln::fcntl_lock(*f.value(), F_GETLK, &fl);
      if (r.is_error()) {
        errno = r.error().code();
        return -1;
      }
      if (fl.l_type == F_UNLCK) return 0;
      errno = EACCES;
      return -1;
    }
    case F_ULOCK: fl.l_type = F_UNLCK; c = F_SETLK; break;
    case F_LOCK: c = F_SETLKW; break;
    case F_TLOCK: c = F_SETLK; break;
    default: errno = EINVAL; return -1;
  }
  auto r = kiln::fcntl_lock(*f.value(), c, &fl);
  if (r.is_error()) {
    errno = r.error().code();
    return -1;
  }
  return 0;
}

}  // extern "C"
