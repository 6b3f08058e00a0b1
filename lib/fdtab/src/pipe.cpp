// Pipes and socketpair(AF_UNIX, SOCK_STREAM): byte streams through a ring
// buffer (CONFIG_LIBFDTAB_PIPE_SIZE, 64 KiB by default), taken from the
// heap at the first write, so an idle pipe costs a few dozen bytes.
//
// A Ring is one direction: a writer side and a reader side, each an End
// (the File a descriptor names). A pipe is one Ring with a read-only and a
// write-only End; a socketpair is two Rings crossed, each End reading one
// and writing the other. Ring state is guarded by a spin lock (events
// masked while held: a copy of at most the ring's size). Changes wake the
// End on the other side (File::wake): only its own waiters look again.
//
// POSIX semantics: a write of up to PIPE_BUF bytes goes in whole or not at
// all (blocking: waits for the room; O_NONBLOCK: EAGAIN); longer writes
// may be split. Reading with no writer left is end of file (0); writing
// with no reader left is EPIPE (no SIGPIPE: Kiln has no signals yet).
#include <kiln/alloc.h>
#include <kiln/config.h>
#include <kiln/file.h>
#include <kiln/ipc.h>
#include <kiln/lock.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <new>

#ifndef CONFIG_LIBFDTAB_PIPE_SIZE
#define CONFIG_LIBFDTAB_PIPE_SIZE 65536
#endif

namespace kiln {

namespace {

constexpr size_t kRingSize = CONFIG_LIBFDTAB_PIPE_SIZE;
constexpr int kAfUnix = 1, kSockStream = 1, kSockNonblock = 0x800, kSockCloexec = 0x80000;  // as sys/socket.h

class End;

struct Ring {
  SpinLock lock;
  char* buf = nullptr;  // from the first write on
  size_t head = 0;   // next byte to read
  size_t count = 0;  // bytes in the ring
  End* reader = nullptr;  // the End reading it (null once closed)
  End* writer = nullptr;
  unsigned ends = 2;      // Ends still using the ring: the last frees it

  size_t room() const { return kRingSize - count; }
};

void put(Ring& r, const char* p, size_t n) {
  size_t tail = (r.head + r.count) % kRingSize;
  size_t first = n < kRingSize - tail ? n : kRingSize - tail;
  memcpy(r.buf + tail, p, first);
  memcpy(r.buf, p + first, n - first);
  r.count += n;
}

void take(Ring& r, char* p, size_t n) {
  size_t first = n < kRingSize - r.head ? n : kRingSize - r.head;
  memcpy(p, r.buf + r.head, first);
  memcpy(p + first, r.buf, n - first);
  r.head = (r.head + n) % kRingSize;
  r.count -= n;
  if (!r.count) r.head = 0;
}

void drop(Ring* r) {
  if (!r) return;
  bool last;
  {
    LockGuard g(r->lock);
    last = --r->ends == 0;
  }
  if (last) {
    kiln_free(r->buf);
    delete r;
  }
}

class End final : public File {
 public:
  End(Ring* in, Ring* out, bool sock) : in_(in), out_(out), sock_(sock) {
    status_ = in && out ? O_RDWR : in ? O_RDONLY : O_WRONLY;
  }

  Result<size_t> read(void* buf, size_t n) override {
    if (!in_) return Error(EBADF);
    if (!n) return Ok(size_t{0});
    for (;;) {
      End* wake_writer = nullptr;
      size_t got = 0;
      bool eof = false;
      {
        LockGuard g(in_->lock);
        if (in_->count) {
          got = n < in_->count ? n : in_->count;
          take(*in_, static_cast<char*>(buf), got);
          wake_writer = in_->writer;
          if (wake_writer && !wake_writer->try_ref()) wake_writer = nullptr;  // it is closing
        } else if (!in_->writer) {
          eof = true;
        }
      }
      if (got) {
        if (wake_writer) {
          wake_writer->wake(kPollOut | kPollWrNorm);
          (void)wake_writer->unref();
        }
        return Ok(got);
      }
      if (eof) return Ok(size_t{0});
      if (nonblocking()) return Error(EAGAIN);
      if (wait_for(*this, kPollIn, 0) == kWaitInterrupted) return Error(EINTR);
    }
  }

  Result<size_t> write(const void* buf, size_t n) override {
    if (!out_) return Error(EBADF);
    const char* p = static_cast<const char*>(buf);
    if (n && !__atomic_load_n(&out_->buf, __ATOMIC_ACQUIRE)) {
      // Allocated with the lock not held; a writer racing us may win.
      char* b = static_cast<char*>(kiln_malloc(kRingSize));
      if (!b) return Error(ENOMEM);
      {
        LockGuard g(out_->lock);
        if (!out_->buf) {
          out_->buf = b;
          b = nullptr;
        }
      }
      if (b) kiln_free(b);
    }
    size_t done = 0;
    while (done < n || n == 0) {
      size_t left = n - done;
      End* wake_reader = nullptr;
      size_t put_n = 0;
      bool broken = false;
      {
        LockGuard g(out_->lock);
        if (!out_->reader) {
          broken = true;
        } else if (n == 0) {
          return Ok(size_t{0});
        } else {
          size_t room = out_->room();
          // Up to PIPE_BUF: all at once or wait. Longer: whatever fits.
          if (left <= kPipeBuf && n <= kPipeBuf) put_n = room >= left ? left : 0;
          else put_n = left < room ? left : room;
          if (put_n) {
            put(*out_, p + done, put_n);
            wake_reader = out_->reader;
            if (!wake_reader->try_ref()) wake_reader = nullptr;  // it is closing
          }
        }
      }
      if (broken) {
        if (done) return Ok(done);
        return Error(EPIPE);  // SIGPIPE is raised by the write call (calls.cpp)
      }
      if (put_n) {
        done += put_n;
        if (wake_reader) {
          wake_reader->wake(kPollIn | kPollRdNorm);
          (void)wake_reader->unref();
        }
        continue;
      }
      if (nonblocking()) {
        if (done) return Ok(done);
        return Error(EAGAIN);
      }
      if (wait_for(*this, kPollOut, 0) == kWaitInterrupted) {
        if (done) return Ok(done);
        return Error(EINTR);
      }
    }
    return Ok(done);
  }

  unsigned poll(unsigned events) override {
    unsigned r = 0;
    if (in_) {
      LockGuard g(in_->lock);
      if (in_->count) r |= events & (kPollIn | kPollRdNorm);
      if (!in_->writer) r |= kPollHup | (events & (kPollIn | kPollRdNorm | kPollRdHup));
    }
    if (out_) {
      LockGuard g(out_->lock);
      if (!out_->reader) r |= sock_ ? (kPollHup | (events & (kPollOut | kPollWrNorm))) : kPollErr;
      else if (out_->room() >= kPipeBuf) r |= events & (kPollOut | kPollWrNorm);
    }
    return r;
  }
  bool wakes_waiters() override { return true; }

  Result<int> ioctl(unsigned long request, void* arg) override {
    if (request != static_cast<unsigned long>(FIONREAD) || !in_) return Error(ENOTTY);
    if (!arg) return Error(EFAULT);
    LockGuard g(in_->lock);
    *static_cast<int*>(arg) = static_cast<int>(in_->count);
    return Ok(0);
  }

  Result<void> stat(struct stat* st) override {
    memset(st, 0, sizeof *st);
    st->st_mode = (sock_ ? S_IFSOCK : S_IFIFO) | 0600;
    st->st_blksize = kPipeBuf;
    if (in_) {
      LockGuard g(in_->lock);
      st->st_size = static_cast<off_t>(in_->count);
    }
    return {};
  }

  Result<void> release() override {
    // The other side sees end of file (its reader) or EPIPE (its writer).
    End* peer_in = nullptr;   // reads what we wrote
    End* peer_out = nullptr;  // writes what we read
    if (out_) {
      LockGuard g(out_->lock);
      out_->writer = nullptr;
      peer_in = out_->reader;
      if (peer_in && !peer_in->try_ref()) peer_in = nullptr;
    }
    if (in_) {
      LockGuard g(in_->lock);
      in_->reader = nullptr;
      peer_out = in_->writer;
      if (peer_out && !peer_out->try_ref()) peer_out = nullptr;
    }
    if (peer_in) {
      peer_in->wake(kPollIn | kPollHup | kPollRdHup);
      (void)peer_in->unref();
    }
    if (peer_out) {
      peer_out->wake(kPollOut | kPollErr | kPollHup);
      (void)peer_out->unref();
    }
    drop(in_);
    if (out_ != in_) drop(out_);
    delete this;
    return {};
  }

 private:
  Ring* in_;
  Ring* out_;
  bool sock_;
};

Ring* new_ring() { return new (std::nothrow) Ring; }

// Installs both Ends; on failure closes whatever was made.
Result<void> install_pair(End* a, End* b, int fds[2], bool cloexec) {
  auto fa = fd_install_flags(a, cloexec);
  if (fa.is_error()) {
    a->ref();
    (void)a->unref();
    b->ref();
    (void)b->unref();
    return fa.error();
  }
  auto fb = fd_install_flags(b, cloexec);
  if (fb.is_error()) {
    (void)fd_close(fa.value());
    b->ref();
    (void)b->unref();
    return fb.error();
  }
  fds[0] = fa.value();
  fds[1] = fb.value();
  return {};
}

}  // namespace

Result<void> pipe_open(int fds[2], int flags) {
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) return Error(EINVAL);
  Ring* r = new_ring();
  if (!r) return Error(ENOMEM);
  auto* rd = new (std::nothrow) End(r, nullptr, false);
  auto* wr = new (std::nothrow) End(nullptr, r, false);
  if (!rd || !wr) {
    delete rd;
    delete wr;
    delete r;
    return Error(ENOMEM);
  }
  r->reader = rd;
  r->writer = wr;
  if (flags & O_NONBLOCK) {
    (void)rd->set_status_flags(O_NONBLOCK);
    (void)wr->set_status_flags(O_NONBLOCK);
  }
  return install_pair(rd, wr, fds, (flags & O_CLOEXEC) != 0);
}

Result<void> socketpair_open(int domain, int type, int protocol, int fds[2]) {
  if (domain != kAfUnix) return Error(EAFNOSUPPORT);
  int flags = type & (kSockNonblock | kSockCloexec);
  if ((type & ~flags) != kSockStream) return Error(EOPNOTSUPP);
  if (protocol != 0) return Error(EPROTONOSUPPORT);
  Ring* r0 = new_ring();
  Ring* r1 = r0 ? new_ring() : nullptr;
  End* a = r1 ? new (std::nothrow) End(r0, r1, true) : nullptr;
  End* b = a ? new (std::nothrow) End(r1, r0, true) : nullptr;
  if (!b) {
    delete a;
    delete r0;
    delete r1;
    return Error(ENOMEM);
  }
  r0->reader = a;
  r0->writer = b;
  r1->reader = b;
  r1->writer = a;
  if (flags & kSockNonblock) {
    (void)a->set_status_flags(O_NONBLOCK);
    (void)b->set_status_flags(O_NONBLOCK);
  }
  return install_pair(a, b, fds, (flags & kSockCloexec) != 0);
}

}  // namespace kiln
