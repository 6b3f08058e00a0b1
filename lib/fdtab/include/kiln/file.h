// Open files and the file descriptor table.
//
// A kiln::File is anything a descriptor can name: the console, and later
// vfs files and sockets. Subclasses override what they support; the rest
// fails with the errno POSIX gives for it. Descriptors hold references;
// the last close calls release().
#pragma once
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <kiln/result.h>

namespace kiln {

class File {
 public:
  constexpr File() = default;
  virtual Result<size_t> read(void*, size_t) { return Error(EBADF); }
  virtual Result<size_t> write(const void*, size_t) { return Error(EBADF); }
  virtual Result<off_t> seek(off_t, int) { return Error(ESPIPE); }
  virtual Result<void> stat(struct stat* st);
  virtual bool isatty() const { return false; }
  // Called when the last descriptor referring to this file is closed.
  virtual Result<void> release() { return {}; }

  void ref() { __atomic_add_fetch(&refs_, 1, __ATOMIC_RELAXED); }
  // Drops one reference; on the last one calls release().
  Result<void> unref();

 protected:
  ~File() = default;

 private:
  unsigned refs_ = 0;
};

// Put f in the lowest free slot (>= min_fd). Takes a reference.
Result<int> fd_install(File* f, int min_fd = 0);
// Put f at exactly fd (closing what was there; as POSIX dup2, an error
// from that close is not reported). Takes a reference.
Result<void> fd_install_at(int fd, File* f);
Result<void> fd_close(int fd);
Result<int> fd_dup(int fd);
Result<int> fd_dup2(int fd, int to);

// A referenced file for the duration of one call.
class FileRef {
 public:
  FileRef() = default;
  explicit FileRef(File* f) : f_(f) {}
  FileRef(FileRef&& o) : f_(o.f_) { o.f_ = nullptr; }
  FileRef(const FileRef&) = delete;
  FileRef& operator=(const FileRef&) = delete;
  ~FileRef() {
    if (f_) (void)f_->unref();
  }
  File* operator->() const { return f_; }
  File& operator*() const { return *f_; }

 private:
  File* f_ = nullptr;
};
Result<FileRef> fd_get(int fd);

// The console file (fds 0, 1, 2 at boot).
File& console_file();

}  // namespace kiln
