/* netprobe: a network client for the tests. Runs the commands given as
 * arguments in order, prints one result line for each, and exits with the
 * number of commands that failed.
 *
 *   resolve NAME [any|4|6]   getaddrinfo; "resolve NAME: ADDR" per result
 *   byname NAME              gethostbyname; "byname NAME: ADDR"
 *   get HOST PORT PATH       HTTP/1.0 GET over TCP to HOST (a name or an
 *                            address of either family); "get HOST: <status
 *                            line>, N bytes"
 *   udp HOST PORT TEXT       one datagram, waits 5 s for the answer;
 *                            "udp HOST: reply 'TEXT'"
 *   socket6                  whether socket(AF_INET6) works
 *   resquery NAME a|aaaa|mx  res_query (<resolv.h>, lib/socket's own DNS
 *                            client); "resquery NAME: TYPE DATA" per
 *                            answer record, or "error: h_errno N"
 *   rand                     two values of lwIP's LWIP_RAND() (TCP ISNs,
 *                            ports, DNS ids); "rand: XXXXXXXX XXXXXXXX"
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char* addr_str(const struct sockaddr* sa, char* buf, size_t n) {
  const void* a = sa->sa_family == AF_INET6 ? (const void*)&((const struct sockaddr_in6*)sa)->sin6_addr
                                            : (const void*)&((const struct sockaddr_in*)sa)->sin_addr;
  if (!inet_ntop(sa->sa_family, a, buf, (socklen_t)n)) snprintf(buf, n, "(family %d)", sa->sa_family);
  return buf;
}

static int lookup(const char* host, const char* port, int family, int type, struct addrinfo** res) {
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = type;
  int r = getaddrinfo(host, port, &hints, res);
  if (r != 0) printf("  getaddrinfo %s: %s (%d)\n", host, gai_strerror(r), r);
  return r;
}

static int cmd_resolve(const char* name, const char* fam) {
  int family = AF_UNSPEC;
  if (!strcmp(fam, "4")) family = AF_INET;
  else if (!strcmp(fam, "6")) family = AF_INET6;
  struct addrinfo* res;
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  int r = getaddrinfo(name, NULL, &hints, &res);
  if (r != 0) {
    printf("resolve %s: error: %s (%d)\n", name, gai_strerror(r), r);
    return 1;
  }
  for (struct addrinfo* ai = res; ai; ai = ai->ai_next) {
    char buf[INET6_ADDRSTRLEN];
    printf("resolve %s: %s\n", name, addr_str(ai->ai_addr, buf, sizeof buf));
  }
  freeaddrinfo(res);
  return 0;
}

static int cmd_byname(const char* name) {
  struct hostent* h = gethostbyname(name);
  if (!h || !h->h_addr_list[0]) {
    printf("byname %s: error: not found\n", name);
    return 1;
  }
  char buf[INET_ADDRSTRLEN];
  printf("byname %s: %s\n", name, inet_ntop(AF_INET, h->h_addr_list[0], buf, sizeof buf));
  return 0;
}

/* A TCP connect is retried for up to 20 s: right after boot an IPv6
 * address may still be tentative (duplicate address detection) or the
 * router advertisement not yet in. */
static int connect_to(const char* host, const char* port, int type, char* peer, size_t n) {
  struct addrinfo* res;
  if (lookup(host, port, AF_UNSPEC, type, &res) != 0) return -1;
  addr_str(res->ai_addr, peer, n);
  int fd = -1;
  for (int tries = 1;; ++tries) {
    fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd < 0) {
      printf("  socket %s (%s): %s\n", host, peer, strerror(errno));
      break;
    }
    if (connect(fd, res->ai_addr, res->ai_addrlen) == 0) break;
    int e = errno;
    close(fd);
    fd = -1;
    if (type != SOCK_STREAM || tries == 40) {
      printf("  connect %s (%s): %s (%d tries)\n", host, peer, strerror(e), tries);
      break;
    }
    usleep(500000);
  }
  freeaddrinfo(res);
  return fd;
}

static int cmd_get(const char* host, const char* port, const char* path) {
  char peer[INET6_ADDRSTRLEN];
  int fd = connect_to(host, port, SOCK_STREAM, peer, sizeof peer);
  if (fd < 0) {
    printf("get %s: error: no connection\n", host);
    return 1;
  }
  char req[512];
  int len = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, host);
  if (write(fd, req, (size_t)len) != len) {
    printf("get %s: error: write: %s\n", host, strerror(errno));
    close(fd);
    return 1;
  }
  static char buf[65536];
  size_t total = 0;
  for (;;) {
    ssize_t r = read(fd, buf + total, sizeof buf - 1 - total);
    if (r < 0) {
      printf("get %s: error: read: %s\n", host, strerror(errno));
      close(fd);
      return 1;
    }
    if (r == 0 || total + (size_t)r >= sizeof buf - 1) {
      total += (size_t)r;
      break;
    }
    total += (size_t)r;
  }
  close(fd);
  buf[total] = 0;
  char* eol = strstr(buf, "\r\n");
  if (eol) *eol = 0;
  printf("get %s: via %s: %s, %zu bytes\n", host, peer, buf, total);
  return strncmp(buf, "HTTP/1.", 7) != 0;
}

static int cmd_udp(const char* host, const char* port, const char* text) {
  char peer[INET6_ADDRSTRLEN];
  int fd = connect_to(host, port, SOCK_DGRAM, peer, sizeof peer);
  if (fd < 0) {
    printf("udp %s: error: no socket\n", host);
    return 1;
  }
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[2048];
  ssize_t r = -1;
  if (send(fd, text, strlen(text), 0) == (ssize_t)strlen(text)) r = recv(fd, buf, sizeof buf - 1, 0);
  close(fd);
  if (r < 0) {
    printf("udp %s: error: %s\n", host, strerror(errno));
    return 1;
  }
  buf[r] = 0;
  printf("udp %s: via %s: reply '%s'\n", host, peer, buf);
  return 0;
}

/* res_query, then the answer section walked with dn_skipname/dn_expand. */
static int cmd_resquery(const char* name, const char* type) {
  int t = !strcmp(type, "a") ? T_A : !strcmp(type, "aaaa") ? T_AAAA : T_MX;
  unsigned char ans[NS_PACKETSZ];
  h_errno = 0;
  int n = res_query(name, C_IN, t, ans, sizeof ans);
  if (n < 0) {
    printf("resquery %s: error: h_errno %d\n", name, h_errno);
    return 1;
  }
  const unsigned char *p = ans + NS_HFIXEDSZ, *end = ans + n;
  int qd = (int)ns_get16(ans + 4), an = (int)ns_get16(ans + 6), shown = 0;
  for (int i = 0; i < qd; i++) {
    int k = dn_skipname(p, end);
    if (k < 0 || p + k + NS_QFIXEDSZ > end) goto bad;
    p += k + NS_QFIXEDSZ;
  }
  for (int i = 0; i < an; i++) {
    char owner[NS_MAXDNAME], text[NS_MAXDNAME];
    int k = dn_expand(ans, end, p, owner, sizeof owner);
    if (k < 0 || p + k + NS_RRFIXEDSZ > end) goto bad;
    p += k;
    unsigned rt = ns_get16(p), len = ns_get16(p + 8);
    p += NS_RRFIXEDSZ;
    if (p + len > end) goto bad;
    if (rt == T_A && len == 4) printf("resquery %s: A %s\n", name, inet_ntop(AF_INET, p, text, sizeof text)), shown++;
    else if (rt == T_AAAA && len == 16)
      printf("resquery %s: AAAA %s\n", name, inet_ntop(AF_INET6, p, text, sizeof text)), shown++;
    else if (rt == T_MX && len > 2 && dn_expand(ans, end, p + 2, text, sizeof text) > 0)
      printf("resquery %s: MX %u %s\n", name, ns_get16(p), text), shown++;
    p += len;
  }
  if (shown) return 0;
bad:
  printf("resquery %s: error: an answer of %d bytes without a %s record\n", name, n, type);
  return 1;
}

uint32_t kiln_lwip_rand(void); /* lwIP's LWIP_RAND (lib/lwip/include/arch/cc.h) */
static int cmd_rand(void) {
  uint32_t a = kiln_lwip_rand(), b = kiln_lwip_rand();
  printf("rand: %08lx %08lx\n", (unsigned long)a, (unsigned long)b);
  return 0;
}

static int cmd_socket6(void) {
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) {
    printf("socket6: error: %s\n", strerror(errno));
    return 1;
  }
  close(fd);
  printf("socket6: ok\n");
  return 0;
}

int main(int argc, char** argv) {
  int failed = 0, done = 0;
  for (int i = 1; i < argc;) {
    const char* c = argv[i];
    int need = !strcmp(c, "resolve") ? 1 : !strcmp(c, "byname") ? 1 : !strcmp(c, "get") ? 3
             : !strcmp(c, "udp") ? 3 : !strcmp(c, "resquery") ? 2 : !strcmp(c, "socket6") ? 0 : !strcmp(c, "rand") ? 0 : -1;
    if (need < 0 || i + need >= argc) {
      printf("netprobe: bad command at '%s' (see tests/apps/netprobe/main.c)\n", c);
      return 64;
    }
    if (!strcmp(c, "resolve")) {
      const char* fam = "any";
      if (i + 2 < argc && (!strcmp(argv[i + 2], "4") || !strcmp(argv[i + 2], "6") || !strcmp(argv[i + 2], "any"))) {
        fam = argv[i + 2];
        need = 2;
      }
      failed += cmd_resolve(argv[i + 1], fam);
    } else if (!strcmp(c, "byname")) {
      failed += cmd_byname(argv[i + 1]);
    } else if (!strcmp(c, "get")) {
      failed += cmd_get(argv[i + 1], argv[i + 2], argv[i + 3]);
    } else if (!strcmp(c, "udp")) {
      failed += cmd_udp(argv[i + 1], argv[i + 2], argv[i + 3]);
    } else if (!strcmp(c, "resquery")) {
      failed += cmd_resquery(argv[i + 1], argv[i + 2]);
    } else if (!strcmp(c, "rand")) {
      failed += cmd_rand();
    } else {
      failed += cmd_socket6();
    }
    i += need + 1;
    ++done;
    fflush(stdout);
  }
  printf("netprobe: %d commands, %d failed\n", done, failed);
  return failed;
}
