/* sys/socket.h for Kiln apps. With lib/socket (CONFIG_LIBSOCKET) this is
 * lib/socket's header (BSD sockets over lwIP). Without it, only what
 * lib/fdtab implements: socketpair(AF_UNIX, SOCK_STREAM), see docs/ipc.md. */
#include <kiln/config.h>
#if defined(CONFIG_LIBSOCKET) && defined(__has_include_next)
#if __has_include_next(<sys/socket.h>)
#include_next <sys/socket.h>
#define _KILN_SYS_SOCKET_FROM_LIBSOCKET
#endif
#endif
#ifndef _KILN_SYS_SOCKET_FROM_LIBSOCKET
#ifndef _KILN_SYS_SOCKET_UNIX_H
#define _KILN_SYS_SOCKET_UNIX_H
#ifdef __cplusplus
extern "C" {
#endif
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_LOCAL AF_UNIX
#define PF_UNIX AF_UNIX
#define PF_LOCAL AF_UNIX
#define SOCK_STREAM 1
#define SOCK_NONBLOCK 0x800
#define SOCK_CLOEXEC 0x80000
int socketpair(int domain, int type, int protocol, int fds[2]);
#ifdef __cplusplus
}
#endif
#endif
#endif
