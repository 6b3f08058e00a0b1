// The file calls that are others under another name or shape (BSD, GNU and
// older POSIX forms), over posix.cpp's; and the ones a unikernel's one
// process and its in-memory file systems have no use for.
#include <kiln/enosys.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

namespace {
struct timespec to_ts(const struct timeval& tv) { return {tv.tv_sec, static_cast<long>(tv.tv_usec) * 1000}; }
}  // namespace

namespace kiln::vfs {
void sync_mounts();  // src/vfs.cpp (sync() below)
}

extern "C" {

// One user (root, lib/process): the effective ids are the real ones.
int eaccess(const char* path, int mode) { return access(path, mode); }
int euidaccess(const char* path, int mode) { return access(path, mode); }

int futimes(int fd, const struct timeval tv[2]) {
  struct timespec ts[2];
  if (tv) ts[0] = to_ts(tv[0]), ts[1] = to_ts(tv[1]);
  return futimens(fd, tv ? ts : nullptr);
}
int lutimes(const char* path, const struct timeval tv[2]) {
  struct timespec ts[2];
  if (tv) ts[0] = to_ts(tv[0]), ts[1] = to_ts(tv[1]);
  return utimensat(AT_FDCWD, path, tv ? ts : nullptr, AT_SYMLINK_NOFOLLOW);
}
int futimesat(int dirfd, const char* path, const struct timeval tv[2]) {
  struct timespec ts[2];
  if (tv) ts[0] = to_ts(tv[0]), ts[1] = to_ts(tv[1]);
  return utimensat(dirfd, path, tv ? ts : nullptr, 0);
}

// The limits every Kiln file system has (docs/vfs.md).
long fpathconf(int fd, int name) {
  struct stat st;
  if (fstat(fd, &st) != 0) return -1;
  switch (name) {
    case _PC_LINK_MAX: return 65000;
    case _PC_MAX_CANON:
    case _PC_MAX_INPUT: return 255;
    case _PC_NAME_MAX: return NAME_MAX;
    case _PC_PATH_MAX: return PATH_MAX;
    case _PC_PIPE_BUF: return PIPE_BUF;
    case _PC_CHOWN_RESTRICTED: return 1;
    case _PC_NO_TRUNC: return 1;
    case _PC_VDISABLE: return 0;
    default:
      errno = EINVAL;
      return -1;
  }
}
long pathconf(const char* path, int name) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  long r = fpathconf(fd, name);
  int e = errno;
  close(fd);
  errno = e;
  return r;
}

// Advisory locks (flock, lockf, fcntl's) are lib/fdtab's (src/locks.cpp).

// Every mounted filesystem writes back (a disk's: its metadata, then a
// device flush; lib/extfs); the in-memory ones have nothing to write.
void sync(void) { kiln::vfs::sync_mounts(); }

char* get_current_dir_name(void) {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof buf) ? strdup(buf) : nullptr;
}
char* getwd(char* buf) { return getcwd(buf, PATH_MAX); }

// FIFOs and mknod are posix.cpp's. No other root to change to, no
// terminal sessions to revoke.
int chroot(const char*) { return KILN_ENOSYS(); }
int revoke(char*) { return KILN_ENOSYS(); }

}  // extern "C"
