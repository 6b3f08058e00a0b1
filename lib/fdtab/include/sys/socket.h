/* sys/socket.h for Kiln apps. With lib/socket (CONFIG_LIBSOCKET) this is
 * lib/socket's header (BSD sockets over lwIP). Without it, only what
 * lib/fdtab implements: socketpair(AF_UNIX, SOCK_STREAM) and the calls that
 * work on its ends (send, recv, ..., getsockopt), see docs/ipc.md. */
#include <kiln/config.h>
#include <stdint.h> /* defines __GLIBC__ on the host */
#if defined(__GLIBC__)
/* Built for the host (host unit tests): the host C library's own. */
#include_next <sys/socket.h>
#define _KILN_SYS_SOCKET_FROM_LIBSOCKET
#elif defined(CONFIG_LIBSOCKET) && defined(__has_include_next)
#if __has_include_next(<sys/socket.h>)
#include_next <sys/socket.h>
#define _KILN_SYS_SOCKET_FROM_LIBSOCKET
#endif
#endif
#ifndef _KILN_SYS_SOCKET_FROM_LIBSOCKET
#ifndef _KILN_SYS_SOCKET_UNIX_H
#define _KILN_SYS_SOCKET_UNIX_H
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#ifdef __cplusplus
extern "C" {
#endif
/* The layouts and values are lib/socket's (lwIP's), so lib/fdtab's code
 * means the same with and without lib/socket: keep them in step with
 * lib/socket/include/sys/socket.h. */
typedef uint8_t sa_family_t;
typedef uint32_t socklen_t;
struct sockaddr {
  uint8_t sa_len;
  sa_family_t sa_family;
  char sa_data[14];
};
struct msghdr {
  void* msg_name;
  socklen_t msg_namelen;
  struct iovec* msg_iov;
  int msg_iovlen;
  void* msg_control;
  socklen_t msg_controllen;
  int msg_flags;
};
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_LOCAL AF_UNIX
#define PF_UNIX AF_UNIX
#define PF_LOCAL AF_UNIX
#define SOCK_STREAM 1
#define SOCK_NONBLOCK 0x800
#define SOCK_CLOEXEC 0x80000
#define SOL_SOCKET 0xfff
#define SO_REUSEADDR 0x0004
#define SO_KEEPALIVE 0x0008
#define SO_SNDBUF 0x1001
#define SO_RCVBUF 0x1002
#define SO_ERROR 0x1007
#define SO_TYPE 0x1008
#define MSG_PEEK 0x01
#define MSG_WAITALL 0x02
#define MSG_OOB 0x04
#define MSG_DONTWAIT 0x08
#define MSG_MORE 0x10
#define MSG_NOSIGNAL 0x20
#define MSG_TRUNC 0x04
#define MSG_CTRUNC 0x08
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2
int socketpair(int domain, int type, int protocol, int fds[2]);
/* Over every descriptor (ENOTSOCK for those that are no sockets). */
ssize_t send(int fd, const void* buf, size_t n, int flags);
ssize_t recv(int fd, void* buf, size_t n, int flags);
ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* to, socklen_t tolen);
ssize_t recvfrom(int fd, void* buf, size_t n, int flags, struct sockaddr* from, socklen_t* fromlen);
ssize_t sendmsg(int fd, const struct msghdr* msg, int flags);
ssize_t recvmsg(int fd, struct msghdr* msg, int flags);
int shutdown(int fd, int how);
int setsockopt(int fd, int level, int name, const void* val, socklen_t len);
int getsockopt(int fd, int level, int name, void* val, socklen_t* len);
#ifdef __cplusplus
}
#endif
#endif
#endif
