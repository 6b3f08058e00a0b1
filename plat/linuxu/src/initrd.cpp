// linuxu's initrd (kiln/plat/initrd.h): the host file named by the boot
// option initrd=<path>, mapped read-only and private at boot (plat 110,
// after the heap), so the image reads it in place and never changes it.
// A file that cannot be used stops the boot with one line saying why.
#include "syscall.h"
#include <kiln/init.h>
#include <kiln/option.h>
#include <kiln/plat/initrd.h>
#include <kiln/print.h>
#include <errno.h>
#include <string.h>

using namespace linuxu;

namespace {

constinit const char* path = nullptr;
constinit const void* base = nullptr;
constinit size_t length = 0;

int set_path(const char* v) {
  if (!v[0]) return -EINVAL;
  path = v;
  return 0;
}

int initrd_map() {
  if (!path) return 0;
  constexpr long kRdonlyCloexec = 02000000;
  long fd = syscall(kOpen, reinterpret_cast<long>(path), kRdonlyCloexec);
  if (fd < 0) {
    kiln_err("linuxu: initrd=%s: cannot open: %s", path, strerror(static_cast<int>(-fd)));
    return static_cast<int>(fd);
  }
  // struct stat on x86_64: st_mode at byte 24, st_size at byte 48.
  alignas(8) unsigned char st[144];
  long r = syscall(kFstat, fd, reinterpret_cast<long>(st));
  uint32_t mode;
  int64_t size;
  __builtin_memcpy(&mode, st + 24, sizeof mode);
  __builtin_memcpy(&size, st + 48, sizeof size);
  int rc = 0;
  if (r < 0) {
    kiln_err("linuxu: initrd=%s: cannot stat: %s", path, strerror(static_cast<int>(-r)));
    rc = static_cast<int>(r);
  } else if ((mode & 0170000) != 0100000) {
    kiln_err("linuxu: initrd=%s: not a regular file", path);
    rc = -EINVAL;
  } else if (size == 0) {
    kiln_err("linuxu: initrd=%s: the file is empty", path);
    rc = -EINVAL;
  } else {
    constexpr long kProtRead = 1, kMapPrivate = 2;
    long p = syscall(kMmap, 0, size, kProtRead, kMapPrivate, fd, 0);
    if (p < 0 && p > -4096) {
      kiln_err("linuxu: initrd=%s: cannot map %ld bytes: %s", path, static_cast<long>(size),
               strerror(static_cast<int>(-p)));
      rc = static_cast<int>(p);
    } else {
      base = reinterpret_cast<const void*>(p);
      length = static_cast<size_t>(size);
      kiln_info("linuxu: initrd %s, %zu bytes", path, length);
    }
  }
  syscall(kClose, fd);
  return rc;
}

}  // namespace

KILN_OPTION("initrd", set_path, "initrd=<host file>: a cpio newc archive to use as the initrd (docs/initrd.md)");
KILN_INIT(plat, 110, initrd_map);

extern "C" size_t kiln_plat_initrd(const void** out) {
  if (!length) return kiln_plat_initrd_embedded(out);
  *out = base;
  return length;
}

extern "C" const char* kiln_plat_initrd_source(void) {
  const void* b;
  if (length) return "host file";
  return kiln_plat_initrd_embedded(&b) ? "embedded" : "none";
}
