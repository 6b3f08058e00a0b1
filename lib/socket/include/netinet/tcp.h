/* TCP socket options for Kiln apps (lib/socket; values as lwIP's). */
#ifndef _KILN_NETINET_TCP_H
#define _KILN_NETINET_TCP_H
#define TCP_NODELAY 0x01
#define TCP_KEEPALIVE 0x02
#define TCP_KEEPIDLE 0x03
#define TCP_KEEPINTVL 0x04
#define TCP_KEEPCNT 0x05
#endif
