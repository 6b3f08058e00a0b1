/* lwIP configuration for Kiln (lwIP 2.1.3, NO_SYS=0 over Kiln threads).
 * See docs/network.md. Values from Kconfig come through kiln/config.h. */
#ifndef KILN_LWIPOPTS_H
#define KILN_LWIPOPTS_H
#include <kiln/config.h>

/* OS mode: a tcpip thread, sockets and netconns, the core lock. */
#define NO_SYS 0
#define SYS_LIGHTWEIGHT_PROT 1
#define LWIP_TCPIP_CORE_LOCKING 1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 1 /* the rx thread feeds the stack directly */
#define LWIP_NETCONN 1
#define LWIP_SOCKET 1
#define LWIP_COMPAT_SOCKETS 0 /* no macros named socket, close, read... */
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SOCKET_OFFSET 0
#define LWIP_SOCKET_SELECT 1
#define LWIP_SOCKET_POLL 1
#define LWIP_SO_RCVTIMEO 1
#define LWIP_SO_SNDTIMEO 1
#define LWIP_SO_RCVBUF 1
#define LWIP_SO_LINGER 1
#define SO_REUSE 1
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_FIONREAD_LINUXMODE 1
#define LWIP_NETCONN_FULLDUPLEX 0
#define LWIP_TIMEVAL_PRIVATE 0 /* struct timeval from newlib */
#define LWIP_ERRNO_STDINCLUDE 1 /* errno values and per-thread errno from newlib */
#define LWIP_DNS_API_DECLARE_H_ERRNO 1

/* Memory: everything from Kiln's heap (MEMP_MEM_MALLOC: the MEMP_NUM_*
 * counts below are not reserved and not enforced; a connection costs what
 * it uses, about 3 KiB idle, and when the heap is out lwIP drops the SYN
 * and the client retries). The one fixed table is lwIP's socket array,
 * NUM_SOCKETS = MEMP_NUM_NETCONN entries of 24 bytes in the image: as
 * large as the descriptor table can grow (CONFIG_LIBFDTAB_MAX), so the
 * descriptor limit (fd.max=, checked before accept) is always reached
 * first. See docs/network.md, "Connection limits". */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8
#define MEMP_NUM_NETCONN CONFIG_LIBFDTAB_MAX
#define MEMP_NUM_TCP_PCB CONFIG_LIBFDTAB_MAX
#define MEMP_NUM_TCP_PCB_LISTEN 32
/* IGMP/MLD memberships by socket: lwIP sizes this table by NUM_SOCKETS and
 * walks all of it on every close; a few dozen groups are plenty. */
#define LWIP_SOCKET_MAX_MEMBERSHIPS 64
#define MEMP_NUM_UDP_PCB 64
#define MEMP_NUM_NETBUF 256
#define MEMP_NUM_PBUF 256
#define MEMP_NUM_TCPIP_MSG_INPKT 256
#define PBUF_POOL_SIZE 512
#define PBUF_POOL_BUFSIZE 1536

/* Threads and mailboxes. */
#define TCPIP_THREAD_NAME "lwip-tcpip"
#define TCPIP_THREAD_STACKSIZE 32768
#define TCPIP_THREAD_PRIO 1
#define TCPIP_MBOX_SIZE 512
#define DEFAULT_THREAD_STACKSIZE 16384
#define DEFAULT_RAW_RECVMBOX_SIZE 64
#define DEFAULT_UDP_RECVMBOX_SIZE 128
#define DEFAULT_TCP_RECVMBOX_SIZE 128
#define DEFAULT_ACCEPTMBOX_SIZE 256 /* >= the largest backlog (lwIP caps it at 255) */

/* Protocols. */
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define ETHARP_SUPPORT_STATIC_ENTRIES 1
#define LWIP_IPV4 1
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 2
#define LWIP_IGMP 1
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#ifdef CONFIG_LWIP_IPV6
#define LWIP_IPV6 1
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_ICMP6 1
#define LWIP_IPV6_MLD 1
/* 64-bit: lwIP's reassembly helper (it holds a pointer) does not fit in
 * the 8-byte fragment header it would overlay; keep a copy instead (lwIP
 * asserts on this at its first reassembly timer tick). */
#define IPV6_FRAG_COPYHEADER 1
#else
#define LWIP_IPV6 0
#endif
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1 /* address changes after boot and IPv6 addresses are logged */
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_LOOPBACK_MAX_PBUFS 64

/* TCP sizing: a window of CONFIG_LWIP_TCP_WND_SEGS full segments. */
#define TCP_MSS 1460
#define TCP_WND (CONFIG_LWIP_TCP_WND_SEGS * TCP_MSS)
#define TCP_SND_BUF (CONFIG_LWIP_TCP_WND_SEGS * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define MEMP_NUM_TCP_SEG (4 * TCP_SND_QUEUELEN)
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define TCP_QUEUE_OOSEQ 1
#define TCP_OVERSIZE TCP_MSS
#define LWIP_TCP_SACK_OUT 0

/* Checksums in software (the tap hands over host frames as they are). */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1

#define LWIP_STATS 0
#ifdef CONFIG_LWIP_DEBUG
#define LWIP_DEBUG 1
#endif

#endif
