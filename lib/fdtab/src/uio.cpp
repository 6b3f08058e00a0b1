// readv and writev, once, for every descriptor: each file's
// File::readv/writev (the default, in fdtab.cpp, is one read/write per
// element; sockets use lwIP's).
#include <kiln/file.h>
#include <errno.h>
#include <limits.h>
#include <sys/uio.h>


namespace {
int fail(int e) {
  errno = e;
  return -1;
}

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

extern "C" ssize_t readv(int fd, const struct iovec* iov, int n) {
  if (!valid(iov, n)) return fail(EINVAL);
  auto f = kiln::fd_get(fd);
  if (f.is_error()) return fail(f.error().code());
  auto r = f.value()->readv(iov, n);
  return r.is_error() ? fail(r.error().code()) : static_cast<ssize_t>(r.value());
}

extern "C" ssize_t writev(int fd, const struct iovec* iov, int n) {
  if (!valid(iov, n)) return fail(EINVAL);
  auto f = kiln::fd_get(fd);
  if (f.is_error()) return fail(f.error().code());
  auto r = f.value()->writev(iov, n);
  return r.is_error() ? fail(r.error().code()) : static_cast<ssize_t>(r.value());
}
