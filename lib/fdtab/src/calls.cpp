// The descriptor calls every kind of file answers: the system-call table's
// read, write, close, fstat, lseek, dup, dup2 (kiln/syscall.h), and the
// libc names newlib's glue calls (_read, ...) as thin wrappers over them.
#include <kiln/file.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

using kiln::sys::ret;

extern "C" {

long kiln_sys_read(int fd, void* buf, size_t n) {
  kiln::FileRef f = KILN_TRY_SYS(kiln::fd_get(fd));
  return ret(f->read(buf, n));
}
KILN_SYSCALL(read);

// A write to a pipe or socket whose other end is gone fails with EPIPE and
// raises SIGPIPE for the caller (default: the image ends with 141; ignored
// or handled: EPIPE). send() with MSG_NOSIGNAL does not come here.
long kiln_sys_write(int fd, const void* buf, size_t n) {
  long r;
  {
    kiln::FileRef f = KILN_TRY_SYS(kiln::fd_get(fd));
    r = ret(f->write(buf, n));
  }
  if (r == -EPIPE) kiln_signal_pipe();
  return r;
}
KILN_SYSCALL(write);

long kiln_sys_close(int fd) {
  return ret(kiln::fd_close(fd));
}
KILN_SYSCALL(close);

long kiln_sys_fstat(int fd, struct stat* st) {
  kiln::FileRef f = KILN_TRY_SYS(kiln::fd_get(fd));
  return ret(f->stat(st));
}
KILN_SYSCALL(fstat);

long kiln_sys_lseek(int fd, off_t off, int whence) {
  kiln::FileRef f = KILN_TRY_SYS(kiln::fd_get(fd));
  return ret(f->seek(off, whence));
}
KILN_SYSCALL(lseek);

long kiln_sys_dup(int fd) { return ret(kiln::fd_dup(fd)); }
KILN_SYSCALL(dup);

long kiln_sys_dup2(int fd, int to) { return ret(kiln::fd_dup2(fd, to)); }
KILN_SYSCALL(dup2);

// newlib's x86_64-elf build calls the _ names; applications the POSIX ones.
// read and write restart after handlers installed with SA_RESTART.
int _read(int fd, void* buf, size_t n) {
  return static_cast<int>(kiln_sys_ret(KILN_SYS_RESTART(kiln_sys_read(fd, buf, n))));
}
int _write(int fd, const void* buf, size_t n) {
  return static_cast<int>(kiln_sys_ret(KILN_SYS_RESTART(kiln_sys_write(fd, buf, n))));
}
int _close(int fd) { return static_cast<int>(kiln_sys_ret(kiln_sys_close(fd))); }
int _fstat(int fd, struct stat* st) { return static_cast<int>(kiln_sys_ret(kiln_sys_fstat(fd, st))); }
off_t _lseek(int fd, off_t off, int whence) { return kiln_sys_ret(kiln_sys_lseek(fd, off, whence)); }
int dup(int fd) { return static_cast<int>(kiln_sys_ret(kiln_sys_dup(fd))); }
int dup2(int fd, int to) { return static_cast<int>(kiln_sys_ret(kiln_sys_dup2(fd, to))); }

int _isatty(int fd) {
  auto f = kiln::fd_get(fd);
  if (f.is_error()) {
    errno = f.error().code();
    return 0;
  }
  if (f.value()->isatty()) return 1;
  errno = ENOTTY;
  return 0;
}

#define KILN_ALIAS(name, target) __typeof__(target) name __attribute__((alias(#target)))
KILN_ALIAS(read, _read);
KILN_ALIAS(write, _write);
KILN_ALIAS(close, _close);
KILN_ALIAS(fstat, _fstat);
KILN_ALIAS(isatty, _isatty);
KILN_ALIAS(lseek, _lseek);

}  // extern "C"
