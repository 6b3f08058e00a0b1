/* DNS message format (RFC 1035) for Kiln apps (lib/socket): sizes, the
 * header, type/class/opcode/rcode numbers and the 16/32-bit accessors.
 * docs/libc.md, "resolv". */
#ifndef _KILN_ARPA_NAMESER_H
#define _KILN_ARPA_NAMESER_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

#define NS_PACKETSZ 512   /* largest UDP message */
#define NS_MAXDNAME 1025  /* largest name as text, with escapes */
#define NS_MAXCDNAME 255  /* largest name on the wire */
#define NS_MAXLABEL 63
#define NS_HFIXEDSZ 12
#define NS_QFIXEDSZ 4
#define NS_RRFIXEDSZ 10
#define NS_INT32SZ 4
#define NS_INT16SZ 2
#define NS_INT8SZ 1
#define NS_INADDRSZ 4
#define NS_IN6ADDRSZ 16
#define NS_CMPRSFLGS 0xc0
#define NS_DEFAULTPORT 53

typedef enum __ns_class { ns_c_invalid = 0, ns_c_in = 1, ns_c_chaos = 3, ns_c_hs = 4, ns_c_none = 254, ns_c_any = 255 } ns_class;
typedef enum __ns_type {
  ns_t_invalid = 0, ns_t_a = 1, ns_t_ns = 2, ns_t_cname = 5, ns_t_soa = 6, ns_t_ptr = 12, ns_t_hinfo = 13,
  ns_t_mx = 15, ns_t_txt = 16, ns_t_aaaa = 28, ns_t_srv = 33, ns_t_naptr = 35, ns_t_opt = 41,
  ns_t_ds = 43, ns_t_rrsig = 46, ns_t_dnskey = 48, ns_t_caa = 257, ns_t_axfr = 252, ns_t_any = 255
} ns_type;
typedef enum __ns_opcode { ns_o_query = 0, ns_o_iquery = 1, ns_o_status = 2, ns_o_notify = 4, ns_o_update = 5 } ns_opcode;
typedef enum __ns_rcode {
  ns_r_noerror = 0, ns_r_formerr = 1, ns_r_servfail = 2, ns_r_nxdomain = 3, ns_r_notimpl = 4, ns_r_refused = 5
} ns_rcode;

unsigned ns_get16(const unsigned char* src);
unsigned long ns_get32(const unsigned char* src);
void ns_put16(unsigned src, unsigned char* dst);
void ns_put32(unsigned long src, unsigned char* dst);

/* The older names (BIND 4), still what most programs use. */
#define PACKETSZ NS_PACKETSZ
#define MAXDNAME NS_MAXDNAME
#define MAXCDNAME NS_MAXCDNAME
#define MAXLABEL NS_MAXLABEL
#define HFIXEDSZ NS_HFIXEDSZ
#define QFIXEDSZ NS_QFIXEDSZ
#define RRFIXEDSZ NS_RRFIXEDSZ
#define INT32SZ NS_INT32SZ
#define INT16SZ NS_INT16SZ
#define INDIR_MASK NS_CMPRSFLGS
#define NAMESERVER_PORT NS_DEFAULTPORT
#define QUERY ns_o_query
#define IQUERY ns_o_iquery
#define STATUS ns_o_status
#define NOERROR ns_r_noerror
#define FORMERR ns_r_formerr
#define SERVFAIL ns_r_servfail
#define NXDOMAIN ns_r_nxdomain
#define NOTIMP ns_r_notimpl
#define REFUSED ns_r_refused
#define C_IN ns_c_in
#define C_CHAOS ns_c_chaos
#define C_HS ns_c_hs
#define C_ANY ns_c_any
#define T_A ns_t_a
#define T_NS ns_t_ns
#define T_CNAME ns_t_cname
#define T_SOA ns_t_soa
#define T_PTR ns_t_ptr
#define T_HINFO ns_t_hinfo
#define T_MX ns_t_mx
#define T_TXT ns_t_txt
#define T_AAAA ns_t_aaaa
#define T_SRV ns_t_srv
#define T_NAPTR ns_t_naptr
#define T_OPT ns_t_opt
#define T_AXFR ns_t_axfr
#define T_ANY ns_t_any

/* The fixed header, as laid out on a little-endian machine (x86_64). */
typedef struct {
  unsigned id : 16;
  unsigned rd : 1;     /* recursion desired */
  unsigned tc : 1;     /* truncated */
  unsigned aa : 1;     /* authoritative answer */
  unsigned opcode : 4;
  unsigned qr : 1;     /* a response */
  unsigned rcode : 4;
  unsigned cd : 1;
  unsigned ad : 1;
  unsigned unused : 1;
  unsigned ra : 1;     /* recursion available */
  unsigned qdcount : 16;
  unsigned ancount : 16;
  unsigned nscount : 16;
  unsigned arcount : 16;
} HEADER;

/* Read or write a big-endian field and step the pointer past it. */
#define NS_GET16(s, cp) do { (s) = ns_get16(cp); (cp) += NS_INT16SZ; } while (0)
#define NS_GET32(l, cp) do { (l) = ns_get32(cp); (cp) += NS_INT32SZ; } while (0)
#define NS_PUT16(s, cp) do { ns_put16((s), (cp)); (cp) += NS_INT16SZ; } while (0)
#define NS_PUT32(l, cp) do { ns_put32((l), (cp)); (cp) += NS_INT32SZ; } while (0)
#define GETSHORT NS_GET16
#define GETLONG NS_GET32
#define PUTSHORT NS_PUT16
#define PUTLONG NS_PUT32

#ifdef __cplusplus
}
#endif
#endif
