// echo: TCP and UDP echo on one port (argv[1], default 7). One thread per
// TCP connection, one thread for UDP.
//   ./echo_linuxu-x86_64 net.tap=tap0 net.ip=10.0.2.15/24 -- 7
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int port = 7;

static void* tcp_conn(void* arg) {
  int fd = (int)(long)arg;
  char buf[2048];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(fd, buf + off, (size_t)(n - off));
      if (w <= 0) goto done;
      off += w;
    }
  }
done:
  close(fd);
  return NULL;
}

static void* udp_loop(void* arg) {
  (void)arg;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (fd < 0 || bind(fd, (struct sockaddr*)&a, sizeof a) < 0) {
    printf("echo: udp socket/bind failed: %s\n", strerror(errno));
    return NULL;
  }
  char buf[2048];
  for (;;) {
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr*)&from, &len);
    if (n < 0) continue;
    sendto(fd, buf, (size_t)n, 0, (struct sockaddr*)&from, len);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc > 1) port = atoi(argv[1]);
  if (port <= 0 || port > 65535) {
    printf("echo: bad port %s\n", argv[1]);
    return 2;
  }
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (ls < 0 || bind(ls, (struct sockaddr*)&a, sizeof a) < 0 || listen(ls, SOMAXCONN) < 0) {
    printf("echo: tcp socket/bind/listen failed: %s\n", strerror(errno));
    return 1;
  }
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 32768);
  pthread_create(&t, &attr, udp_loop, NULL);
  printf("echo: listening on tcp and udp port %d\n", port);
  fflush(stdout);
  for (;;) {
    int c = accept(ls, NULL, NULL);
    if (c < 0) {
      printf("echo: accept: %s\n", strerror(errno));
      continue;
    }
    if (pthread_create(&t, &attr, tcp_conn, (void*)(long)c) != 0) close(c);
  }
}
