// kiln/plat/hostfs.h on linuxu: the host kernel's file calls, raw.
#include "syscall.h"
#include <kiln/plat/hostfs.h>

namespace {
enum : long {
  kNrPread64 = 17, kNrPwrite64 = 18, kNrLseek = 8, kNrFsync = 74, kNrFtruncate = 77, kNrFstatfs = 138,
  kNrGetdents64 = 217, kNrOpenat = 257, kNrMkdirat = 258, kNrFchownat = 260, kNrNewfstatat = 262,
  kNrUnlinkat = 263, kNrRenameat = 264, kNrLinkat = 265, kNrSymlinkat = 266, kNrReadlinkat = 267,
  kNrFchmodat = 268, kNrUtimensat = 280,
};

// The host's struct stat and struct statfs (x86_64).
struct HostStat {
  unsigned long dev, ino, nlink;
  unsigned mode, uid, gid, pad0;
  unsigned long rdev;
  long size, blksize, blocks;
  long atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
  long reserved[3];
};
static_assert(sizeof(HostStat) == 144);
struct HostStatfs {
  long type, bsize;
  unsigned long blocks, bfree, bavail, files, ffree;
  int fsid[2];
  long namelen, frsize, flags, spare[4];
};
static_assert(sizeof(HostStatfs) == 120);

long sys(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0) {
  long r;
  do r = linuxu::syscall(nr, a, b, c, d, e);
  while (r == -4);  // EINTR: the platform's timer signal
  return r;
}
long p(const void* x) { return reinterpret_cast<long>(x); }
}  // namespace

extern "C" {
long kiln_plat_host_openat(int dirfd, const char* name, int flags, unsigned mode) {
  return sys(kNrOpenat, dirfd, p(name), flags | KILN_HOST_O_CLOEXEC, mode);
}
long kiln_plat_host_close(int fd) { return linuxu::syscall(linuxu::kClose, fd); }
long kiln_plat_host_pread(int fd, void* buf, size_t n, int64_t off) {
  return sys(kNrPread64, fd, p(buf), static_cast<long>(n), off);
}
long kiln_plat_host_pwrite(int fd, const void* buf, size_t n, int64_t off) {
  return sys(kNrPwrite64, fd, p(buf), static_cast<long>(n), off);
}
long kiln_plat_host_fstatat(int dirfd, const char* name, kiln_host_stat* st, int flags) {
  HostStat h;
  long r = sys(kNrNewfstatat, dirfd, p(name), p(&h), flags);
  if (r < 0) return r;
  st->dev = h.dev, st->ino = h.ino, st->rdev = h.rdev;
  st->size = static_cast<uint64_t>(h.size), st->blocks = static_cast<uint64_t>(h.blocks);
  st->mode = h.mode, st->nlink = static_cast<uint32_t>(h.nlink), st->uid = h.uid, st->gid = h.gid;
  st->blksize = static_cast<uint32_t>(h.blksize);
  st->atime_ns = h.atime * 1000000000 + h.atime_ns;
  st->mtime_ns = h.mtime * 1000000000 + h.mtime_ns;
  st->ctime_ns = h.ctime * 1000000000 + h.ctime_ns;
  return 0;
}
long kiln_plat_host_fstatfs(int fd, kiln_host_statfs* st) {
  HostStatfs h;
  long r = sys(kNrFstatfs, fd, p(&h));
  if (r < 0) return r;
  st->type = static_cast<uint64_t>(h.type), st->bsize = static_cast<uint64_t>(h.bsize);
  st->blocks = h.blocks, st->bfree = h.bfree, st->bavail = h.bavail, st->files = h.files, st->ffree = h.ffree;
  st->namelen = static_cast<uint64_t>(h.namelen), st->frsize = static_cast<uint64_t>(h.frsize);
  st->flags = static_cast<uint64_t>(h.flags);
  return 0;
}
long kiln_plat_host_getdents64(int fd, void* buf, size_t n) { return sys(kNrGetdents64, fd, p(buf), static_cast<long>(n)); }
long kiln_plat_host_lseek(int fd, int64_t off, int whence) { return sys(kNrLseek, fd, off, whence); }
long kiln_plat_host_mkdirat(int dirfd, const char* name, unsigned mode) { return sys(kNrMkdirat, dirfd, p(name), mode); }
long kiln_plat_host_unlinkat(int dirfd, const char* name, int flags) { return sys(kNrUnlinkat, dirfd, p(name), flags); }
long kiln_plat_host_renameat(int od, const char* on, int nd, const char* nn) {
  return sys(kNrRenameat, od, p(on), nd, p(nn));
}
long kiln_plat_host_linkat(int od, const char* on, int nd, const char* nn) {
  return sys(kNrLinkat, od, p(on), nd, p(nn), 0);
}
long kiln_plat_host_symlinkat(const char* target, int dirfd, const char* name) {
  return sys(kNrSymlinkat, p(target), dirfd, p(name));
}
long kiln_plat_host_readlinkat(int dirfd, const char* name, char* buf, size_t n) {
  return sys(kNrReadlinkat, dirfd, p(name), p(buf), static_cast<long>(n));
}
long kiln_plat_host_ftruncate(int fd, int64_t len) { return sys(kNrFtruncate, fd, len); }
long kiln_plat_host_fsync(int fd) { return sys(kNrFsync, fd); }
long kiln_plat_host_utimensat(int dirfd, const char* name, const int64_t times[2], int flags) {
  linuxu::Timespec ts[2];
  for (int i = 0; i < 2; ++i) {
    if (times[i] == KILN_HOST_UTIME_OMIT)
      ts[i] = {0, KILN_HOST_UTIME_OMIT};
    else
      ts[i] = {times[i] / 1000000000, times[i] % 1000000000};
  }
  return sys(kNrUtimensat, dirfd, p(name), p(ts), flags);
}
long kiln_plat_host_fchmodat(int dirfd, const char* name, unsigned mode) { return sys(kNrFchmodat, dirfd, p(name), mode); }
long kiln_plat_host_fchownat(int dirfd, const char* name, uint32_t uid, uint32_t gid, int flags) {
  return sys(kNrFchownat, dirfd, p(name), uid, gid, flags);
}
}  // extern "C"
