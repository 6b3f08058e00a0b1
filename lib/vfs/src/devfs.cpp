// devfs, mounted at /dev: null zero full random urandom console tty,
// stdin stdout stderr (symlinks to fd/0..2) and fd/N (an open of fd/N is
// a dup of descriptor N). Read-only as a directory (EROFS); the device
// nodes never change, so they are static and not reference counted.
#include "fd_dir.h"
#include <kiln/vfs.h>
#include <kiln/file.h>
#include <kiln/random.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <new>

namespace kiln::vfs {
namespace {

enum class Dev { kNull, kZero, kFull, kRandom, kUrandom, kConsole, kTty };

// An open device: its own description (offset-less, status flags).
class DevFile final : public File {
 public:
  DevFile(Dev d, int flags) : d_(d) { status_ = (flags & O_ACCMODE) | (flags & kSettableFlags); }
  Result<size_t> read(void* buf, size_t n) override {
    switch (d_) {
      case Dev::kNull: return Ok(size_t{0});
      case Dev::kZero:
      case Dev::kFull: memset(buf, 0, n); return Ok(n);
      default: kiln_random_fill(buf, n); return Ok(n);
    }
  }
  Result<size_t> write(const void*, size_t n) override {
    if (d_ == Dev::kFull) return Error(ENOSPC);
    return Ok(n);  // null, zero, random: accepted and dropped
  }
  Result<off_t> seek(off_t, int) override { return Ok(off_t{0}); }
  Result<void> stat(struct stat* st) override;
  // Linux's null, zero and full have no poll operation (epoll: EPERM);
  // random and urandom do. poll and select: always ready.
  bool epollable() const override { return d_ == Dev::kRandom || d_ == Dev::kUrandom; }
  Result<void> release() override {
    delete this;
    return {};
  }

 private:
  ~DevFile() = default;
  Dev d_;
};

class DevNode final : public Vnode {
 public:
  constexpr DevNode(Filesystem* fs, Dev d, uint64_t ino, unsigned rdev) : Vnode(fs, S_IFCHR), d_(d), ino_(ino), rdev_(rdev) {}
  Result<void> getattr(struct stat* st) override {
    memset(st, 0, sizeof *st);
    st->st_dev = static_cast<dev_t>(fs()->dev);
    st->st_ino = static_cast<ino_t>(ino_);
    st->st_mode = S_IFCHR | (d_ == Dev::kConsole ? 0600 : 0666);
    st->st_nlink = 1;
    st->st_rdev = static_cast<dev_t>(rdev_);
    st->st_blksize = 4096;
    return {};
  }
  Result<File*> open(int flags) override {
    if (d_ == Dev::kConsole || d_ == Dev::kTty) {
      File& c = console_file();
      c.ref();
      return &c;
    }
    auto* f = new (std::nothrow) DevFile(d_, flags);
    if (!f) return Error(ENOMEM);
    f->ref();
    return static_cast<File*>(f);
  }
  Result<size_t> read(void*, size_t, off_t) override { return Error(EINVAL); }
  uint64_t ino() const { return ino_; }

 private:
  Dev d_;
  uint64_t ino_;
  unsigned rdev_;
};

// Linux's device numbers (major << 8 | minor), by Dev.
constexpr unsigned kRdev[7] = {0x103, 0x105, 0x107, 0x108, 0x109, 0x501, 0x500};

Result<void> DevFile::stat(struct stat* st) {
  memset(st, 0, sizeof *st);
  st->st_mode = S_IFCHR | 0666;
  st->st_rdev = static_cast<dev_t>(kRdev[static_cast<int>(d_)]);  // names it (/proc/self/fd)
  st->st_blksize = 4096;
  return {};
}

class DevLink final : public Vnode {
 public:
  constexpr DevLink(Filesystem* fs, const char* target, uint64_t ino) : Vnode(fs, S_IFLNK), t_(target), ino_(ino) {}
  Result<size_t> readlink(char* buf, size_t n) override {
    size_t l = strlen(t_);
    size_t k = n < l ? n : l;
    memcpy(buf, t_, k);
    return Ok(k);
  }
  Result<void> getattr(struct stat* st) override {
    memset(st, 0, sizeof *st);
    st->st_dev = static_cast<dev_t>(fs()->dev);
    st->st_ino = static_cast<ino_t>(ino_);
    st->st_mode = S_IFLNK | 0777;
    st->st_nlink = 1;
    st->st_size = static_cast<off_t>(strlen(t_));
    return {};
  }

 private:
  const char* t_;
  uint64_t ino_;
};

// /dev/fd/N: made for each lookup, freed with its last reference.
class FdNode final : public Vnode {
 public:
  FdNode(Filesystem* fs, int fd) : Vnode(fs, S_IFCHR), fd_(fd) {}
  Result<void> getattr(struct stat* st) override {
    auto f = fd_get(fd_);
    if (f.is_error()) return Error(ENOENT);
    return f.value()->stat(st);
  }
  Result<File*> open(int) override {
    auto f = fd_get(fd_);
    if (f.is_error()) return Error(ENOENT);
    File* file = f.value().get();
    file->ref();  // the caller's; the FileRef drops its own
    return file;
  }

 protected:
  void inactive() override { delete this; }

 private:
  ~FdNode() = default;
  int fd_;
};

class Devfs;
constexpr uint64_t kFdDirIno = 2;

class FdDir final : public Vnode {
 public:
  constexpr explicit FdDir(Filesystem* fs) : Vnode(fs, S_IFDIR) {}
  Result<Vnode*> lookup(const char* name, size_t len) override;
  Result<bool> readdir(uint64_t* cookie, DirEntry* out) override;
  Result<void> getattr(struct stat* st) override {
    memset(st, 0, sizeof *st);
    st->st_dev = static_cast<dev_t>(fs()->dev);
    st->st_ino = kFdDirIno;
    st->st_mode = S_IFDIR | 0500;
    st->st_nlink = 2;
    return {};
  }
};

class DevRoot final : public Vnode {
 public:
  constexpr explicit DevRoot(Filesystem* fs) : Vnode(fs, S_IFDIR) {}
  Result<Vnode*> lookup(const char* name, size_t len) override;
  Result<bool> readdir(uint64_t* cookie, DirEntry* out) override;
  Result<void> getattr(struct stat* st) override {
    memset(st, 0, sizeof *st);
    st->st_dev = static_cast<dev_t>(fs()->dev);
    st->st_ino = 1;
    st->st_mode = S_IFDIR | 0755;
    st->st_nlink = 3;
    return {};
  }
  Result<Vnode*> create(const char*, size_t, mode_t) override { return Error(EROFS); }
  Result<Vnode*> mkdir(const char*, size_t, mode_t) override { return Error(EROFS); }
  Result<Vnode*> symlink(const char*, size_t, const char*) override { return Error(EROFS); }
  Result<void> unlink(const char*, size_t) override { return Error(EROFS); }
  Result<void> rmdir(const char*, size_t) override { return Error(EROFS); }
  Result<void> rename(const char*, size_t, Vnode*, const char*, size_t) override { return Error(EROFS); }
  Result<void> link(const char*, size_t, Vnode*) override { return Error(EROFS); }
};

class Devfs final : public Filesystem {
 public:
  Vnode* root() override { return &root_; }
  bool read_only() const override { return true; }
  Result<void> statfs(struct statvfs* out) override {
    memset(out, 0, sizeof *out);
    out->f_bsize = out->f_frsize = 4096;
    out->f_namemax = kNameMax;
    out->f_flag = ST_RDONLY;
    out->f_fsid = dev;
    return {};
  }
  DevRoot root_{this};
  FdDir fd_{this};
  // Linux's device numbers (major << 8 | minor).
  DevNode nodes[7] = {{this, Dev::kNull, 3, 0x103},    {this, Dev::kZero, 4, 0x105},
                      {this, Dev::kFull, 5, 0x107},    {this, Dev::kRandom, 6, 0x108},
                      {this, Dev::kUrandom, 7, 0x109}, {this, Dev::kConsole, 8, 0x501},
                      {this, Dev::kTty, 9, 0x500}};
  DevLink links[3] = {{this, "fd/0", 10}, {this, "fd/1", 11}, {this, "fd/2", 12}};
};

constinit Devfs devfs;
constexpr const char* kNodeNames[7] = {"null", "zero", "full", "random", "urandom", "console", "tty"};
constexpr const char* kLinkNames[3] = {"stdin", "stdout", "stderr"};

bool is(const char* name, size_t len, const char* s) { return strlen(s) == len && !memcmp(name, s, len); }

Result<Vnode*> DevRoot::lookup(const char* name, size_t len) {
  Vnode* v = nullptr;
  if (is(name, len, "..")) v = this;
  else if (is(name, len, "fd")) v = &devfs.fd_;
  for (int i = 0; i < 7 && !v; ++i) {
    if (is(name, len, kNodeNames[i])) v = &devfs.nodes[i];
  }
  for (int i = 0; i < 3 && !v; ++i) {
    if (is(name, len, kLinkNames[i])) v = &devfs.links[i];
  }
  if (!v) return Error(ENOENT);
  v->ref();
  return v;
}

// Entries: . .. fd, the nodes, the links.
Result<bool> DevRoot::readdir(uint64_t* cookie, DirEntry* out) {
  uint64_t c = *cookie;
  const char* name;
  if (c == 0) name = ".", out->ino = 1, out->type = kDtDir;
  else if (c == 1) name = "..", out->ino = 1, out->type = kDtDir;
  else if (c == 2) name = "fd", out->ino = kFdDirIno, out->type = kDtDir;
  else if (c < 10) name = kNodeNames[c - 3], out->ino = devfs.nodes[c - 3].ino(), out->type = kDtChr;
  else if (c < 13) name = kLinkNames[c - 10], out->ino = c, out->type = kDtLnk;
  else return Ok(false);
  out->len = strlen(name);
  memcpy(out->name, name, out->len + 1);
  *cookie = c + 1;
  return Ok(true);
}

Result<Vnode*> FdDir::lookup(const char* name, size_t len) {
  if (is(name, len, "..")) {
    devfs.root_.ref();
    return static_cast<Vnode*>(&devfs.root_);
  }
  int fd = KILN_TRY(fd_from_name(name, len));
  auto* n = new (std::nothrow) FdNode(fs(), fd);
  if (!n) return Error(ENOMEM);
  n->ref();
  return static_cast<Vnode*>(n);
}

// Entries: . .. and each open descriptor (the cookie is fd + 2).
Result<bool> FdDir::readdir(uint64_t* cookie, DirEntry* out) {
  uint64_t c = *cookie;
  if (c < 2) {
    out->ino = c == 0 ? kFdDirIno : 1;
    out->type = kDtDir;
    out->len = c + 1;
    memcpy(out->name, "..", out->len);
    out->name[out->len] = 0;
    *cookie = c + 1;
    return Ok(true);
  }
  return Ok(next_fd_entry(cookie, 2, 100, kDtChr, out));
}

Result<Filesystem*> make_devfs(const char*) {
  if (devfs.mount) return Error(EBUSY);  // one instance
  return static_cast<Filesystem*>(&devfs);
}

}  // namespace

KILN_FS(devfs_type, "devfs", make_devfs);

}  // namespace kiln::vfs
