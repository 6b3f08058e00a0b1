// httpserver: HTTP/1.1 for the files built into the image (www/, see
// gen_www.py). GET and HEAD, keep-alive and pipelining, Content-Length on
// every response, 400 for malformed requests, 404, 405 (with Allow), 413,
// 431 for oversized heads, 501 for chunked request bodies, 505.
//
// One thread per connection: blocking sockets on Kiln's cheap threads (a
// 32 KiB stack each, so 10,000 connections fit in about 400 MiB); the
// parser lives in http_parser.cpp.
//
// At a limit nothing is closed unanswered: with no descriptor left accept
// fails (the socket layer logs it once) and the connection waits in the
// listen backlog; with no memory for a thread the client gets a 503.
//
//   ./httpserver_linuxu-x86_64 net.tap=tap0 net.ip=10.0.2.15/24 -- [port [idle-timeout-s]]
#include "http_parser.h"
#include "www.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>
#include <atomic>
#include <string_view>

namespace {

constexpr size_t kMaxHead = 8192;
constexpr size_t kMaxDiscardBody = 1 << 20;
int idle_timeout_s = 30;

std::atomic<unsigned> active{0};
std::atomic<unsigned long> served{0};

const char* reason(int code) {
  switch (code) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

bool send_all(int fd, struct iovec* iov, int n) {
  while (n > 0) {
    ssize_t w = writev(fd, iov, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    size_t left = static_cast<size_t>(w);
    while (n > 0 && left >= iov->iov_len) {
      left -= iov->iov_len;
      ++iov;
      --n;
    }
    if (n > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + left;
      iov->iov_len -= left;
    }
  }
  return true;
}

// One response; body omitted for HEAD (Content-Length still that of GET).
bool respond(int fd, int code, const char* type, const void* body, size_t len, bool keep_alive, bool head,
             const char* extra = "") {
  char hdr[512];
  int h = snprintf(hdr, sizeof hdr,
                   "HTTP/1.1 %d %s\r\nServer: kiln-httpserver\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                   "Connection: %s\r\n%s\r\n",
                   code, reason(code), type, len, keep_alive ? "keep-alive" : "close", extra);
  struct iovec iov[2] = {{hdr, static_cast<size_t>(h)}, {const_cast<void*>(body), head ? 0 : len}};
  served.fetch_add(1, std::memory_order_relaxed);
  return send_all(fd, iov, head || len == 0 ? 1 : 2);
}

bool respond_error(int fd, int code, bool keep_alive, bool head, const char* extra = "") {
  char body[128];
  int n = snprintf(body, sizeof body, "%d %s\n", code, reason(code));
  return respond(fd, code, "text/plain; charset=utf-8", body, static_cast<size_t>(n), keep_alive, head, extra);
}

const WwwFile* find(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (unsigned i = 0; i < kWwwCount; ++i)
    if (path == kWwwFiles[i].path) return &kWwwFiles[i];
  return nullptr;
}

// After an error: stop sending, read what the client still sends (briefly)
// so the close does not reset the connection before it reads our answer.
void lingering_close(int fd) {
  shutdown(fd, SHUT_WR);
  struct timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char sink[1024];
  for (int i = 0; i < 64; ++i)
    if (read(fd, sink, sizeof sink) <= 0) break;
  close(fd);
}

void* connection(void* arg) {
  int fd = static_cast<int>(reinterpret_cast<long>(arg));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timeval tv{idle_timeout_s, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char* buf = static_cast<char*>(malloc(kMaxHead + 1));
  size_t have = 0;
  bool linger = false;
  for (bool open = buf != nullptr; open;) {
    http::Request req;
    http::Status st = http::parse_request(std::string_view(buf, have), kMaxHead, req);
    if (st == http::Status::Incomplete) {
      ssize_t n = read(fd, buf + have, kMaxHead + 1 - have);
      if (n <= 0) break;  // closed, reset or idle too long
      have += static_cast<size_t>(n);
      continue;
    }
    if (st != http::Status::Complete) {
      int code = st == http::Status::TooLarge ? 431 : st == http::Status::BadVersion ? 505 : 400;
      respond_error(fd, code, false, false);
      linger = true;
      break;
    }
    // The body, if any, is not used: skip it so the next request lines up.
    bool head = req.method == http::Method::Head;
    if (req.chunked) {
      respond_error(fd, 501, false, head);
      linger = true;
      break;
    }
    if (req.content_length > kMaxDiscardBody) {
      respond_error(fd, 413, false, head);
      linger = true;
      break;
    }
    size_t consumed = req.head_len;
    size_t body_left = req.content_length;
    size_t in_buf = have - consumed < body_left ? have - consumed : body_left;
    consumed += in_buf;
    body_left -= in_buf;
    bool ok;
    if (req.method != http::Method::Get && !head) {
      ok = respond_error(fd, 405, req.keep_alive, false, "Allow: GET, HEAD\r\n");
    } else if (const WwwFile* f = find(req.path)) {
      ok = respond(fd, 200, f->type, f->data, f->size, req.keep_alive, head);
    } else {
      ok = respond_error(fd, 404, req.keep_alive, head);
    }
    if (!ok || !req.keep_alive) break;
    while (body_left > 0) {
      char sink[2048];
      ssize_t n = read(fd, sink, body_left < sizeof sink ? body_left : sizeof sink);
      if (n <= 0) {
        open = false;
        break;
      }
      body_left -= static_cast<size_t>(n);
    }
    memmove(buf, buf + consumed, have - consumed);  // pipelined requests
    have -= consumed;
  }
  free(buf);
  if (linger) lingering_close(fd);
  else close(fd);
  active.fetch_sub(1, std::memory_order_relaxed);
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  int port = argc > 1 ? atoi(argv[1]) : 80;
  if (port <= 0 || port > 65535) {
    printf("httpserver: bad port %s\n", argv[1]);
    return 2;
  }
  if (argc > 2) idle_timeout_s = atoi(argv[2]);
  if (idle_timeout_s <= 0) {
    printf("httpserver: bad idle timeout %s\n", argv[2]);
    return 2;
  }
  // IPv6 and IPv4 on one socket where the stack has IPv6 (lwIP binds an
  // AF_INET6 socket on :: to both families); IPv4 only otherwise.
  int one = 1;
  const char* fam = "ipv4 and ipv6";
  int ls = socket(AF_INET6, SOCK_STREAM, 0);
  if (ls >= 0) {
    sockaddr_in6 a6{};
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(static_cast<uint16_t>(port));
    a6.sin6_addr = in6addr_any;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, reinterpret_cast<sockaddr*>(&a6), sizeof a6) < 0 || listen(ls, SOMAXCONN) < 0) {
      printf("httpserver: cannot listen on port %d: %s\n", port, strerror(errno));
      return 1;
    }
  } else {
    fam = "ipv4";
    ls = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (ls < 0 || bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || listen(ls, SOMAXCONN) < 0) {
      printf("httpserver: cannot listen on port %d: %s\n", port, strerror(errno));
      return 1;
    }
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 32 * 1024);
  bool said_no_thread = false;
  printf("httpserver: listening on port %d (%u files, %s)\n", port, kWwwCount, fam);
  fflush(stdout);
  for (;;) {
    int c = accept(ls, nullptr, nullptr);
    if (c < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) usleep(10000);  // at the limit: wait
      continue;
    }
    active.fetch_add(1, std::memory_order_relaxed);
    pthread_t t;
    int e = pthread_create(&t, &attr, connection, reinterpret_cast<void*>(static_cast<long>(c)));
    if (e != 0) {
      // No thread for it: answer (not a silent close) and say so once.
      if (!said_no_thread) {
        printf("httpserver: cannot start a connection thread (%s) with %u open: "
               "answering 503 until one ends\n",
               strerror(e), active.load(std::memory_order_relaxed) - 1);
        fflush(stdout);
        said_no_thread = true;
      }
      respond_error(c, 503, false, false);
      lingering_close(c);
      active.fetch_sub(1, std::memory_order_relaxed);
    }
  }
}
