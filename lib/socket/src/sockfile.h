// A socket as a kiln::File: SocketFile holds an lwIP socket number. Apart
// from lib/socket's calls, only these lwIP functions are used, so the file
// (and lib/fdtab's poll.cpp over it) builds for the host against a fake lwIP
// (tests/host/test_socket_poll.cpp).
#pragma once
#include <kiln/file.h>
#include <poll.h>
#include <sys/types.h>

extern "C" {
int lwip_poll(struct pollfd* fds, nfds_t nfds, int timeout);
ssize_t lwip_read(int s, void* mem, size_t len);
ssize_t lwip_write(int s, const void* data, size_t size);
int lwip_close(int s);
ssize_t lwip_readv(int s, const struct iovec* iov, int iovcnt);
ssize_t lwip_writev(int s, const struct iovec* iov, int iovcnt);
int lwip_fcntl(int s, int cmd, int val);
int lwip_ioctl(int s, long cmd, void* argp);
ssize_t lwip_sendto(int s, const void* data, size_t size, int flags, const struct sockaddr* to, uint32_t tolen);
ssize_t lwip_recvfrom(int s, void* mem, size_t len, int flags, struct sockaddr* from, uint32_t* fromlen);
ssize_t lwip_sendmsg(int s, const struct msghdr* message, int flags);
ssize_t lwip_recvmsg(int s, struct msghdr* message, int flags);
int lwip_shutdown(int s, int how);
int lwip_getsockopt(int s, int level, int optname, void* optval, uint32_t* optlen);
int lwip_setsockopt(int s, int level, int optname, const void* optval, uint32_t optlen);
}

namespace kiln::socket {

class SocketFile final : public File {
 public:
  explicit SocketFile(int s) : s_(s) {}
  int sock() const { return s_; }
  Result<size_t> read(void* buf, size_t n) override;
  Result<size_t> write(const void* buf, size_t n) override;
  Result<size_t> readv(const struct iovec* iov, int n) override;
  Result<size_t> writev(const struct iovec* iov, int n) override;
  Result<void> stat(struct stat* st) override;
  // The socket calls (lib/fdtab's src/sockcalls.cpp): lwIP's.
  Result<size_t> sendto(const void* buf, size_t n, int flags, const struct sockaddr* to, uint32_t tolen) override;
  Result<size_t> recvfrom(void* buf, size_t n, int flags, struct sockaddr* from, uint32_t* fromlen) override;
  Result<size_t> sendmsg(const struct msghdr* msg, int flags) override;
  Result<size_t> recvmsg(struct msghdr* msg, int flags) override;
  Result<void> shutdown(int how) override;
  Result<void> getsockopt(int level, int name, void* val, uint32_t* len) override;
  Result<void> setsockopt(int level, int name, const void* val, uint32_t len) override;
  // lwIP's own readiness (a zero-timeout lwip_poll on the one socket).
  unsigned poll(unsigned events) override;
  // Always armed: every socket's lwIP events wake its waiters (hook_events).
  bool arm() override { return true; }
  bool wakes_waiters() override { return true; }
  Result<void> release() override;
  // FIONREAD (FIONBIO is generic: set_status_flags).
  Result<int> ioctl(unsigned long request, void* arg) override;
  const void* kind() const override;
  // O_NONBLOCK lives in lwIP's socket (lwip_fcntl / FIONBIO).
  Result<int> status_flags() override;
  Result<void> set_status_flags(int flags) override;

 private:
  int s_;
};

// The SocketFile behind fd: nullptr with errno EBADF (no such descriptor)
// or ENOTSOCK (a descriptor that is not a socket).
SocketFile* as_socket(File* f);

// A new descriptor for lwIP socket s (s is closed on failure: -1, errno
// set). The descriptor was reserved with fd_reserve, or -1 to take one.
int install(int s, int reserved_fd = -1);

// Makes lwIP's events on socket s wake f's waiters (events.cpp: wraps the
// netconn's event callback; sockets accepted from s inherit the wrapper).
// False without memory for the table of files. unhook_events, before f
// is freed, forgets it.
bool hook_events(int s, SocketFile* f);
void unhook_events(int s);

}  // namespace kiln::socket
