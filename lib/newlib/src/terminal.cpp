// Terminal names and job control. Kiln's one terminal is the console (fds 0,
// 1 and 2 unless redirected; lib/fdtab): it is /dev/console, its process
// group is the image's one process (1), and there are no sessions to hang up.
#include <kiln/enosys.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

namespace {
constexpr char kConsole[] = "/dev/console";
}

extern "C" {

char* ctermid(char* buf) {
  static char own[L_ctermid];
  char* d = buf ? buf : own;
  memcpy(d, kConsole, sizeof kConsole);
  return d;
}

int ttyname_r(int fd, char* buf, size_t len) {
  if (!isatty(fd)) return errno;  // EBADF or ENOTTY
  if (len < sizeof kConsole) return ERANGE;
  memcpy(buf, kConsole, sizeof kConsole);
  return 0;
}

char* ttyname(int fd) {
  static char name[sizeof kConsole];
  int e = ttyname_r(fd, name, sizeof name);
  if (e) {
    errno = e;
    return nullptr;
  }
  return name;
}

pid_t tcgetpgrp(int fd) { return isatty(fd) ? 1 : -1; }
int tcsetpgrp(int fd, pid_t pgrp) {
  if (!isatty(fd)) return -1;
  if (pgrp != 1) {
    errno = EPERM;
    return -1;
  }
  return 0;
}

int vhangup(void) { return KILN_ENOSYS(); }

// Reading a password without echo needs a terminal whose echo can be
// turned off; the console's cannot.
char* getpass(const char*) {
  KILN_ENOSYS();
  return nullptr;
}

}  // extern "C"
