// The tree at boot: a ramfs as "/" (limit: VFS_RAMFS_MAX_MB, ramfs.max=),
// /tmp, the devfs at /dev and (VFS_PROCFS) the procfs at /proc.
#include <kiln/vfs.h>
#include <kiln/config.h>
#include <kiln/init.h>
#include <kiln/option.h>
#include <kiln/print.h>
#include <errno.h>

#ifndef CONFIG_VFS_RAMFS_MAX_MB
#define CONFIG_VFS_RAMFS_MAX_MB 0
#endif

namespace kiln::vfs {
namespace {

constinit bool max_set = false;

int set_max(const char* v) {
  unsigned long n;
  if (kiln_parse_size(v, &n) < 0) return -EINVAL;
  ramfs_default_max = n;
  max_set = true;
  return 0;
}

Result<void> mkdir_at_root(const char* name, size_t len, mode_t mode) {
  auto d = root()->mkdir(name, len, mode);
  if (d.is_error()) return d.error();
  VnodeRef::adopt(d.value());
  return {};
}

int vfs_init() {
  if (!max_set) ramfs_default_max = size_t{CONFIG_VFS_RAMFS_MAX_MB} << 20;
  auto r = mount("ramfs", "/", nullptr);
  if (r.is_error()) {
    kiln_err("vfs: cannot mount the root ramfs: error %d", r.error().code());
    return -r.error().code();
  }
  if ((r = mkdir_at_root("tmp", 3, 01777)).is_error() || (r = mkdir_at_root("dev", 3, 0755)).is_error() ||
      (r = mount("devfs", "/dev", nullptr)).is_error()) {
    kiln_err("vfs: cannot mount devfs on /dev: error %d", r.error().code());
    return -r.error().code();
  }
#ifdef CONFIG_VFS_PROCFS
  if ((r = mkdir_at_root("proc", 4, 0555)).is_error() || (r = mount("procfs", "/proc", nullptr)).is_error()) {
    kiln_err("vfs: cannot mount procfs on /proc: error %d", r.error().code());
    return -r.error().code();
  }
#endif
  return 0;
}

}  // namespace
}  // namespace kiln::vfs

KILN_OPTION("ramfs.max", kiln::vfs::set_max, "most memory the root ramfs uses, e.g. 64M (0: the heap's limit)");
KILN_INIT(lib, 300, kiln::vfs::vfs_init);
