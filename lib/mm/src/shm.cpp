// POSIX shared memory objects (docs/libc.md "Memory mapping"): one address
// space, so an object is a file on the root filesystem, in /tmp/shm, made
// on first use. The name is one path component after a leading '/', as
// POSIX asks; "/", "" and names with another '/' are EINVAL, longer than
// NAME_MAX ENAMETOOLONG. shm_open is open(2) with O_CLOEXEC added (POSIX:
// FD_CLOEXEC is set); only O_RDONLY/O_RDWR, O_CREAT, O_EXCL, O_TRUNC pass.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

constexpr char kDir[] = "/tmp/shm";

// The object's path in buf, or -1 with errno.
int path_of(const char* name, char* buf, size_t n) {
  if (!name || name[0] != '/' || !name[1] || strchr(name + 1, '/')) {
    errno = EINVAL;
    return -1;
  }
  size_t len = strlen(name + 1);
  if (len > NAME_MAX || sizeof kDir + 1 + len > n) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(buf, kDir, sizeof kDir - 1);
  memcpy(buf + sizeof kDir - 1, name, len + 2);  // the '/', the name, its NUL
  return 0;
}

int make_dir(const char* p) { return mkdir(p, 01777) == 0 || errno == EEXIST ? 0 : -1; }

}  // namespace

extern "C" {

int shm_open(const char* name, int oflag, mode_t mode) {
  char path[sizeof kDir + NAME_MAX + 2];
  if (path_of(name, path, sizeof path) < 0) return -1;
  int acc = oflag & O_ACCMODE;
  if ((acc != O_RDONLY && acc != O_RDWR) || (oflag & ~(O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC))) {
    errno = EINVAL;
    return -1;
  }
  if ((oflag & O_CREAT) && (make_dir("/tmp") < 0 || make_dir(kDir) < 0)) return -1;
  return open(path, oflag | O_CLOEXEC, mode);
}

int shm_unlink(const char* name) {
  char path[sizeof kDir + NAME_MAX + 2];
  if (path_of(name, path, sizeof path) < 0) return -1;
  return unlink(path);
}

}  // extern "C"
