// Open files and the file descriptor table.
//
// A kiln::File is anything a descriptor can name: the console, sockets,
// pipes, eventfds, epoll instances, later vfs files. Subclasses override
// what they support; the rest fails with the errno POSIX gives for it.
// Descriptors hold references; the last close calls release().
//
// Readiness: every File answers poll(events) with the events that hold
// now, so poll/select/epoll_wait (src/poll.cpp, src/epoll.cpp) and
// blocking reads (wait_for) are written once over Files. How a waiter
// learns of a change:
//
//   - a file whose wakes_waiters() is true (pipes, eventfds, epoll) calls
//     wake() on every change: only the WaitEntries on its own WaitList
//     are notified, so a poller of 5,000 idle pipes is not made to look
//     at them again when an unrelated descriptor changes;
//   - the others (sockets: lwIP events call ready_wake(); the console: the
//     platform's input handler calls kiln_plat_wake_event) announce
//     changes to every waiter; a waiter on one of them looks again after
//     every wake-up.
//
//   Waiter w; Waiter::Watch watch; w.watch(*f, watch);
//   for (;;) {
//     w.begin();                                 // clears woken, reads ready_seq
//     if (f->poll(kPollIn)) break;               // ready (or an error/hang-up)
//     unsigned long m = kiln_plat_irq_save();
//     bool armed = f->arm();                     // wake-ups promised from here on
//     w.sleep(armed ? deadline : soon, !f->wakes_waiters());  // not if woken since begin()
//     kiln_plat_irq_restore(m);
//   }
//   w.unwatch(watch);
//
// (wait_for below is that loop for one file.) Sleeping is the platform's
// kiln_plat_wait_event (kiln/plat/wait.h), not lib/sched: lib/fdtab is
// below the scheduler and works without one. That contract wakes every
// sleeping waiter at once, so a waiter whose files did not change wakes
// too, but only checks its own flag and sleeps again: no re-poll.
//
// The table grows with demand up to a limit: CONFIG_LIBFDTAB_MAX, lowered
// at boot with the fd.max= option.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>

struct iovec;     // <sys/uio.h>
struct msghdr;    // <sys/socket.h>
struct sockaddr;  // <sys/socket.h>
struct flock;     // <fcntl.h>
#include <kiln/plat/irq.h>
#include <kiln/result.h>

namespace kiln {

namespace vfs {
class Vnode;
}

// Readiness events, the values of poll.h's POLL* (lib/fdtab/include/poll.h).
enum : unsigned {
  kPollIn = 0x1, kPollOut = 0x2, kPollErr = 0x4, kPollNval = 0x8, kPollRdNorm = 0x10,
  kPollPri = 0x40, kPollWrNorm = 0x80, kPollHup = 0x200, kPollRdHup = 0x2000,
};

class File;

// One waiter's registration on one file's WaitList. notify runs with
// events masked (from wake(), possibly in an interrupt handler): it may
// set flags, link lists and call kiln_plat_wake_event, nothing that
// blocks. events: what changed (kPoll*; ~0u when unknown), or kWaitGone
// once, when the file is released (the entry is already off the list).
struct WaitEntry {
  WaitEntry* next = nullptr;
  WaitEntry* prev = nullptr;
  void (*notify)(WaitEntry& e, unsigned events) = nullptr;
};
constexpr unsigned kWaitGone = 1u << 31;
// What wait_for returns when the calling thread has a signal to handle
// (kiln/sigpoint.h): the blocking call fails with EINTR, or returns what it
// already transferred.
constexpr unsigned kWaitInterrupted = 1u << 30;

class WaitList {
 public:
  constexpr WaitList() = default;
  // Both mask events themselves.
  void add(WaitEntry& e);
  void remove(WaitEntry& e);
  void wake(unsigned events);
  // Takes every entry off and notifies it kWaitGone (File::unref).
  void detach_all();

 private:
  WaitEntry* head_ = nullptr;
};

class File {
 public:
  constexpr File() = default;
  virtual Result<size_t> read(void*, size_t) { return Error(EBADF); }
  virtual Result<size_t> write(const void*, size_t) { return Error(EBADF); }
  virtual Result<off_t> seek(off_t, int) { return Error(ESPIPE); }
  // readv/writev: by default one read/write per element, stopping at the
  // first short one (what POSIX allows). A file whose own call keeps the
  // vector together (a datagram socket: one message) overrides them.
  virtual Result<size_t> readv(const struct iovec* iov, int n);
  virtual Result<size_t> writev(const struct iovec* iov, int n);
  virtual Result<void> stat(struct stat* st);
  virtual bool isatty() const { return false; }
  // The events among `events` that hold now (kPollErr and kPollHup are
  // reported whether asked or not). A file that never blocks (the
  // default) is always readable and writable.
  virtual unsigned poll(unsigned events) { return events & (kPollIn | kPollOut | kPollRdNorm | kPollWrNorm); }
  // Called with events masked right before a poller sleeps on this file
  // (poll() said nothing it wanted): make sure the next change calls
  // ready_wake. False when the file cannot promise that (the poller then
  // re-checks it every few milliseconds).
  virtual bool arm() { return true; }
  // True when every readiness change calls wake() (see the top of this
  // file); false when changes are announced to all waiters only.
  virtual bool wakes_waiters() { return false; }
  // What an advisory lock on this file locks (src/locks.cpp): the file
  // itself by default; a vfs file says its vnode, so opens of one path meet.
  virtual const void* lock_key() const { return this; }
  // Whether epoll_ctl(EPOLL_CTL_ADD) takes it: false for what Linux has no
  // poll operation for (regular files, directories, /dev/null, /dev/zero,
  // /dev/full), which epoll refuses with EPERM. poll and select take every
  // file (those are always ready: the default poll()).
  virtual bool epollable() const { return true; }
  // ioctl requests other than FIONBIO (which is set_status_flags for
  // every file, src/poll.cpp). arg is the caller's pointer.
  virtual Result<int> ioctl(unsigned long, void*) { return Error(ENOTTY); }
  // The socket calls (lib/fdtab's src/sockcalls.cpp: send, recv, sendto,
  // recvfrom, sendmsg, recvmsg, shutdown, getsockopt, setsockopt call
  // these on the descriptor's file; send is sendto without an address).
  // Files that are no sockets fail with ENOTSOCK. flags, levels and option
  // names are sys/socket.h's values (lwIP's); len is a socklen_t.
  virtual Result<size_t> sendto(const void*, size_t, int, const struct sockaddr*, uint32_t) {
    return Error(ENOTSOCK);
  }
  virtual Result<size_t> recvfrom(void*, size_t, int, struct sockaddr*, uint32_t*) { return Error(ENOTSOCK); }
  virtual Result<size_t> sendmsg(const struct msghdr*, int) { return Error(ENOTSOCK); }
  virtual Result<size_t> recvmsg(struct msghdr*, int) { return Error(ENOTSOCK); }
  virtual Result<void> shutdown(int) { return Error(ENOTSOCK); }
  virtual Result<void> getsockopt(int, int, void*, uint32_t*) { return Error(ENOTSOCK); }
  virtual Result<void> setsockopt(int, int, const void*, uint32_t) { return Error(ENOTSOCK); }
  // A tag naming the file's kind for the code that made it (no RTTI):
  // lets lib/socket tell its sockets and epoll_ctl its epoll instances.
  virtual const void* kind() const { return nullptr; }
  // The open file description's status flags (fcntl F_GETFL / F_SETFL):
  // the access mode plus O_NONBLOCK and O_APPEND. The default keeps them
  // in the description (status_); a file whose flags live elsewhere (an
  // lwIP socket) overrides both. set_status_flags takes only O_NONBLOCK and
  // O_APPEND, as Linux's F_SETFL does.
  virtual Result<int> status_flags() { return Ok(status_); }
  virtual Result<void> set_status_flags(int flags) {
    status_ = (status_ & ~kSettableFlags) | (flags & kSettableFlags);
    return {};
  }
  bool nonblocking() const { return status_ & kNonblockFlag; }
  // The vfs node an open file or directory refers to (lib/vfs), nullptr
  // for other files: how fchdir, openat(dirfd) and fdopendir find theirs.
  virtual vfs::Vnode* vnode() { return nullptr; }
  // Called when the last descriptor referring to this file is closed.
  virtual Result<void> release() { return {}; }

  // References are counted with events masked, not with atomic
  // instructions: one CPU, so masking is all the mutual exclusion there is
  // (kiln/lock.h), and a lock-prefixed add/sub on every read is a full
  // barrier that waits for the read's copy to drain from the store buffer
  // (measured: a fifth of a 4 KiB ramfs read on linuxu, docs/vfs.md).
  void ref() {
    unsigned long m = kiln_plat_irq_save();
    ++refs_;
    kiln_plat_irq_restore(m);
  }
  // ref() for callers that mask events already (fd_get).
  void ref_masked() { ++refs_; }
  // A reference unless the last one is already gone (a file reached
  // through a pointer that holds none: epoll's interest list).
  bool try_ref();
  // Drops one reference; on the last one detaches its waiters (kWaitGone)
  // and calls release().
  Result<void> unref();

  // Readiness changed (events: which, ~0u if unknown): notifies this
  // file's waiters. Safe with events masked and from handlers.
  void wake(unsigned events = ~0u) { waiters_.wake(events); }
  WaitList& waiters() { return waiters_; }

 protected:
  ~File() = default;

 protected:
  static constexpr int kNonblockFlag = O_NONBLOCK, kAppendFlag = O_APPEND;
  static constexpr int kSettableFlags = kNonblockFlag | kAppendFlag;
  int status_ = O_RDWR;

 private:
  unsigned refs_ = 0;
  WaitList waiters_;
};

// A thread waiting on files (see the top of this file).
class Waiter {
 public:
  struct Watch {
    WaitEntry entry;
    Waiter* owner = nullptr;
    File* file = nullptr;
  };
  // Puts w on f's wait list until unwatch (w is the caller's storage).
  void watch(File& f, Watch& w);
  void unwatch(Watch& w);
  // Starts a round of checks: clears woken, reads ready_seq.
  void begin();
  // Called with events masked, after the checks and arming: returns at
  // once if a watched file woke (or, broadcast, any ready_wake ran) since
  // begin(); else sleeps until that, any wake-up (broadcast) or the
  // monotonic deadline (0: none). Also returns when the calling thread has
  // a signal to handle (kiln_signal_interrupted): the caller checks.
  void sleep(uint64_t deadline_ns, bool broadcast);
  bool woken() const { return __atomic_load_n(&woken_, __ATOMIC_ACQUIRE); }

 private:
  static void notify(WaitEntry& e, unsigned events);
  bool woken_ = false;
  uint64_t seq_ = 0;
};

// Blocks until f.poll(events) reports something (returned), the
// monotonic deadline (0: none; returns 0) or a signal to handle (returns
// kWaitInterrupted). A file that cannot arm is re-checked every 10 ms.
unsigned wait_for(File& f, unsigned events, uint64_t deadline_ns);

// Readiness changes of the files that do not wake their own waiters
// (sockets): ready_wake tells every waiter (safe from interrupt handlers;
// wake-ups may be spurious). ready_seq counts them (Waiter::begin reads
// it, so a wake-up between the checks and the sleep is not lost).
uint64_t ready_seq();
void ready_wake();

// Put f in the lowest free slot (>= min_fd). Takes a reference.
// EMFILE when the table is at its limit, ENOMEM when it cannot grow.
Result<int> fd_install(File* f, int min_fd = 0);
// fd_install, with the new descriptor's close-on-exec bit set when asked
// (SOCK_CLOEXEC, O_CLOEXEC, F_DUPFD_CLOEXEC...).
Result<int> fd_install_flags(File* f, bool cloexec, int min_fd = 0);
// The descriptor's FD_CLOEXEC bit (fcntl F_GETFD/F_SETFD). Every new
// descriptor starts without it (dup, dup2 and accept too) unless made
// with fd_install_flags. EBADF for a closed descriptor.
Result<void> fd_set_cloexec(int fd, bool on);
Result<bool> fd_cloexec(int fd);
// Put f at exactly fd (closing what was there; as POSIX dup2, an error
// from that close is not reported). Takes a reference.
Result<void> fd_install_at(int fd, File* f);
Result<void> fd_close(int fd);
Result<int> fd_dup(int fd);
Result<int> fd_dup2(int fd, int to);
// A free descriptor held for a file not made yet (accept: take a
// descriptor before taking the connection). fd_get sees it as closed
// until fd_commit fills it; fd_cancel gives it back.
Result<int> fd_reserve();
void fd_commit(int fd, File* f);
void fd_cancel(int fd);
// The most descriptors the table will hold (fd.max=), and how many slots
// it has now (it grows on demand).
int fd_limit();
int fd_capacity();
// Sets the limit (3..CONFIG_LIBFDTAB_MAX; the fd.max= option): EINVAL outside.
Result<void> fd_set_limit(int n);

// A referenced file for the duration of one call.
class FileRef {
 public:
  FileRef() = default;
  explicit FileRef(File* f) : f_(f) {}
  FileRef(FileRef&& o) : f_(o.f_) { o.f_ = nullptr; }
  FileRef(const FileRef&) = delete;
  FileRef& operator=(const FileRef&) = delete;
  FileRef& operator=(FileRef&& o) {
    if (this != &o) {
      if (f_) (void)f_->unref();
      f_ = o.f_;
      o.f_ = nullptr;
    }
    return *this;
  }
  ~FileRef() {
    if (f_) (void)f_->unref();
  }
  File* operator->() const { return f_; }
  File& operator*() const { return *f_; }
  File* get() const { return f_; }

 private:
  File* f_ = nullptr;
};
Result<FileRef> fd_get(int fd);

// Advisory locks (src/locks.cpp; docs/vfs.md "Advisory locks").
// flock_file: LOCK_SH / LOCK_EX / LOCK_UN, | LOCK_NB (EWOULDBLOCK instead
// of blocking the calling thread), owned by the open file description.
Result<void> flock_file(File& f, int op);
// fcntl F_GETLK F_SETLK F_SETLKW and F_OFD_GETLK (36) F_OFD_SETLK (37)
// F_OFD_SETLKW (38) with the caller's struct flock.
Result<void> fcntl_lock(File& f, int cmd, struct flock* fl);
// The table's hooks: a descriptor for f was closed (POSIX locks go), and
// the description's last reference went (its flock and OFD locks go).
void locks_closed(File& f);
void locks_released(File& f);
// How many lock records there are (tests).
unsigned lock_records();

// The console file (fds 0, 1, 2 at boot).
File& console_file();

}  // namespace kiln
