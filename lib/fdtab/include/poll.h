/* poll() for Kiln apps (lib/fdtab): any descriptor (sockets, pipes,
 * eventfds, epoll, the console), through each file's readiness; see
 * docs/ipc.md. The values are lwIP's (lib/socket/src/abi_check.c). */
#ifndef _KILN_POLL_H
#define _KILN_POLL_H
#ifdef __cplusplus
extern "C" {
#endif
typedef unsigned int nfds_t;
struct pollfd {
  int fd;
  short events;
  short revents;
};
#define POLLIN 0x1
#define POLLOUT 0x2
#define POLLERR 0x4
#define POLLNVAL 0x8
#define POLLRDNORM 0x10
#define POLLRDBAND 0x20
#define POLLPRI 0x40
#define POLLWRNORM 0x80
#define POLLWRBAND 0x100
#define POLLHUP 0x200
#define POLLRDHUP 0x2000
int poll(struct pollfd* fds, nfds_t nfds, int timeout);
#ifdef __cplusplus
}
#endif
#endif
