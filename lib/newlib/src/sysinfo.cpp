// Fixed facts about the system that are not sysconf's numbers: confstr's
// strings, and the CPU a thread runs on (Kiln runs on one).
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

extern "C" {

size_t confstr(int name, char* buf, size_t len) {
  const char* v;
  switch (name) {
    case _CS_PATH: v = "/bin:/usr/bin"; break;
    default:
      errno = EINVAL;
      return 0;
  }
  size_t n = strlen(v) + 1;
  if (buf && len) {
    size_t c = n < len ? n : len;
    memcpy(buf, v, c - 1);
    buf[c - 1] = '\0';
  }
  return n;
}

int sched_getcpu(void) { return 0; }

}  // extern "C"
