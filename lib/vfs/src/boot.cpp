// The tree at boot: a ramfs as "/" (limit: VFS_RAMFS_MAX_MB, ramfs.max=),
// /tmp, the devfs at /dev and (VFS_PROCFS) the procfs at /proc (init level lib); then (level rootfs, after
// the initrd, src/initrd.cpp) the mounts of VFS_MOUNTS and of the boot
// option vfs.mount=TYPE:PATH[:OPTIONS] (repeatable), in that order.
#include <kiln/vfs.h>
#include <kiln/config.h>
#include <kiln/init.h>
#include <kiln/option.h>
#include <kiln/print.h>
#include <errno.h>
#include <string.h>

#ifndef CONFIG_VFS_RAMFS_MAX_MB
#define CONFIG_VFS_RAMFS_MAX_MB 0
#endif
#ifndef CONFIG_VFS_MOUNTS
#define CONFIG_VFS_MOUNTS ""
#endif

namespace kiln::vfs {

// In vfs.cpp (declared here: boot time only).
Result<void> mount_root(const char* type, const char* options, void (*lost)(const char* name, int err));

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

// --- mounts from Kconfig and the command line --------------------------------
// One mount: TYPE:PATH[:OPTIONS], PATH absolute. Split in place (buf is a
// copy); false if the syntax is wrong.
struct MountSpec {
  const char* type;
  const char* path;
  const char* options;  // nullptr: none
};
bool split(char* buf, MountSpec* m) {
  char* c1 = strchr(buf, ':');
  if (!c1 || c1 == buf || c1[1] != '/') return false;
  *c1 = 0;
  char* c2 = strchr(c1 + 1, ':');
  if (c2) *c2 = 0;
  *m = {buf, c1 + 1, c2 && c2[1] ? c2 + 1 : nullptr};
  return true;
}

// The command line's vfs.mount= values, kept until the rootfs level.
constexpr size_t kMountText = 1024;
constinit char mount_text[kMountText];
constinit size_t mount_used = 0;

int add_mount(const char* v) {
  size_t n = strlen(v);
  char tmp[kMountText];
  MountSpec m;
  if (n >= sizeof tmp) return -EINVAL;
  memcpy(tmp, v, n + 1);
  if (!split(tmp, &m)) return -EINVAL;
  if (mount_used + n + 1 > kMountText) return -ENOSPC;
  memcpy(mount_text + mount_used, v, n + 1);
  mount_used += n + 1;
  return 0;
}

const char* why(int code) {
  switch (code) {
    case ENODEV: return "unknown filesystem type";
    case EINVAL: return "bad options";
    case EBUSY: return "something is mounted there already";
    case ENOTDIR: return "the mount point is not a directory";
    case ENOMEM: return "the mount table is full or out of memory";
    default: return strerror(code);
  }
}

constinit int mounts_made = 0;  // specs tried so far (a mount on / must be the first)

// Mount one spec (text as given, for the message); the mount point and its
// parents are created when missing (mkdir -p, 0755). A spec for "/" makes
// that filesystem the root (mount_root).
int mount_one(const char* text, const char* from) {
  char buf[kMountText];
  size_t n = strlen(text);
  MountSpec m;
  if (n >= sizeof buf) {
    kiln_err("vfs: mount '%s' (%s): too long", text, from);
    return -EINVAL;
  }
  memcpy(buf, text, n + 1);
  if (!split(buf, &m)) {
    kiln_err("vfs: mount '%s' (%s): expected TYPE:/PATH[:OPTIONS]", text, from);
    return -EINVAL;
  }
  bool first = mounts_made++ == 0;
  if (!strcmp(m.path, "/")) {
    // The root itself (issue 15: ext4, 9p, virtiofs or hostfs as "/"): only
    // as the first mount, so no mount made before is left on the old root.
    if (!first) {
      kiln_err("vfs: mount %s on / (%s): a mount on / must be the first one (VFS_MOUNTS, then vfs.mount=)", m.type, from);
      return -EINVAL;
    }
    Result<void> r = mount_root(m.type, m.options, [](const char* name, int err) {
      kiln_warn("vfs: /%s is not in the new root (%s); it stays unreachable", name, strerror(err));
    });
    if (r.is_error()) {
      int code = r.error().code();
      kiln_err("vfs: mount %s on / (%s) failed: %s", m.type, from, code == 135 ? "the filesystem said why above" : why(code));
      return -code;
    }
    kiln_info("vfs: mounted %s on / (the root)%s%s", m.type, m.options ? " with " : "", m.options ? m.options : "");
    return 0;
  }
  auto d = make_dirs(nullptr, m.path);
  Result<void> r = d.is_error() ? Result<void>(d.error()) : mount(m.type, m.path, m.options);
  if (r.is_error()) {
    int code = r.error().code();
    // 135 (Linux's ENOMEDIUM, a name newlib hides): the filesystem printed
    // its own line on why and is left out; the boot goes on (lib/extfs: a
    // disk that cannot be mounted, docs/storage.md).
    if (code == 135) return 0;
    kiln_err("vfs: mount %s on %s (%s) failed: %s", m.type, m.path, from, why(code));
    return -code;
  }
  kiln_info("vfs: mounted %s on %s%s%s", m.type, m.path, m.options ? " with " : "", m.options ? m.options : "");
  return 0;
}

int vfs_mounts() {
  // VFS_MOUNTS: the same specs, separated by spaces.
  const char* k = CONFIG_VFS_MOUNTS;
  while (*k) {
    while (*k == ' ') ++k;
    if (!*k) break;
    char one[kMountText];
    size_t n = 0;
    while (k[n] && k[n] != ' ' && n + 1 < sizeof one) {
      one[n] = k[n];
      ++n;
    }
    one[n] = 0;
    k += n;
    int rc = mount_one(one, "VFS_MOUNTS");
    if (rc < 0) return rc;
  }
  for (size_t at = 0; at < mount_used; at += strlen(mount_text + at) + 1) {
    int rc = mount_one(mount_text + at, "vfs.mount=");
    if (rc < 0) return rc;
  }
  return 0;
}

}  // namespace
}  // namespace kiln::vfs

KILN_OPTION("vfs.mount", kiln::vfs::add_mount, "a mount made at boot, TYPE:/PATH[:OPTIONS], e.g. ramfs:/scratch:max=8M (repeatable)");
KILN_INIT(rootfs, 200, kiln::vfs::vfs_mounts);
KILN_OPTION("ramfs.max", kiln::vfs::set_max, "most memory the root ramfs uses, e.g. 64M (0: the heap's limit)");
KILN_INIT(lib, 300, kiln::vfs::vfs_init);
