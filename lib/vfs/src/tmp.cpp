// mkstemp and its family. newlib's (one object, lib_a-mktemp.o) builds
// mkdtemp without mkdir on this target (it fails with ENOSYS), so the whole
// family is here: defining all of its names keeps that object out of the
// link. Names are drawn from the kernel's generator (kiln/random.h).
#include <kiln/random.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct _reent;

namespace {

enum class Make { kFile, kDir, kName };

// Replaces the 6 X's before `suffix` bytes of tmpl and makes the file or
// directory (or only checks the name is free); fd, 0, or -1 with errno.
int make(char* tmpl, int suffix, int flags, Make what) {
  size_t len = tmpl ? strlen(tmpl) : 0;
  if (suffix < 0 || len < 6 + static_cast<size_t>(suffix)) {
    errno = EINVAL;
    return -1;
  }
  char* x = tmpl + len - suffix - 6;
  if (memcmp(x, "XXXXXX", 6)) {
    errno = EINVAL;
    return -1;
  }
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int attempt = 0; attempt < 1000; ++attempt) {
    for (int i = 0; i < 6; ++i) x[i] = kChars[kiln_random_u32() % 62];
    int r;
    if (what == Make::kFile) r = open(tmpl, O_RDWR | O_CREAT | O_EXCL | flags, 0600);
    else if (what == Make::kDir) r = mkdir(tmpl, 0700);
    else {
      struct stat st;
      r = stat(tmpl, &st) == 0 ? (errno = EEXIST, -1) : errno == ENOENT ? 0 : -1;
    }
    if (r >= 0 || errno != EEXIST) return r;
  }
  errno = EEXIST;
  return -1;
}

}  // namespace

extern "C" {

int mkostemps(char* t, int suffix, int flags) { return make(t, suffix, flags & ~O_ACCMODE, Make::kFile); }
int mkostemp(char* t, int flags) { return mkostemps(t, 0, flags); }
int mkstemps(char* t, int suffix) { return mkostemps(t, suffix, 0); }
int mkstemp(char* t) { return mkostemps(t, 0, 0); }
char* mkdtemp(char* t) { return make(t, 0, 0, Make::kDir) < 0 ? nullptr : t; }
namespace {
char* name_only(char* t) {
  if (make(t, 0, 0, Make::kName) < 0 && t) *t = 0;
  return t;
}
}  // namespace
char* mktemp(char* t) { return name_only(t); }
char* _mktemp_r(_reent*, char* t) { return name_only(t); }
int _mkostemps_r(_reent*, char* t, int suffix, int flags) { return mkostemps(t, suffix, flags); }
int _mkostemp_r(_reent*, char* t, int flags) { return mkostemp(t, flags); }
int _mkstemps_r(_reent*, char* t, int suffix) { return mkstemps(t, suffix); }
int _mkstemp_r(_reent*, char* t) { return mkstemp(t); }
char* _mkdtemp_r(_reent*, char* t) { return mkdtemp(t); }

}  // extern "C"
