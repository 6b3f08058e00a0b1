// hostfs: a host folder as a vfs filesystem (kiln/plat/hostfs.h).
//
// Each vnode holds an O_PATH descriptor of its host file and a reference to
// its parent vnode. lookup() opens one component below the directory's
// descriptor with O_NOFOLLOW, so the host never resolves `..` or a symlink:
// the vfs walk does (docs/vfs.md), inside the image's tree. `..` of the
// mount's root is the vfs's business (the parent mount), and `..` of any
// other directory is its parent vnode, so nothing above the host folder is
// ever reached. Reads and writes reopen the file through /proc/self/fd (a
// descriptor per vnode, opened at the first access and kept until the
// vnode goes). Directory listings read the host's getdents64 and resume at
// its d_off cookie.
//
// Owners, modes and times are the host's; setattr passes chmod, chown,
// truncate and utimes through. The host's permission checks apply to the
// image process (linuxu runs as the user who started it).
#include <kiln/alloc.h>
#include <kiln/plat/hostfs.h>
#include <kiln/print.h>
#include <kiln/vfs.h>
#include <errno.h>
#include <fcntl.h>
#include <new>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

namespace kiln::vfs {
namespace {

class HostFs;

Error host_error(long r) { return Error(static_cast<int>(-r)); }

// A component as a NUL-ended string (names from the vfs are not).
struct Name {
  char s[kNameMax + 1];
  Name(const char* n, size_t len) {
    memcpy(s, n, len);
    s[len] = '\0';
  }
};


class HostNode final : public Vnode {
 public:
  HostNode(Filesystem* fs, mode_t type, int fd, HostNode* parent) : Vnode(fs, type), fd_(fd), parent_(parent) {
    if (parent_) parent_->ref();
  }

  int fd() const { return fd_; }
  bool ro() const { return fs()->read_only(); }

  Result<Vnode*> lookup(const char* name, size_t len) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (len == 2 && name[0] == '.' && name[1] == '.') {
      HostNode* p = parent_ ? parent_ : this;
      p->ref();
      return static_cast<Vnode*>(p);
    }
    Name n(name, len);
    return open_child(n.s);
  }

  Result<Vnode*> create(const char* name, size_t len, mode_t mode) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    Name n(name, len);
    long fd = kiln_plat_host_openat(fd_, n.s, KILN_HOST_O_CREAT | KILN_HOST_O_EXCL | KILN_HOST_O_WRONLY |
                                                  KILN_HOST_O_NOFOLLOW, mode & 07777);
    if (fd < 0) return host_error(fd);
    kiln_plat_host_close(static_cast<int>(fd));
    return open_child(n.s);
  }

  Result<Vnode*> mkdir(const char* name, size_t len, mode_t mode) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    Name n(name, len);
    long r = kiln_plat_host_mkdirat(fd_, n.s, mode & 07777);
    if (r < 0) return host_error(r);
    return open_child(n.s);
  }

  Result<Vnode*> symlink(const char* name, size_t len, const char* target) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    Name n(name, len);
    long r = kiln_plat_host_symlinkat(target, fd_, n.s);
    if (r < 0) return host_error(r);
    return open_child(n.s);
  }

  Result<void> unlink(const char* name, size_t len) override { return remove(name, len, 0); }
  Result<void> rmdir(const char* name, size_t len) override { return remove(name, len, KILN_HOST_AT_REMOVEDIR); }

  Result<void> rename(const char* name, size_t len, Vnode* to_dir, const char* to_name, size_t to_len) override {
    if (ro()) return Error(EROFS);
    Name a(name, len), b(to_name, to_len);
    long r = kiln_plat_host_renameat(fd_, a.s, static_cast<HostNode*>(to_dir)->fd_, b.s);
    return r < 0 ? Result<void>(host_error(r)) : Result<void>();
  }

  Result<void> link(const char* name, size_t len, Vnode* target) override {
    if (ro()) return Error(EROFS);
    Name n(name, len);
    auto* t = static_cast<HostNode*>(target);
    // linkat of an O_PATH descriptor needs AT_EMPTY_PATH (privileged); use
    // the target's name under its parent instead.
    if (!t->parent_) return Error(EPERM);
    char tname[kNameMax + 1];
    KILN_TRY(t->name_in_parent(tname));
    long r = kiln_plat_host_linkat(t->parent_->fd_, tname, fd_, n.s);
    return r < 0 ? Result<void>(host_error(r)) : Result<void>();
  }

  Result<bool> readdir(uint64_t* cookie, DirEntry* out) override {
    if (!is_dir()) return Error(ENOTDIR);
    int dfd = KILN_TRY(data_fd(KILN_HOST_O_RDONLY | KILN_HOST_O_DIRECTORY));
    long r = kiln_plat_host_lseek(dfd, static_cast<int64_t>(*cookie), 0);
    if (r < 0) return host_error(r);
    alignas(8) uint8_t buf[sizeof(uint64_t) * 2 + 4 + kNameMax + 1 + 8];
    long n = kiln_plat_host_getdents64(dfd, buf, sizeof buf);
    if (n < 0) return host_error(n);
    if (n == 0) return Ok(false);
    // struct linux_dirent64: ino, off, reclen, type, name.
    uint64_t ino, off;
    uint16_t reclen;
    memcpy(&ino, buf, 8);
    memcpy(&off, buf + 8, 8);
    memcpy(&reclen, buf + 16, 2);
    if (reclen < 20 || reclen > n) return Error(EIO);
    const char* name = reinterpret_cast<const char*>(buf + 19);
    size_t len = strnlen(name, reclen - 19u);
    if (len > kNameMax) return Error(EIO);
    // As narrow as st_ino (newlib's ino_t is 16 bits today), so listings and
    // stat agree (getcwd matches them).
    out->ino = static_cast<ino_t>(ino);
    out->type = buf[18];
    out->len = len;
    memcpy(out->name, name, len);
    out->name[len] = '\0';
    *cookie = off;
    return Ok(true);
  }

  Result<void> getattr(struct stat* st) override {
    kiln_host_stat h;
    long r = kiln_plat_host_fstatat(fd_, "", &h, KILN_HOST_AT_EMPTY_PATH | KILN_HOST_AT_SYMLINK_NOFOLLOW);
    if (r < 0) return host_error(r);
    memset(st, 0, sizeof *st);
    st->st_dev = static_cast<dev_t>(fs()->dev);
    st->st_ino = static_cast<ino_t>(h.ino);
    st->st_mode = static_cast<mode_t>(h.mode);
    st->st_nlink = static_cast<nlink_t>(h.nlink);
    st->st_uid = static_cast<uid_t>(h.uid);
    st->st_gid = static_cast<gid_t>(h.gid);
    st->st_rdev = static_cast<dev_t>(h.rdev);
    st->st_size = static_cast<off_t>(h.size);
    st->st_blksize = static_cast<blksize_t>(h.blksize);
    st->st_blocks = static_cast<blkcnt_t>(h.blocks);
    st->st_atim = {static_cast<time_t>(h.atime_ns / 1000000000), static_cast<long>(h.atime_ns % 1000000000)};
    st->st_mtim = {static_cast<time_t>(h.mtime_ns / 1000000000), static_cast<long>(h.mtime_ns % 1000000000)};
    st->st_ctim = {static_cast<time_t>(h.ctime_ns / 1000000000), static_cast<long>(h.ctime_ns % 1000000000)};
    return {};
  }

  Result<void> setattr(const SetAttr& a) override {
    if (ro()) return Error(EROFS);
    // Through the parent and the name: chmod and utimes do not take an
    // O_PATH descriptor on every kernel.
    char name[kNameMax + 1];
    int dir = parent_ ? parent_->fd_ : -1;
    if (parent_) KILN_TRY(name_in_parent(name));
    if (a.mask & SetAttr::kMode) {
      if (is_link()) return Error(EOPNOTSUPP);
      long r = parent_ ? kiln_plat_host_fchmodat(dir, name, a.mode & 07777) : via_proc_chmod(a.mode);
      if (r < 0) return host_error(r);
    }
    if (a.mask & (SetAttr::kUid | SetAttr::kGid)) {
      uint32_t uid = (a.mask & SetAttr::kUid) ? a.uid : ~0u, gid = (a.mask & SetAttr::kGid) ? a.gid : ~0u;
      long r = kiln_plat_host_fchownat(fd_, "", uid, gid, KILN_HOST_AT_EMPTY_PATH);
      if (r < 0) return host_error(r);
    }
    if (a.mask & SetAttr::kSize) {
      if (!is_reg()) return Error(is_dir() ? EISDIR : EINVAL);
      int wfd = KILN_TRY(data_fd(KILN_HOST_O_RDWR));
      long r = kiln_plat_host_ftruncate(wfd, a.size);
      if (r < 0) return host_error(r);
    }
    if (a.mask & (SetAttr::kAtime | SetAttr::kMtime)) {
      int64_t t[2] = {(a.mask & SetAttr::kAtime) ? a.atime_ns : KILN_HOST_UTIME_OMIT,
                      (a.mask & SetAttr::kMtime) ? a.mtime_ns : KILN_HOST_UTIME_OMIT};
      long r = parent_ ? kiln_plat_host_utimensat(dir, name, t, KILN_HOST_AT_SYMLINK_NOFOLLOW)
                       : kiln_plat_host_utimensat(fd_, "", t, KILN_HOST_AT_EMPTY_PATH);
      if (r < 0) return host_error(r);
    }
    return {};
  }

  Result<size_t> read(void* buf, size_t n, off_t off) override {
    if (is_dir()) return Error(EISDIR);
    if (!is_reg()) return Error(EINVAL);
    int rfd = KILN_TRY(data_fd(KILN_HOST_O_RDONLY));
    long r = kiln_plat_host_pread(rfd, buf, n, off);
    if (r < 0) return host_error(r);
    return Ok(static_cast<size_t>(r));
  }

  Result<size_t> write(const void* buf, size_t n, off_t off) override {
    if (is_dir()) return Error(EISDIR);
    if (!is_reg()) return Error(EINVAL);
    if (ro()) return Error(EROFS);
    int wfd = KILN_TRY(data_fd(KILN_HOST_O_RDWR));
    long r = kiln_plat_host_pwrite(wfd, buf, n, off);
    if (r < 0) return host_error(r);
    return Ok(static_cast<size_t>(r));
  }

  Result<size_t> readlink(char* buf, size_t n) override {
    if (!is_link()) return Error(EINVAL);
    long r = kiln_plat_host_readlinkat(fd_, "", buf, n);
    if (r < 0) return host_error(r);
    return Ok(static_cast<size_t>(r));
  }

  Result<void> fsync() override {
    if (!rw_fd_ && !ro_fd_) return {};
    long r = kiln_plat_host_fsync(rw_fd_ ? rw_fd_ - 1 : ro_fd_ - 1);
    return r < 0 ? Result<void>(host_error(r)) : Result<void>();
  }

 protected:
  void inactive() override {
    if (this == fs()->root()) return;  // lives as long as the mount
    close_all();
    HostNode* p = parent_;
    parent_ = nullptr;
    this->~HostNode();
    kiln_free(this);
    if (p) p->unref();
  }

 private:
  friend class HostFs;

  void close_all() {
    if (rw_fd_) kiln_plat_host_close(rw_fd_ - 1);
    if (ro_fd_) kiln_plat_host_close(ro_fd_ - 1);
    if (fd_ >= 0) kiln_plat_host_close(fd_);
    rw_fd_ = ro_fd_ = 0;
    fd_ = -1;
  }

  Result<Vnode*> open_child(const char* name) {
    long fd = kiln_plat_host_openat(fd_, name, KILN_HOST_O_PATH | KILN_HOST_O_NOFOLLOW, 0);
    if (fd < 0) return host_error(fd);
    kiln_host_stat h;
    long r = kiln_plat_host_fstatat(static_cast<int>(fd), "", &h, KILN_HOST_AT_EMPTY_PATH);
    if (r < 0) {
      kiln_plat_host_close(static_cast<int>(fd));
      return host_error(r);
    }
    mode_t type = h.mode & S_IFMT;
    if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK) type = S_IFREG;  // FIFOs, devices: not served
    void* mem = kiln_malloc(sizeof(HostNode));
    if (!mem) {
      kiln_plat_host_close(static_cast<int>(fd));
      return Error(ENOMEM);
    }
    auto* v = new (mem) HostNode(fs(), type, static_cast<int>(fd), this);
    v->ref();
    return static_cast<Vnode*>(v);
  }

  Result<void> remove(const char* name, size_t len, int flags) {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    Name n(name, len);
    long r = kiln_plat_host_unlinkat(fd_, n.s, flags);
    return r < 0 ? Result<void>(host_error(r)) : Result<void>();
  }

  // A readable or writable descriptor of the file, reopened from the O_PATH
  // one through the host's /proc/self/fd (kept until the vnode goes).
  Result<int> data_fd(int flags) {
    bool rw = (flags & KILN_HOST_O_ACCMODE_MASK) != KILN_HOST_O_RDONLY;
    int& slot = rw ? rw_fd_ : ro_fd_;
    if (!rw && rw_fd_) return Ok(rw_fd_ - 1);
    if (slot) return Ok(slot - 1);
    char path[40];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd_);
    long fd = kiln_plat_host_openat(KILN_HOST_AT_FDCWD, path, flags, 0);
    if (fd < 0) return host_error(fd);
    slot = static_cast<int>(fd) + 1;
    return Ok(static_cast<int>(fd));
  }

  long via_proc_chmod(mode_t mode) {
    char path[40];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd_);
    return kiln_plat_host_fchmodat(KILN_HOST_AT_FDCWD, path, mode & 07777);
  }

  // This vnode's name in its parent: the parent's entry with our inode.
  Result<void> name_in_parent(char* out) {
    kiln_host_stat me;
    long r = kiln_plat_host_fstatat(fd_, "", &me, KILN_HOST_AT_EMPTY_PATH);
    if (r < 0) return host_error(r);
    uint64_t cookie = 0;
    DirEntry e;
    for (;;) {
      bool more = KILN_TRY(parent_->readdir(&cookie, &e));
      if (!more) return Error(ENOENT);
      if (e.ino == static_cast<ino_t>(me.ino) && strcmp(e.name, ".") != 0 && strcmp(e.name, "..") != 0) {
        memcpy(out, e.name, e.len + 1);
        return {};
      }
    }
  }

  static constexpr int KILN_HOST_O_ACCMODE_MASK = 03;
  int fd_;
  HostNode* parent_;
  int rw_fd_ = 0, ro_fd_ = 0;  // descriptor + 1 (0: not open)
};

class HostFs final : public Filesystem {
 public:
  HostFs(int fd, bool ro) : root_(this, S_IFDIR, fd, nullptr), ro_(ro) { root_.ref(); }
  Vnode* root() override { return &root_; }
  bool read_only() const override { return ro_; }
  Result<void> statfs(struct statvfs* out) override {
    kiln_host_statfs h;
    long r = kiln_plat_host_fstatfs(root_.fd(), &h);
    if (r < 0) return host_error(r);
    memset(out, 0, sizeof *out);
    out->f_bsize = h.bsize;
    out->f_frsize = h.frsize ? h.frsize : h.bsize;
    out->f_blocks = h.blocks;
    out->f_bfree = h.bfree;
    out->f_bavail = h.bavail;
    out->f_files = h.files;
    out->f_ffree = h.ffree;
    out->f_favail = h.ffree;
    out->f_namemax = h.namelen;
    out->f_flag = ro_ ? ST_RDONLY : 0;
    return {};
  }

 private:
  HostNode root_;
  bool ro_;
};

// Options: the host folder's absolute path, then ",ro" for read-only.
Result<Filesystem*> make(const char* options) {
  if (!options || options[0] != '/') {
    kiln_err("hostfs: give the host folder as an absolute path (vfs.mount=hostfs:/mnt:/host/dir[,ro])");
    return Error(EINVAL);
  }
  char path[kPathMax];
  size_t len = strlen(options);
  bool ro = false;
  if (len > 3 && strcmp(options + len - 3, ",ro") == 0) {
    ro = true;
    len -= 3;
  }
  if (len >= sizeof path) return Error(ENAMETOOLONG);
  memcpy(path, options, len);
  path[len] = '\0';
  long fd = kiln_plat_host_openat(KILN_HOST_AT_FDCWD, path, KILN_HOST_O_PATH | KILN_HOST_O_DIRECTORY, 0);
  if (fd < 0) {
    kiln_err("hostfs: cannot open the host folder %s: error %ld", path, -fd);
    return host_error(fd);
  }
  void* mem = kiln_malloc(sizeof(HostFs));
  if (!mem) {
    kiln_plat_host_close(static_cast<int>(fd));
    return Error(ENOMEM);
  }
  return static_cast<Filesystem*>(new (mem) HostFs(static_cast<int>(fd), ro));
}

KILN_FS(hostfs_type, "hostfs", make);

}  // namespace
}  // namespace kiln::vfs
