/* pollio: poll() and select() on the console and on sockets (issue 12).
 *
 *   none MS     poll stdin for MS ms; prints "poll: 0 after N ms" when it
 *               times out (nothing typed), "poll: ready ..." otherwise
 *   input       poll stdin (10 s), read a line; then select stdin (10 s),
 *               read the second line; prints each and how long it waited
 *   mix         one poll over stdin and a UDP socket on the loopback; a
 *               thread sends a datagram after 300 ms: the poll must wake
 *               for the socket, then a second one for stdin (a line
 *               arrives later)
 *   readwait    a blocking read of stdin (the CPU must rest meanwhile)
 *   select64    select() over 100 UDP sockets (more than 64), one readable
 * Exit status 0 when every check held, 1 otherwise. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int read_line(char* buf, size_t n) {
  size_t k = 0;
  while (k + 1 < n) {
    ssize_t r = read(0, buf + k, 1);
    if (r <= 0) break;
    if (buf[k] == '\n') break;
    ++k;
  }
  buf[k] = 0;
  return (int)k;
}

static int udp_socket(unsigned short port) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s < 0 || bind(s, (struct sockaddr*)&a, sizeof a) < 0) {
    printf("pollio: udp socket on port %u: %s\n", port, strerror(errno));
    exit(1);
  }
  return s;
}

static void send_to(unsigned short port) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(s, "ping", 4, 0, (struct sockaddr*)&a, sizeof a);
  close(s);
}

static void* late_sender(void* arg) {
  (void)arg;
  usleep(300000);
  send_to(9000);
  return NULL;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  char line[128];
  if (!strcmp(mode, "none")) {
    int ms = argc > 2 ? atoi(argv[2]) : 500;
    struct pollfd p = {0, POLLIN, 0};
    long t0 = now_ms();
    int r = poll(&p, 1, ms);
    long dt = now_ms() - t0;
    if (r == 0) printf("poll: 0 after %ld ms\n", dt);
    else printf("poll: ready %d revents %#x after %ld ms\n", r, p.revents, dt);
    return r == 0 && dt >= ms ? 0 : 1;
  }
  if (!strcmp(mode, "input")) {
    struct pollfd p = {0, POLLIN, 0};
    long t0 = now_ms();
    int r = poll(&p, 1, 10000);
    printf("poll: %d revents %#x after %s\n", r, p.revents, now_ms() - t0 >= 200 ? "waiting" : "no wait");
    if (r != 1 || !(p.revents & POLLIN)) return 1;
    read_line(line, sizeof line);
    printf("line 1: [%s]\n", line);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(0, &rd);
    struct timeval tv = {10, 0};
    t0 = now_ms();
    r = select(1, &rd, NULL, NULL, &tv);
    printf("select: %d stdin %s after %s\n", r, FD_ISSET(0, &rd) ? "set" : "clear",
           now_ms() - t0 >= 200 ? "waiting" : "no wait");
    if (r != 1 || !FD_ISSET(0, &rd)) return 1;
    read_line(line, sizeof line);
    printf("line 2: [%s]\n", line);
    return 0;
  }
  if (!strcmp(mode, "mix")) {
    int s = udp_socket(9000);
    pthread_t t;
    pthread_create(&t, NULL, late_sender, NULL);
    struct pollfd p[2] = {{0, POLLIN, 0}, {s, POLLIN, 0}};
    int r = poll(p, 2, 10000);
    printf("mix 1: %d stdin %#x socket %#x\n", r, p[0].revents, p[1].revents);
    if (r != 1 || p[0].revents || !(p[1].revents & POLLIN)) return 1;
    char buf[16];
    ssize_t n = recv(s, buf, sizeof buf, 0);
    printf("mix 1: socket read %zd\n", n);
    r = poll(p, 2, 10000);
    printf("mix 2: %d stdin %#x socket %#x\n", r, p[0].revents, p[1].revents);
    if (r != 1 || !(p[0].revents & POLLIN) || p[1].revents) return 1;
    read_line(line, sizeof line);
    printf("mix 2: stdin [%s]\n", line);
    pthread_join(t, NULL);
    return 0;
  }
  if (!strcmp(mode, "readwait")) {
    read_line(line, sizeof line);
    printf("readwait: [%s]\n", line);
    return 0;
  }
  if (!strcmp(mode, "select64")) {
    enum { N = 100 };
    int s[N], maxfd = 0;
    for (int i = 0; i < N; ++i) {
      s[i] = udp_socket((unsigned short)(9100 + i));
      if (s[i] > maxfd) maxfd = s[i];
    }
    send_to(9100 + 77);
    fd_set rd;
    FD_ZERO(&rd);
    for (int i = 0; i < N; ++i) FD_SET(s[i], &rd);
    struct timeval tv = {5, 0};
    int r = select(maxfd + 1, &rd, NULL, NULL, &tv);
    int which = -1;
    for (int i = 0; i < N; ++i)
      if (FD_ISSET(s[i], &rd)) which = i;
    printf("select64: %d ready, socket %d\n", r, which);
    return r == 1 && which == 77 ? 0 : 1;
  }
  if (!strcmp(mode, "fcntl")) {
    /* One fcntl for every descriptor kind: status flags per open file. */
    int fl = fcntl(0, F_GETFL);
    printf("fcntl: console flags nonblock=%d\n", fl >= 0 && (fl & O_NONBLOCK) != 0);
    if (fcntl(0, F_SETFL, fl | O_NONBLOCK) != 0) return 1;
    fl = fcntl(0, F_GETFL);
    char c;
    errno = 0;
    ssize_t n = read(0, &c, 1);
    printf("fcntl: console nonblock=%d read %zd %s\n", (fl & O_NONBLOCK) != 0, n, errno == EAGAIN ? "EAGAIN" : "?");
    int s = udp_socket(9300);
    if (fcntl(s, F_SETFL, O_NONBLOCK) != 0) return 1;
    errno = 0;
    n = recv(s, &c, 1, 0);
    int sfl = fcntl(s, F_GETFL);
    printf("fcntl: socket nonblock=%d recv %zd %s\n", (sfl & O_NONBLOCK) != 0, n,
           errno == EAGAIN || errno == EWOULDBLOCK ? "EAGAIN" : "?");
    fcntl(s, F_SETFL, 0);
    printf("fcntl: socket cleared nonblock=%d\n", (fcntl(s, F_GETFL) & O_NONBLOCK) != 0);
    int d = fcntl(0, F_DUPFD, 10);
    errno = 0;
    int bad = fcntl(999, F_GETFL);
    printf("fcntl: dupfd %s, bad fd %d %s\n", d >= 10 ? ">= 10" : "wrong", bad, errno == EBADF ? "EBADF" : "?");
    errno = 0;
    /* Record locks (lib/fdtab): one process never conflicts with itself. */
    struct flock lk = {0};
    lk.l_type = F_RDLCK;
    lk.l_whence = SEEK_SET;
    int lr = fcntl(0, F_GETLK, &lk);
    printf("fcntl: F_GETLK %d %s\n", lr, lk.l_type == F_UNLCK ? "F_UNLCK" : "?");
    return 0;
  }
  printf("pollio: unknown mode %s\n", mode);
  return 64;
}
