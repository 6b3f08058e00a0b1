// Platform contract: the host's files, for lib/hostfs (a host folder as a
// vfs filesystem). Only platforms that run on a host kernel provide it
// (linuxu: `kiln_platform(... PROVIDES hostfs)`); lib/hostfs REQUIRES it.
//
// Every call is the host kernel's system call of that name with Linux's
// flag values (KILN_HOST_* below, not newlib's O_* values): the result, or
// a negative errno. Names are single path components relative to a
// directory descriptor (lib/hostfs never hands the host a path with '/'
// except the mount's own root), so the host never resolves `..` or a
// symlink on the image's behalf.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/compiler.h>

// Linux's values.
#define KILN_HOST_AT_FDCWD (-100)
#define KILN_HOST_O_RDONLY 00
#define KILN_HOST_O_WRONLY 01
#define KILN_HOST_O_RDWR 02
#define KILN_HOST_O_CREAT 0100
#define KILN_HOST_O_EXCL 0200
#define KILN_HOST_O_TRUNC 01000
#define KILN_HOST_O_DIRECTORY 0200000
#define KILN_HOST_O_NOFOLLOW 0400000
#define KILN_HOST_O_CLOEXEC 02000000
#define KILN_HOST_O_PATH 010000000
#define KILN_HOST_AT_SYMLINK_NOFOLLOW 0x100
#define KILN_HOST_AT_REMOVEDIR 0x200
#define KILN_HOST_AT_EMPTY_PATH 0x1000
#define KILN_HOST_UTIME_OMIT ((1l << 30) - 2l)

struct kiln_host_stat {
  uint64_t dev, ino, rdev, size, blocks;
  uint32_t mode, nlink, uid, gid, blksize;
  int64_t atime_ns, mtime_ns, ctime_ns;
};

struct kiln_host_statfs {
  uint64_t type, bsize, blocks, bfree, bavail, files, ffree, namelen, frsize, flags;
};

KILN_EXTERN_C long kiln_plat_host_openat(int dirfd, const char* name, int flags, unsigned mode);
KILN_EXTERN_C long kiln_plat_host_close(int fd);
KILN_EXTERN_C long kiln_plat_host_pread(int fd, void* buf, size_t n, int64_t off);
KILN_EXTERN_C long kiln_plat_host_pwrite(int fd, const void* buf, size_t n, int64_t off);
// fstatat: name "" with KILN_HOST_AT_EMPTY_PATH for the fd itself.
KILN_EXTERN_C long kiln_plat_host_fstatat(int dirfd, const char* name, struct kiln_host_stat* st, int flags);
KILN_EXTERN_C long kiln_plat_host_fstatfs(int fd, struct kiln_host_statfs* st);
// getdents64 from the directory's current offset; lseek to set it.
KILN_EXTERN_C long kiln_plat_host_getdents64(int fd, void* buf, size_t n);
KILN_EXTERN_C long kiln_plat_host_lseek(int fd, int64_t off, int whence);
KILN_EXTERN_C long kiln_plat_host_mkdirat(int dirfd, const char* name, unsigned mode);
KILN_EXTERN_C long kiln_plat_host_unlinkat(int dirfd, const char* name, int flags);
KILN_EXTERN_C long kiln_plat_host_renameat(int olddirfd, const char* oldname, int newdirfd, const char* newname);
KILN_EXTERN_C long kiln_plat_host_linkat(int olddirfd, const char* oldname, int newdirfd, const char* newname);
KILN_EXTERN_C long kiln_plat_host_symlinkat(const char* target, int dirfd, const char* name);
KILN_EXTERN_C long kiln_plat_host_readlinkat(int dirfd, const char* name, char* buf, size_t n);
KILN_EXTERN_C long kiln_plat_host_ftruncate(int fd, int64_t len);
KILN_EXTERN_C long kiln_plat_host_fsync(int fd);
// times: {atime, mtime} in nanoseconds since 1970, or KILN_HOST_UTIME_OMIT.
KILN_EXTERN_C long kiln_plat_host_utimensat(int dirfd, const char* name, const int64_t times[2], int flags);
KILN_EXTERN_C long kiln_plat_host_fchmodat(int dirfd, const char* name, unsigned mode);
KILN_EXTERN_C long kiln_plat_host_fchownat(int dirfd, const char* name, uint32_t uid, uint32_t gid, int flags);
