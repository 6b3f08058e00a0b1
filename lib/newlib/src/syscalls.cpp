// newlib's system-call layer over Kiln. newlib is built without its own
// stubs, so each of these is what printf, fopen, exit... end up calling.
#include <kiln/config.h>
#include <kiln/enosys.h>
#include <kiln/file.h>
#include <kiln/init.h>
#include <kiln/assert.h>
#include <kiln/plat/exit.h>
#include <kiln/print.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <unistd.h>
#include <time.h>

extern "C" {

int kiln_enosys_note(const char* func, int* logged) {
  if (!*logged) {
    *logged = 1;
    while (*func == '_') ++func;  // _fork and fork are one function
    kiln_warn("%s() is not implemented (ENOSYS)", func);
  }
  errno = ENOSYS;
  return -1;
}

static int fail(kiln::Error e) {
  errno = e.code();
  return -1;
}

// fcntl, once, over the descriptor table and each file's status flags
// (sockets keep O_NONBLOCK in lwIP: SocketFile overrides them).
// F_GETFD/F_SETFD: FD_CLOEXEC is kept per descriptor (lib/fdtab) and
// reported back, though with no exec it changes nothing. Commands not
// handled fail with ENOSYS and one log line.
int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  long arg = va_arg(ap, long);
  va_end(ap);
  auto f = kiln::fd_get(fd);
  if (f.is_error()) return fail(f.error());
  switch (cmd) {
    case F_GETFD: {
      auto r = kiln::fd_cloexec(fd);
      return r.is_error() ? fail(r.error()) : (r.value() ? FD_CLOEXEC : 0);
    }
    case F_SETFD: {
      auto r = kiln::fd_set_cloexec(fd, (arg & FD_CLOEXEC) != 0);
      return r.is_error() ? fail(r.error()) : 0;
    }
#ifdef F_DUPFD_CLOEXEC
    case F_DUPFD_CLOEXEC:
#endif
    case F_DUPFD: {
      if (arg < 0 || arg >= kiln::fd_limit()) return fail(kiln::Error(EINVAL));
      auto r = kiln::fd_install_flags(&*f.value(), cmd != F_DUPFD, static_cast<int>(arg));
      return r.is_error() ? fail(r.error()) : r.value();
    }
    case F_GETFL: {
      auto r = f.value()->status_flags();
      return r.is_error() ? fail(r.error()) : r.value();
    }
    case F_SETFL: {
      auto r = f.value()->set_status_flags(static_cast<int>(arg));
      return r.is_error() ? fail(r.error()) : 0;
    }
    default: {
      static int logged;
      return kiln_enosys_note("fcntl", &logged);
    }
  }
}

// The file calls (open, stat, mkdir, ...) are lib/vfs's, or without it
// ENOSYS stubs (nofs.cpp). pipe, pipe2 and socketpair are lib/fdtab's
// (src/ipc_calls.cpp).

// Signals to ourselves end the image the way the signal would end a
// process; there are no other processes.
int _kill(int pid, int sig) {
  if (pid != 1 && pid != 0 && pid != -1) {
    errno = ESRCH;
    return -1;
  }
  if (sig == 0) return 0;
  if (sig == SIGABRT) kiln_panic("abort() called");
  kiln_panic("killed by signal %d", sig);
}

KILN_NORETURN void _exit(int status) { kiln_boot_exit(status); }

// main()'s status leaves through exit(): atexit handlers, C++ destructors,
// stdio flush, then _exit.
KILN_APP_EXIT(exit);

void __assert_func(const char* file, int line, const char* func, const char* expr) {
  kiln_panic("assertion failed: %s (%s:%d, %s)", expr, file, line, func ? func : "?");
}

// The POSIX names (newlib's x86_64-elf build has only the _ forms).
#define KILN_ALIAS(name, target) __typeof__(target) name __attribute__((alias(#target)))
KILN_ALIAS(kill, _kill);


}  // extern "C"

namespace {
extern "C" void (*__fini_array_start[])(void);
extern "C" void (*__fini_array_end[])(void);
void run_fini_array() {
  for (auto f = __fini_array_end; f > __fini_array_start;) (*--f)();
}
// Registered before constructors run, so it runs after every destructor
// they register, as on a hosted system.
int fini_init() { return atexit(run_fini_array) == 0 ? 0 : -ENOMEM; }
}  // namespace
KILN_INIT(late, 900, fini_init);
