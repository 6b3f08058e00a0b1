// Open files and the file descriptor table.
//
// A kiln::File is anything a descriptor can name: the console, sockets,
// later vfs files. Subclasses override what they support; the rest fails
// with the errno POSIX gives for it. Descriptors hold references; the last
// close calls release().
//
// Readiness: every File answers poll(events) with the events that hold
// now, and wakes waiters (ready_wake) when that may have changed, so
// poll/select (lib/socket) and later epoll are written once over Files:
//
//   for (;;) {
//     uint64_t seq = kiln::ready_seq();
//     if (f->poll(kPollIn)) break;              // ready (or an error/hang-up)
//     unsigned long m = kiln_plat_irq_save();
//     bool armed = f->arm();                    // wake-ups promised from here on
//     kiln::ready_wait(seq, armed ? deadline : soon);  // not if something changed since seq
//     kiln_plat_irq_restore(m);
//   }
//
// The table grows with demand up to a limit: CONFIG_LIBFDTAB_MAX, lowered
// at boot with the fd.max= option.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <kiln/result.h>

namespace kiln {

namespace vfs {
class Vnode;
}

// Readiness events, the values of poll.h's POLL* (lib/socket/include/poll.h).
enum : unsigned {
  kPollIn = 0x1, kPollOut = 0x2, kPollErr = 0x4, kPollNval = 0x8, kPollRdNorm = 0x10,
  kPollPri = 0x40, kPollWrNorm = 0x80, kPollHup = 0x200,
};

class File {
 public:
  constexpr File() = default;
  virtual Result<size_t> read(void*, size_t) { return Error(EBADF); }
  virtual Result<size_t> write(const void*, size_t) { return Error(EBADF); }
  virtual Result<off_t> seek(off_t, int) { return Error(ESPIPE); }
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

  void ref() { __atomic_add_fetch(&refs_, 1, __ATOMIC_RELAXED); }
  // Drops one reference; on the last one calls release().
  Result<void> unref();

 protected:
  ~File() = default;

 protected:
  static constexpr int kNonblockFlag = O_NONBLOCK, kAppendFlag = O_APPEND;
  static constexpr int kSettableFlags = kNonblockFlag | kAppendFlag;
  int status_ = O_RDWR;

 private:
  unsigned refs_ = 0;
};

// Readiness changes. ready_wake is safe from interrupt handlers; wake-ups
// may be spurious. ready_wait, called with events masked, returns at once
// if ready_wake ran since seq was read, else sleeps (kiln/plat/wait.h)
// until a wake-up or the monotonic deadline (0: none).
uint64_t ready_seq();
void ready_wake();
void ready_wait(uint64_t seq, uint64_t deadline_ns);

// Put f in the lowest free slot (>= min_fd). Takes a reference.
// EMFILE when the table is at its limit, ENOMEM when it cannot grow.
Result<int> fd_install(File* f, int min_fd = 0);
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

// The console file (fds 0, 1, 2 at boot).
File& console_file();

}  // namespace kiln
