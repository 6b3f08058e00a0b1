// BSD sockets for apps over lwIP's socket API. A socket is a kiln::File
// (SocketFile) in the one descriptor table holding an lwIP socket number,
// so read, write, close, dup and fstat work on it as on any descriptor.
// lwIP sets errno itself (newlib's per-thread errno); the calls here return
// what lwIP returns.
//
// SocketFile (sockfile.cpp) is the descriptor kind; lib/fdtab has poll,
// select and ioctl over every kind of descriptor.
#include <kiln/config.h>
#include <kiln/enosys.h>
#include <kiln/file.h>
#include <kiln/print.h>
#include <kiln/sigpoint.h>
#include <poll.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <new>
#include "sockfile.h"

extern "C" {
#include "lwip/dns.h"
#include "lwip/inet.h"
#include "lwip/netdb.h"
#include "lwip/sockets.h"
}

namespace {

using kiln::socket::install;

constexpr int kSockNonblock = 0x800, kSockCloexec = 0x80000;  // as sys/socket.h

int fail(int e) {
  errno = e;
  return -1;
}

// SOCK_CLOEXEC: the new descriptor's FD_CLOEXEC bit (lib/fdtab keeps it).
int cloexec(int fd, int flags) {
  if (fd >= 0 && (flags & kSockCloexec)) (void)kiln::fd_set_cloexec(fd, true);
  return fd;
}

// The lwIP socket behind fd (s < 0 and errno set if none), with a
// reference to the file held for the call.
struct Sock {
  kiln::Result<kiln::FileRef> f;
  int s = -1;
  explicit Sock(int fd) : f(kiln::fd_get(fd)) {
    if (f.is_error()) {
      errno = f.error().code();
      return;
    }
    if (auto* sf = kiln::socket::as_socket(f.value().get())) s = sf->sock();
  }
};

// At a limit, accept takes nothing: the connection stays in the listen
// backlog (the client waits; past the backlog its SYNs are dropped and
// retried) until a descriptor is free. Said once, with the way out.
void note_limit(int e) {
  static bool said_emfile, said_enomem;
  bool& said = e == EMFILE ? said_emfile : said_enomem;
  if (said) return;
  said = true;
  if (e == EMFILE)
    kiln_warn("socket: descriptor limit reached (%d open; fd.max= raises it up to CONFIG_LIBFDTAB_MAX %d): "
              "new connections wait in the listen backlog",
              kiln::fd_limit(), CONFIG_LIBFDTAB_MAX);
  else
    kiln_warn("socket: out of memory for the descriptor table: new connections wait in the listen backlog");
}

}  // namespace

// lwIP's inet.h maps these names to its functions by macro; Kiln defines them.
#undef inet_addr
#undef inet_aton
#undef inet_ntoa
#undef inet_ntoa_r
#undef inet_ntop
#undef inet_pton  // these: pton.cpp, stricter than lwIP's

extern "C" {

const char* inet_ntop(int af, const void* src, char* dst, socklen_t size);

int socket(int domain, int type, int protocol) {
  // lwIP ignores the domain (an AF_INET6 socket without IPv6 would
  // silently be an IPv4 one): only the families the stack has.
  if (domain != AF_INET && !(LWIP_IPV6 && domain == AF_INET6)) return fail(EAFNOSUPPORT);
  int flags = type & (kSockNonblock | kSockCloexec);
  int s = lwip_socket(domain, type & ~flags, protocol);
  if (s < 0) return -1;
  if (flags & kSockNonblock) {
    int on = 1;
    lwip_ioctl(s, FIONBIO, &on);
  }
  return cloexec(install(s), flags);
}

int bind(int fd, const struct sockaddr* addr, socklen_t len) {
  Sock k(fd);
  return k.s >= 0 ? lwip_bind(k.s, addr, len) : -1;
}

int listen(int fd, int backlog) {
  Sock k(fd);
  return k.s >= 0 ? lwip_listen(k.s, backlog) : -1;
}

int accept4(int fd, struct sockaddr* addr, socklen_t* len, int flags) {
  Sock k(fd);
  if (k.s < 0) return -1;
  if (flags & ~(kSockNonblock | kSockCloexec)) return fail(EINVAL);
  // The descriptor first: with none left the connection is not taken
  // from lwIP (a connection accepted and then closed for want of a
  // descriptor would look to the client like a server that hung up).
  auto slot = kiln::fd_reserve();
  if (slot.is_error()) {
    note_limit(slot.error().code());
    return fail(slot.error().code());
  }
  int s = lwip_accept(k.s, addr, len);
  if (s < 0) {
    int e = errno;
    kiln::fd_cancel(slot.value());
    return fail(e);
  }
  if (flags & kSockNonblock) {
    int on = 1;
    lwip_ioctl(s, FIONBIO, &on);
  }
  return cloexec(install(s, slot.value()), flags);
}

int accept(int fd, struct sockaddr* addr, socklen_t* len) { return accept4(fd, addr, len, 0); }

int connect(int fd, const struct sockaddr* addr, socklen_t len) {
  Sock k(fd);
  return k.s >= 0 ? lwip_connect(k.s, addr, len) : -1;
}

// send, recv, sendto, recvfrom, sendmsg, recvmsg, shutdown, setsockopt and
// getsockopt are lib/fdtab's (src/sockcalls.cpp), over every descriptor;
// a socket's are SocketFile's (sockfile.cpp: lwIP's).

int getsockname(int fd, struct sockaddr* addr, socklen_t* len) {
  Sock k(fd);
  return k.s >= 0 ? lwip_getsockname(k.s, addr, len) : -1;
}

int getpeername(int fd, struct sockaddr* addr, socklen_t* len) {
  Sock k(fd);
  return k.s >= 0 ? lwip_getpeername(k.s, addr, len) : -1;
}

// readv() and writev() are lib/fdtab's (src/uio.cpp); a socket's are
// SocketFile::readv/writev (lwIP's, one datagram per call).

// ioctl(), poll() and select() are in lib/fdtab (src/poll.cpp), over
// every kind of descriptor; a socket's ioctls are SocketFile::ioctl.
// socketpair(AF_UNIX) is lib/fdtab's too (src/pipe.cpp).

// --- names and addresses --------------------------------------------------

int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints, struct addrinfo** res) {
  return lwip_getaddrinfo(node, service, hints, res);
}
void freeaddrinfo(struct addrinfo* ai) { lwip_freeaddrinfo(ai); }
struct hostent* gethostbyname(const char* name) { return lwip_gethostbyname(name); }

const char* gai_strerror(int code) {
  switch (code) {
    case 0: return "Success";
    case EAI_NONAME: return "Name or service not known";
    case EAI_SERVICE: return "Service not supported (only numeric services)";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_MEMORY: return "Memory allocation failure";
    case EAI_FAMILY: return "Address family not supported";
    case HOST_NOT_FOUND: return "Host not found";
    case TRY_AGAIN: return "Temporary failure in name resolution";
    default: return "Unknown name resolution error";
  }
}

int getnameinfo(const struct sockaddr* sa, socklen_t salen, char* host, socklen_t hostlen, char* serv,
                socklen_t servlen, int flags) {
  constexpr int kNiNameReqd = 0x04;
  if (flags & kNiNameReqd) return EAI_NONAME;  // no reverse lookups
  const void* addr;
  uint16_t port;
  if (sa->sa_family == AF_INET && salen >= sizeof(sockaddr_in)) {
    auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    addr = &in->sin_addr;
    port = in->sin_port;
#if LWIP_IPV6
  } else if (sa->sa_family == AF_INET6 && salen >= sizeof(sockaddr_in6)) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    addr = &in6->sin6_addr;
    port = in6->sin6_port;
#endif
  } else {
    return EAI_FAMILY;
  }
  if (host && hostlen && !inet_ntop(sa->sa_family, addr, host, hostlen)) return EAI_FAIL;
  if (serv && servlen && snprintf(serv, servlen, "%u", lwip_ntohs(port)) >= static_cast<int>(servlen))
    return EAI_FAIL;
  return 0;
}

// inet_addr, inet_aton, inet_ntoa, inet_ntop: pton.cpp (lwIP's inet_addr
// wraps a part over 2^32 and has no IPv4-mapped IPv6 form).

// The stack's IPv4 DNS servers now (net.dns= or a DHCP lease), for
// resolv.cpp's res_init and res_send.
int kiln_socket_dns_servers(struct sockaddr_in* out, int max) {
  int n = 0;
  for (u8_t i = 0; i < DNS_MAX_SERVERS && n < max; ++i) {
    const ip_addr_t* a = dns_getserver(i);
    if (!a || ip_addr_isany(a) || !IP_IS_V4(a)) continue;
    sockaddr_in& s = out[n++];
    memset(&s, 0, sizeof s);
    s.sin_len = sizeof s;
    s.sin_family = AF_INET;
    s.sin_port = lwip_htons(53);
    s.sin_addr.s_addr = ip4_addr_get_u32(ip_2_ip4(a));
  }
  return n;
}

#if !LWIP_IPV6
const struct in6_addr in6addr_any = {{{0, 0, 0, 0}}};
#endif

}  // extern "C"
