// eventfd: a 64-bit counter as a File, with Linux's rules. write(8 bytes)
// adds (0xffffffffffffffff is EINVAL; a sum past 0xfffffffffffffffe waits,
// or EAGAIN with O_NONBLOCK); read(8 bytes) returns the count and resets
// it, or 1 and decrements with EFD_SEMAPHORE, and waits (EAGAIN) at 0.
// Buffers under 8 bytes are EINVAL. Readable when the count is not 0,
// writable when 1 more fits.
#include <kiln/file.h>
#include <kiln/sigpoint.h>
#include <kiln/ipc.h>
#include <kiln/lock.h>
#include <kiln/plat/irq.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <new>

namespace kiln {

namespace {

constexpr uint64_t kMax = 0xfffffffffffffffeull;

class EventFd final : public File {
 public:
  EventFd(uint64_t v, bool sem) : count_(v), sem_(sem) {}

  Result<size_t> read(void* buf, size_t n) override {
    if (n < 8) return Error(EINVAL);
    for (;;) {
      uint64_t v = 0;
      {
        LockGuard g(lock_);
        if (count_) {
          v = sem_ ? 1 : count_;
          count_ -= v;
        }
      }
      if (v) {
        memcpy(buf, &v, 8);
        wake(kPollOut | kPollWrNorm);
        return Ok(size_t{8});
      }
      if (nonblocking()) return Error(EAGAIN);
      if (wait_for(*this, kPollIn, 0) == kWaitInterrupted) return Error(EINTR);
    }
  }

  Result<size_t> write(const void* buf, size_t n) override {
    if (n < 8) return Error(EINVAL);
    uint64_t v;
    memcpy(&v, buf, 8);
    if (v == ~uint64_t{0}) return Error(EINVAL);
    // Waits for room for v, not just for 1 (what poll reports): looks
    // again after every read.
    Waiter w;
    Waiter::Watch watch;
    bool watching = false;
    for (;;) {
      w.begin();
      bool done = false;
      {
        LockGuard g(lock_);
        if (kMax - count_ >= v) {
          count_ += v;
          done = true;
        }
      }
      if (done || nonblocking()) {
        if (watching) w.unwatch(watch);
        if (!done) return Error(EAGAIN);
        if (v) wake(kPollIn | kPollRdNorm);
        return Ok(size_t{8});
      }
      if (!watching) {
        w.watch(*this, watch);
        watching = true;
        continue;  // checks again with the watch in place: no lost wake-up
      }
      if (kiln_signal_interrupted()) {
        w.unwatch(watch);
        return Error(EINTR);
      }
      unsigned long m = kiln_plat_irq_save();
      w.sleep(0, false);
      kiln_plat_irq_restore(m);
    }
  }

  unsigned poll(unsigned events) override {
    LockGuard g(lock_);
    unsigned r = 0;
    if (count_) r |= events & (kPollIn | kPollRdNorm);
    if (count_ < kMax) r |= events & (kPollOut | kPollWrNorm);
    return r;
  }
  bool wakes_waiters() override { return true; }

  Result<void> stat(struct stat* st) override {
    memset(st, 0, sizeof *st);
    st->st_mode = 0600;  // an anonymous inode, as Linux
    return {};
  }

  Result<void> release() override {
    delete this;
    return {};
  }

 private:
  SpinLock lock_;
  uint64_t count_;
  bool sem_;
};

}  // namespace

Result<int> eventfd_open(unsigned initval, int flags) {
  if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC)) return Error(EINVAL);
  auto* f = new (std::nothrow) EventFd(initval, flags & EFD_SEMAPHORE);
  if (!f) return Error(ENOMEM);
  if (flags & EFD_NONBLOCK) (void)f->set_status_flags(O_NONBLOCK);
  auto fd = fd_install_flags(f, (flags & EFD_CLOEXEC) != 0);
  if (fd.is_error()) {
    delete f;
    return fd.error();
  }
  return fd;
}

}  // namespace kiln
