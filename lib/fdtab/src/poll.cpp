// poll(), select() and ioctl(), once, over kiln::File readiness
// (File::poll, File::arm, Waiter): sockets, pipes, eventfds, epoll
// instances, the console and any later kind of descriptor the same way.
// Here, not in lib/socket, so an image without sockets has them too; built
// for the host as well (tests/host/test_socket_poll.cpp).
//
// Waiting: put a WaitEntry on every file, ask every file, and if nothing
// is ready mask events, arm every file and sleep unless one woke since.
// Files that wake their own waiters (pipes, eventfds) only end the sleep
// when they change; with a socket or the console in the set any wake-up
// does (see kiln/file.h). A file that cannot promise a wake-up (arm()
// false) is re-checked every kRecheckNs.
#include <kiln/file.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>
#include <kiln/sigpoint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>
#include <new>

namespace {

constexpr uint64_t kNoDeadline = 0;
constexpr uint64_t kRecheckNs = 10000000;  // 10 ms
constexpr unsigned kAlways = kiln::kPollErr | kiln::kPollHup;

struct Slot {
  kiln::FileRef file;
  kiln::Waiter::Watch watch;
};

int fail(int e) {
  errno = e;
  return -1;
}

// timeout_ns < 0: wait for ever.
int poll_ns(struct pollfd* fds, nfds_t n, int64_t timeout_ns) {
  if (n > static_cast<nfds_t>(kiln::fd_limit())) return fail(EINVAL);  // as Linux past RLIMIT_NOFILE
  Slot small[16];
  Slot* slots = n <= 16 ? small : new (std::nothrow) Slot[n];
  if (!slots) return fail(ENOMEM);
  kiln::Waiter w;
  bool broadcast = false;  // a file that does not wake its own waiters
  for (nfds_t i = 0; i < n; ++i) {
    fds[i].revents = 0;
    if (fds[i].fd < 0) continue;
    auto f = kiln::fd_get(fds[i].fd);
    if (f.is_error()) {
      fds[i].revents = POLLNVAL;
      continue;
    }
    slots[i].file = static_cast<kiln::FileRef&&>(f.value());
    w.watch(*slots[i].file, slots[i].watch);
    if (!slots[i].file->wakes_waiters()) broadcast = true;
  }
  uint64_t start = kiln_plat_monotonic_ns();
  uint64_t deadline = kNoDeadline;
  if (timeout_ns > 0) {
    deadline = start + static_cast<uint64_t>(timeout_ns);
    if (deadline < start) timeout_ns = -1;  // past the end of the clock: for ever
  }
  int ready;
  for (;;) {
    w.begin();
    ready = 0;
    for (nfds_t i = 0; i < n; ++i) {
      if (slots[i].file.get()) {
        unsigned want = static_cast<unsigned short>(fds[i].events);
        fds[i].revents = static_cast<short>(slots[i].file->poll(want) & (want | kAlways | kiln::kPollNval));
      }
      if (fds[i].revents) ++ready;
    }
    if (ready || timeout_ns == 0) break;
    if (kiln_signal_interrupted()) {  // never restarted, as on Linux
      ready = -1;
      break;
    }
    uint64_t now = kiln_plat_monotonic_ns();
    if (timeout_ns > 0 && now >= deadline) break;
    unsigned long m = kiln_plat_irq_save();
    bool armed = true;
    for (nfds_t i = 0; i < n; ++i)
      if (slots[i].file.get() && !slots[i].file->arm()) armed = false;
    uint64_t d = timeout_ns > 0 ? deadline : kNoDeadline;
    if (!armed && (d == kNoDeadline || d > now + kRecheckNs)) d = now + kRecheckNs;
    w.sleep(d, broadcast || !armed);
    kiln_plat_irq_restore(m);
  }
  for (nfds_t i = 0; i < n; ++i) w.unwatch(slots[i].watch);
  if (slots != small) delete[] slots;
  if (ready < 0) {
    kiln_signal_deliver();  // the handler runs as the call returns
    return fail(EINTR);
  }
  return ready;
}

}  // namespace

extern "C" {

int poll(struct pollfd* fds, nfds_t n, int timeout) {
  return poll_ns(fds, n, timeout < 0 ? -1 : int64_t{timeout} * 1000000);
}

// Through poll_ns with a pollfd per descriptor set in any of the sets
// (FD_SETSIZE of them at most, on the stack up to 64, else from the heap).
// The timeout keeps its microseconds; a negative or denormal timeval is
// EINVAL (as Linux), one beyond the clock's range waits for ever.
int select(int nfds, fd_set* rd, fd_set* wr, fd_set* ex, struct timeval* tv) {
  if (nfds < 0 || nfds > FD_SETSIZE) return fail(EINVAL);
  int64_t timeout_ns = -1;
  if (tv) {
    if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000) return fail(EINVAL);
    constexpr int64_t kMaxSec = INT64_MAX / 1000000000 - 1;
    if (tv->tv_sec <= kMaxSec) timeout_ns = int64_t{tv->tv_sec} * 1000000000 + int64_t{tv->tv_usec} * 1000;
  }
  nfds_t n = 0;
  for (int fd = 0; fd < nfds; ++fd)
    if ((rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)) || (ex && FD_ISSET(fd, ex))) ++n;
  struct pollfd small[64];
  struct pollfd* p = n <= 64 ? small : static_cast<struct pollfd*>(malloc(n * sizeof *p));
  if (!p) return fail(ENOMEM);
  nfds_t k = 0;
  for (int fd = 0; fd < nfds && k < n; ++fd) {
    short ev = 0;
    if (rd && FD_ISSET(fd, rd)) ev |= POLLIN;
    if (wr && FD_ISSET(fd, wr)) ev |= POLLOUT;
    if (ex && FD_ISSET(fd, ex)) ev |= POLLPRI;
    if (ev) p[k++] = {fd, ev, 0};
  }
  int r = poll_ns(p, n, timeout_ns);
  int count = -1;
  if (r >= 0) {
    count = 0;
    for (nfds_t i = 0; i < n; ++i)
      if (p[i].revents & POLLNVAL) count = fail(EBADF);
  }
  if (count == 0) {
    if (rd) FD_ZERO(rd);
    if (wr) FD_ZERO(wr);
    if (ex) FD_ZERO(ex);
    for (nfds_t i = 0; i < n; ++i) {
      short re = p[i].revents;
      if (rd && (p[i].events & POLLIN) && (re & (POLLIN | POLLHUP | POLLERR))) {
        FD_SET(p[i].fd, rd);
        ++count;
      }
      if (wr && (p[i].events & POLLOUT) && (re & (POLLOUT | POLLERR))) {
        FD_SET(p[i].fd, wr);
        ++count;
      }
      if (ex && (p[i].events & POLLPRI) && (re & POLLPRI)) {
        FD_SET(p[i].fd, ex);
        ++count;
      }
    }
  }
  if (p != small) free(p);
  return count;
}

// FIONBIO is the file's O_NONBLOCK for every kind (as Linux); the rest is
// the file's own (File::ioctl: FIONREAD on sockets and pipes), ENOTTY if
// it has none.
int ioctl(int fd, unsigned long request, ...) {
  va_list ap;
  va_start(ap, request);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  auto f = kiln::fd_get(fd);
  if (f.is_error()) return fail(f.error().code());
  if (request == static_cast<unsigned long>(FIONBIO)) {
    if (!arg) return fail(EFAULT);
    auto fl = f.value()->status_flags();
    if (fl.is_error()) return fail(fl.error().code());
    int on = *static_cast<int*>(arg);
    auto r = f.value()->set_status_flags(on ? (fl.value() | O_NONBLOCK) : (fl.value() & ~O_NONBLOCK));
    return r.is_error() ? fail(r.error().code()) : 0;
  }
  auto r = f.value()->ioctl(request, arg);
  return r.is_error() ? fail(r.error().code()) : r.value();
}

}  // extern "C"
