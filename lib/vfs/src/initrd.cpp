// The initrd as files (Kconfig VFS_INITRD): at boot (init level rootfs,
// after lib/cpio's check), the archive the platform has
// (kiln/plat/initrd.h: a boot module, linuxu's initrd= file, or the
// app's embedded rootfs/) becomes the tree under VFS_INITRD_AT or the
// boot option initrd.at= ("/" by default; "none": not served). Files are
// read in place from the archive; a write copies what it changes (ramfs,
// copy on write). See docs/initrd.md.
#include <kiln/vfs.h>
#include <kiln/config.h>
#include <kiln/init.h>
#include <kiln/option.h>
#include <kiln/plat/initrd.h>
#include <kiln/print.h>
#include <errno.h>
#include <string.h>

#ifndef CONFIG_VFS_INITRD_AT
#define CONFIG_VFS_INITRD_AT "/"
#endif

namespace kiln::vfs {
namespace {

constinit char initrd_at[256] = CONFIG_VFS_INITRD_AT;

int set_at(const char* v) {
  size_t n = strlen(v);
  if (n == 0 || n >= sizeof initrd_at || (v[0] != '/' && strcmp(v, "none"))) return -EINVAL;
  memcpy(initrd_at, v, n + 1);
  return 0;
}

int initrd_populate() {
  const void* base;
  size_t size = kiln_plat_initrd(&base);
  if (!size || !strcmp(initrd_at, "none") || !initrd_at[0]) return 0;
  if (initrd_at[0] != '/') {
    kiln_err("vfs: initrd: VFS_INITRD_AT '%s' is not an absolute path", initrd_at);
    return -EINVAL;
  }
  CpioResult res;
  auto r = populate_cpio(initrd_at, base, size, &res);
  if (r.is_error()) {
    int code = r.error().code();
    if (res.failed) {
      kiln_err("vfs: initrd: cannot create %s under %s: %s", res.failed, initrd_at, strerror(code));
    } else if (res.fault_reason[0]) {
      kiln_err("initrd: offset %zu: %s", res.fault_offset, res.fault_reason);
    } else {
      kiln_err("vfs: initrd: cannot serve it at %s: %s", initrd_at, strerror(code));
    }
    return -code;
  }
  kiln_info("vfs: initrd (%s) at %s: %zu entries served in place, %zu skipped", kiln_plat_initrd_source(),
            initrd_at, res.entries, res.skipped);
  return 0;
}

}  // namespace
}  // namespace kiln::vfs

KILN_OPTION("initrd.at", kiln::vfs::set_at, "where the initrd's files appear, e.g. /data (default /; none: not served)");
KILN_INIT(rootfs, 100, kiln::vfs::initrd_populate);
