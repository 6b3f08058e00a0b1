/* The DNS resolver interface for Kiln apps (lib/socket): queries sent over
 * UDP to the DNS servers the stack is configured with (net.dns= or DHCP),
 * and the name compression helpers. docs/libc.md, "resolv". */
#ifndef _KILN_RESOLV_H
#define _KILN_RESOLV_H
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#ifdef __cplusplus
extern "C" {
#endif

#define MAXNS 3
#define MAXDNSRCH 6
#define MAXRESOLVSORT 10
#define RES_TIMEOUT 5
#define RES_MAXNDOTS 15
#define RES_MAXRETRANS 30
#define RES_MAXRETRY 5
#define RES_DFLRETRY 2

/* _res.options */
#define RES_INIT 0x00000001
#define RES_DEBUG 0x00000002
#define RES_USEVC 0x00000008    /* not supported: queries go over UDP */
#define RES_IGNTC 0x00000020
#define RES_RECURSE 0x00000040
#define RES_DEFNAMES 0x00000080
#define RES_STAYOPEN 0x00000100
#define RES_DNSRCH 0x00000200
#define RES_NOALIASES 0x00001000
#define RES_ROTATE 0x00004000
#define RES_DEFAULT (RES_RECURSE | RES_DEFNAMES | RES_DNSRCH)

struct __res_state {
  int retrans;                     /* seconds to wait for an answer */
  int retry;                       /* times each server is asked */
  unsigned long options;
  int nscount;
  struct sockaddr_in nsaddr_list[MAXNS];  /* from the stack, by res_init */
  unsigned short id;
  char* dnsrch[MAXDNSRCH + 1];     /* no search list: dnsrch[0] is NULL */
  char defdname[256];
  unsigned long pfcode;
  unsigned ndots : 4;
  unsigned nsort : 4;
  int res_h_errno;
};
typedef struct __res_state* res_state;
extern struct __res_state _res;
#define nsaddr nsaddr_list[0]

int res_init(void);
int res_mkquery(int op, const char* dname, int class_, int type, const unsigned char* data, int datalen,
                const unsigned char* newrr, unsigned char* buf, int buflen);
int res_send(const unsigned char* msg, int msglen, unsigned char* answer, int anslen);
int res_query(const char* dname, int class_, int type, unsigned char* answer, int anslen);
int res_search(const char* dname, int class_, int type, unsigned char* answer, int anslen);
int res_querydomain(const char* name, const char* domain, int class_, int type, unsigned char* answer,
                    int anslen);
int dn_expand(const unsigned char* msg, const unsigned char* eom, const unsigned char* src, char* dst, int dstsiz);
int dn_comp(const char* src, unsigned char* dst, int dstsiz, unsigned char** dnptrs, unsigned char** lastdnptr);
int dn_skipname(const unsigned char* src, const unsigned char* eom);

#ifdef __cplusplus
}
#endif
#endif
