// lib/fdtab's pipes, socketpair, eventfd and epoll (pipe.cpp, eventfd.cpp,
// epoll.cpp, wait.cpp, poll.cpp) over the real descriptor table, against a
// fake platform whose kiln_plat_wait_event runs what "another thread"
// does while the caller sleeps (on_wait). Its own executable.
#include <gtest/gtest.h>

#include <kiln/config.h>
#include <kiln/file.h>
#include <kiln/ipc.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <functional>
#include <string>
#include <vector>

// --- fakes --------------------------------------------------------------------

namespace {
uint64_t clock_ns = 1000000000;
int irq_depth = 0;
std::vector<uint64_t> waits;    // deadlines kiln_plat_wait_event was given
std::vector<int> waits_masked;  // irq depth at each
std::function<void()> on_wait;  // what happens while the caller sleeps
int plat_wakes = 0;

void reset() {
  clock_ns = 1000000000;
  irq_depth = 0;
  waits.clear();
  waits_masked.clear();
  on_wait = nullptr;
  plat_wakes = 0;
}
}  // namespace

extern "C" {
void kiln_assert_fail(const char* cond, const char* file, int line, const char* func) {
  fprintf(stderr, "assertion failed: %s (%s:%d, %s)\n", cond, file, line, func);
  abort();
}
void* kiln_calloc(size_t n, size_t size) { return calloc(n, size); }
size_t big_allocs = 0;  // of a pipe's ring or more
void* kiln_malloc(size_t n) {
  if (n >= CONFIG_LIBFDTAB_PIPE_SIZE) ++big_allocs;
  return malloc(n);
}
void kiln_free(void* p) { free(p); }
int kiln_parse_ulong(const char* s, unsigned long* out) {
  char* end;
  *out = strtoul(s, &end, 0);
  return *s && !*end ? 0 : -EINVAL;
}
unsigned long kiln_plat_irq_save(void) { return irq_depth++; }
void kiln_plat_irq_restore(unsigned long s) { irq_depth = static_cast<int>(s); }
uint64_t kiln_plat_monotonic_ns(void) { return clock_ns; }
void kiln_plat_wait_event(uint64_t deadline) {
  waits.push_back(deadline);
  waits_masked.push_back(irq_depth);
  if (waits.size() > 100000) {
    fprintf(stderr, "kiln_plat_wait_event: waits for ever\n");
    abort();
  }
  // "Another thread" runs with events enabled.
  int depth = irq_depth;
  irq_depth = 0;
  if (on_wait) on_wait();
  else if (deadline) clock_ns = deadline;
  else ADD_FAILURE() << "waited for ever with nothing to wake it";
  irq_depth = depth;
}
void kiln_plat_wake_event(void) { ++plat_wakes; }
void kiln_plat_console_write(const char*, size_t) {}
void kiln_plat_console_flush(void) {}
long kiln_plat_console_read(char*, size_t) { return 0; }
int kiln_plat_console_readable(void) { return 0; }
int kiln_plat_console_arm(void) { return 0; }
}

namespace {

kiln::File* file(int fd) {
  auto f = kiln::fd_get(fd);
  EXPECT_TRUE(f.ok()) << "fd " << fd;
  return f.ok() ? f.value().get() : nullptr;  // the table keeps it alive
}

// read/write on a descriptor: the count, or -errno.
long rd(int fd, void* buf, size_t n) {
  auto r = file(fd)->read(buf, n);
  return r.is_error() ? -r.error().code() : static_cast<long>(r.value());
}
long wr(int fd, const void* buf, size_t n) {
  auto r = file(fd)->write(buf, n);
  return r.is_error() ? -r.error().code() : static_cast<long>(r.value());
}
long wr(int fd, const std::string& s) { return wr(fd, s.data(), s.size()); }
unsigned pollf(int fd, unsigned ev) { return file(fd)->poll(ev); }
void closefd(int fd) { ASSERT_TRUE(kiln::fd_close(fd).ok()); }

constexpr size_t kRing = CONFIG_LIBFDTAB_PIPE_SIZE;

struct Pipe {
  int fd[2] = {-1, -1};
  explicit Pipe(int flags = 0) { EXPECT_TRUE(kiln::pipe_open(fd, flags).ok()); }
  ~Pipe() {
    for (int f : fd)
      if (f >= 0) (void)kiln::fd_close(f);
  }
  void close(int i) {
    closefd(fd[i]);
    fd[i] = -1;
  }
};

class Ipc : public ::testing::Test {
 protected:
  void SetUp() override { reset(); }
  void TearDown() override { reset(); }
};

std::string pattern(size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed) & 0xff);
  return s;
}

}  // namespace

// --- pipes ----------------------------------------------------------------------

TEST_F(Ipc, PipeRoundTripAndFlags) {
  Pipe p;
  EXPECT_EQ(wr(p.fd[1], "hello"), 5);
  EXPECT_EQ(pollf(p.fd[0], kiln::kPollIn), kiln::kPollIn);
  char b[16] = {};
  EXPECT_EQ(rd(p.fd[0], b, sizeof b), 5);
  EXPECT_STREQ(b, "hello");
  EXPECT_EQ(rd(p.fd[1], b, 1), -EBADF) << "the write end does not read";
  EXPECT_EQ(wr(p.fd[0], "x"), -EBADF) << "the read end does not write";
  EXPECT_EQ(file(p.fd[0])->status_flags().value() & O_ACCMODE, O_RDONLY);
  EXPECT_EQ(file(p.fd[1])->status_flags().value() & O_ACCMODE, O_WRONLY);
  int fds[2];
  EXPECT_EQ(kiln::pipe_open(fds, O_APPEND).error().code(), EINVAL);
  EXPECT_TRUE(waits.empty());
}

TEST_F(Ipc, AnIdlePipeHasNoRingYet) {
  size_t before = big_allocs;
  {
    std::vector<Pipe> idle(50);
    EXPECT_EQ(big_allocs, before) << "no ring until the first write";
    EXPECT_EQ(wr(idle[7].fd[1], "x"), 1);
    EXPECT_EQ(big_allocs, before + 1);
    char c;
    EXPECT_EQ(rd(idle[7].fd[0], &c, 1), 1);
  }
}

TEST_F(Ipc, PipeEmptyNonblockingReadIsEagain) {
  Pipe p(O_NONBLOCK | O_CLOEXEC);
  char b[4];
  EXPECT_EQ(rd(p.fd[0], b, 4), -EAGAIN);
  EXPECT_EQ(pollf(p.fd[0], kiln::kPollIn), 0u);
  EXPECT_EQ(pollf(p.fd[1], kiln::kPollOut), kiln::kPollOut);
  EXPECT_TRUE(waits.empty());
}

TEST_F(Ipc, PipeWritesUpToPipeBufAreAtomic) {
  Pipe p(O_NONBLOCK);
  std::string fill = pattern(kRing - 100, 1);
  ASSERT_EQ(wr(p.fd[1], fill), static_cast<long>(fill.size()));
  // 100 bytes of room: a 4096-byte write does not go in part-way.
  EXPECT_EQ(wr(p.fd[1], pattern(4096, 2)), -EAGAIN);
  EXPECT_EQ(wr(p.fd[1], pattern(101, 2)), -EAGAIN) << "101 <= PIPE_BUF: all or nothing";
  EXPECT_EQ(pollf(p.fd[1], kiln::kPollOut), 0u) << "less than PIPE_BUF of room: not writable";
  // Longer than PIPE_BUF: as much as fits.
  EXPECT_EQ(wr(p.fd[1], pattern(5000, 3)), 100);
  EXPECT_EQ(wr(p.fd[1], pattern(5000, 3)), -EAGAIN) << "full";
  int n = -1;
  ASSERT_TRUE(file(p.fd[0])->ioctl(FIONREAD, &n).ok());
  EXPECT_EQ(n, static_cast<int>(kRing));
}

TEST_F(Ipc, BlockingAtomicWriteWaitsForRoomThenGoesInWhole) {
  Pipe p;
  std::string fill = pattern(kRing - 100, 4);
  ASSERT_EQ(wr(p.fd[1], fill), static_cast<long>(fill.size()));
  std::string got;
  int n = 0;
  on_wait = [&] {
    // Nothing of the 4096 bytes went in before there was room for all.
    int in = -1;
    ASSERT_TRUE(file(p.fd[0])->ioctl(FIONREAD, &in).ok());
    EXPECT_EQ(in, static_cast<int>(kRing - 100));
    if (++n == 1) {
      std::string b(5000, '\0');
      ASSERT_EQ(rd(p.fd[0], b.data(), b.size()), 5000);
      got += b;
    }
  };
  std::string atomic = pattern(4096, 5);
  EXPECT_EQ(wr(p.fd[1], atomic), 4096);
  EXPECT_EQ(n, 1);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_GT(waits_masked[0], 0) << "slept with events masked";
  std::string rest(kRing, '\0');
  long r = rd(p.fd[0], rest.data(), rest.size());
  ASSERT_EQ(r, static_cast<long>(kRing - 100 - 5000 + 4096));
  rest.resize(static_cast<size_t>(r));
  got += rest;
  EXPECT_EQ(got, fill + atomic);
}

TEST_F(Ipc, PipeWrapsAroundTheRing) {
  Pipe p(O_NONBLOCK);
  // Odd sizes that do not divide the ring: every offset gets wrapped past.
  std::string out, in;
  for (unsigned i = 0; i < 300; ++i) {
    std::string s = pattern(3001 + i % 7, i);
    ASSERT_EQ(wr(p.fd[1], s), static_cast<long>(s.size()));
    out += s;
    std::string b(2999 + i % 5, '\0');
    long r = rd(p.fd[0], b.data(), b.size());
    ASSERT_GT(r, 0);
    in.append(b.data(), static_cast<size_t>(r));
  }
  std::string b(kRing, '\0');
  long r;
  while ((r = rd(p.fd[0], b.data(), b.size())) > 0) in.append(b.data(), static_cast<size_t>(r));
  EXPECT_EQ(r, -EAGAIN);
  EXPECT_GT(out.size(), 10 * kRing);
  EXPECT_TRUE(in == out) << "bytes differ after wrapping";
}

TEST_F(Ipc, PipeEofWhenAllWritersClosed) {
  Pipe p;
  auto dup = kiln::fd_dup(p.fd[1]);
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(wr(p.fd[1], "ab"), 2);
  p.close(1);
  EXPECT_EQ(pollf(p.fd[0], kiln::kPollIn) & kiln::kPollHup, 0u) << "a writer is left (the dup)";
  closefd(dup.value());
  EXPECT_EQ(pollf(p.fd[0], kiln::kPollIn), kiln::kPollIn | kiln::kPollHup);
  char b[8];
  EXPECT_EQ(rd(p.fd[0], b, 8), 2) << "what was written is still read";
  EXPECT_EQ(rd(p.fd[0], b, 8), 0) << "then end of file";
  EXPECT_TRUE(waits.empty()) << "end of file does not block";
}

TEST_F(Ipc, PipeBlockedReaderWakesAtEof) {
  Pipe p;
  on_wait = [&] { p.close(1); };
  char b[8];
  EXPECT_EQ(rd(p.fd[0], b, 8), 0);
  EXPECT_EQ(waits.size(), 1u);
}

TEST_F(Ipc, PipeEpipeWhenAllReadersClosed) {
  Pipe p;
  p.close(0);
  EXPECT_EQ(wr(p.fd[1], "x"), -EPIPE);
  EXPECT_EQ(pollf(p.fd[1], kiln::kPollOut), kiln::kPollErr);
  // A blocked writer gets EPIPE (or its partial count) when the reader goes.
  Pipe q;
  std::string fill = pattern(kRing, 6);
  ASSERT_EQ(wr(q.fd[1], fill), static_cast<long>(kRing));
  on_wait = [&] { q.close(0); };
  EXPECT_EQ(wr(q.fd[1], "y"), -EPIPE);
  EXPECT_EQ(waits.size(), 1u);
}

TEST_F(Ipc, BlockingReadSleepsUntilAWrite) {
  Pipe p;
  on_wait = [&] { EXPECT_EQ(wr(p.fd[1], "late"), 4); };
  char b[8] = {};
  EXPECT_EQ(rd(p.fd[0], b, 8), 4);
  EXPECT_STREQ(b, "late");
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0], 0u);
  EXPECT_GT(waits_masked[0], 0);
  EXPECT_GE(plat_wakes, 1) << "the write woke the reader";
}

TEST_F(Ipc, BlockingWriteLargerThanTheRing) {
  Pipe p;
  std::string big = pattern(3 * kRing + 123, 7), got;
  on_wait = [&] {
    std::string b(10000, '\0');
    long r = rd(p.fd[0], b.data(), b.size());
    ASSERT_GT(r, 0);
    got.append(b.data(), static_cast<size_t>(r));
  };
  EXPECT_EQ(wr(p.fd[1], big), static_cast<long>(big.size()));
  on_wait = nullptr;
  ASSERT_TRUE(file(p.fd[0])->set_status_flags(O_NONBLOCK).ok());
  std::string b(kRing, '\0');
  long r;
  while ((r = rd(p.fd[0], b.data(), b.size())) > 0) got.append(b.data(), static_cast<size_t>(r));
  EXPECT_TRUE(got == big);
}

// --- socketpair -----------------------------------------------------------------

TEST_F(Ipc, SocketpairIsTwoCrossedStreams) {
  int s[2];
  ASSERT_TRUE(kiln::socketpair_open(1, 1, 0, s).ok());
  EXPECT_EQ(wr(s[0], "ping"), 4);
  EXPECT_EQ(wr(s[1], "pong!"), 5);
  char b[8] = {};
  EXPECT_EQ(rd(s[1], b, 8), 4);
  EXPECT_STREQ(b, "ping");
  memset(b, 0, sizeof b);
  EXPECT_EQ(rd(s[0], b, 8), 5);
  EXPECT_STREQ(b, "pong!");
  struct stat st;
  ASSERT_TRUE(file(s[0])->stat(&st).ok());
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  closefd(s[1]);
  EXPECT_EQ(rd(s[0], b, 8), 0) << "peer gone: end of file";
  EXPECT_EQ(wr(s[0], "x"), -EPIPE);
  EXPECT_NE(pollf(s[0], kiln::kPollIn) & kiln::kPollHup, 0u);
  closefd(s[0]);
  EXPECT_EQ(kiln::socketpair_open(2, 1, 0, s).error().code(), EAFNOSUPPORT);
  EXPECT_EQ(kiln::socketpair_open(1, 2, 0, s).error().code(), EOPNOTSUPP);
  ASSERT_TRUE(kiln::socketpair_open(1, 1 | 0x800 | 0x80000, 0, s).ok());
  EXPECT_EQ(rd(s[0], b, 8), -EAGAIN) << "SOCK_NONBLOCK";
  closefd(s[0]);
  closefd(s[1]);
}

// The socket calls on socketpair's ends (File::sendto ... setsockopt), with
// sys/socket.h's values as an image has them (lwIP's, not the host's).
namespace sk {
constexpr int kPeek = 0x01, kWaitall = 0x02, kOob = 0x04, kDontwait = 0x08, kNosignal = 0x20;
constexpr int kSol = 0xfff, kSndbuf = 0x1001, kRcvbuf = 0x1002, kError = 0x1007, kType = 0x1008;
constexpr int kShutRd = 0, kShutWr = 1, kShutRdwr = 2;
long send(int fd, const std::string& m, int flags) {
  auto r = file(fd)->sendto(m.data(), m.size(), flags, nullptr, 0);
  return r.is_error() ? -r.error().code() : static_cast<long>(r.value());
}
long recv(int fd, char* b, size_t n, int flags) {
  auto r = file(fd)->recvfrom(b, n, flags, nullptr, nullptr);
  return r.is_error() ? -r.error().code() : static_cast<long>(r.value());
}
int getopt(int fd, int name, int* v) {
  uint32_t len = sizeof *v;
  auto r = file(fd)->getsockopt(kSol, name, v, &len);
  if (r.ok()) {
    EXPECT_EQ(len, sizeof *v);
  }
  return r.is_error() ? -r.error().code() : 0;
}
}  // namespace sk

TEST_F(Ipc, SocketpairSendRecvFlags) {
  int s[2];
  ASSERT_TRUE(kiln::socketpair_open(1, 1, 0, s).ok());
  char b[16] = {};
  EXPECT_EQ(sk::recv(s[0], b, sizeof b, sk::kDontwait), -EAGAIN) << "MSG_DONTWAIT on a blocking socket";
  EXPECT_TRUE(waits.empty());
  EXPECT_EQ(sk::send(s[1], "hello", sk::kNosignal | sk::kDontwait), 5);
  EXPECT_EQ(sk::recv(s[0], b, 3, sk::kPeek), 3);
  EXPECT_EQ(std::string(b, 3), "hel");
  EXPECT_EQ(sk::recv(s[0], b, sizeof b, 0), 5) << "MSG_PEEK left the bytes there";
  EXPECT_EQ(std::string(b, 5), "hello");
  EXPECT_EQ(sk::recv(s[0], b, 1, sk::kOob), -EOPNOTSUPP);
  uint32_t fromlen = 99;
  EXPECT_EQ(sk::send(s[1], "ab", 0), 2);
  auto r = file(s[0])->recvfrom(b, sizeof b, 0, nullptr, &fromlen);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 2u);
  EXPECT_EQ(fromlen, 0u) << "an unnamed peer";
  struct sockaddr sa = {};
  EXPECT_EQ(file(s[0])->sendto("x", 1, 0, &sa, sizeof sa).error().code(), EISCONN);
  // MSG_WAITALL: the other "thread" sends in two pieces.
  int step = 0;
  on_wait = [&] {
    if (step++ == 0) EXPECT_EQ(sk::send(s[1], "wor", 0), 3);
    else EXPECT_EQ(sk::send(s[1], "ld", 0), 2);
  };
  EXPECT_EQ(sk::recv(s[0], b, 5, sk::kWaitall), 5);
  EXPECT_EQ(std::string(b, 5), "world");
  EXPECT_EQ(step, 2);
  on_wait = nullptr;
  closefd(s[0]);
  closefd(s[1]);
}

TEST_F(Ipc, SocketpairSendmsgRecvmsg) {
  int s[2];
  ASSERT_TRUE(kiln::socketpair_open(1, 1, 0, s).ok());
  char a[] = "scatter", g[] = "/gather";
  struct iovec out[2] = {{a, 7}, {g, 7}};
  struct msghdr m = {};
  m.msg_iov = out;
  m.msg_iovlen = 2;
  auto w = file(s[0])->sendmsg(&m, 0);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.value(), 14u);
  char x[4], y[32] = {};
  struct iovec in[2] = {{x, 4}, {y, sizeof y}};
  struct msghdr rm = {};
  rm.msg_iov = in;
  rm.msg_iovlen = 2;
  rm.msg_controllen = 10;
  rm.msg_flags = 7;
  auto r = file(s[1])->recvmsg(&rm, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 14u);
  EXPECT_EQ(std::string(x, 4) + y, "scatter/gather");
  EXPECT_EQ(rm.msg_controllen, 0u);
  EXPECT_EQ(rm.msg_flags, 0);
  char ctl[16];
  m.msg_control = ctl;
  m.msg_controllen = sizeof ctl;
  EXPECT_EQ(file(s[0])->sendmsg(&m, 0).error().code(), EOPNOTSUPP) << "no SCM_RIGHTS";
  closefd(s[0]);
  closefd(s[1]);
}

TEST_F(Ipc, SocketpairShutdown) {
  int s[2];
  char b[8];
  // SHUT_WR: the peer reads what was sent, then end of file; our writes EPIPE.
  ASSERT_TRUE(kiln::socketpair_open(1, 1, 0, s).ok());
  EXPECT_EQ(sk::send(s[0], "bye", 0), 3);
  EXPECT_EQ(pollf(s[1], kiln::kPollRdHup) & kiln::kPollRdHup, 0u);
  ASSERT_TRUE(file(s[0])->shutdown(sk::kShutWr).ok());
  EXPECT_EQ(sk::send(s[0], "x", 0), -EPIPE);
  EXPECT_EQ(sk::recv(s[1], b, sizeof b, 0), 3);
  EXPECT_EQ(sk::recv(s[1], b, sizeof b, 0), 0) << "end of file after SHUT_WR";
  EXPECT_NE(pollf(s[1], kiln::kPollIn | kiln::kPollRdHup) & kiln::kPollRdHup, 0u);
  EXPECT_EQ(pollf(s[1], kiln::kPollIn) & kiln::kPollHup, 0u) << "only one direction is shut";
  EXPECT_EQ(sk::send(s[1], "back", 0), 4) << "the other direction still works";
  EXPECT_EQ(sk::recv(s[0], b, sizeof b, 0), 4);
  closefd(s[0]);
  closefd(s[1]);
  // SHUT_RD: what is there is read, then end of file; the peer's writes EPIPE.
  ASSERT_TRUE(kiln::socketpair_open(1, 1, 0, s).ok());
  EXPECT_EQ(sk::send(s[1], "left", 0), 4);
  ASSERT_TRUE(file(s[0])->shutdown(sk::kShutRd).ok());
  EXPECT_EQ(sk::send(s[1], "more", 0), -EPIPE);
  EXPECT_EQ(sk::recv(s[0], b, sizeof b, 0), 4);
  EXPECT_EQ(sk::recv(s[0], b, sizeof b, 0), 0);
  EXPECT_EQ(sk::send(s[0], "ok", 0), 2);
  // SHUT_RDWR: both; poll says POLLHUP.
  ASSERT_TRUE(file(s[0])->shutdown(sk::kShutRdwr).ok());
  EXPECT_NE(pollf(s[0], kiln::kPollIn) & kiln::kPollHup, 0u);
  EXPECT_NE(pollf(s[1], kiln::kPollIn) & kiln::kPollHup, 0u);
  EXPECT_EQ(file(s[0])->shutdown(7).error().code(), EINVAL);
  closefd(s[0]);
  closefd(s[1]);
  // A blocked reader is woken by the peer's shutdown.
  ASSERT_TRUE(kiln::socketpair_open(1, 1, 0, s).ok());
  on_wait = [&] { ASSERT_TRUE(file(s[1])->shutdown(sk::kShutWr).ok()); };
  EXPECT_EQ(sk::recv(s[0], b, sizeof b, 0), 0);
  on_wait = nullptr;
  closefd(s[0]);
  closefd(s[1]);
}

TEST_F(Ipc, SocketpairSockopts) {
  int s[2];
  ASSERT_TRUE(kiln::socketpair_open(1, 1, 0, s).ok());
  int v = -1;
  EXPECT_EQ(sk::getopt(s[0], sk::kType, &v), 0);
  EXPECT_EQ(v, 1) << "SOCK_STREAM";
  EXPECT_EQ(sk::getopt(s[0], sk::kError, &v), 0);
  EXPECT_EQ(v, 0);
  EXPECT_EQ(sk::getopt(s[0], sk::kRcvbuf, &v), 0);
  EXPECT_EQ(v, static_cast<int>(kRing));
  EXPECT_EQ(sk::getopt(s[0], sk::kSndbuf, &v), 0);
  EXPECT_EQ(v, static_cast<int>(kRing));
  EXPECT_EQ(sk::getopt(s[0], 0x7777, &v), -ENOPROTOOPT);
  uint32_t small = 2;
  EXPECT_EQ(file(s[0])->getsockopt(sk::kSol, sk::kType, &v, &small).error().code(), EINVAL);
  EXPECT_EQ(file(s[0])->getsockopt(6, 1, &v, &small).error().code(), ENOPROTOOPT) << "not SOL_SOCKET";
  int big = 1 << 20;
  EXPECT_TRUE(file(s[0])->setsockopt(sk::kSol, sk::kSndbuf, &big, sizeof big).ok());
  EXPECT_EQ(file(s[0])->setsockopt(sk::kSol, 0x7777, &big, sizeof big).error().code(), ENOPROTOOPT);
  closefd(s[0]);
  closefd(s[1]);
  // A pipe is no socket.
  Pipe p;
  EXPECT_EQ(sk::send(p.fd[1], "x", 0), -ENOTSOCK);
  EXPECT_EQ(file(p.fd[0])->shutdown(sk::kShutRd).error().code(), ENOTSOCK);
  EXPECT_EQ(sk::getopt(p.fd[0], sk::kType, &v), -ENOTSOCK);
}

// --- FIFOs ------------------------------------------------------------------------

unsigned pollf_file(kiln::File* f) { return f->poll(kiln::kPollIn) & (kiln::kPollIn | kiln::kPollHup); }
long frd_nb(kiln::File* f, char* b, size_t n) {
  (void)f->set_status_flags(O_NONBLOCK);
  auto r = f->read(b, n);
  return r.is_error() ? -r.error().code() : static_cast<long>(r.value());
}
kiln::File* fifo(kiln::Fifo* f, int flags, int* err = nullptr) {
  auto r = kiln::fifo_open(f, flags);
  if (err) *err = r.is_error() ? r.error().code() : 0;
  return r.is_error() ? nullptr : r.value();
}
long frd(kiln::File* f, char* b, size_t n) {
  auto r = f->read(b, n);
  return r.is_error() ? -r.error().code() : static_cast<long>(r.value());
}
long fwr(kiln::File* f, const std::string& m) {
  auto r = f->write(m.data(), m.size());
  return r.is_error() ? -r.error().code() : static_cast<long>(r.value());
}

TEST_F(Ipc, FifoOpensShareOnePipe) {
  kiln::Fifo* node = kiln::fifo_new().value();
  int err;
  EXPECT_EQ(fifo(node, O_WRONLY | O_NONBLOCK, &err), nullptr);
  EXPECT_EQ(err, ENXIO) << "a non-blocking writer with no reader";
  kiln::File* r = fifo(node, O_RDONLY | O_NONBLOCK);
  ASSERT_NE(r, nullptr) << "a non-blocking reader opens at once";
  EXPECT_TRUE(waits.empty());
  char b[16];
  EXPECT_EQ(frd(r, b, sizeof b), 0) << "no writer: end of file";
  kiln::File* w1 = fifo(node, O_WRONLY | O_NONBLOCK);
  ASSERT_NE(w1, nullptr) << "now there is a reader";
  kiln::File* w2 = fifo(node, O_WRONLY);
  ASSERT_NE(w2, nullptr) << "a blocking writer with a reader there does not wait";
  EXPECT_TRUE(waits.empty());
  EXPECT_EQ(fwr(w1, "one,"), 4);
  EXPECT_EQ(fwr(w2, "two"), 3);
  EXPECT_EQ(frd(r, b, sizeof b), 7);
  EXPECT_EQ(std::string(b, 7), "one,two") << "both writers into one pipe";
  EXPECT_EQ(frd(r, b, sizeof b), -EAGAIN) << "writers there: no end of file";
  struct stat st;
  ASSERT_TRUE(r->stat(&st).ok());
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  ASSERT_TRUE(w1->unref().ok());
  EXPECT_EQ(frd(r, b, sizeof b), -EAGAIN) << "one writer left";
  ASSERT_TRUE(w2->unref().ok());
  EXPECT_EQ(frd(r, b, sizeof b), 0) << "the last writer gone: end of file";
  EXPECT_NE(pollf_file(r), 0u);
  // A reader that is gone: writes fail with EPIPE.
  kiln::File* w3 = fifo(node, O_WRONLY | O_NONBLOCK);
  ASSERT_NE(w3, nullptr);
  EXPECT_EQ(fwr(w3, "left"), 4);
  ASSERT_TRUE(r->unref().ok());
  EXPECT_EQ(fwr(w3, "x"), -EPIPE);
  ASSERT_TRUE(w3->unref().ok());
  // Everything closed: the data is gone (as Linux); a new pair starts empty.
  kiln::File* rw = fifo(node, O_RDWR);
  ASSERT_NE(rw, nullptr) << "O_RDWR never waits";
  EXPECT_EQ(frd_nb(rw, b, sizeof b), -EAGAIN);
  ASSERT_TRUE(rw->unref().ok());
  kiln::fifo_put(node);
}

TEST_F(Ipc, FifoBlockingOpensWaitForTheOtherSide) {
  kiln::Fifo* node = kiln::fifo_new().value();
  kiln::File* w = nullptr;
  // The reader's open waits; "another thread" opens for writing and writes.
  on_wait = [&] {
    if (w) return;
    w = fifo(node, O_WRONLY);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(fwr(w, "hi"), 2);
  };
  kiln::File* r = fifo(node, O_RDONLY);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(waits.size(), 1u) << "slept once, until the writer came";
  char b[4];
  EXPECT_EQ(frd(r, b, sizeof b), 2);
  ASSERT_TRUE(w->unref().ok());
  ASSERT_TRUE(r->unref().ok());
  // The writer's open waits for a reader.
  kiln::File* r2 = nullptr;
  on_wait = [&] {
    if (!r2) r2 = fifo(node, O_RDONLY | O_NONBLOCK);
  };
  size_t before = waits.size();
  kiln::File* w2 = fifo(node, O_WRONLY);
  ASSERT_NE(w2, nullptr);
  ASSERT_NE(r2, nullptr);
  EXPECT_EQ(waits.size(), before + 1);
  on_wait = nullptr;
  ASSERT_TRUE(w2->unref().ok());
  ASSERT_TRUE(r2->unref().ok());
  kiln::fifo_put(node);
}

// --- advisory locks (locks.cpp) ---------------------------------------------------

// Open file descriptions of one "file" (lock_key: the shared node), with
// an offset and a size for SEEK_CUR / SEEK_END ranges.
class LockFile final : public kiln::File {
 public:
  LockFile(const void* node, int acc) : node_(node) { status_ = acc; }
  const void* lock_key() const override { return node_; }
  kiln::Result<off_t> seek(off_t off, int whence) override {
    if (whence == SEEK_CUR) return kiln::Ok(pos + off);
    pos = off;
    return kiln::Ok(pos);
  }
  kiln::Result<void> stat(struct stat* st) override {
    memset(st, 0, sizeof *st);
    st->st_size = 1000;
    return {};
  }
  kiln::Result<void> release() override {
    ++released;
    return {};
  }
  off_t pos = 0;
  int released = 0;

 private:
  const void* node_;
};

int fl(kiln::File& f, int op) {
  auto r = kiln::flock_file(f, op);
  return r.is_error() ? -r.error().code() : 0;
}

struct flock range(int type, off_t start, off_t len, int whence = SEEK_SET) {
  struct flock l = {};
  l.l_type = static_cast<short>(type);
  l.l_whence = static_cast<short>(whence);
  l.l_start = start;
  l.l_len = len;
  return l;
}
int lk(kiln::File& f, int cmd, struct flock l) {
  auto r = kiln::fcntl_lock(f, cmd, &l);
  return r.is_error() ? -r.error().code() : 0;
}

TEST_F(Ipc, FlockSharedExclusiveAndNonblocking) {
  int node;
  LockFile a(&node, O_RDWR), b(&node, O_RDONLY), other(&a, O_RDWR);
  int fa = kiln::fd_install(&a).value(), fb = kiln::fd_install(&b).value();
  EXPECT_EQ(fl(a, LOCK_EX), 0);
  EXPECT_EQ(fl(b, LOCK_EX | LOCK_NB), -EWOULDBLOCK) << "another description of the file";
  EXPECT_EQ(fl(b, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
  EXPECT_EQ(fl(other, LOCK_EX | LOCK_NB), 0) << "another file";
  EXPECT_EQ(fl(a, LOCK_EX | LOCK_NB), 0) << "the holder again";
  EXPECT_EQ(fl(a, LOCK_SH), 0) << "converted to shared";
  EXPECT_EQ(fl(b, LOCK_SH | LOCK_NB), 0) << "two shared";
  EXPECT_EQ(fl(a, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
  EXPECT_EQ(fl(b, LOCK_UN), 0);
  EXPECT_EQ(fl(a, LOCK_EX | LOCK_NB), 0);
  EXPECT_EQ(fl(a, 0), -EINVAL);
  EXPECT_EQ(fl(a, LOCK_SH | LOCK_EX), -EINVAL);
  // Blocking: b waits (the calling thread only) until a unlocks.
  int sleeps = 0;
  on_wait = [&] {
    if (++sleeps == 2) {
      EXPECT_EQ(fl(a, LOCK_UN), 0);
    }
  };
  EXPECT_EQ(fl(b, LOCK_EX), 0);
  EXPECT_EQ(sleeps, 2) << "slept until the unlock";
  EXPECT_NE(waits_masked.back(), 0) << "slept with events masked";
  on_wait = nullptr;
  EXPECT_EQ(fl(a, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
  // dup shares the description: closing one descriptor keeps the lock, the
  // last close drops it.
  int fb2 = kiln::fd_dup(fb).value();
  closefd(fb);
  EXPECT_EQ(fl(a, LOCK_SH | LOCK_NB), -EWOULDBLOCK) << "a dup still holds it";
  closefd(fb2);
  EXPECT_EQ(b.released, 1);
  EXPECT_EQ(fl(a, LOCK_EX | LOCK_NB), 0) << "released with the last close";
  closefd(fa);
  EXPECT_EQ(fl(other, LOCK_UN), 0);
  EXPECT_EQ(kiln::lock_records(), 0u);
}

TEST_F(Ipc, FcntlLocksPosixAndOfd) {
  int node;
  LockFile a(&node, O_RDWR), b(&node, O_RDWR), ro(&node, O_RDONLY), wo(&node, O_WRONLY);
  int fa = kiln::fd_install(&a).value(), fb = kiln::fd_install(&b).value();
  // POSIX locks belong to the process: never a conflict with itself.
  EXPECT_EQ(lk(a, F_SETLK, range(F_WRLCK, 0, 100)), 0);
  EXPECT_EQ(lk(b, F_SETLK, range(F_WRLCK, 50, 100)), 0) << "same process";
  struct flock q = range(F_WRLCK, 0, 0);
  EXPECT_EQ(lk(b, F_GETLK, q), 0);
  ASSERT_TRUE(kiln::fcntl_lock(b, F_GETLK, &q).ok());
  EXPECT_EQ(q.l_type, F_UNLCK) << "F_GETLK: nothing of another owner";
  // OFD locks belong to the description: they conflict with the process's
  // and with other descriptions'.
  EXPECT_EQ(lk(b, F_OFD_SETLK, range(F_RDLCK, 10, 5)), -EAGAIN);
  EXPECT_EQ(lk(b, F_OFD_SETLK, range(F_RDLCK, 200, 10)), 0);
  EXPECT_EQ(lk(a, F_OFD_SETLK, range(F_WRLCK, 205, 1)), -EAGAIN);
  EXPECT_EQ(lk(a, F_OFD_SETLK, range(F_RDLCK, 205, 1)), 0) << "two readers";
  q = range(F_WRLCK, 0, 150);
  ASSERT_TRUE(kiln::fcntl_lock(a, F_OFD_GETLK, &q).ok());
  EXPECT_EQ(q.l_type, F_WRLCK) << "the process's write lock on 0..149";
  EXPECT_EQ(q.l_start, 0);
  EXPECT_EQ(q.l_len, 150);
  EXPECT_EQ(q.l_pid, static_cast<short>(getpid()));
  q = range(F_WRLCK, 200, 1);
  ASSERT_TRUE(kiln::fcntl_lock(a, F_OFD_GETLK, &q).ok());
  EXPECT_EQ(q.l_type, F_RDLCK);
  EXPECT_EQ(q.l_start, 200);
  EXPECT_EQ(q.l_pid, -1) << "an OFD lock has no pid";
  // Unlocking the middle splits the process's lock.
  EXPECT_EQ(lk(a, F_SETLK, range(F_UNLCK, 20, 10)), 0);
  EXPECT_EQ(lk(b, F_OFD_SETLK, range(F_WRLCK, 22, 5)), 0) << "the hole";
  EXPECT_EQ(lk(b, F_OFD_SETLK, range(F_WRLCK, 19, 2)), -EAGAIN) << "the left part is still there";
  EXPECT_EQ(lk(b, F_OFD_SETLK, range(F_WRLCK, 30, 1)), -EAGAIN) << "and the right part";
  // SEEK_CUR, SEEK_END, negative lengths.
  a.pos = 500;
  EXPECT_EQ(lk(a, F_OFD_SETLK, range(F_WRLCK, 10, -5, SEEK_CUR)), 0);  // 505..509
  EXPECT_EQ(lk(b, F_OFD_SETLK, range(F_WRLCK, 509, 1)), -EAGAIN);
  EXPECT_EQ(lk(b, F_OFD_SETLK, range(F_WRLCK, 510, 1)), 0);
  EXPECT_EQ(lk(a, F_OFD_SETLK, range(F_WRLCK, -1, 1, SEEK_END)), 0);  // 999
  EXPECT_EQ(lk(b, F_OFD_SETLK, range(F_RDLCK, 999, 0)), -EAGAIN);
  // Arguments.
  EXPECT_EQ(lk(a, F_SETLK, range(7, 0, 1)), -EINVAL) << "bad l_type";
  EXPECT_EQ(lk(a, F_SETLK, range(F_RDLCK, 0, 1, 9)), -EINVAL) << "bad l_whence";
  EXPECT_EQ(lk(a, F_GETLK, range(F_UNLCK, 0, 1)), -EINVAL);
  EXPECT_EQ(lk(a, F_SETLK, range(F_RDLCK, -1, 1)), -EINVAL) << "before the start";
  EXPECT_EQ(lk(ro, F_SETLK, range(F_WRLCK, 0, 1)), -EBADF) << "write lock, read-only";
  EXPECT_EQ(lk(wo, F_SETLK, range(F_RDLCK, 0, 1)), -EBADF) << "read lock, write-only";
  struct flock withpid = range(F_RDLCK, 0, 1);
  withpid.l_pid = 5;
  EXPECT_EQ(lk(a, F_OFD_SETLK, withpid), -EINVAL) << "OFD with l_pid";
  // F_OFD_SETLKW waits for the other description's unlock.
  on_wait = [&] { EXPECT_EQ(lk(b, F_OFD_SETLK, range(F_UNLCK, 0, 0)), 0); };
  EXPECT_EQ(lk(a, F_OFD_SETLKW, range(F_WRLCK, 200, 20)), 0);
  on_wait = nullptr;
  // Closing any descriptor of the file drops the process's POSIX locks;
  // OFD locks go with their description's last close.
  int fa2 = kiln::fd_dup(fa).value();
  closefd(fa2);
  EXPECT_EQ(lk(b, F_OFD_SETLK, range(F_WRLCK, 0, 19)), 0) << "POSIX locks gone at a close";
  EXPECT_EQ(lk(b, F_OFD_SETLK, range(F_WRLCK, 999, 1)), -EAGAIN) << "a's OFD lock is still there";
  closefd(fa);
  EXPECT_EQ(lk(b, F_OFD_SETLK, range(F_WRLCK, 999, 1)), 0) << "gone with a's last close";
  closefd(fb);
  EXPECT_EQ(kiln::lock_records(), 0u);
}

// --- eventfd --------------------------------------------------------------------

TEST_F(Ipc, EventfdCountsAndResets) {
  int fd = kiln::eventfd_open(3, EFD_NONBLOCK).value();
  uint64_t v = 4;
  EXPECT_EQ(wr(fd, &v, 8), 8);
  EXPECT_EQ(wr(fd, &v, 4), -EINVAL) << "under 8 bytes";
  EXPECT_EQ(rd(fd, &v, 7), -EINVAL);
  EXPECT_EQ(rd(fd, &v, 8), 8);
  EXPECT_EQ(v, 7u);
  EXPECT_EQ(rd(fd, &v, 8), -EAGAIN) << "reset to 0";
  EXPECT_EQ(pollf(fd, kiln::kPollIn | kiln::kPollOut), kiln::kPollOut);
  v = ~uint64_t{0};
  EXPECT_EQ(wr(fd, &v, 8), -EINVAL) << "0xffffffffffffffff is never a value";
  v = 0xfffffffffffffffeull;
  EXPECT_EQ(wr(fd, &v, 8), 8);
  EXPECT_EQ(pollf(fd, kiln::kPollIn | kiln::kPollOut), kiln::kPollIn) << "at the maximum: not writable";
  v = 1;
  EXPECT_EQ(wr(fd, &v, 8), -EAGAIN) << "would pass 0xfffffffffffffffe";
  v = 0;
  EXPECT_EQ(wr(fd, &v, 8), 8) << "adding 0 always fits";
  EXPECT_EQ(rd(fd, &v, 16), 8);
  EXPECT_EQ(v, 0xfffffffffffffffeull);
  closefd(fd);
  EXPECT_EQ(kiln::eventfd_open(0, 0x4).error().code(), EINVAL);
}

TEST_F(Ipc, EventfdSemaphore) {
  int fd = kiln::eventfd_open(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC).value();
  uint64_t v = 0;
  EXPECT_EQ(rd(fd, &v, 8), 8);
  EXPECT_EQ(v, 1u);
  EXPECT_EQ(rd(fd, &v, 8), 8);
  EXPECT_EQ(v, 1u);
  EXPECT_EQ(rd(fd, &v, 8), -EAGAIN);
  closefd(fd);
}

TEST_F(Ipc, EventfdBlockingReadAndWrite) {
  int fd = kiln::eventfd_open(0, 0).value();
  on_wait = [&] {
    uint64_t one = 5;
    EXPECT_EQ(wr(fd, &one, 8), 8);
  };
  uint64_t v = 0;
  EXPECT_EQ(rd(fd, &v, 8), 8);
  EXPECT_EQ(v, 5u);
  EXPECT_EQ(waits.size(), 1u);
  // A write that does not fit waits for a read, even though 1 would fit.
  reset();
  v = 0xfffffffffffffff0ull;
  ASSERT_EQ(wr(fd, &v, 8), 8);
  int n = 0;
  on_wait = [&] {
    uint64_t got;
    if (++n == 1) {
      // Something unrelated: the writer must sleep again.
      kiln::ready_wake();
      return;
    }
    EXPECT_EQ(rd(fd, &got, 8), 8);
  };
  v = 0x20;
  EXPECT_EQ(wr(fd, &v, 8), 8);
  EXPECT_EQ(n, 2);
  ASSERT_EQ(rd(fd, &v, 8), 8);
  EXPECT_EQ(v, 0x20u);
  closefd(fd);
}

// --- epoll over fake files ------------------------------------------------------

namespace {

// A file whose readiness the test sets; it wakes its waiters (or, with
// targeted false, only announces through ready_wake, as a socket does).
class FakeFile final : public kiln::File {
 public:
  explicit FakeFile(bool targeted = true) : targeted_(targeted) {}
  unsigned ready = 0;
  int polls = 0;
  bool released = false;
  unsigned poll(unsigned events) override {
    ++polls;
    return ready & (events | kiln::kPollErr | kiln::kPollHup);
  }
  bool wakes_waiters() override { return targeted_; }
  void set(unsigned r) {
    ready = r;
    if (targeted_) wake(r);
    else kiln::ready_wake();
  }
  kiln::Result<void> release() override {
    released = true;
    return {};
  }

 private:
  bool targeted_;
};

int install(FakeFile& f) {
  auto fd = kiln::fd_install(&f);
  EXPECT_TRUE(fd.ok());
  return fd.value();
}

int ctl(int ep, int op, int fd, uint32_t events, uint64_t data = 0) {
  epoll_event ev = {events, {}};
  ev.data.u64 = data;
  auto r = kiln::epoll_control(ep, op, fd, &ev);
  return r.is_error() ? -r.error().code() : 0;
}

int ewait(int ep, epoll_event* out, int max, int64_t timeout_ms) {
  auto r = kiln::epoll_wait_ns(ep, out, max, timeout_ms < 0 ? -1 : timeout_ms * 1000000);
  return r.is_error() ? -r.error().code() : r.value();
}

}  // namespace

TEST_F(Ipc, EpollLevelTriggered) {
  FakeFile a;
  int fa = install(a);
  int ep = kiln::epoll_open(0).value();
  ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, fa, EPOLLIN, 42), 0);
  epoll_event out[4];
  EXPECT_EQ(ewait(ep, out, 4, 0), 0);
  a.set(kiln::kPollIn);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(ewait(ep, out, 4, 0), 1) << "level-triggered: reported while it holds";
    EXPECT_EQ(out[0].events, EPOLLIN);
    EXPECT_EQ(out[0].data.u64, 42u);
  }
  a.ready = 0;  // drained (no wake-up needed for "less ready")
  EXPECT_EQ(ewait(ep, out, 4, 0), 0);
  a.polls = 0;
  EXPECT_EQ(ewait(ep, out, 4, 0), 0);
  EXPECT_EQ(a.polls, 0) << "off the ready list once found not ready";
  closefd(ep);
  closefd(fa);
  EXPECT_TRUE(a.released);
}

TEST_F(Ipc, EpollEdgeTriggered) {
  FakeFile a;
  int fa = install(a);
  int ep = kiln::epoll_open(0).value();
  ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, fa, EPOLLIN | EPOLLET), 0);
  epoll_event out[4];
  a.set(kiln::kPollIn);
  EXPECT_EQ(ewait(ep, out, 4, 0), 1);
  EXPECT_EQ(ewait(ep, out, 4, 0), 0) << "edge-triggered: once per change";
  a.set(kiln::kPollIn);  // more data (still readable): a new edge
  EXPECT_EQ(ewait(ep, out, 4, 0), 1);
  EXPECT_EQ(ewait(ep, out, 4, 0), 0);
  // An edge for an event it does not wait for does not count.
  a.set(kiln::kPollIn | kiln::kPollOut);
  a.ready = kiln::kPollOut;
  a.set(kiln::kPollOut);
  EXPECT_EQ(ewait(ep, out, 4, 0), 0);
  closefd(ep);
  closefd(fa);
}

TEST_F(Ipc, EpollOneshotUntilMod) {
  FakeFile a;
  int fa = install(a);
  int ep = kiln::epoll_open(0).value();
  ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, fa, EPOLLIN | EPOLLONESHOT, 7), 0);
  epoll_event out[4];
  a.set(kiln::kPollIn);
  EXPECT_EQ(ewait(ep, out, 4, 0), 1);
  EXPECT_EQ(ewait(ep, out, 4, 0), 0);
  a.set(kiln::kPollIn);
  EXPECT_EQ(ewait(ep, out, 4, 0), 0) << "disabled after one report";
  ASSERT_EQ(ctl(ep, EPOLL_CTL_MOD, fa, EPOLLIN | EPOLLONESHOT, 8), 0);
  ASSERT_EQ(ewait(ep, out, 4, 0), 1) << "re-armed by EPOLL_CTL_MOD";
  EXPECT_EQ(out[0].data.u64, 8u);
  closefd(ep);
  closefd(fa);
}

TEST_F(Ipc, EpollCtlErrors) {
  FakeFile a;
  int fa = install(a);
  int ep = kiln::epoll_open(0).value();
  int ep2 = kiln::epoll_open(EPOLL_CLOEXEC).value();
  EXPECT_EQ(kiln::epoll_open(1).error().code(), EINVAL);
  EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, fa, EPOLLIN), 0);
  EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, fa, EPOLLIN), -EEXIST);
  EXPECT_EQ(ctl(ep, EPOLL_CTL_MOD, ep2, EPOLLIN), -ENOENT);
  EXPECT_EQ(ctl(ep, EPOLL_CTL_DEL, ep2, 0), -ENOENT);
  EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, 4000, EPOLLIN), -EBADF);
  EXPECT_EQ(ctl(4001, EPOLL_CTL_ADD, fa, EPOLLIN), -EBADF);
  EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN), -EINVAL) << "itself";
  EXPECT_EQ(ctl(fa, EPOLL_CTL_ADD, ep, EPOLLIN), -EINVAL) << "not an epoll";
  EXPECT_EQ(ctl(ep, 99, fa, EPOLLIN), -EINVAL);
  EXPECT_EQ(kiln::epoll_control(ep, EPOLL_CTL_MOD, fa, nullptr).error().code(), EFAULT);
  EXPECT_EQ(ctl(ep, EPOLL_CTL_MOD, fa, EPOLLIN | EPOLLEXCLUSIVE), -EINVAL);
  // Nesting: ep2 in ep is fine, ep in ep2 then is a loop.
  EXPECT_EQ(ctl(ep, EPOLL_CTL_ADD, ep2, EPOLLIN), 0);
  EXPECT_EQ(ctl(ep2, EPOLL_CTL_ADD, ep, EPOLLIN), -ELOOP);
  EXPECT_EQ(ctl(ep, EPOLL_CTL_DEL, fa, 0), 0);
  EXPECT_EQ(ctl(ep, EPOLL_CTL_DEL, fa, 0), -ENOENT);
  epoll_event out[1];
  EXPECT_EQ(ewait(ep, out, 0, 0), -EINVAL);
  EXPECT_EQ(ewait(fa, out, 1, 0), -EINVAL);
  closefd(ep);
  closefd(ep2);
  closefd(fa);
}

TEST_F(Ipc, EpollAsksOnlyTheFilesThatWoke) {
  std::vector<FakeFile> files(500);
  std::vector<int> fds;
  int ep = kiln::epoll_open(0).value();
  for (auto& f : files) {
    fds.push_back(install(f));
    ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, fds.back(), EPOLLIN, fds.back()), 0);
  }
  epoll_event out[8];
  EXPECT_EQ(ewait(ep, out, 8, 0), 0);  // the first look at each
  for (auto& f : files) f.polls = 0;
  // One becomes ready while epoll_wait sleeps.
  on_wait = [&] { files[321].set(kiln::kPollIn); };
  ASSERT_EQ(ewait(ep, out, 8, -1), 1);
  EXPECT_EQ(out[0].data.fd, fds[321]);
  int asked = 0;
  for (auto& f : files) asked += f.polls;
  EXPECT_EQ(asked, 1) << "only the file that woke is asked";
  closefd(ep);
  for (int fd : fds) closefd(fd);
}

TEST_F(Ipc, EpollUnrelatedWakeUpsDoNotEndTheSleep) {
  FakeFile a, b;
  int fa = install(a), fb = install(b);
  int ep = kiln::epoll_open(0).value();
  ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, fa, EPOLLIN), 0);
  epoll_event out[2];
  EXPECT_EQ(ewait(ep, out, 2, 0), 0);
  a.polls = 0;
  int n = 0;
  on_wait = [&] {
    if (++n < 4) {
      b.set(kiln::kPollIn);  // not in the set
      kiln::ready_wake();    // a socket somewhere
      return;
    }
    a.set(kiln::kPollIn);
  };
  ASSERT_EQ(ewait(ep, out, 2, -1), 1);
  EXPECT_EQ(n, 4);
  EXPECT_EQ(a.polls, 1) << "slept again without asking its file";
  closefd(ep);
  closefd(fa);
  closefd(fb);
}

TEST_F(Ipc, EpollBroadcastFilesAreAskedEveryTime) {
  FakeFile s(false);  // like a socket
  int fs = install(s);
  int ep = kiln::epoll_open(0).value();
  ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, fs, EPOLLIN | EPOLLET), 0);
  epoll_event out[2];
  EXPECT_EQ(ewait(ep, out, 2, 0), 0);
  on_wait = [&] { s.set(kiln::kPollIn); };
  EXPECT_EQ(ewait(ep, out, 2, -1), 1);
  EXPECT_EQ(ewait(ep, out, 2, 0), 0) << "edge-triggered: not again while unchanged";
  s.ready = 0;
  EXPECT_EQ(ewait(ep, out, 2, 0), 0);
  s.ready = kiln::kPollIn;
  EXPECT_EQ(ewait(ep, out, 2, 0), 1) << "a new rising edge";
  closefd(ep);
  closefd(fs);
}

TEST_F(Ipc, EpollItemGoesWithItsFile) {
  FakeFile a;
  int fa = install(a);
  int ep = kiln::epoll_open(0).value();
  ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, fa, EPOLLIN), 0);
  a.set(kiln::kPollIn);
  closefd(fa);
  EXPECT_TRUE(a.released);
  epoll_event out[2];
  EXPECT_EQ(ewait(ep, out, 2, 0), 0) << "a released file is no longer reported";
  // An epoll closed with items in it leaves nothing on their files.
  FakeFile b;
  int fb = install(b);
  ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, fb, EPOLLIN), 0);
  closefd(ep);
  b.set(kiln::kPollIn);  // would touch a freed item
  closefd(fb);
}

TEST_F(Ipc, EpollOverPipeAndEventfdAndNestedEpoll) {
  Pipe p;
  int efd = kiln::eventfd_open(0, EFD_NONBLOCK).value();
  int ep = kiln::epoll_open(0).value();
  int outer = kiln::epoll_open(0).value();
  ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, p.fd[0], EPOLLIN, 1), 0);
  ASSERT_EQ(ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 2), 0);
  ASSERT_EQ(ctl(outer, EPOLL_CTL_ADD, ep, EPOLLIN, 3), 0);
  epoll_event out[4];
  EXPECT_EQ(ewait(outer, out, 4, 0), 0);
  EXPECT_EQ(pollf(ep, kiln::kPollIn), 0u);
  on_wait = [&] {
    uint64_t one = 1;
    EXPECT_EQ(wr(efd, &one, 8), 8);
  };
  ASSERT_EQ(ewait(outer, out, 4, -1), 1) << "the inner epoll's readiness reaches the outer one";
  EXPECT_EQ(out[0].data.u64, 3u);
  EXPECT_EQ(pollf(ep, kiln::kPollIn), kiln::kPollIn) << "an epoll descriptor is pollable";
  ASSERT_EQ(ewait(ep, out, 4, 0), 1);
  EXPECT_EQ(out[0].data.u64, 2u);
  EXPECT_EQ(wr(p.fd[1], "z"), 1);
  ASSERT_EQ(ewait(ep, out, 4, 0), 2);
  closefd(outer);
  closefd(ep);
  closefd(efd);
}

// --- poll() over pipes: woken only by its own files ---------------------------

TEST_F(Ipc, PollOfIdlePipesIgnoresUnrelatedWakeUps) {
  std::vector<Pipe> pipes(200);
  std::vector<struct pollfd> p;
  for (auto& q : pipes) p.push_back({q.fd[0], POLLIN, 0});
  FakeFile counter;  // one more targeted file in the set, to count the scans
  int fc = install(counter);
  p.push_back({fc, POLLIN, 0});
  int n = 0;
  on_wait = [&] {
    if (++n < 5) {
      kiln::ready_wake();  // a socket that is not in the set
      return;
    }
    EXPECT_EQ(wr(pipes[150].fd[1], "!"), 1);
  };
  ASSERT_EQ(poll(p.data(), static_cast<nfds_t>(p.size()), -1), 1);
  EXPECT_EQ(p[150].revents, POLLIN);
  EXPECT_EQ(n, 5);
  EXPECT_EQ(counter.polls, 2) << "one scan before the sleep, one after the pipe's wake-up";
  closefd(fc);
}
