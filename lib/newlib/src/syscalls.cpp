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

int _read(int fd, void* buf, size_t n) {
  auto f = kiln::fd_get(fd);
  if (f.is_error()) return fail(f.error());
  auto r = f.value()->read(buf, n);
  if (r.is_error()) return fail(r.error());
  return static_cast<int>(r.value());
}

int _write(int fd, const void* buf, size_t n) {
  auto f = kiln::fd_get(fd);
  if (f.is_error()) return fail(f.error());
  auto r = f.value()->write(buf, n);
  if (r.is_error()) return fail(r.error());
  return static_cast<int>(r.value());
}

int _close(int fd) {
  auto r = kiln::fd_close(fd);
  return r.is_error() ? fail(r.error()) : 0;
}

int _fstat(int fd, struct stat* st) {
  auto f = kiln::fd_get(fd);
  if (f.is_error()) return fail(f.error());
  auto r = f.value()->stat(st);
  return r.is_error() ? fail(r.error()) : 0;
}

int _isatty(int fd) {
  auto f = kiln::fd_get(fd);
  if (f.is_error()) {
    errno = f.error().code();
    return 0;
  }
  if (f.value()->isatty()) return 1;
  errno = ENOTTY;
  return 0;
}

off_t _lseek(int fd, off_t off, int whence) {
  auto f = kiln::fd_get(fd);
  if (f.is_error()) return fail(f.error());
  auto r = f.value()->seek(off, whence);
  return r.is_error() ? fail(r.error()) : r.value();
}

int dup(int fd) {
  auto r = kiln::fd_dup(fd);
  return r.is_error() ? fail(r.error()) : r.value();
}

int dup2(int fd, int to) {
  auto r = kiln::fd_dup2(fd, to);
  return r.is_error() ? fail(r.error()) : r.value();
}

// fcntl, once, over the descriptor table and each file's status flags
// (sockets keep O_NONBLOCK in lwIP: SocketFile overrides them).
// F_GETFD/F_SETFD: one process and no exec, so FD_CLOEXEC is accepted and
// has no effect. Commands not handled fail with ENOSYS and one log line.
int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  long arg = va_arg(ap, long);
  va_end(ap);
  auto f = kiln::fd_get(fd);
  if (f.is_error()) return fail(f.error());
  switch (cmd) {
    case F_GETFD:
      return 0;
    case F_SETFD:
      return 0;
#ifdef F_DUPFD_CLOEXEC
    case F_DUPFD_CLOEXEC:
#endif
    case F_DUPFD: {
      if (arg < 0 || arg >= kiln::fd_limit()) return fail(kiln::Error(EINVAL));
      auto r = kiln::fd_install(&*f.value(), static_cast<int>(arg));
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
// A unikernel is one process.
int _fork(void) { return KILN_ENOSYS(); }
int _execve(const char*, char* const*, char* const*) { return KILN_ENOSYS(); }
int _wait(int*) { return KILN_ENOSYS(); }
pid_t waitpid(pid_t, int*, int) { return KILN_ENOSYS(); }
void* _sbrk(ptrdiff_t) {
  KILN_ENOSYS();  // malloc uses Kiln's heap, never sbrk
  errno = ENOMEM;
  return reinterpret_cast<void*>(-1);
}

int _getpid(void) { return 1; }
pid_t getppid(void) { return 0; }
uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }

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
KILN_ALIAS(read, _read);
KILN_ALIAS(write, _write);
KILN_ALIAS(close, _close);
KILN_ALIAS(fstat, _fstat);
KILN_ALIAS(isatty, _isatty);
KILN_ALIAS(lseek, _lseek);
KILN_ALIAS(fork, _fork);
KILN_ALIAS(execve, _execve);
KILN_ALIAS(wait, _wait);
KILN_ALIAS(sbrk, _sbrk);
KILN_ALIAS(getpid, _getpid);
KILN_ALIAS(kill, _kill);

long sysconf(int name) {
  switch (name) {
    case _SC_PAGESIZE: return 4096;
    case _SC_NPROCESSORS_CONF:
    case _SC_NPROCESSORS_ONLN: return 1;
    case _SC_OPEN_MAX: return CONFIG_LIBFDTAB_MAX;
    case _SC_CLK_TCK: return CLOCKS_PER_SEC;  // times() ticks (time.cpp)
    default:
      errno = EINVAL;
      return -1;
  }
}

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
