// The linuxu platform: the image as an ordinary Linux process.
#include <kiln/plat/hostenv.h>
#include "hostfd.h"
#include "syscall.h"
#include <kiln/config.h>
#include <kiln/init.h>
#include <kiln/option.h>
#include <kiln/plat/console.h>
#include <kiln/plat/exit.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/memory.h>
#include <kiln/plat/time.h>
#include <kiln/plat/wait.h>
#include <kiln/print.h>
#include <errno.h>

using namespace linuxu;

namespace {

unsigned long heap_size = static_cast<unsigned long>(CONFIG_LINUXU_HEAP_MB) << 20;
kiln_mem_region heap_region;
size_t nregions;

int set_heap(const char* v) {
  unsigned long n;
  if (kiln_parse_size(v, &n) < 0 || n < 64 * 1024) return -EINVAL;
  heap_size = n;
  return 0;
}

int heap_map() {
  constexpr long kProtRW = 3, kMapPrivateAnon = 0x22, kMapNoReserve = 0x4000;
  long p = syscall(kMmap, 0, static_cast<long>(heap_size), kProtRW, kMapPrivateAnon | kMapNoReserve, -1, 0);
  if (p < 0 && p > -4096) {
    kiln_err("linuxu: cannot map a heap of %lu bytes (errno %ld)", heap_size, -p);
    return static_cast<int>(p);
  }
  heap_region = {static_cast<uintptr_t>(p), heap_size};
  nregions = 1;
  return 0;
}

}  // namespace

KILN_OPTION("heap", set_heap, "heap size, e.g. heap=256M (default from Kconfig)");
KILN_INIT(plat, 100, heap_map);

// main() stays on the process stack (the host's `ulimit -s`, guarded by
// the host kernel).
extern "C" uintptr_t kiln_plat_main_stack(void) { return 0; }

extern "C" void kiln_linuxu_install_crash_handlers();

namespace {
constinit uint64_t start_ns = 0;  // the process start on the monotonic clock
}

extern "C" uint64_t kiln_plat_start_ns(void) { return start_ns; }

namespace {
constinit char** host_envp = nullptr;  // after argv's NULL on the start stack
}
extern "C" char** kiln_plat_host_environ(void) { return host_envp; }

extern "C" KILN_NORETURN void kiln_linuxu_start(long* sp) {
  int argc = static_cast<int>(sp[0]);
  char** argv = reinterpret_cast<char**>(sp + 1);
  host_envp = argv + argc + 1;
  kiln_linuxu_install_crash_handlers();
  start_ns = kiln_plat_monotonic_ns();
  kiln_boot_main(argc, argv);
}

extern "C" size_t kiln_plat_mem_regions(const kiln_mem_region** out) {
  *out = &heap_region;
  return nregions;
}

// The host's stdout is the console; it does its own buffering, and
// newlib's stdio already batches lines, so writes go straight through.
extern "C" void kiln_plat_console_write(const char* s, size_t n) { write_all(1, s, n); }
extern "C" void kiln_plat_console_flush(void) {}
// Input is the host's stdin, read when ppoll says it would not block; a
// reader that must wait sleeps as a thread (others run; when all sleep,
// the idle loop's ppoll watches stdin and wakes it), not in a host read
// that would stop the whole image.
extern "C" int kiln_plat_console_readable(void) {
  struct {
    int fd;
    short events, revents;
  } p{0, 1 /* POLLIN */, 0};
  Timespec zero{0, 0};
  long r = syscall(kPpoll, reinterpret_cast<long>(&p), 1, reinterpret_cast<long>(&zero), 0, 8);
  return r != 0;  // readable, at end, closed (POLLNVAL) or failing: a read returns at once
}

namespace {
constinit int stdin_watch = 0;  // 0: not registered, 1: registered, <0: errno

void on_stdin(void*) {
  linuxu::set_watch(0, false);  // one-shot: stdin at EOF stays readable
  kiln_plat_wake_event();
}
}  // namespace

extern "C" int kiln_plat_console_arm(void) {
  if (stdin_watch == 0) {
    int r = linuxu::watch_fd(0, on_stdin, nullptr);
    stdin_watch = r == 0 ? 1 : r;
  }
  if (stdin_watch < 0) return stdin_watch;
  linuxu::set_watch(0, true);
  return 0;
}

extern "C" long kiln_plat_console_read(char* buf, size_t n) {
  if (!n) return 0;
  while (!kiln_plat_console_readable()) {
    unsigned long f = kiln_plat_irq_save();
    int armed = kiln_plat_console_arm();
    kiln_plat_wait_event(armed == 0 ? 0 : kiln_plat_monotonic_ns() + 10000000);
    kiln_plat_irq_restore(f);
  }
  for (;;) {
    long r = syscall(kRead, 0, reinterpret_cast<long>(buf), static_cast<long>(n));
    if (r != -4) return r;  // retry on EINTR
  }
}


extern "C" uint64_t kiln_plat_monotonic_ns(void) {
  Timespec ts;
  syscall(kClockGettime, 1 /* CLOCK_MONOTONIC */, reinterpret_cast<long>(&ts));
  return static_cast<uint64_t>(ts.sec) * 1000000000u + static_cast<uint64_t>(ts.nsec);
}

extern "C" int64_t kiln_plat_wall_ns(void) {
  Timespec ts;
  syscall(kClockGettime, 0 /* CLOCK_REALTIME */, reinterpret_cast<long>(&ts));
  return static_cast<int64_t>(ts.sec) * 1000000000 + ts.nsec;
}


extern "C" void kiln_plat_exit(int status) { exit_group(status & 0xff); }
extern "C" void kiln_plat_crash(void) { exit_group(KILN_EXIT_CRASH); }
