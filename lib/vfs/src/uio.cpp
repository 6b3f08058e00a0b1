// readv and writev for images without lib/socket (which has its own,
// sockets included): one read/write per vector element.
#include <errno.h>
#include <sys/uio.h>
#include <unistd.h>

extern "C" {

ssize_t readv(int fd, const struct iovec* iov, int n) {
  if (n < 0 || n > IOV_MAX) {
    errno = EINVAL;
    return -1;
  }
  ssize_t total = 0;
  for (int i = 0; i < n; ++i) {
    ssize_t r = read(fd, iov[i].iov_base, iov[i].iov_len);
    if (r < 0) return total ? total : -1;
    total += r;
    if (static_cast<size_t>(r) < iov[i].iov_len) break;
  }
  return total;
}

ssize_t writev(int fd, const struct iovec* iov, int n) {
  if (n < 0 || n > IOV_MAX) {
    errno = EINVAL;
    return -1;
  }
  ssize_t total = 0;
  for (int i = 0; i < n; ++i) {
    ssize_t r = write(fd, iov[i].iov_base, iov[i].iov_len);
    if (r < 0) return total ? total : -1;
    total += r;
    if (static_cast<size_t>(r) < iov[i].iov_len) break;
  }
  return total;
}

}  // extern "C"
