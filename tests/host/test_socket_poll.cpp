// lib/socket's poll/select (poll.cpp) and SocketFile (sockfile.cpp) over
// the real descriptor table (lib/fdtab) against a fake lwIP and fake
// platform: descriptor -> lwIP socket mapping, POLLNVAL, select over more
// than 64 descriptors and at FD_SETSIZE, timeout conversion, waiting on a
// mix of console and sockets, lost wake-ups, the table's growth and limit.
#include <gtest/gtest.h>

#include <kiln/config.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/time.h>

#include <functional>
#include <map>
#include <vector>

#include "../../lib/socket/src/sockfile.h"

// --- fakes --------------------------------------------------------------------

namespace {
uint64_t clock_ns = 1000000000;
int irq_depth = 0;
std::vector<uint64_t> waits;           // deadlines kiln_plat_wait_event was given
std::vector<int> waits_masked;         // irq depth at each wait
std::function<void()> on_wait;         // what "happens" while the caller sleeps
std::map<int, short> lwip_ready;       // lwIP socket -> revents it reports
std::vector<int> lwip_polled;          // lwIP sockets lwip_poll was asked about
std::function<void()> on_lwip_poll;
std::vector<int> lwip_closed;
bool console_has_input = false;
int console_arms = 0;

void reset() {
  clock_ns = 1000000000;
  irq_depth = 0;
  waits.clear();
  waits_masked.clear();
  on_wait = nullptr;
  lwip_ready.clear();
  lwip_polled.clear();
  on_lwip_poll = nullptr;
  lwip_closed.clear();
  console_has_input = false;
  console_arms = 0;
}
}  // namespace

extern "C" {
void kiln_assert_fail(const char* cond, const char* file, int line, const char* func) {
  fprintf(stderr, "assertion failed: %s (%s:%d, %s)\n", cond, file, line, func);
  abort();
}
void* kiln_calloc(size_t n, size_t size) { return calloc(n, size); }
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
  if (on_wait) on_wait();
  else if (deadline) clock_ns = deadline;  // nothing happens: sleep to the deadline
  else FAIL() << "waited for ever with nothing to wake it";
}
void kiln_plat_wake_event(void) {}
void kiln_plat_console_write(const char*, size_t) {}
void kiln_plat_console_flush(void) {}
long kiln_plat_console_read(char*, size_t) { return 0; }
int kiln_plat_console_readable(void) { return console_has_input; }
int kiln_plat_console_arm(void) {
  ++console_arms;
  return 0;
}
int lwip_poll(struct pollfd* fds, nfds_t n, int timeout) {
  EXPECT_EQ(timeout, 0) << "SocketFile::poll must not block in lwIP";
  int r = 0;
  for (nfds_t i = 0; i < n; ++i) {
    lwip_polled.push_back(fds[i].fd);
    auto it = lwip_ready.find(fds[i].fd);
    fds[i].revents = it == lwip_ready.end() ? 0 : static_cast<short>(it->second & (fds[i].events | POLLERR | POLLHUP));
    if (fds[i].revents) ++r;
  }
  if (on_lwip_poll) on_lwip_poll();
  return r;
}
ssize_t lwip_read(int, void*, size_t) { return 0; }
ssize_t lwip_write(int, const void*, size_t n) { return static_cast<ssize_t>(n); }
int lwip_fcntl(int, int, int) { return 0; }
int lwip_ioctl(int, long, void*) {
  errno = ENOSYS;
  return -1;
}
ssize_t lwip_readv(int, const struct iovec*, int) { errno = ENOSYS; return -1; }
ssize_t lwip_writev(int, const struct iovec*, int) { errno = ENOSYS; return -1; }
ssize_t lwip_sendto(int, const void*, size_t n, int, const struct sockaddr*, uint32_t) {
  return static_cast<ssize_t>(n);
}
ssize_t lwip_recvfrom(int, void*, size_t, int, struct sockaddr*, uint32_t*) { return 0; }
ssize_t lwip_sendmsg(int, const struct msghdr*, int) { errno = ENOSYS; return -1; }
ssize_t lwip_recvmsg(int, struct msghdr*, int) { errno = ENOSYS; return -1; }
int lwip_shutdown(int, int) { return 0; }
int lwip_getsockopt(int, int, int, void*, uint32_t*) { errno = ENOPROTOOPT; return -1; }
int lwip_setsockopt(int, int, int, const void*, uint32_t) { errno = ENOPROTOOPT; return -1; }
int lwip_close(int s) {
  lwip_closed.push_back(s);
  return 0;
}
}
// lwIP socket -> its file, as events.cpp keeps it; socket_event(s) is
// lwIP reporting an event on s (the wrapper wakes that file's waiters).
std::map<int, kiln::socket::SocketFile*> hooked;
bool kiln::socket::hook_events(int s, SocketFile* f) {
  hooked[s] = f;
  return true;
}
void kiln::socket::unhook_events(int s) { hooked.erase(s); }
namespace {
void socket_event(int s) {
  auto it = hooked.find(s);
  ASSERT_NE(it, hooked.end()) << "event on an unhooked socket " << s;
  it->second->wake();
}
}  // namespace

namespace {

// A descriptor for fake lwIP socket s.
int sock_fd(int s) {
  int fd = kiln::socket::install(s);
  EXPECT_GE(fd, 0);
  return fd;
}

struct Fds {
  std::vector<int> fds;
  ~Fds() {
    for (int fd : fds) (void)kiln::fd_close(fd);
  }
};

class SocketPoll : public ::testing::Test {
 protected:
  void SetUp() override {
    reset();
    // fds 0-2 are the console, as at boot.
    for (int fd = 0; fd < 3; ++fd) ASSERT_TRUE(kiln::fd_install_at(fd, &kiln::console_file()).ok());
  }
  void TearDown() override { reset(); }
};

}  // namespace

TEST_F(SocketPoll, DescriptorsMapToTheirLwipSockets) {
  Fds f;
  for (int i = 0; i < 5; ++i) f.fds.push_back(sock_fd(100 + i));
  lwip_ready[103] = POLLIN;
  lwip_ready[101] = POLLOUT;
  struct pollfd p[5];
  for (int i = 0; i < 5; ++i) p[i] = {f.fds[i], POLLIN | POLLOUT, 0x7f};
  ASSERT_EQ(poll(p, 5, 0), 2);
  EXPECT_EQ(lwip_polled, (std::vector<int>{100, 101, 102, 103, 104}));
  EXPECT_EQ(p[0].revents, 0);
  EXPECT_EQ(p[1].revents, POLLOUT);
  EXPECT_EQ(p[3].revents, POLLIN);
  EXPECT_EQ(p[4].revents, 0);
  EXPECT_TRUE(waits.empty()) << "timeout 0 never waits";
}

TEST_F(SocketPoll, OnlyAskedEventsAndErrorsAreReported) {
  Fds f;
  f.fds.push_back(sock_fd(7));
  lwip_ready[7] = POLLIN | POLLOUT | POLLHUP;
  struct pollfd p = {f.fds[0], POLLOUT, 0};
  ASSERT_EQ(poll(&p, 1, 0), 1);
  EXPECT_EQ(p.revents, POLLOUT | POLLHUP);
}

TEST_F(SocketPoll, ClosedAndUnknownDescriptorsAreNval) {
  int fd = sock_fd(42);
  ASSERT_TRUE(kiln::fd_close(fd).ok());
  EXPECT_EQ(lwip_closed, std::vector<int>{42});
  struct pollfd p[4] = {{fd, POLLIN, 0}, {-1, POLLIN, 0x55}, {3000, POLLIN, 0}, {100000, POLLIN, 0}};
  ASSERT_EQ(poll(p, 4, 0), 3);
  EXPECT_EQ(p[0].revents, POLLNVAL);
  EXPECT_EQ(p[1].revents, 0) << "negative fds are ignored";
  EXPECT_EQ(p[2].revents, POLLNVAL);
  EXPECT_EQ(p[3].revents, POLLNVAL);
  EXPECT_TRUE(lwip_polled.empty());
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(fd, &rd);
  struct timeval tv = {0, 0};
  errno = 0;
  EXPECT_EQ(select(fd + 1, &rd, nullptr, nullptr, &tv), -1);
  EXPECT_EQ(errno, EBADF);
}

TEST_F(SocketPoll, SelectOverMoreThan64Descriptors) {
  Fds f;
  for (int i = 0; i < 300; ++i) f.fds.push_back(sock_fd(1000 + i));
  lwip_ready[1000 + 250] = POLLIN;
  lwip_ready[1000 + 70] = POLLOUT;
  fd_set rd, wr;
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  for (int fd : f.fds) {
    FD_SET(fd, &rd);
    FD_SET(fd, &wr);
  }
  struct timeval tv = {0, 0};
  int maxfd = f.fds.back();
  ASSERT_EQ(select(maxfd + 1, &rd, &wr, nullptr, &tv), 2);
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(FD_ISSET(f.fds[i], &rd) != 0, i == 250) << i;
    EXPECT_EQ(FD_ISSET(f.fds[i], &wr) != 0, i == 70) << i;
  }
  EXPECT_EQ(lwip_polled.size(), 300u);
}

TEST_F(SocketPoll, SelectAtAndPastFdSetsize) {
  // A descriptor at FD_SETSIZE - 1 (the table holds more).
  auto* keep = new kiln::socket::SocketFile(77);
  ASSERT_TRUE(kiln::fd_install_at(FD_SETSIZE - 1, keep).ok());
  lwip_ready[77] = POLLIN;
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(FD_SETSIZE - 1, &rd);
  struct timeval tv = {0, 0};
  EXPECT_EQ(select(FD_SETSIZE, &rd, nullptr, nullptr, &tv), 1);
  EXPECT_TRUE(FD_ISSET(FD_SETSIZE - 1, &rd));
  errno = 0;
  EXPECT_EQ(select(FD_SETSIZE + 1, &rd, nullptr, nullptr, &tv), -1);
  EXPECT_EQ(errno, EINVAL);
  errno = 0;
  EXPECT_EQ(select(-1, nullptr, nullptr, nullptr, &tv), -1);
  EXPECT_EQ(errno, EINVAL);
  ASSERT_TRUE(kiln::fd_close(FD_SETSIZE - 1).ok());
}

TEST_F(SocketPoll, SelectTimeoutConversion) {
  fd_set rd;
  struct timeval tv;
  // 1.5 ms stays 1.5 ms (not rounded to 1 ms).
  tv = {0, 1500};
  FD_ZERO(&rd);
  EXPECT_EQ(select(0, &rd, nullptr, nullptr, &tv), 0);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0] - 1000000000, 1500000u);
  // 3,000,000 s is 3e9 ms: past INT_MAX ms, still a deadline that far away.
  reset();
  tv = {3000000, 0};
  EXPECT_EQ(select(0, nullptr, nullptr, nullptr, &tv), 0);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0] - 1000000000, 3000000ull * 1000000000ull);
  // A timeout past the clock's range waits for ever (no deadline).
  reset();
  Fds f;
  f.fds.push_back(sock_fd(5));
  on_wait = [] {
    lwip_ready[5] = POLLIN;
    socket_event(5);
  };
  FD_ZERO(&rd);
  FD_SET(f.fds[0], &rd);
  tv = {static_cast<time_t>(1) << 62, 999999};
  EXPECT_EQ(select(f.fds[0] + 1, &rd, nullptr, nullptr, &tv), 1);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0], 0u);
  // Invalid timevals: EINVAL, nothing waited for.
  reset();
  for (struct timeval bad : {timeval{-1, 0}, timeval{0, -1}, timeval{0, 1000000}, timeval{5, 2000000}}) {
    errno = 0;
    EXPECT_EQ(select(0, nullptr, nullptr, nullptr, &bad), -1);
    EXPECT_EQ(errno, EINVAL);
  }
  EXPECT_TRUE(waits.empty());
  // tv 0: a pure check.
  tv = {0, 0};
  EXPECT_EQ(select(0, nullptr, nullptr, nullptr, &tv), 0);
  EXPECT_TRUE(waits.empty());
}

TEST_F(SocketPoll, PollTimeouts) {
  struct pollfd p = {0, POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 250), 0);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0] - 1000000000, 250000000u);
  reset();
  EXPECT_EQ(poll(&p, 1, 0x7fffffff), 0);  // INT_MAX ms, no overflow
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0] - 1000000000, 0x7fffffffull * 1000000);
  reset();
  on_wait = [] {
    console_has_input = true;
    kiln::ready_wake();
  };
  EXPECT_EQ(poll(&p, 1, -1), 1);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0], 0u) << "timeout -1: no deadline";
}

TEST_F(SocketPoll, PollCountBoundedByTheDescriptorLimit) {
  nfds_t n = static_cast<nfds_t>(kiln::fd_limit()) + 1;
  errno = 0;
  EXPECT_EQ(poll(nullptr, n, 0), -1);
  EXPECT_EQ(errno, EINVAL);
  errno = 0;
  EXPECT_EQ(poll(nullptr, ~nfds_t{0}, 0), -1);
  EXPECT_EQ(errno, EINVAL);
  // At the limit it is fine (all negative fds: nothing to report).
  std::vector<struct pollfd> p(static_cast<size_t>(kiln::fd_limit()), pollfd{-1, POLLIN, 0});
  EXPECT_EQ(poll(p.data(), static_cast<nfds_t>(p.size()), 0), 0);
}

TEST_F(SocketPoll, ConsoleIsReadableOnlyWithInput) {
  struct pollfd p[2] = {{0, POLLIN, 0}, {1, POLLOUT, 0}};
  EXPECT_EQ(poll(p, 1, 0), 0) << "no input: not readable";
  EXPECT_EQ(p[0].revents, 0);
  EXPECT_EQ(poll(p, 2, 0), 1);
  EXPECT_EQ(p[1].revents, POLLOUT);
  console_has_input = true;
  EXPECT_EQ(poll(p, 1, 0), 1);
  EXPECT_EQ(p[0].revents, POLLIN);
}

TEST_F(SocketPoll, MixedConsoleAndSocketsWaitForEither) {
  Fds f;
  f.fds.push_back(sock_fd(9));
  struct pollfd p[2] = {{0, POLLIN, 0}, {f.fds[0], POLLIN, 0}};
  // The socket becomes readable while the poller sleeps.
  on_wait = [] {
    lwip_ready[9] = POLLIN;
    socket_event(9);
  };
  EXPECT_EQ(poll(p, 2, 5000), 1);
  EXPECT_EQ(p[0].revents, 0);
  EXPECT_EQ(p[1].revents, POLLIN);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_GT(waits_masked[0], 0) << "waits with events masked (after arming)";
  EXPECT_EQ(console_arms, 1) << "the console was armed before the sleep";
  // Then console input while the socket is drained.
  reset();
  on_wait = [] {
    console_has_input = true;
    kiln::ready_wake();
  };
  EXPECT_EQ(poll(p, 2, 5000), 1);
  EXPECT_EQ(p[0].revents, POLLIN);
  EXPECT_EQ(p[1].revents, 0);
}

TEST_F(SocketPoll, NoLostWakeUpBetweenScanAndSleep) {
  Fds f;
  f.fds.push_back(sock_fd(11));
  struct pollfd p = {f.fds[0], POLLIN, 0};
  // Data arrives while lwIP is being asked (after the socket said "not
  // ready"): the wake-up must not be lost, so no sleep happens.
  int scans = 0;
  on_lwip_poll = [&] {
    if (++scans == 1) {
      lwip_ready[11] = POLLIN;
      socket_event(11);
    }
  };
  on_wait = [] { FAIL() << "slept through a wake-up"; };
  EXPECT_EQ(poll(&p, 1, -1), 1);
  EXPECT_TRUE(waits.empty());
  EXPECT_EQ(scans, 2);
}

TEST_F(SocketPoll, TableGrowsToItsLimitThenEmfile) {
  // (Earlier tests already grew it from its first 64 slots; it never shrinks.)
  std::vector<int> fds;
  for (;;) {
    auto r = kiln::fd_install(&kiln::console_file());
    if (r.is_error()) {
      EXPECT_EQ(r.error().code(), EMFILE);
      break;
    }
    fds.push_back(r.value());
  }
  EXPECT_EQ(static_cast<int>(fds.size()) + 3, kiln::fd_limit());
  EXPECT_EQ(kiln::fd_capacity(), kiln::fd_limit());
  EXPECT_EQ(kiln::fd_reserve().error().code(), EMFILE) << "no reservation past the limit either";
  // Freed descriptors are reused lowest first.
  ASSERT_TRUE(kiln::fd_close(fds[10]).ok());
  ASSERT_TRUE(kiln::fd_close(fds[5]).ok());
  EXPECT_EQ(kiln::fd_install(&kiln::console_file()).value(), fds[5]);
  auto res = kiln::fd_reserve();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.value(), fds[10]);
  EXPECT_TRUE(kiln::fd_get(fds[10]).is_error()) << "a reserved descriptor reads as closed";
  EXPECT_TRUE(kiln::fd_close(fds[10]).is_error());
  kiln::fd_cancel(fds[10]);
  EXPECT_EQ(kiln::fd_install(&kiln::console_file()).value(), fds[10]);
  for (int fd : fds) ASSERT_TRUE(kiln::fd_close(fd).ok());
}

TEST_F(SocketPoll, ReservedDescriptorCommitsToTheSocket) {
  auto r = kiln::fd_reserve();
  ASSERT_TRUE(r.ok());
  int fd = kiln::socket::install(321, r.value());
  EXPECT_EQ(fd, r.value());
  auto f = kiln::fd_get(fd);
  ASSERT_TRUE(f.ok());
  auto* s = kiln::socket::as_socket(f.value().get());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->sock(), 321);
  EXPECT_EQ(kiln::socket::as_socket(&kiln::console_file()), nullptr);
  EXPECT_EQ(errno, ENOTSOCK);
  f = kiln::fd_get(0);  // drop the reference before closing
  ASSERT_TRUE(kiln::fd_close(fd).ok());
  EXPECT_EQ(lwip_closed, std::vector<int>{321});
}

TEST_F(SocketPoll, LimitBelowTheFirstSlots) {
  // fd.max=10 with a table that already has more slots: 10 is the limit.
  ASSERT_TRUE(kiln::fd_set_limit(10).ok());
  std::vector<int> fds;
  for (;;) {
    auto r = kiln::fd_install(&kiln::console_file());
    if (r.is_error()) {
      EXPECT_EQ(r.error().code(), EMFILE);
      break;
    }
    fds.push_back(r.value());
  }
  EXPECT_EQ(fds.size(), 7u);
  EXPECT_TRUE(kiln::fd_reserve().is_error());
  EXPECT_TRUE(kiln::fd_install_at(10, &kiln::console_file()).is_error());
  EXPECT_TRUE(kiln::fd_set_limit(2).is_error());
  EXPECT_TRUE(kiln::fd_set_limit(CONFIG_LIBFDTAB_MAX + 1).is_error());
  for (int fd : fds) ASSERT_TRUE(kiln::fd_close(fd).ok());
  ASSERT_TRUE(kiln::fd_set_limit(CONFIG_LIBFDTAB_MAX).ok());
}

TEST_F(SocketPoll, EventsOnOtherSocketsDoNotRescanTheSet) {
  Fds f;
  for (int i = 0; i < 100; ++i) f.fds.push_back(sock_fd(2000 + i));
  int other = sock_fd(3000);  // not polled
  std::vector<struct pollfd> p;
  for (int fd : f.fds) p.push_back({fd, POLLIN, 0});
  int n = 0;
  on_wait = [&] {
    if (++n < 4) {
      lwip_ready[3000] = POLLIN;
      socket_event(3000);  // another socket's data
      kiln::ready_wake();  // and a wake-up for everyone
      return;
    }
    lwip_ready[2042] = POLLIN;
    socket_event(2042);
  };
  ASSERT_EQ(poll(p.data(), static_cast<nfds_t>(p.size()), -1), 1);
  EXPECT_EQ(p[42].revents, POLLIN);
  EXPECT_EQ(n, 4);
  EXPECT_EQ(lwip_polled.size(), 200u) << "one scan before the sleep, one after its own socket's event";
  ASSERT_TRUE(kiln::fd_close(other).ok());
}
