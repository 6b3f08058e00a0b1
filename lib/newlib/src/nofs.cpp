// Without lib/vfs there are no files: the file calls newlib and apps
// reach fail with ENOSYS (one log line each); getcwd says "/".
#include <kiln/enosys.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

extern "C" {

int _open(const char*, int, ...) { return KILN_ENOSYS(); }
int _stat(const char*, struct stat*) { return KILN_ENOSYS(); }
int _link(const char*, const char*) { return KILN_ENOSYS(); }
int _unlink(const char*) { return KILN_ENOSYS(); }
int _rename(const char*, const char*) { return KILN_ENOSYS(); }
int _mkdir(const char*, mode_t) { return KILN_ENOSYS(); }
int mkdir(const char*, mode_t) { return KILN_ENOSYS(); }
int rmdir(const char*) { return KILN_ENOSYS(); }
int chdir(const char*) { return KILN_ENOSYS(); }
int access(const char*, int) { return KILN_ENOSYS(); }

char* getcwd(char* buf, size_t size) {
  if (!buf || size < 2) {
    errno = buf ? ERANGE : EINVAL;
    return nullptr;
  }
  buf[0] = '/';
  buf[1] = '\0';
  return buf;
}

#define KILN_ALIAS(name, target) __typeof__(target) name __attribute__((alias(#target)))
KILN_ALIAS(open, _open);
KILN_ALIAS(stat, _stat);
KILN_ALIAS(link, _link);
KILN_ALIAS(unlink, _unlink);
KILN_ALIAS(rename, _rename);

}  // extern "C"
