// The POSIX file calls over the vfs (kiln/vfs.h): errno and -1 at the
// boundary. read, write, lseek, close, fstat, dup, dup2 and fcntl work on
// every descriptor and live with the descriptor table (lib/newlib).
#include <kiln/vfs.h>
#include <kiln/alloc.h>
#include <kiln/enosys.h>
#include <kiln/file.h>
#include <kiln/plat/time.h>
#include <kiln/print.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>

using kiln::Error;
using kiln::Result;
using kiln::vfs::Lookup;
using kiln::vfs::SetAttr;
using kiln::vfs::Vnode;
using kiln::vfs::VnodeRef;

namespace {

// Linux's values for utimensat/futimens (newlib defines them only for Cygwin).
constexpr long kUtimeNow = (1l << 30) - 1, kUtimeOmit = (1l << 30) - 2;

int fail(Error e) {
  errno = e.code();
  return -1;
}
template <typename T>
int check(const Result<T>& r) {
  return r.is_error() ? fail(r.error()) : 0;
}

bool dot_or_dotdot(const Lookup& l) {
  return (l.len == 1 && l.name[0] == '.') || (l.len == 2 && l.name[0] == '.' && l.name[1] == '.');
}

// The directory a *at() call starts from: nullptr for AT_FDCWD (the
// current directory), else the directory open on dirfd.
Result<VnodeRef> base_of(int dirfd, const char* path) {
  if (!path) return Error(EFAULT);
  if (dirfd == AT_FDCWD || *path == '/') return VnodeRef();
  kiln::FileRef f = KILN_TRY(kiln::fd_get(dirfd));
  Vnode* v = f->vnode();
  if (!v || !v->is_dir()) return Error(ENOTDIR);
  return VnodeRef::share(v);
}

// The vnode behind an open descriptor (EINVAL for sockets, the console...).
Result<VnodeRef> vnode_of(int fd, int no_vnode = EINVAL) {
  kiln::FileRef f = KILN_TRY(kiln::fd_get(fd));
  Vnode* v = f->vnode();
  if (!v) return Error(no_vnode);
  return VnodeRef::share(v);
}

Result<void> install(kiln::File* f, int* fd, bool cloexec = false) {
  auto r = kiln::fd_install_flags(f, cloexec);
  (void)f->unref();  // the table holds its own reference now (or it failed)
  *fd = KILN_TRY(r);
  return {};
}

int do_open(int dirfd, const char* path, int flags, mode_t mode) {
  auto base = base_of(dirfd, path);
  if (base.is_error()) return fail(base.error());
  auto f = kiln::vfs::open(base.value().get(), path, flags, mode);
  if (f.is_error()) return fail(f.error());
  int fd;
  auto r = install(f.value(), &fd, (flags & O_CLOEXEC) != 0);
  return r.is_error() ? fail(r.error()) : fd;
}

Result<void> do_stat(int dirfd, const char* path, struct stat* st, int flags) {
  if (!st) return Error(EFAULT);
  VnodeRef base = KILN_TRY(base_of(dirfd, path));
  if ((flags & AT_EMPTY_PATH) && !*path) {
    kiln::FileRef f = KILN_TRY(kiln::fd_get(dirfd));
    return f->stat(st);
  }
  VnodeRef v = KILN_TRY(kiln::vfs::resolve(base.get(), path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : kiln::vfs::kFollow));
  return v->getattr(st);
}

Result<void> do_mkdir(int dirfd, const char* path, mode_t mode) {
  VnodeRef base = KILN_TRY(base_of(dirfd, path));
  Lookup l;
  KILN_TRY(kiln::vfs::walk(base.get(), path, 0, &l));
  if (l.node || dot_or_dotdot(l)) return Error(EEXIST);
  if (l.dir->fs()->read_only()) return Error(EROFS);
  (void)VnodeRef::adopt(KILN_TRY(l.dir->mkdir(l.name, l.len, mode & ~kiln::vfs::umask_get() & 07777)));
  return {};
}

// mknod: FIFOs (and regular files, as Linux's mknod makes them); device
// nodes are EPERM with one log line (no devices but devfs's), sockets too.
Result<void> do_mknod(int dirfd, const char* path, mode_t mode) {
  mode_t type = mode & S_IFMT;
  if (type != 0 && type != S_IFREG && type != S_IFIFO) {
    if (type != S_IFCHR && type != S_IFBLK && type != S_IFSOCK) return Error(EINVAL);
    static bool said;
    if (!said) {
      said = true;
      kiln_warn("vfs: mknod of a %s: not supported (EPERM); only FIFOs and regular files",
                type == S_IFSOCK ? "socket" : "device node");
    }
    return Error(EPERM);
  }
  VnodeRef base = KILN_TRY(base_of(dirfd, path));
  Lookup l;
  KILN_TRY(kiln::vfs::walk(base.get(), path, 0, &l));
  if (l.node || dot_or_dotdot(l)) return Error(EEXIST);
  if (l.trailing_slash) return Error(ENOENT);
  if (l.dir->fs()->read_only()) return Error(EROFS);
  mode_t perm = mode & ~kiln::vfs::umask_get() & 07777;
  if (type == S_IFIFO) (void)VnodeRef::adopt(KILN_TRY(l.dir->mkfifo(l.name, l.len, perm)));
  else (void)VnodeRef::adopt(KILN_TRY(l.dir->create(l.name, l.len, perm)));
  return {};
}

Result<void> do_rmdir(int dirfd, const char* path) {
  VnodeRef base = KILN_TRY(base_of(dirfd, path));
  Lookup l;
  KILN_TRY(kiln::vfs::walk(base.get(), path, 0, &l));
  if (l.len == 1 && l.name[0] == '.') return Error(EINVAL);
  if (l.len == 2 && l.name[0] == '.' && l.name[1] == '.') return Error(ENOTEMPTY);
  if (!l.node) return Error(ENOENT);
  if (!l.node->is_dir()) return Error(ENOTDIR);
  if (l.node->fs() != l.dir->fs() || l.node.get() == kiln::vfs::root()) return Error(EBUSY);  // a mount
  if (l.dir->fs()->read_only()) return Error(EROFS);
  return l.dir->rmdir(l.name, l.len);
}

Result<void> do_unlink(int dirfd, const char* path) {
  VnodeRef base = KILN_TRY(base_of(dirfd, path));
  Lookup l;
  KILN_TRY(kiln::vfs::walk(base.get(), path, 0, &l));
  if (!l.node) return Error(ENOENT);
  if (l.node->is_dir()) return Error(EISDIR);
  if (l.dir->fs()->read_only()) return Error(EROFS);
  return l.dir->unlink(l.name, l.len);
}

Result<void> do_rename(int oldfd, const char* from, int newfd, const char* to) {
  VnodeRef b1 = KILN_TRY(base_of(oldfd, from));
  VnodeRef b2 = KILN_TRY(base_of(newfd, to));
  Lookup s, d;
  KILN_TRY(kiln::vfs::walk(b1.get(), from, 0, &s));
  KILN_TRY(kiln::vfs::walk(b2.get(), to, 0, &d));
  if (!s.node) return Error(ENOENT);
  if (dot_or_dotdot(s) || dot_or_dotdot(d)) return Error(EBUSY);
  if (s.node->fs() != s.dir->fs() || (d.node && d.node->fs() != d.dir->fs())) return Error(EBUSY);  // mounts
  if (s.dir->fs() != d.dir->fs()) return Error(EXDEV);
  if (s.dir->fs()->read_only()) return Error(EROFS);
  if ((s.trailing_slash || d.trailing_slash) && !s.node->is_dir()) return Error(ENOTDIR);
  return s.dir->rename(s.name, s.len, d.dir.get(), d.name, d.len);
}

Result<void> do_link(int oldfd, const char* from, int newfd, const char* to, int flags) {
  VnodeRef b1 = KILN_TRY(base_of(oldfd, from));
  VnodeRef b2 = KILN_TRY(base_of(newfd, to));
  VnodeRef target = KILN_TRY(kiln::vfs::resolve(b1.get(), from, (flags & AT_SYMLINK_FOLLOW) ? kiln::vfs::kFollow : 0));
  Lookup d;
  KILN_TRY(kiln::vfs::walk(b2.get(), to, 0, &d));
  if (d.node || dot_or_dotdot(d)) return Error(EEXIST);
  if (target->is_dir()) return Error(EPERM);
  if (target->fs() != d.dir->fs()) return Error(EXDEV);
  if (d.dir->fs()->read_only()) return Error(EROFS);
  return d.dir->link(d.name, d.len, target.get());
}

Result<void> do_symlink(const char* target, int dirfd, const char* path) {
  if (!target) return Error(EFAULT);
  VnodeRef base = KILN_TRY(base_of(dirfd, path));
  Lookup l;
  KILN_TRY(kiln::vfs::walk(base.get(), path, 0, &l));
  if (l.node || dot_or_dotdot(l)) return Error(EEXIST);
  if (l.dir->fs()->read_only()) return Error(EROFS);
  (void)VnodeRef::adopt(KILN_TRY(l.dir->symlink(l.name, l.len, target)));
  return {};
}

Result<size_t> do_readlink(int dirfd, const char* path, char* buf, size_t n) {
  if (!buf) return Error(EFAULT);
  VnodeRef base = KILN_TRY(base_of(dirfd, path));
  VnodeRef v = KILN_TRY(kiln::vfs::resolve(base.get(), path, 0));
  if (!v->is_link()) return Error(EINVAL);
  return v->readlink(buf, n);
}

Result<void> set_size(Vnode* v, off_t len) {
  if (len < 0) return Error(EINVAL);
  if (v->is_dir()) return Error(EISDIR);
  if (!v->is_reg()) return Error(EINVAL);
  if (v->fs()->read_only()) return Error(EROFS);
  SetAttr a;
  a.mask = SetAttr::kSize;
  a.size = len;
  return v->setattr(a);
}

Result<void> setattr(Vnode* v, const SetAttr& a) {
  if (v->fs()->read_only()) return Error(EROFS);
  return v->setattr(a);
}

Result<void> set_times(Vnode* v, const struct timespec* ts) {
  SetAttr a;
  int64_t now = kiln_plat_wall_ns();
  for (int i = 0; i < 2; ++i) {
    int64_t t = now;
    if (ts) {
      if (ts[i].tv_nsec == kUtimeOmit) continue;
      if (ts[i].tv_nsec != kUtimeNow) {
        if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000) return Error(EINVAL);
        t = static_cast<int64_t>(ts[i].tv_sec) * 1000000000 + ts[i].tv_nsec;
      }
    }
    if (i == 0) a.mask |= SetAttr::kAtime, a.atime_ns = t;
    else a.mask |= SetAttr::kMtime, a.mtime_ns = t;
  }
  return setattr(v, a);
}

Result<size_t> do_pio(int fd, void* buf, size_t n, off_t off, bool write) {
  kiln::FileRef f = KILN_TRY(kiln::fd_get(fd));
  Vnode* v = f->vnode();
  if (!v) return Error(ESPIPE);
  if (off < 0) return Error(EINVAL);
  int acc = KILN_TRY(f->status_flags()) & O_ACCMODE;
  if (acc == (write ? O_RDONLY : O_WRONLY)) return Error(EBADF);
  if (v->is_dir()) return Error(EISDIR);
  if (write) return v->write(buf, n, off);
  return v->read(buf, n, off);
}

}  // namespace

extern "C" {

int _open(const char* path, int flags, ...) {
  mode_t mode = 0;
  if (flags & O_CREAT) {
    va_list ap;
    va_start(ap, flags);
    mode = static_cast<mode_t>(va_arg(ap, int));
    va_end(ap);
  }
  return do_open(AT_FDCWD, path, flags, mode);
}

int openat(int dirfd, const char* path, int flags, ...) {
  mode_t mode = 0;
  if (flags & O_CREAT) {
    va_list ap;
    va_start(ap, flags);
    mode = static_cast<mode_t>(va_arg(ap, int));
    va_end(ap);
  }
  return do_open(dirfd, path, flags, mode);
}

int creat(const char* path, mode_t mode) { return do_open(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode); }

ssize_t pread(int fd, void* buf, size_t n, off_t off) {
  auto r = do_pio(fd, buf, n, off, false);
  return r.is_error() ? fail(r.error()) : static_cast<ssize_t>(r.value());
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  auto r = do_pio(fd, const_cast<void*>(buf), n, off, true);
  return r.is_error() ? fail(r.error()) : static_cast<ssize_t>(r.value());
}

int dup3(int fd, int to, int flags) {
  if (fd == to || (flags & ~O_CLOEXEC)) return fail(Error(EINVAL));
  auto r = kiln::fd_dup2(fd, to);
  if (r.is_error()) return fail(r.error());
  if (flags & O_CLOEXEC) (void)kiln::fd_set_cloexec(to, true);
  return r.value();
}

int _stat(const char* path, struct stat* st) { return check(do_stat(AT_FDCWD, path, st, 0)); }
int lstat(const char* path, struct stat* st) { return check(do_stat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW)); }
int fstatat(int dirfd, const char* path, struct stat* st, int flags) { return check(do_stat(dirfd, path, st, flags)); }

int faccessat(int dirfd, const char* path, int mode, int flags) {
  auto base = base_of(dirfd, path);
  if (base.is_error()) return fail(base.error());
  if (mode & ~(R_OK | W_OK | X_OK)) return fail(Error(EINVAL));
  auto v = kiln::vfs::resolve(base.value().get(), path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : kiln::vfs::kFollow);
  if (v.is_error()) return fail(v.error());
  if ((mode & W_OK) && v.value()->fs()->read_only() && !(v.value()->type() == S_IFCHR)) return fail(Error(EROFS));
  if (mode & X_OK) {  // root may execute what any x bit allows, and search any directory
    struct stat st;
    auto r = v.value()->getattr(&st);
    if (r.is_error()) return fail(r.error());
    if (!S_ISDIR(st.st_mode) && !(st.st_mode & 0111)) return fail(Error(EACCES));
  }
  return 0;
}
int access(const char* path, int mode) { return faccessat(AT_FDCWD, path, mode, 0); }

int _mkdir(const char* path, mode_t mode) { return check(do_mkdir(AT_FDCWD, path, mode)); }
int mkdirat(int dirfd, const char* path, mode_t mode) { return check(do_mkdir(dirfd, path, mode)); }
int rmdir(const char* path) { return check(do_rmdir(AT_FDCWD, path)); }
int mknodat(int dirfd, const char* path, mode_t mode, dev_t) { return check(do_mknod(dirfd, path, mode)); }
int mknod(const char* path, mode_t mode, dev_t dev) { return mknodat(AT_FDCWD, path, mode, dev); }
int mkfifoat(int dirfd, const char* path, mode_t mode) {
  return check(do_mknod(dirfd, path, S_IFIFO | (mode & 07777)));
}
int mkfifo(const char* path, mode_t mode) { return mkfifoat(AT_FDCWD, path, mode); }
int _unlink(const char* path) { return check(do_unlink(AT_FDCWD, path)); }
int unlinkat(int dirfd, const char* path, int flags) {
  if (flags & ~AT_REMOVEDIR) return fail(Error(EINVAL));
  return check((flags & AT_REMOVEDIR) ? do_rmdir(dirfd, path) : do_unlink(dirfd, path));
}
int _rename(const char* from, const char* to) { return check(do_rename(AT_FDCWD, from, AT_FDCWD, to)); }
int renameat(int oldfd, const char* from, int newfd, const char* to) { return check(do_rename(oldfd, from, newfd, to)); }
int _link(const char* from, const char* to) { return check(do_link(AT_FDCWD, from, AT_FDCWD, to, 0)); }
int linkat(int oldfd, const char* from, int newfd, const char* to, int flags) {
  return check(do_link(oldfd, from, newfd, to, flags));
}
int symlink(const char* target, const char* path) { return check(do_symlink(target, AT_FDCWD, path)); }
int symlinkat(const char* target, int dirfd, const char* path) { return check(do_symlink(target, dirfd, path)); }
ssize_t readlink(const char* path, char* buf, size_t n) {
  auto r = do_readlink(AT_FDCWD, path, buf, n);
  return r.is_error() ? fail(r.error()) : static_cast<ssize_t>(r.value());
}
ssize_t readlinkat(int dirfd, const char* path, char* buf, size_t n) {
  auto r = do_readlink(dirfd, path, buf, n);
  return r.is_error() ? fail(r.error()) : static_cast<ssize_t>(r.value());
}

int truncate(const char* path, off_t len) {
  auto v = kiln::vfs::resolve(nullptr, path, kiln::vfs::kFollow);
  if (v.is_error()) return fail(v.error());
  return check(set_size(v.value().get(), len));
}

int ftruncate(int fd, off_t len) {
  auto f = kiln::fd_get(fd);
  if (f.is_error()) return fail(f.error());
  Vnode* v = f.value()->vnode();
  auto fl = f.value()->status_flags();
  if (!v || fl.is_error() || (fl.value() & O_ACCMODE) == O_RDONLY) return fail(Error(EINVAL));
  return check(set_size(v, len));
}

int fsync(int fd) {
  auto v = vnode_of(fd);
  if (v.is_error()) return fail(v.error());
  return check(v.value()->fsync());
}
int fdatasync(int fd) { return fsync(fd); }

int chdir(const char* path) {
  if (!path) return fail(Error(EFAULT));
  auto v = kiln::vfs::resolve(nullptr, path, kiln::vfs::kFollow);
  if (v.is_error()) return fail(v.error());
  return check(kiln::vfs::set_cwd(v.value().get()));
}

int fchdir(int fd) {
  auto v = vnode_of(fd, ENOTDIR);
  if (v.is_error()) return fail(v.error());
  return check(kiln::vfs::set_cwd(v.value().get()));
}

char* getcwd(char* buf, size_t size) {
  bool mine = false;
  if (!buf) {  // glibc's extension: allocate (size 0: as much as needed)
    if (size == 0) size = kiln::vfs::kPathMax;
    buf = static_cast<char*>(malloc(size));
    if (!buf) {
      errno = ENOMEM;
      return nullptr;
    }
    mine = true;
  } else if (size == 0) {
    errno = EINVAL;
    return nullptr;
  }
  auto r = kiln::vfs::dir_path(kiln::vfs::cwd(), buf, size);
  if (r.is_error()) {
    if (mine) free(buf);
    errno = r.error().code();
    return nullptr;
  }
  return buf;
}

mode_t umask(mode_t m) { return kiln::vfs::umask_set(m); }

int chmod(const char* path, mode_t mode) { return fchmodat(AT_FDCWD, path, mode, 0); }
int fchmodat(int dirfd, const char* path, mode_t mode, int flags) {
  auto base = base_of(dirfd, path);
  if (base.is_error()) return fail(base.error());
  auto v = kiln::vfs::resolve(base.value().get(), path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : kiln::vfs::kFollow);
  if (v.is_error()) return fail(v.error());
  SetAttr a;
  a.mask = SetAttr::kMode;
  a.mode = mode & 07777;
  return check(setattr(v.value().get(), a));
}
int fchmod(int fd, mode_t mode) {
  auto v = vnode_of(fd);
  if (v.is_error()) return fail(v.error());
  SetAttr a;
  a.mask = SetAttr::kMode;
  a.mode = mode & 07777;
  return check(setattr(v.value().get(), a));
}

static int do_chown(Result<VnodeRef> v, uid_t uid, gid_t gid) {
  if (v.is_error()) return fail(v.error());
  SetAttr a;
  if (uid != static_cast<uid_t>(-1)) a.mask |= SetAttr::kUid, a.uid = uid;
  if (gid != static_cast<gid_t>(-1)) a.mask |= SetAttr::kGid, a.gid = gid;
  return check(setattr(v.value().get(), a));
}
int chown(const char* path, uid_t uid, gid_t gid) {
  return do_chown(kiln::vfs::resolve(nullptr, path, kiln::vfs::kFollow), uid, gid);
}
int lchown(const char* path, uid_t uid, gid_t gid) { return do_chown(kiln::vfs::resolve(nullptr, path, 0), uid, gid); }
int fchown(int fd, uid_t uid, gid_t gid) { return do_chown(vnode_of(fd), uid, gid); }
int fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags) {
  if ((flags & AT_EMPTY_PATH) && path && !*path) return fchown(dirfd, uid, gid);
  auto base = base_of(dirfd, path);
  if (base.is_error()) return fail(base.error());
  return do_chown(kiln::vfs::resolve(base.value().get(), path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : kiln::vfs::kFollow),
                  uid, gid);
}

int utimensat(int dirfd, const char* path, const struct timespec ts[2], int flags) {
  if (!path) {  // Linux: utimensat(fd, NULL, ...) is futimens
    auto v = vnode_of(dirfd);
    if (v.is_error()) return fail(v.error());
    return check(set_times(v.value().get(), ts));
  }
  auto base = base_of(dirfd, path);
  if (base.is_error()) return fail(base.error());
  auto v = kiln::vfs::resolve(base.value().get(), path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : kiln::vfs::kFollow);
  if (v.is_error()) return fail(v.error());
  return check(set_times(v.value().get(), ts));
}
int futimens(int fd, const struct timespec ts[2]) {
  auto v = vnode_of(fd);
  if (v.is_error()) return fail(v.error());
  return check(set_times(v.value().get(), ts));
}
int utimes(const char* path, const struct timeval tv[2]) {
  struct timespec ts[2];
  if (tv) {
    for (int i = 0; i < 2; ++i) ts[i] = {tv[i].tv_sec, static_cast<long>(tv[i].tv_usec) * 1000};
  }
  return utimensat(AT_FDCWD, path, tv ? ts : nullptr, 0);
}

int statvfs(const char* path, struct statvfs* out) {
  if (!out) return fail(Error(EFAULT));
  auto v = kiln::vfs::resolve(nullptr, path, kiln::vfs::kFollow);
  if (v.is_error()) return fail(v.error());
  return check(v.value()->fs()->statfs(out));
}
int fstatvfs(int fd, struct statvfs* out) {
  if (!out) return fail(Error(EFAULT));
  auto v = vnode_of(fd, ENOSYS);
  if (v.is_error()) {
    if (v.error().code() == ENOSYS) return KILN_ENOSYS();  // sockets, the console: no filesystem
    return fail(v.error());
  }
  return check(v.value()->fs()->statfs(out));
}

char* realpath(const char* path, char* resolved) {
  if (!path) {
    errno = EINVAL;
    return nullptr;
  }
  Lookup l;
  auto r = kiln::vfs::walk(nullptr, path, kiln::vfs::kFollow, &l);
  if (r.is_error() || !l.node) {
    errno = r.is_error() ? r.error().code() : ENOENT;
    return nullptr;
  }
  bool mine = !resolved;
  if (mine && !(resolved = static_cast<char*>(malloc(kiln::vfs::kPathMax)))) {
    errno = ENOMEM;
    return nullptr;
  }
  Result<size_t> n = Error(0);
  if (l.node->is_dir()) {
    n = kiln::vfs::dir_path(l.node.get(), resolved, kiln::vfs::kPathMax);
  } else {
    n = kiln::vfs::dir_path(l.dir.get(), resolved, kiln::vfs::kPathMax);
    if (!n.is_error()) {
      size_t k = n.value();
      if (k == 1) k = 0;  // "/" + name
      if (k + 1 + l.len >= kiln::vfs::kPathMax) {
        n = Error(ENAMETOOLONG);
      } else {
        resolved[k] = '/';
        memcpy(resolved + k + 1, l.name, l.len + 1);
      }
    }
  }
  if (n.is_error()) {
    if (mine) free(resolved);
    errno = n.error().code();
    return nullptr;
  }
  return resolved;
}

// The POSIX names of newlib's _ forms.
#define KILN_ALIAS(name, target) __typeof__(target) name __attribute__((alias(#target)))
KILN_ALIAS(open, _open);
KILN_ALIAS(stat, _stat);
KILN_ALIAS(mkdir, _mkdir);
KILN_ALIAS(unlink, _unlink);
KILN_ALIAS(rename, _rename);
KILN_ALIAS(link, _link);

}  // extern "C"
