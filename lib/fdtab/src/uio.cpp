// readv and writev, once, for every descriptor: each file's
// File::readv/writev (the default, in fdtab.cpp, is one read/write per
// element; sockets use lwIP's).
#include <kiln/file.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <limits.h>
#include <sys/uio.h>


namespace {
bool valid(const struct iovec* iov, int n) {
  if (n < 0 || n > IOV_MAX || (n && !iov)) return false;
  size_t sum = 0;
  for (int i = 0; i < n; ++i) {
    if (iov[i].iov_len > (~size_t{0} >> 1) - sum) return false;  // the total must fit ssize_t
    sum += iov[i].iov_len;
  }
  return true;
}
}  // namespace

extern "C" {

long kiln_sys_readv(int fd, const struct iovec* iov, int n) {
  if (!valid(iov, n)) return -EINVAL;
  kiln::FileRef f = KILN_TRY_SYS(kiln::fd_get(fd));
  return kiln::sys::ret(f->readv(iov, n));
}
KILN_SYSCALL(readv);

long kiln_sys_writev(int fd, const struct iovec* iov, int n) {
  if (!valid(iov, n)) return -EINVAL;
  long r;
  {
    kiln::FileRef f = KILN_TRY_SYS(kiln::fd_get(fd));
    r = kiln::sys::ret(f->writev(iov, n));
  }
  if (r == -EPIPE) kiln_signal_pipe();  // as write (calls.cpp)
  return r;
}
KILN_SYSCALL(writev);

ssize_t readv(int fd, const struct iovec* iov, int n) {
  return kiln_sys_ret(KILN_SYS_RESTART(kiln_sys_readv(fd, iov, n)));
}
ssize_t writev(int fd, const struct iovec* iov, int n) {
  return kiln_sys_ret(KILN_SYS_RESTART(kiln_sys_writev(fd, iov, n)));
}

}  // extern "C"
