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
    // Advisory record locks, POSIX's and Linux's per open file description
    // (lib/fdtab's src/locks.cpp; docs/vfs.md, "Advisory locks").
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: {
      auto r = kiln::fcntl_lock(*f.value(), cmd, reinterpret_cast<struct flock*>(arg));
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

#if !CONFIG_LIBSIGNAL
// Without lib/signal there are no handlers: a signal to ourselves takes its
// default action (docs/libc.md, "Signals"): the ones that end a process end
// the image with 128 + the signal (core signals: the crash report), the
// ignored ones do nothing. With lib/signal, kill and raise are its own.
int _kill(int pid, int sig) {
  if (pid != 1 && pid != 0 && pid != -1) {
    errno = ESRCH;
    return -1;
  }
  if (sig == 0) return 0;
  if (sig < 1 || sig > 64) {
    errno = EINVAL;
    return -1;
  }
  switch (sig) {
    case 17: case 18: case 19: case 20: case 21: case 22: case 23: case 28:  // SIGCHLD..SIGURG, SIGWINCH
      return 0;
    case 3: case 4: case 5: case 6: case 7: case 8: case 11: case 24: case 25: case 31:
      if (sig == 6) kiln_panic("abort() called");
      kiln_panic("killed by signal %d", sig);
    default:
      break;
  }
  kiln_printk(KILN_LOG_INFO, "killed by signal %d", sig);  // "kiln: killed by signal N"
  kiln_boot_exit(128 + sig);
}
#endif

KILN_NORETURN void _exit(int status) { kiln_boot_exit(status); }

// main()'s status leaves through exit(): atexit handlers, C++ destructors,
// stdio flush, then _exit.
KILN_APP_EXIT(exit);

void __assert_func(const char* file, int line, const char* func, const char* expr) {
  kiln_panic("assertion failed: %s (%s:%d, %s)", expr, file, line, func ? func : "?");
}

// The POSIX names (newlib's x86_64-elf build has only the _ forms).
#define KILN_ALIAS(name, target) __typeof__(target) name __attribute__((alias(#target)))
#if !CONFIG_LIBSIGNAL
KILN_ALIAS(kill, _kill);
#endif


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
