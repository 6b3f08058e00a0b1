// The socket calls that work on a descriptor, once for every kind of
// descriptor: each asks the descriptor's File (kiln/file.h, File::sendto
// and the others), so lwIP's sockets (lib/socket's SocketFile) and
// socketpair's ends (src/pipe.cpp) answer them alike, and images without
// lib/socket have them for socketpair. Files that are no sockets say
// ENOTSOCK. The calls that make or name sockets (socket, bind, connect,
// accept, getsockname, ...) are lib/socket's.
#include <kiln/file.h>
#include <kiln/sigpoint.h>
#include <errno.h>
#include <sys/socket.h>

namespace {

ssize_t sized(kiln::Result<size_t> r) {
  if (r.is_error()) {
    errno = r.error().code();
    return -1;
  }
  return static_cast<ssize_t>(r.value());
}

int done(kiln::Result<void> r) {
  if (r.is_error()) {
    errno = r.error().code();
    return -1;
  }
  return 0;
}

// EPIPE from a send raises SIGPIPE, unless MSG_NOSIGNAL (docs/libc.md,
// "Signals"; a no-op without lib/signal).
ssize_t piped(ssize_t r, int flags) {
  if (r < 0 && errno == EPIPE && !(flags & MSG_NOSIGNAL)) {
    kiln_signal_pipe();
    errno = EPIPE;
  }
  return r;
}

// The file behind fd for one call: nullptr with errno EBADF.
template <typename Op>
auto with_file(int fd, Op op) -> decltype(op(*static_cast<kiln::File*>(nullptr))) {
  auto f = kiln::fd_get(fd);
  if (f.is_error()) return f.error();
  return op(*f.value());
}

}  // namespace

extern "C" {

ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* to, socklen_t tolen) {
  return piped(sized(with_file(fd, [&](kiln::File& f) { return f.sendto(buf, n, flags, to, tolen); })), flags);
}

ssize_t send(int fd, const void* buf, size_t n, int flags) { return sendto(fd, buf, n, flags, nullptr, 0); }

ssize_t recvfrom(int fd, void* buf, size_t n, int flags, struct sockaddr* from, socklen_t* fromlen) {
  return sized(with_file(fd, [&](kiln::File& f) { return f.recvfrom(buf, n, flags, from, fromlen); }));
}

ssize_t recv(int fd, void* buf, size_t n, int flags) { return recvfrom(fd, buf, n, flags, nullptr, nullptr); }

ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) {
  if (!msg) {
    errno = EFAULT;
    return -1;
  }
  return piped(sized(with_file(fd, [&](kiln::File& f) { return f.sendmsg(msg, flags); })), flags);
}

ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
  if (!msg) {
    errno = EFAULT;
    return -1;
  }
  return sized(with_file(fd, [&](kiln::File& f) { return f.recvmsg(msg, flags); }));
}

int shutdown(int fd, int how) {
  return done(with_file(fd, [&](kiln::File& f) { return f.shutdown(how); }));
}

int getsockopt(int fd, int level, int name, void* val, socklen_t* len) {
  return done(with_file(fd, [&](kiln::File& f) { return f.getsockopt(level, name, val, len); }));
}

int setsockopt(int fd, int level, int name, const void* val, socklen_t len) {
  return done(with_file(fd, [&](kiln::File& f) { return f.setsockopt(level, name, val, len); }));
}

}  // extern "C"
