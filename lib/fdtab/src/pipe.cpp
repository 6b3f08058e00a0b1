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
// with no reader left is EPIPE (and SIGPIPE, raised by the write call).
#include <kiln/alloc.h>
#include <kiln/config.h>
#include <kiln/file.h>
#include <kiln/ipc.h>
#include <kiln/lock.h>
#include <kiln/plat/irq.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
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
  // The Ends reading and writing it (lists through End::rnext_/wnext_; one
  // each for a pipe or socketpair, any number for a FIFO); null: none left.
  End* reader = nullptr;
  End* writer = nullptr;
  unsigned ends = 2;      // Ends still using the ring: the last frees it (not a FIFO's)
  bool fifo = false;      // a FIFO's (struct Fifo owns it)
  bool shut = false;      // shutdown() of this direction (a socketpair's): EOF and EPIPE

  size_t room() const { return kRingSize - count; }
};

// The bytes of an iovec array, walked in order (a read or write of one
// buffer is an array of one).
struct Cursor {
  const struct iovec* iov;
  int n;
  int i = 0;
  size_t off = 0;
  Cursor(const struct iovec* v, int count) : iov(v), n(count) { skip_empty(); }
  void skip_empty() {
    while (i < n && off == iov[i].iov_len) {
      ++i;
      off = 0;
    }
  }
  // The next contiguous piece, at most max bytes (0 at the end).
  char* piece(size_t max, size_t* len) {
    if (i >= n) {
      *len = 0;
      return nullptr;
    }
    size_t left = iov[i].iov_len - off;
    *len = left < max ? left : max;
    return static_cast<char*>(iov[i].iov_base) + off;
  }
  void advance(size_t k) {
    off += k;
    skip_empty();
  }
};

size_t total_len(const struct iovec* iov, int n) {
  size_t t = 0;
  for (int i = 0; i < n; ++i) t += iov[i].iov_len;
  return t;
}

// Copies n bytes from c into the ring (room checked by the caller).
void put(Ring& r, Cursor& c, size_t n) {
  while (n) {
    size_t tail = (r.head + r.count) % kRingSize;
    size_t contiguous = kRingSize - tail;
    size_t len;
    char* p = c.piece(n < contiguous ? n : contiguous, &len);
    memcpy(r.buf + tail, p, len);
    r.count += len;
    c.advance(len);
    n -= len;
  }
}

// Copies n bytes (at most count) out of the ring into c; consumes them
// unless peek.
void take(Ring& r, Cursor& c, size_t n, bool peek) {
  size_t head = r.head;
  size_t left = n;
  while (left) {
    size_t contiguous = kRingSize - head;
    size_t len;
    char* p = c.piece(left < contiguous ? left : contiguous, &len);
    memcpy(p, r.buf + head, len);
    head = (head + len) % kRingSize;
    c.advance(len);
    left -= len;
  }
  if (peek) return;
  r.head = head;
  r.count -= n;
  if (!r.count) r.head = 0;
}

void drop(Ring* r) {
  if (!r || r->fifo) return;
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

// A message's vector length: EMSGSIZE past UIO_MAXIOV (1024), as Linux.
Result<void> check_iovlen(long n) {
  if (n < 0) return Error(EINVAL);
  if (n > 1024) return Error(EMSGSIZE);
  return {};
}

// How a transfer goes (send/recv flags, as sys/socket.h: lwIP's values).
constexpr int kMsgPeek = 0x01, kMsgWaitall = 0x02, kMsgOob = 0x04, kMsgDontwait = 0x08, kMsgMore = 0x10,
              kMsgNosignal = 0x20;
constexpr int kSolSocket = 0xfff, kSoReuseaddr = 0x0004, kSoKeepalive = 0x0008, kSoSndbuf = 0x1001,
              kSoRcvbuf = 0x1002, kSoError = 0x1007, kSoType = 0x1008, kSoAcceptconn = 0x0002;
constexpr int kShutRd = 0, kShutWr = 1, kShutRdwr = 2;

class End final : public File {
 public:
  End(Ring* in, Ring* out, bool sock) : in_(in), out_(out), sock_(sock) {
    status_ = in && out ? O_RDWR : in ? O_RDONLY : O_WRONLY;
  }

  // The lists of a ring's readers and writers (lock held). Waking with the
  // lock held is safe: an End leaves the lists under it before it is freed,
  // and a wake only notifies waiters (flags, epoll's ready list).
  static void wake_readers(Ring& r, unsigned ev) {
    for (End* e = r.reader; e; e = e->rnext_) e->wake(ev);
  }
  static void wake_writers(Ring& r, unsigned ev) {
    for (End* e = r.writer; e; e = e->wnext_) e->wake(ev);
  }
  void add_reader(Ring& r) {
    rnext_ = r.reader;
    r.reader = this;
  }
  void add_writer(Ring& r) {
    wnext_ = r.writer;
    r.writer = this;
  }
  static void remove(End** head, End* e, End* End::*link) {
    for (End** p = head; *p; p = &((*p)->*link)) {
      if (*p == e) {
        *p = e->*link;
        return;
      }
    }
  }
  Fifo* fifo_ = nullptr;

  Result<size_t> read(void* buf, size_t n) override {
    struct iovec v = {buf, n};
    return receive(&v, 1, 0);
  }
  Result<size_t> write(const void* buf, size_t n) override {
    struct iovec v = {const_cast<void*>(buf), n};
    return send(&v, 1, 0);
  }
  // Whole vectors at once (a socketpair's recvmsg and sendmsg; readv and
  // writev of pipes): up to PIPE_BUF in all is one atomic write.
  Result<size_t> readv(const struct iovec* iov, int n) override { return receive(iov, n, 0); }
  Result<size_t> writev(const struct iovec* iov, int n) override { return send(iov, n, 0); }

  // The socket calls, for socketpair's ends only (a pipe is no socket).
  Result<size_t> sendto(const void* buf, size_t n, int flags, const struct sockaddr* to, uint32_t tolen) override {
    if (!sock_) return Error(ENOTSOCK);
    if (to || tolen) return Error(EISCONN);  // as Linux: connected already
    struct iovec v = {const_cast<void*>(buf), n};
    return send(&v, 1, flags);
  }
  Result<size_t> recvfrom(void* buf, size_t n, int flags, struct sockaddr*, uint32_t* fromlen) override {
    if (!sock_) return Error(ENOTSOCK);
    struct iovec v = {buf, n};
    Result<size_t> r = receive(&v, 1, flags);
    if (r.ok() && fromlen) *fromlen = 0;  // the peer has no name (as Linux)
    return r;
  }
  Result<size_t> sendmsg(const struct msghdr* m, int flags) override {
    if (!sock_) return Error(ENOTSOCK);
    if (m->msg_name || m->msg_namelen) return Error(EISCONN);
    KILN_TRY(check_iovlen(static_cast<long>(m->msg_iovlen)));
    if (m->msg_controllen) return Error(EOPNOTSUPP);  // no SCM_RIGHTS / credentials (docs/ipc.md)
    return send(m->msg_iov, static_cast<int>(m->msg_iovlen), flags);
  }
  Result<size_t> recvmsg(struct msghdr* m, int flags) override {
    if (!sock_) return Error(ENOTSOCK);
    KILN_TRY(check_iovlen(static_cast<long>(m->msg_iovlen)));
    Result<size_t> r = receive(m->msg_iov, static_cast<int>(m->msg_iovlen), flags);
    if (r.ok()) {
      m->msg_namelen = 0;
      m->msg_controllen = 0;
      m->msg_flags = 0;
    }
    return r;
  }

  // SHUT_RD: reads give what is there, then end of file, and the peer's
  // writes fail with EPIPE; SHUT_WR: the peer reads end of file after what
  // was sent, and writes here fail with EPIPE (as Linux's Unix sockets).
  Result<void> shutdown(int how) override {
    if (!sock_) return Error(ENOTSOCK);
    if (how != kShutRd && how != kShutWr && how != kShutRdwr) return Error(EINVAL);
    if (how != kShutWr) {
      LockGuard g(in_->lock);
      in_->shut = true;
      wake_writers(*in_, ~0u);
    }
    if (how != kShutRd) {
      LockGuard g(out_->lock);
      out_->shut = true;
      wake_readers(*out_, ~0u);
    }
    wake(~0u);
    return {};
  }

  Result<void> getsockopt(int level, int name, void* val, uint32_t* len) override {
    if (!sock_) return Error(ENOTSOCK);
    if (!val || !len) return Error(EFAULT);
    if (level != kSolSocket) return Error(ENOPROTOOPT);
    if (*len < sizeof(int)) return Error(EINVAL);
    int v;
    switch (name) {
      case kSoType: v = kSockStream; break;
      case kSoError: v = 0; break;  // nothing is ever pending
      case kSoSndbuf:
      case kSoRcvbuf: v = static_cast<int>(kRingSize); break;  // fixed (CONFIG_LIBFDTAB_PIPE_SIZE)
      case kSoAcceptconn:
      case kSoReuseaddr:
      case kSoKeepalive: v = 0; break;
      default: return Error(ENOPROTOOPT);
    }
    memcpy(val, &v, sizeof v);
    *len = sizeof v;
    return {};
  }

  // Buffer sizes and the options that mean nothing here are accepted and
  // change nothing (the ring has its Kconfig size); others ENOPROTOOPT.
  Result<void> setsockopt(int level, int name, const void* val, uint32_t len) override {
    if (!sock_) return Error(ENOTSOCK);
    if (level != kSolSocket) return Error(ENOPROTOOPT);
    switch (name) {
      case kSoSndbuf:
      case kSoRcvbuf:
      case kSoReuseaddr:
      case kSoKeepalive:
        if (!val) return Error(EFAULT);
        if (len < sizeof(int)) return Error(EINVAL);
        return {};
      default: return Error(ENOPROTOOPT);
    }
  }

  unsigned poll(unsigned events) override {
    unsigned r = 0;
    bool in_ended = false, out_ended = false;
    if (in_) {
      LockGuard g(in_->lock);
      if (in_->count) r |= events & (kPollIn | kPollRdNorm);
      in_ended = !in_->writer || in_->shut;
      if (in_ended) r |= events & (kPollIn | kPollRdNorm | kPollRdHup);
    }
    if (out_) {
      LockGuard g(out_->lock);
      out_ended = !out_->reader || out_->shut;
      // A socket stays writable after a shutdown (the write says EPIPE).
      if (out_ended) r |= sock_ ? (events & (kPollOut | kPollWrNorm)) : kPollErr;
      else if (out_->room() >= kPipeBuf) r |= events & (kPollOut | kPollWrNorm);
    }
    // Hang-up: a pipe's writers are gone; a socket's both directions ended.
    if (sock_ ? (in_ended && out_ended) : in_ended) r |= kPollHup;
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
    // The other side sees end of file (its readers) or EPIPE (its writers).
    char* discard = nullptr;
    if (out_) {
      LockGuard g(out_->lock);
      remove(&out_->writer, this, &End::wnext_);
      if (!out_->writer) wake_readers(*out_, kPollIn | kPollHup | kPollRdHup);
    }
    if (in_) {
      LockGuard g(in_->lock);
      remove(&in_->reader, this, &End::rnext_);
      if (!in_->reader) wake_writers(*in_, kPollOut | kPollErr | kPollHup);
    }
    Ring* r = in_ ? in_ : out_;
    if (r->fifo) {
      // A FIFO's data goes with its last open end (as Linux).
      LockGuard g(r->lock);
      if (!r->reader && !r->writer) {
        discard = r->buf;
        r->buf = nullptr;
        r->head = r->count = 0;
      }
    }
    kiln_free(discard);
    Fifo* fifo = fifo_;
    drop(in_);
    if (out_ != in_) drop(out_);
    delete this;
    if (fifo) fifo_put(fifo);  // after the rings are dropped: it may free them
    return {};
  }

 private:
  // read, readv, recv*: what is there (MSG_WAITALL: until n or the end),
  // blocking for it unless O_NONBLOCK or MSG_DONTWAIT; MSG_PEEK leaves it.
  Result<size_t> receive(const struct iovec* iov, int niov, int flags) {
    if (!in_) return Error(EBADF);
    if (flags & kMsgOob) return Error(EOPNOTSUPP);
    size_t n = total_len(iov, niov);
    if (!n) return Ok(size_t{0});
    bool dontwait = nonblocking() || (flags & kMsgDontwait);
    bool peek = flags & kMsgPeek;
    bool waitall = (flags & kMsgWaitall) && !peek && !dontwait;
    Cursor c(iov, niov);
    size_t done = 0;
    for (;;) {
      size_t got = 0;
      bool eof = false;
      {
        LockGuard g(in_->lock);
        if (in_->count) {
          got = n - done < in_->count ? n - done : in_->count;
          take(*in_, c, got, peek);
          if (!peek) wake_writers(*in_, kPollOut | kPollWrNorm);
        } else if (!in_->writer || in_->shut) {
          eof = true;
        }
      }
      done += got;
      if (done == n || eof || (done && !waitall)) return Ok(done);
      if (dontwait) return Error(EAGAIN);
      if (wait_for(*this, kPollIn, 0) == kWaitInterrupted) return Error(EINTR);
    }
  }

  // write, writev, send*: see the top of this file. MSG_DONTWAIT is
  // O_NONBLOCK for one call; MSG_NOSIGNAL and MSG_MORE change nothing (no
  // signals; no batching).
  Result<size_t> send(const struct iovec* iov, int niov, int flags) {
    (void)kMsgNosignal;
    (void)kMsgMore;
    if (!out_) return Error(EBADF);
    if (flags & kMsgOob) return Error(EOPNOTSUPP);
    size_t n = total_len(iov, niov);
    bool dontwait = nonblocking() || (flags & kMsgDontwait);
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
    Cursor c(iov, niov);
    size_t done = 0;
    while (done < n || n == 0) {
      size_t left = n - done;
      size_t put_n = 0;
      bool broken = false;
      {
        LockGuard g(out_->lock);
        if (!out_->reader || out_->shut) {
          broken = true;
        } else if (n == 0) {
          return Ok(size_t{0});
        } else {
          size_t room = out_->room();
          // Up to PIPE_BUF: all at once or wait. Longer: whatever fits.
          if (n <= kPipeBuf) put_n = room >= left ? left : 0;
          else put_n = left < room ? left : room;
          if (put_n) {
            put(*out_, c, put_n);
            wake_readers(*out_, kPollIn | kPollRdNorm);
          }
        }
      }
      if (broken) {
        if (done) return Ok(done);
        return Error(EPIPE);  // SIGPIPE is raised by the write call (calls.cpp)
      }
      if (put_n) {
        done += put_n;
        continue;
      }
      if (dontwait) {
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

  Ring* in_;
  Ring* out_;
  bool sock_;
  End* rnext_ = nullptr;  // the next reader / writer of the ring
  End* wnext_ = nullptr;
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

// --- FIFOs (named pipes) ----------------------------------------------------------
// One per FIFO inode (the vfs keeps it in the node): a Ring that every open
// of the inode shares, readers and writers in its lists. References: the
// inode's and one per open End; the last frees the ring.
struct Fifo {
  Ring ring;
  unsigned refs = 1;
  unsigned ropens = 0, wopens = 0;  // opens so far: a blocked open waits for the other side's to change
};

Result<Fifo*> fifo_new() {
  auto* f = new (std::nothrow) Fifo;
  if (!f) return Error(ENOMEM);
  f->ring.fifo = true;
  f->ring.ends = 0;
  return f;
}

void fifo_put(Fifo* f) {
  bool last;
  {
    LockGuard g(f->ring.lock);
    last = --f->refs == 0;
  }
  if (last) {
    kiln_free(f->ring.buf);
    delete f;
  }
}

// Linux's rules: O_RDONLY waits for a writer (O_NONBLOCK: does not);
// O_WRONLY waits for a reader (O_NONBLOCK: ENXIO without one); O_RDWR
// never waits. The open that completes a pair wakes the one waiting.
Result<File*> fifo_open(Fifo* f, int flags) {
  int acc = flags & O_ACCMODE;
  if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR) return Error(EINVAL);
  bool rd = acc != O_WRONLY, wr = acc != O_RDONLY;
  Ring& r = f->ring;
  auto* e = new (std::nothrow) End(rd ? &r : nullptr, wr ? &r : nullptr, false);
  if (!e) return Error(ENOMEM);
  e->fifo_ = f;
  if (flags & O_NONBLOCK) (void)e->set_status_flags(O_NONBLOCK);
  e->ref();  // the caller's
  unsigned seen;
  {
    LockGuard g(r.lock);
    if (acc == O_WRONLY && (flags & O_NONBLOCK) && !r.reader) {
      delete e;
      return Error(ENXIO);
    }
    ++f->refs;
    if (rd) {
      e->add_reader(r);
      ++f->ropens;
      End::wake_writers(r, ~0u);
    }
    if (wr) {
      e->add_writer(r);
      ++f->wopens;
      End::wake_readers(r, ~0u);
    }
    seen = acc == O_RDONLY ? f->wopens : f->ropens;
  }
  if (acc == O_RDWR || (flags & O_NONBLOCK)) return static_cast<File*>(e);
  // Wait for the other side (its open wakes this End, which is on a list).
  Waiter w;
  Waiter::Watch watch;
  w.watch(*e, watch);
  for (;;) {
    w.begin();
    bool there;
    {
      LockGuard g(r.lock);
      there = acc == O_RDONLY ? (r.writer || f->wopens != seen) : (r.reader || f->ropens != seen);
    }
    if (there) break;
    unsigned long m = kiln_plat_irq_save();
    w.sleep(0, false);
    kiln_plat_irq_restore(m);
  }
  w.unwatch(watch);
  return static_cast<File*>(e);
}

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
