// The resolver calls of <resolv.h> over Kiln's own stack: res_init takes the
// DNS servers lwIP is configured with (net.dns= or DHCP: dns_getserver),
// res_mkquery builds a query, res_send sends it over a UDP socket (lwIP's,
// on linuxu too) to each server in turn, retrying, and returns the first
// answer that matches the query (id, question, from the server asked),
// res_query checks the answer's code (h_errno as glibc sets it). There is no
// search list (no domain is configured anywhere), so res_search is
// res_query; queries are UDP only, a truncated answer is returned as it
// came (TC set) for the caller to judge.
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <resolv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <kiln/print.h>

// socket.cpp (it sees lwIP's headers): the stack's IPv4 DNS servers.
extern "C" int kiln_socket_dns_servers(struct sockaddr_in* out, int max);
extern "C" uint32_t kiln_lwip_rand(void);

extern "C" {
struct __res_state _res;
}

namespace {

constexpr int kQuery = 0;

int fail_h(int h) {
  h_errno = h;
  _res.res_h_errno = h;
  return -1;
}

// The question section's end (name, type, class), or nullptr.
const unsigned char* question_end(const unsigned char* msg, int len) {
  if (len < NS_HFIXEDSZ || ns_get16(msg + 4) != 1) return nullptr;
  int n = dn_skipname(msg + NS_HFIXEDSZ, msg + len);
  if (n < 0 || NS_HFIXEDSZ + n + NS_QFIXEDSZ > len) return nullptr;
  return msg + NS_HFIXEDSZ + n + NS_QFIXEDSZ;
}

// Is ans (alen bytes) the answer to q? Same id, a response, the same question.
bool answers(const unsigned char* q, int qlen, const unsigned char* ans, int alen) {
  if (alen < NS_HFIXEDSZ || ans[0] != q[0] || ans[1] != q[1] || !(ans[2] & 0x80)) return false;
  if (ns_get16(ans + 4) == 0) return (ans[3] & 0x0f) != 0;  // some servers drop the question of a refusal
  const unsigned char* qe = question_end(q, qlen);
  const unsigned char* ae = question_end(ans, alen);
  if (!qe || !ae || qe - q != ae - ans) return false;
  char qn[NS_MAXDNAME], an[NS_MAXDNAME];
  if (dn_expand(q, q + qlen, q + NS_HFIXEDSZ, qn, sizeof qn) < 0 ||
      dn_expand(ans, ans + alen, ans + NS_HFIXEDSZ, an, sizeof an) < 0 || strcasecmp(qn, an) != 0)
    return false;
  return memcmp(qe - NS_QFIXEDSZ, ae - NS_QFIXEDSZ, NS_QFIXEDSZ) == 0;
}

}  // namespace

extern "C" {

int res_init(void) {
  int keep_retrans = _res.retrans, keep_retry = _res.retry;
  unsigned long keep_options = _res.options;
  bool had = _res.options & RES_INIT;
  memset(&_res, 0, sizeof _res);
  _res.retrans = had && keep_retrans > 0 ? keep_retrans : RES_TIMEOUT;
  _res.retry = had && keep_retry > 0 ? keep_retry : RES_DFLRETRY;
  _res.options = (had ? keep_options : RES_DEFAULT) | RES_INIT;
  _res.ndots = 1;
  _res.nscount = kiln_socket_dns_servers(_res.nsaddr_list, MAXNS);
  _res.id = static_cast<unsigned short>(kiln_lwip_rand());
  return 0;
}

int res_mkquery(int op, const char* dname, int class_, int type, const unsigned char* data, int datalen,
                const unsigned char* newrr, unsigned char* buf, int buflen) {
  (void)data;
  (void)datalen;
  (void)newrr;
  if (op != kQuery || !dname || !buf || buflen < NS_HFIXEDSZ + 1 + NS_QFIXEDSZ || class_ < 0 || class_ > 0xffff ||
      type < 0 || type > 0xffff)
    return fail_h(NO_RECOVERY);
  if (!(_res.options & RES_INIT)) res_init();
  memset(buf, 0, NS_HFIXEDSZ);
  unsigned id = kiln_lwip_rand() & 0xffff;
  ns_put16(id, buf);
  buf[2] = static_cast<unsigned char>((op & 0xf) << 3 | ((_res.options & RES_RECURSE) ? 1 : 0));  // RD
  ns_put16(1, buf + 4);  // one question
  unsigned char* dnptrs[2] = {buf, nullptr};
  int n = dn_comp(dname, buf + NS_HFIXEDSZ, buflen - NS_HFIXEDSZ - NS_QFIXEDSZ, dnptrs, dnptrs + 2);
  if (n < 0) return fail_h(NO_RECOVERY);
  unsigned char* p = buf + NS_HFIXEDSZ + n;
  ns_put16(static_cast<unsigned>(type), p);
  ns_put16(static_cast<unsigned>(class_), p + 2);
  return NS_HFIXEDSZ + n + NS_QFIXEDSZ;
}

int res_send(const unsigned char* msg, int msglen, unsigned char* answer, int anslen) {
  if (!msg || msglen < NS_HFIXEDSZ || msglen > 0xffff || !answer || anslen < NS_HFIXEDSZ) {
    errno = EINVAL;
    return -1;
  }
  if (!(_res.options & RES_INIT)) res_init();
  struct sockaddr_in ns[MAXNS];
  int nns = kiln_socket_dns_servers(ns, MAXNS);
  if (nns == 0) {
    static bool said;
    if (!said) kiln_warn("socket: res_send: no DNS server is configured (net.dns= or DHCP)");
    said = true;
    errno = ECONNREFUSED;
    return -1;
  }
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0) return -1;
  int retrans = _res.retrans > 0 ? _res.retrans : RES_TIMEOUT;
  int retry = _res.retry > 0 ? _res.retry : RES_DFLRETRY;
  int got = -1, err = ETIMEDOUT;
  unsigned char buf[NS_PACKETSZ * 8];  // larger than anslen or not: the whole datagram, then copied
  for (int round = 0; round < retry && got < 0; ++round) {
    for (int i = 0; i < nns && got < 0; ++i) {
      if (sendto(s, msg, static_cast<size_t>(msglen), 0, reinterpret_cast<struct sockaddr*>(&ns[i]),
                      sizeof ns[i]) < 0) {
        err = errno;
        continue;
      }
      struct timeval tv = {retrans, 0};
      setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      for (;;) {  // datagrams that are not the answer (late answers to earlier tries) are skipped
        struct sockaddr_in from;
        socklen_t flen = sizeof from;
        ssize_t r = recvfrom(s, buf, sizeof buf, 0, reinterpret_cast<struct sockaddr*>(&from), &flen);
        if (r < 0) {
          err = errno == EAGAIN ? ETIMEDOUT : errno;
          break;
        }
        if (from.sin_addr.s_addr != ns[i].sin_addr.s_addr || from.sin_port != ns[i].sin_port) continue;
        if (!answers(msg, msglen, buf, static_cast<int>(r))) continue;
        got = static_cast<int>(r);
        break;
      }
    }
  }
  close(s);
  if (got < 0) {
    errno = err;
    return -1;
  }
  int n = got < anslen ? got : anslen;
  memcpy(answer, buf, static_cast<size_t>(n));
  if (got > anslen) answer[2] |= 0x02;  // TC: the caller's buffer cut it
  return n;
}

int res_query(const char* dname, int class_, int type, unsigned char* answer, int anslen) {
  unsigned char q[NS_PACKETSZ];
  int qlen = res_mkquery(kQuery, dname, class_, type, nullptr, 0, nullptr, q, sizeof q);
  if (qlen < 0) return -1;
  int n = res_send(q, qlen, answer, anslen);
  if (n < 0) return fail_h(TRY_AGAIN);
  switch (answer[3] & 0x0f) {
    case NOERROR:
      if (ns_get16(answer + 6) == 0) return fail_h(NO_DATA);
      return n;
    case NXDOMAIN: return fail_h(HOST_NOT_FOUND);
    case SERVFAIL: return fail_h(TRY_AGAIN);
    default: return fail_h(NO_RECOVERY);
  }
}

int res_search(const char* dname, int class_, int type, unsigned char* answer, int anslen) {
  return res_query(dname, class_, type, answer, anslen);  // no search list
}

int res_querydomain(const char* name, const char* domain, int class_, int type, unsigned char* answer, int anslen) {
  if (!name) return fail_h(NO_RECOVERY);
  if (!domain) return res_query(name, class_, type, answer, anslen);
  char full[NS_MAXDNAME];
  size_t a = strlen(name), b = strlen(domain);
  if (a + 1 + b + 1 > sizeof full) return fail_h(NO_RECOVERY);
  memcpy(full, name, a);
  full[a] = '.';
  memcpy(full + a + 1, domain, b + 1);
  return res_query(full, class_, type, answer, anslen);
}

}  // extern "C"
