// procfs, mounted at /proc (VFS_PROCFS): only what common programs read at
// start. One process, so:
//
//   /proc/self      a symlink to "1" (getpid() is 1)
//   /proc/1/fd/N    a symlink per open descriptor; readlink says what it is
//                   (proc_fd_describe below)
//   /proc/meminfo   MemTotal, MemFree, MemAvailable from the heap's statistics
//   /proc/cpuinfo   one processor entry
//
// Read-only: creating, removing or renaming fails with EROFS, opening a file
// for writing with EACCES (its mode is 0444, as Linux's). The directories and
// text files are static; fd/N nodes are made per lookup and freed with their
// last reference. Texts are generated at each read, from the offset asked.
#include "fd_dir.h"
#include <kiln/vfs.h>
#include <kiln/alloc.h>
#include <kiln/file.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <new>

extern "C" size_t kiln_vfs_cache_bytes() __attribute__((weak));  // lib/extfs

namespace kiln::vfs {

namespace {

bool is(const char* name, size_t len, const char* s) { return strlen(s) == len && !memcmp(name, s, len); }

// Appends s to buf[*at..n), NUL ended; false (nothing changed) if it does not fit.
bool append(char* buf, size_t n, size_t* at, const char* s, size_t len) {
  if (*at + len + 1 > n) return false;
  memcpy(buf + *at, s, len);
  *at += len;
  buf[*at] = 0;
  return true;
}

// Looks for a non-directory with inode ino below dir (the path so far is
// path[0..len)), at most kDepth directories deep and *budget entries in all:
// a search, since the vfs keeps no names for open files. True: found, path
// holds it.
constexpr int kDepth = 8;
bool find_ino(Vnode* dir, uint64_t ino, char* path, size_t len, size_t cap, int depth, int* budget) {
  uint64_t cookie = 0;
  DirEntry e;
  for (;;) {
    auto r = dir->readdir(&cookie, &e);
    if (r.is_error() || !r.value()) return false;
    if (is(e.name, e.len, ".") || is(e.name, e.len, "..")) continue;
    if (--*budget < 0) return false;
    size_t at = len;
    if (!append(path, cap, &at, "/", 1) || !append(path, cap, &at, e.name, e.len)) continue;
    if (e.type != kDtDir) {
      if (e.ino == ino) return true;
      continue;
    }
    if (depth >= kDepth) continue;
    auto c = dir->lookup(e.name, e.len);
    if (c.is_error()) continue;
    VnodeRef child = VnodeRef::adopt(c.value());
    if (child->mounted || !child->is_dir()) continue;  // covered by a mount: not this filesystem's
    if (find_ino(child.get(), ino, path, at, cap, depth + 1, budget)) return true;
  }
}

// The path of v, if the vfs can tell: directories by dir_path, other
// vnodes by a bounded search of their filesystem.
Result<size_t> vnode_path(Vnode* v, char* buf, size_t n) {
  Guard g;
  if (v->is_dir()) return dir_path(v, buf, n);
  struct stat st;
  KILN_TRY(v->getattr(&st));
  if (st.st_nlink == 0) return Error(ENOENT);  // unlinked: no name left
  Vnode* top = v->fs()->root();
  size_t len = KILN_TRY(dir_path(top, buf, n));
  if (len == 1) len = 0;  // "/": the names below add their own slash
  int budget = 4096;
  if (!find_ino(top, static_cast<uint64_t>(st.st_ino), buf, len, n, 0, &budget)) return Error(ENOENT);
  return Ok(strlen(buf));
}

// Linux's device numbers of the devfs nodes an open gives its own File.
struct DevName {
  unsigned rdev;
  const char* path;
};
constexpr DevName kDevNames[] = {{0x103, "/dev/null"},   {0x105, "/dev/zero"},    {0x107, "/dev/full"},
                                 {0x108, "/dev/random"}, {0x109, "/dev/urandom"}};

}  // namespace

Result<size_t> proc_fd_describe(File* f, char* buf, size_t n) {
  if (n == 0) return Error(ERANGE);
  buf[0] = 0;
  size_t at = 0;
  auto put = [&](const char* s) -> Result<size_t> {
    if (!append(buf, n, &at, s, strlen(s))) return Error(ERANGE);
    return Ok(at);
  };
  if (f == &console_file()) return put("/dev/console");
  if (Vnode* v = f->vnode()) {
    auto r = vnode_path(v, buf, n);
    if (!r.is_error()) return r;
    if (r.error().code() == ERANGE) return r;
    buf[0] = 0;
  }
  struct stat st;
  if (f->stat(&st).is_error()) memset(&st, 0, sizeof st);
  // Linux names pipes and sockets by inode; theirs are 0 here, so the
  // number names the open file description instead (a pipe's two ends differ).
  unsigned long id = st.st_ino ? static_cast<unsigned long>(st.st_ino)
                               : static_cast<unsigned long>((reinterpret_cast<uintptr_t>(f) >> 4) & 0xffffffffu);
  char tmp[48];
  switch (st.st_mode & S_IFMT) {
    case S_IFIFO: snprintf(tmp, sizeof tmp, "pipe:[%lu]", id); return put(tmp);
    case S_IFSOCK: snprintf(tmp, sizeof tmp, "socket:[%lu]", id); return put(tmp);
    case S_IFCHR:
      for (const DevName& d : kDevNames) {
        if (st.st_rdev == static_cast<dev_t>(d.rdev)) return put(d.path);
      }
      return put("anon_inode:[chr]");
    case S_IFREG: return put("anon_inode:[file]");  // a vfs file the search did not find
    case S_IFDIR: return put("anon_inode:[dir]");
    default: return put("anon_inode:[anon]");  // eventfd, epoll: no type bits, as Linux's anon inodes
  }
}

namespace {

enum : uint64_t { kRootIno = 1, kPidIno = 2, kFdIno = 3, kMemIno = 4, kCpuIno = 5, kSelfIno = 6, kFdBase = 100 };

void fill_stat(struct stat* st, uint64_t dev, uint64_t ino, mode_t mode, nlink_t nlink) {
  memset(st, 0, sizeof *st);
  st->st_dev = static_cast<dev_t>(dev);
  st->st_ino = static_cast<ino_t>(ino);
  st->st_mode = mode;
  st->st_nlink = nlink;
  st->st_blksize = 4096;
}

// A read-only directory: everything that would change it is EROFS.
class ProcDir : public Vnode {
 public:
  constexpr ProcDir(Filesystem* fs, uint64_t ino, mode_t perm) : Vnode(fs, S_IFDIR), ino_(ino), perm_(perm) {}
  Result<void> getattr(struct stat* st) override {
    fill_stat(st, fs()->dev, ino_, S_IFDIR | perm_, 2);
    return {};
  }
  Result<void> setattr(const SetAttr&) override { return Error(EROFS); }
  Result<Vnode*> create(const char*, size_t, mode_t) override { return Error(EROFS); }
  Result<Vnode*> mkdir(const char*, size_t, mode_t) override { return Error(EROFS); }
  Result<Vnode*> symlink(const char*, size_t, const char*) override { return Error(EROFS); }
  Result<void> unlink(const char*, size_t) override { return Error(EROFS); }
  Result<void> rmdir(const char*, size_t) override { return Error(EROFS); }
  Result<void> rename(const char*, size_t, Vnode*, const char*, size_t) override { return Error(EROFS); }
  Result<void> link(const char*, size_t, Vnode*) override { return Error(EROFS); }

 protected:
  uint64_t ino_;
  mode_t perm_;
};

// Fills *out with the cookie's entry from a fixed list (".", "..", then
// names); false past the end.
struct Fixed {
  const char* name;
  uint64_t ino;
  uint8_t type;
};
bool fixed_entry(const Fixed* list, size_t count, uint64_t* cookie, DirEntry* out) {
  if (*cookie >= count) return false;
  const Fixed& f = list[*cookie];
  out->ino = f.ino;
  out->type = f.type;
  out->len = strlen(f.name);
  memcpy(out->name, f.name, out->len + 1);
  ++*cookie;
  return true;
}

// /proc/meminfo and /proc/cpuinfo: regenerated at each read.
class ProcText final : public Vnode {
 public:
  using Gen = size_t (*)(char* buf, size_t n);  // snprintf-like: the full length
  constexpr ProcText(Filesystem* fs, uint64_t ino, Gen gen) : Vnode(fs, S_IFREG), ino_(ino), gen_(gen) {}
  Result<void> getattr(struct stat* st) override {
    fill_stat(st, fs()->dev, ino_, S_IFREG | 0444, 1);  // size 0, as Linux's generated files
    return {};
  }
  Result<void> setattr(const SetAttr&) override { return Error(EROFS); }
  Result<File*> open(int flags) override {
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC)) return Error(EACCES);
    return static_cast<File*>(nullptr);  // a VnodeFile
  }
  Result<size_t> read(void* buf, size_t n, off_t off) override {
    char text[512];
    size_t len = gen_(text, sizeof text);
    if (len >= sizeof text) len = sizeof text - 1;
    if (off < 0 || static_cast<size_t>(off) >= len) return Ok(size_t{0});
    size_t k = len - static_cast<size_t>(off);
    if (k > n) k = n;
    memcpy(buf, text + off, k);
    return Ok(k);
  }
  Result<size_t> write(const void*, size_t, off_t) override { return Error(EROFS); }

 private:
  uint64_t ino_;
  Gen gen_;
};

size_t gen_meminfo(char* buf, size_t n) {
  kiln_alloc_stats s;
  kiln_alloc_get_stats(&s);
  int r = snprintf(buf, n, "MemTotal:       %8zu kB\nMemFree:        %8zu kB\nMemAvailable:   %8zu kB\n",
                   s.total / 1024, s.free / 1024, s.free / 1024);
  if (r < 0) return 0;
  // Block caches of disk filesystems (lib/extfs), when one is linked.
  if (kiln_vfs_cache_bytes && static_cast<size_t>(r) < n) {
    int b = snprintf(buf + r, n - r, "Buffers:        %8zu kB\n", kiln_vfs_cache_bytes() / 1024);
    if (b > 0) r += b;
  }
  return static_cast<size_t>(r) < n ? static_cast<size_t>(r) : n - 1;
}

// No portable hook names the CPU (the arch's cpuid is not for libraries),
// and the image does not know its platform's name at run time: one
// processor, its model unknown.
size_t gen_cpuinfo(char* buf, size_t n) {
  int r = snprintf(buf, n, "processor\t: 0\nmodel name\t: unknown\ncpu cores\t: 1\n\n");
  return r < 0 ? 0 : static_cast<size_t>(r);
}

class ProcLink final : public Vnode {
 public:
  constexpr ProcLink(Filesystem* fs, uint64_t ino, const char* target) : Vnode(fs, S_IFLNK), ino_(ino), t_(target) {}
  Result<size_t> readlink(char* buf, size_t n) override {
    size_t l = strlen(t_), k = n < l ? n : l;
    memcpy(buf, t_, k);
    return Ok(k);
  }
  Result<void> getattr(struct stat* st) override {
    fill_stat(st, fs()->dev, ino_, S_IFLNK | 0777, 1);
    st->st_size = static_cast<off_t>(strlen(t_));
    return {};
  }

 private:
  uint64_t ino_;
  const char* t_;
};

// /proc/1/fd/N: made per lookup.
class FdLink final : public Vnode {
 public:
  FdLink(Filesystem* fs, int fd) : Vnode(fs, S_IFLNK), fd_(fd) {}
  Result<size_t> readlink(char* buf, size_t n) override {
    auto f = fd_get(fd_);
    if (f.is_error()) return Error(ENOENT);
    // Described into a buffer of its own: readlink's may be short (it
    // truncates, with no NUL) while the description needs room to be built.
    char* tmp = new (std::nothrow) char[kPathMax];
    if (!tmp) return Error(ENOMEM);
    auto r = proc_fd_describe(f.value().get(), tmp, kPathMax);
    size_t k = 0;
    if (!r.is_error()) {
      k = r.value() < n ? r.value() : n;
      memcpy(buf, tmp, k);
    }
    delete[] tmp;
    if (r.is_error()) return r.error();
    return Ok(k);
  }
  Result<void> getattr(struct stat* st) override {
    if (fd_get(fd_).is_error()) return Error(ENOENT);
    fill_stat(st, fs()->dev, kFdBase + static_cast<uint64_t>(fd_), S_IFLNK | 0700, 1);
    st->st_size = 64;
    return {};
  }

 protected:
  void inactive() override { delete this; }

 private:
  ~FdLink() = default;
  int fd_;
};

class ProcRoot;
class PidDir;

class FdDir final : public ProcDir {
 public:
  constexpr explicit FdDir(Filesystem* fs) : ProcDir(fs, kFdIno, 0500) {}
  Result<Vnode*> lookup(const char* name, size_t len) override;
  Result<bool> readdir(uint64_t* cookie, DirEntry* out) override;
};

class PidDir final : public ProcDir {
 public:
  constexpr explicit PidDir(Filesystem* fs) : ProcDir(fs, kPidIno, 0555) {}
  Result<Vnode*> lookup(const char* name, size_t len) override;
  Result<bool> readdir(uint64_t* cookie, DirEntry* out) override {
    static constexpr Fixed kList[] = {{".", kPidIno, kDtDir}, {"..", kRootIno, kDtDir}, {"fd", kFdIno, kDtDir}};
    return Ok(fixed_entry(kList, 3, cookie, out));
  }
};

class ProcRoot final : public ProcDir {
 public:
  constexpr explicit ProcRoot(Filesystem* fs) : ProcDir(fs, kRootIno, 0555) {}
  Result<Vnode*> lookup(const char* name, size_t len) override;
  Result<bool> readdir(uint64_t* cookie, DirEntry* out) override {
    static constexpr Fixed kList[] = {{".", kRootIno, kDtDir},      {"..", kRootIno, kDtDir},
                                      {"1", kPidIno, kDtDir},       {"self", kSelfIno, kDtLnk},
                                      {"meminfo", kMemIno, kDtReg}, {"cpuinfo", kCpuIno, kDtReg}};
    return Ok(fixed_entry(kList, 6, cookie, out));
  }
};

class Procfs final : public Filesystem {
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
  ProcRoot root_{this};
  PidDir pid_{this};
  FdDir fd_{this};
  ProcLink self_{this, kSelfIno, "1"};
  ProcText meminfo_{this, kMemIno, gen_meminfo};
  ProcText cpuinfo_{this, kCpuIno, gen_cpuinfo};
};

constinit Procfs procfs;

Vnode* referenced(Vnode* v) {
  v->ref();
  return v;
}

Result<Vnode*> ProcRoot::lookup(const char* name, size_t len) {
  if (is(name, len, "..")) return referenced(this);
  if (is(name, len, "1")) return referenced(&procfs.pid_);
  if (is(name, len, "self")) return referenced(&procfs.self_);
  if (is(name, len, "meminfo")) return referenced(&procfs.meminfo_);
  if (is(name, len, "cpuinfo")) return referenced(&procfs.cpuinfo_);
  return Error(ENOENT);
}

Result<Vnode*> PidDir::lookup(const char* name, size_t len) {
  if (is(name, len, "..")) return referenced(&procfs.root_);
  if (is(name, len, "fd")) return referenced(&procfs.fd_);
  return Error(ENOENT);
}

Result<Vnode*> FdDir::lookup(const char* name, size_t len) {
  if (is(name, len, "..")) return referenced(&procfs.pid_);
  int fd = KILN_TRY(fd_from_name(name, len));
  auto* n = new (std::nothrow) FdLink(fs(), fd);
  if (!n) return Error(ENOMEM);
  return referenced(n);
}

// ".", "..", then each open descriptor (the cookie is fd + 2).
Result<bool> FdDir::readdir(uint64_t* cookie, DirEntry* out) {
  static constexpr Fixed kList[] = {{".", kFdIno, kDtDir}, {"..", kPidIno, kDtDir}};
  if (*cookie < 2) return Ok(fixed_entry(kList, 2, cookie, out));
  return Ok(next_fd_entry(cookie, 2, kFdBase, kDtLnk, out));
}

Result<Filesystem*> make_procfs(const char*) {
  if (procfs.mount) return Error(EBUSY);  // one instance
  return static_cast<Filesystem*>(&procfs);
}

}  // namespace

KILN_FS(procfs_type, "procfs", make_procfs);

}  // namespace kiln::vfs
