// SocketFile: read, write, stat, readiness and close of one lwIP socket.
#include "sockfile.h"
#include <sys/uio.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <new>

namespace kiln::socket {

namespace {
int fail(int e) {
  errno = e;
  return -1;
}
}  // namespace

Result<size_t> SocketFile::read(void* buf, size_t n) {
  ssize_t r = lwip_read(s_, buf, n);
  if (r < 0) return Error(errno);
  return kiln::Ok(static_cast<size_t>(r));
}

Result<size_t> SocketFile::write(const void* buf, size_t n) {
  ssize_t r = lwip_write(s_, buf, n);
  if (r < 0) return Error(errno);
  return kiln::Ok(static_cast<size_t>(r));
}

Result<size_t> SocketFile::readv(const struct iovec* iov, int n) {
  ssize_t r = lwip_readv(s_, iov, n);
  if (r < 0) return Error(errno);
  return kiln::Ok(static_cast<size_t>(r));
}

Result<size_t> SocketFile::writev(const struct iovec* iov, int n) {
  ssize_t r = lwip_writev(s_, iov, n);
  if (r < 0) return Error(errno);
  return kiln::Ok(static_cast<size_t>(r));
}

namespace {
Result<size_t> sized(ssize_t r) {
  if (r < 0) return Error(errno);
  return kiln::Ok(static_cast<size_t>(r));
}
Result<void> done(int r) {
  if (r < 0) return Error(errno);
  return {};
}
}  // namespace

Result<size_t> SocketFile::sendto(const void* buf, size_t n, int flags, const struct sockaddr* to, uint32_t tolen) {
  return sized(lwip_sendto(s_, buf, n, flags, to, tolen));
}

Result<size_t> SocketFile::recvfrom(void* buf, size_t n, int flags, struct sockaddr* from, uint32_t* fromlen) {
  return sized(lwip_recvfrom(s_, buf, n, flags, from, fromlen));
}

Result<size_t> SocketFile::sendmsg(const struct msghdr* msg, int flags) { return sized(lwip_sendmsg(s_, msg, flags)); }

Result<size_t> SocketFile::recvmsg(struct msghdr* msg, int flags) { return sized(lwip_recvmsg(s_, msg, flags)); }

Result<void> SocketFile::shutdown(int how) { return done(lwip_shutdown(s_, how)); }

Result<void> SocketFile::getsockopt(int level, int name, void* val, uint32_t* len) {
  return done(lwip_getsockopt(s_, level, name, val, len));
}

Result<void> SocketFile::setsockopt(int level, int name, const void* val, uint32_t len) {
  return done(lwip_setsockopt(s_, level, name, val, len));
}

Result<void> SocketFile::stat(struct stat* st) {
  memset(st, 0, sizeof *st);
  st->st_mode = S_IFSOCK | 0777;
  st->st_blksize = 4096;
  return {};
}

unsigned SocketFile::poll(unsigned events) {
  struct pollfd p = {s_, static_cast<short>(events), 0};
  int saved = errno;
  if (lwip_poll(&p, 1, 0) < 0) {
    errno = saved;
    return kPollErr;
  }
  return static_cast<unsigned short>(p.revents);
}

Result<void> SocketFile::release() {
  int s = s_;
  unhook_events(s);
  delete this;
  if (lwip_close(s) < 0) return Error(errno);
  return {};
}

// lwIP keeps a socket's O_NONBLOCK as its own bit 1 (lwIP's socket code's
// O_NONBLOCK; F_GETFL 3 and F_SETFL 4 are the same numbers as newlib's).
constexpr int kLwipNonblock = 1;

Result<int> SocketFile::status_flags() {
  int fl = lwip_fcntl(s_, F_GETFL, 0);
  if (fl < 0) return Error(errno);
  return Ok(O_RDWR | ((fl & kLwipNonblock) ? O_NONBLOCK : 0));
}

Result<void> SocketFile::set_status_flags(int flags) {
  if (lwip_fcntl(s_, F_SETFL, (flags & O_NONBLOCK) ? kLwipNonblock : 0) < 0) return Error(errno);
  return {};
}

Result<int> SocketFile::ioctl(unsigned long request, void* arg) {
  if (request == static_cast<unsigned long>(FIONBIO)) return Error(EINVAL);  // generic (lib/fdtab)
  int r = lwip_ioctl(s_, static_cast<long>(request), arg);
  if (r < 0) return Error(errno == ENOSYS ? ENOTTY : errno);
  return Ok(r);
}

namespace {
constexpr char kSocketKind = 0;  // its address tags SocketFiles
}

const void* SocketFile::kind() const { return &kSocketKind; }

SocketFile* as_socket(File* f) {
  // Tagged by kind(), not by S_IFSOCK: socketpair's ends (lib/fdtab) are
  // sockets too, but not lwIP's (no RTTI in here).
  if (!f) {
    errno = EBADF;
    return nullptr;
  }
  if (f->kind() != &kSocketKind) {
    errno = ENOTSOCK;
    return nullptr;
  }
  return static_cast<SocketFile*>(f);
}

int install(int s, int reserved_fd) {
  auto* f = new (std::nothrow) SocketFile(s);
  if (!f) {
    if (reserved_fd >= 0) fd_cancel(reserved_fd);
    lwip_close(s);
    return fail(ENOMEM);
  }
  if (!hook_events(s, f)) {
    if (reserved_fd >= 0) fd_cancel(reserved_fd);
    delete f;
    lwip_close(s);
    return fail(ENOMEM);
  }
  if (reserved_fd >= 0) {
    fd_commit(reserved_fd, f);
    return reserved_fd;
  }
  auto fd = fd_install(f);
  if (fd.is_error()) {
    (void)f->release();
    return fail(fd.error().code());
  }
  return fd.value();
}

}  // namespace kiln::socket
