/* The app-facing socket headers (lib/socket/include) restate lwIP's
 * layouts and constants so apps do not see lwIP's namespace. This file
 * sees lwIP's definitions and checks the restatement: a change on either
 * side fails the build here. */
#include "lwip/sockets.h"
#include "lwip/netdb.h"
#include <stddef.h>

#define SAME(a, b) _Static_assert((a) == (b), #a " differs from the value in lib/socket/include")

SAME(sizeof(sa_family_t), 1);
SAME(sizeof(socklen_t), 4);
SAME(sizeof(in_port_t), 2);
SAME(sizeof(struct sockaddr), 16);
SAME(offsetof(struct sockaddr, sa_family), 1);
SAME(sizeof(struct sockaddr_in), 16);
SAME(offsetof(struct sockaddr_in, sin_family), 1);
SAME(offsetof(struct sockaddr_in, sin_port), 2);
SAME(offsetof(struct sockaddr_in, sin_addr), 4);
#if LWIP_IPV6
SAME(sizeof(struct sockaddr_in6), 28);
SAME(offsetof(struct sockaddr_in6, sin6_addr), 8);
SAME(offsetof(struct sockaddr_in6, sin6_scope_id), 24);
SAME(sizeof(struct sockaddr_storage), 28);
#else
SAME(sizeof(struct sockaddr_storage), 16); /* the app's is 28: larger is safe */
#endif
SAME(sizeof(struct in6_addr), 16);
SAME(sizeof(struct iovec), 16);
SAME(offsetof(struct iovec, iov_len), 8);
SAME(sizeof(struct msghdr), 48);
SAME(offsetof(struct msghdr, msg_iov), 16);
SAME(offsetof(struct msghdr, msg_iovlen), 24);
SAME(offsetof(struct msghdr, msg_control), 32);
SAME(offsetof(struct msghdr, msg_flags), 44);
SAME(sizeof(struct cmsghdr), 12);
SAME(sizeof(struct linger), 8);
SAME(sizeof(struct pollfd), 8);
SAME(offsetof(struct pollfd, revents), 6);
SAME(sizeof(nfds_t), 4);
SAME(sizeof(struct addrinfo), 48);
SAME(offsetof(struct addrinfo, ai_addrlen), 16);
SAME(offsetof(struct addrinfo, ai_addr), 24);
SAME(offsetof(struct addrinfo, ai_next), 40);
SAME(sizeof(struct hostent), 32);

SAME(SOCK_STREAM, 1); SAME(SOCK_DGRAM, 2); SAME(SOCK_RAW, 3);
SAME(SOL_SOCKET, 0xfff);
SAME(SO_DEBUG, 0x0001); SAME(SO_ACCEPTCONN, 0x0002); SAME(SO_REUSEADDR, 0x0004);
SAME(SO_KEEPALIVE, 0x0008); SAME(SO_DONTROUTE, 0x0010); SAME(SO_BROADCAST, 0x0020);
SAME(SO_USELOOPBACK, 0x0040); SAME(SO_LINGER, 0x0080); SAME(SO_OOBINLINE, 0x0100);
SAME(SO_REUSEPORT, 0x0200); SAME(SO_SNDBUF, 0x1001); SAME(SO_RCVBUF, 0x1002);
SAME(SO_SNDLOWAT, 0x1003); SAME(SO_RCVLOWAT, 0x1004); SAME(SO_SNDTIMEO, 0x1005);
SAME(SO_RCVTIMEO, 0x1006); SAME(SO_ERROR, 0x1007); SAME(SO_TYPE, 0x1008);
SAME(SO_CONTIMEO, 0x1009); SAME(SO_NO_CHECK, 0x100a); SAME(SO_BINDTODEVICE, 0x100b);
SAME(AF_UNSPEC, 0); SAME(AF_INET, 2);
#if LWIP_IPV6
SAME(AF_INET6, 10);
#endif
SAME(MSG_PEEK, 0x01); SAME(MSG_WAITALL, 0x02); SAME(MSG_OOB, 0x04); SAME(MSG_DONTWAIT, 0x08);
SAME(MSG_MORE, 0x10); SAME(MSG_NOSIGNAL, 0x20); SAME(MSG_TRUNC, 0x04); SAME(MSG_CTRUNC, 0x08);
SAME(SHUT_RD, 0); SAME(SHUT_WR, 1); SAME(SHUT_RDWR, 2);
SAME(IPPROTO_IP, 0); SAME(IPPROTO_ICMP, 1); SAME(IPPROTO_TCP, 6); SAME(IPPROTO_UDP, 17);
SAME(IPPROTO_UDPLITE, 136); SAME(IPPROTO_RAW, 255);
#if LWIP_IPV6
SAME(IPPROTO_IPV6, 41); SAME(IPPROTO_ICMPV6, 58);
#endif
SAME(IP_TOS, 1); SAME(IP_TTL, 2); SAME(IP_ADD_MEMBERSHIP, 3); SAME(IP_DROP_MEMBERSHIP, 4);
SAME(IP_MULTICAST_TTL, 5); SAME(IP_MULTICAST_IF, 6); SAME(IP_MULTICAST_LOOP, 7); SAME(IP_PKTINFO, 8);
#if LWIP_IPV6
SAME(IPV6_CHECKSUM, 7); SAME(IPV6_JOIN_GROUP, 12); SAME(IPV6_LEAVE_GROUP, 13); SAME(IPV6_V6ONLY, 27);
#endif
SAME(TCP_NODELAY, 0x01); SAME(TCP_KEEPALIVE, 0x02); SAME(TCP_KEEPIDLE, 0x03);
SAME(TCP_KEEPINTVL, 0x04); SAME(TCP_KEEPCNT, 0x05);
SAME(INADDR_ANY, 0); SAME(INADDR_LOOPBACK, 0x7f000001UL); SAME(INADDR_NONE, 0xffffffffUL);
SAME(INET_ADDRSTRLEN, 16);
#if LWIP_IPV6
SAME(INET6_ADDRSTRLEN, 46);
#endif
SAME(POLLIN, 0x1); SAME(POLLOUT, 0x2); SAME(POLLERR, 0x4); SAME(POLLNVAL, 0x8);
SAME(POLLRDNORM, 0x10); SAME(POLLRDBAND, 0x20); SAME(POLLPRI, 0x40); SAME(POLLWRNORM, 0x80);
SAME(POLLWRBAND, 0x100); SAME(POLLHUP, 0x200);
SAME(FIONREAD, 0x4008667fL); SAME(FIONBIO, 0x8008667eL);
SAME(EAI_NONAME, 200); SAME(EAI_SERVICE, 201); SAME(EAI_FAIL, 202); SAME(EAI_MEMORY, 203);
SAME(EAI_FAMILY, 204); SAME(HOST_NOT_FOUND, 210); SAME(NO_DATA, 211); SAME(NO_RECOVERY, 212);
SAME(TRY_AGAIN, 213);
SAME(AI_PASSIVE, 0x01); SAME(AI_CANONNAME, 0x02); SAME(AI_NUMERICHOST, 0x04);
SAME(AI_NUMERICSERV, 0x08); SAME(AI_V4MAPPED, 0x10); SAME(AI_ALL, 0x20); SAME(AI_ADDRCONFIG, 0x40);
