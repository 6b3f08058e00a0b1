// The C calls of pipes, socketpair, eventfd and epoll (the Files are in
// pipe.cpp, eventfd.cpp, epoll.cpp): negative results as errno.
#include <kiln/sigpoint.h>
#include <kiln/ipc.h>
#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace {

int fail(kiln::Error e) {
  if (e.code() == EINTR) kiln_signal_deliver();  // epoll_wait: the handler runs as it returns
  errno = e.code();
  return -1;
}

int result(kiln::Result<void> r) { return r.is_error() ? fail(r.error()) : 0; }
int result(kiln::Result<int> r) { return r.is_error() ? fail(r.error()) : r.value(); }

}  // namespace

extern "C" {

int pipe(int fds[2]) { return result(kiln::pipe_open(fds, 0)); }
int pipe2(int fds[2], int flags) { return result(kiln::pipe_open(fds, flags)); }

int socketpair(int domain, int type, int protocol, int fds[2]) {
  return result(kiln::socketpair_open(domain, type, protocol, fds));
}

// The peer of a socketpair (or a loopback connection) is this one process:
// root's ids (lib/process's src/passwd.cpp).
int getpeereid(int fd, uid_t* uid, gid_t* gid) {
  auto f = kiln::fd_get(fd);
  if (f.is_error()) return fail(f.error());
  *uid = 0;
  *gid = 0;
  return 0;
}

int eventfd(unsigned int initval, int flags) {
  // EFD_NONBLOCK is Linux's 0x800, not newlib's O_NONBLOCK (0x4000):
  // eventfd_open takes the sys/eventfd.h values.
  return result(kiln::eventfd_open(initval, flags));
}

int eventfd_read(int fd, eventfd_t* value) {
  ssize_t r = read(fd, value, sizeof *value);
  return r == sizeof *value ? 0 : -1;
}

int eventfd_write(int fd, eventfd_t value) {
  ssize_t r = write(fd, &value, sizeof value);
  return r == sizeof value ? 0 : -1;
}

int epoll_create(int size) {
  if (size <= 0) return fail(kiln::Error(EINVAL));
  return result(kiln::epoll_open(0));
}
int epoll_create1(int flags) { return result(kiln::epoll_open(flags)); }

int epoll_ctl(int epfd, int op, int fd, struct epoll_event* event) {
  return result(kiln::epoll_control(epfd, op, fd, event));
}

int epoll_wait(int epfd, struct epoll_event* events, int maxevents, int timeout) {
  return result(kiln::epoll_wait_ns(epfd, events, maxevents, timeout < 0 ? -1 : int64_t{timeout} * 1000000));
}

// The signal mask is not applied during the wait (docs/libc.md, "Signals").
int epoll_pwait(int epfd, struct epoll_event* events, int maxevents, int timeout, const sigset_t*) {
  return epoll_wait(epfd, events, maxevents, timeout);
}

}  // extern "C"
