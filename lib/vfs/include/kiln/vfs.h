// The vfs: files, directories, symlinks and mounts (lib/vfs).
//
// Layers, bottom up:
//
//   Vnode        one file, directory, symlink or device of one filesystem,
//                reference counted; its virtual methods are the filesystem's
//                operations (lookup, create, read at an offset, ...). What a
//                filesystem does not override fails with the errno Linux
//                gives for it (a file is not a directory: ENOTDIR, ...).
//   Filesystem   one mounted instance (a ramfs, the devfs): its root vnode
//                and statfs. A filesystem type registers itself with
//                KILN_FS(name, make) (a table kept by support/ld/kiln-tables.ld,
//                like KILN_INIT), so the mount table finds it by name.
//   mounts       mount(type, path, options): the root "/" is a ramfs, /dev
//                the devfs (mounted at boot, lib 300); the initrd's files
//                and VFS_MOUNTS / vfs.mount= follow (rootfs). The path walk
//                crosses mounts both ways (`..` at a mount's root goes to
//                the parent mount).
//   walk         one function resolves a path for every call: `.`, `..`,
//                repeated and trailing slashes, symlinks (at most kMaxLinks
//                followed per call, then ELOOP), ENAMETOOLONG past
//                kNameMax / kPathMax, relative to the current directory or
//                a directory descriptor.
//   VnodeFile    an open file: a kiln::File (lib/fdtab) holding a vnode
//                reference, the offset and the access mode; O_APPEND and
//                O_NONBLOCK are the File's status flags; O_CLOEXEC is
//                accepted (one process, no exec).
//   POSIX        open, stat, mkdir, opendir, ... (src/posix.cpp, src/dir.cpp):
//                errno and -1 at the boundary.
//
// Locking: one CPU, so the vfs lock is masking events (vfs::Guard, which
// nests). Every filesystem operation takes it; none blocks while holding
// it (ramfs never blocks; devices are served by their own Files, outside
// the lock). Long reads and writes are done in pieces of kIoPiece bytes so
// events are not masked for long. SMP will need a real lock here.
//
// One user: permission bits, owners and times are stored and reported;
// permissions are not enforced (everything runs as root).
#pragma once
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <kiln/compiler.h>
#include <kiln/lock.h>
#include <kiln/result.h>

struct statvfs;

namespace kiln {
class File;
}

namespace kiln::vfs {

constexpr size_t kNameMax = 255;     // NAME_MAX: one path component
constexpr size_t kPathMax = 4096;    // PATH_MAX: a whole path, with its NUL
constexpr int kMaxLinks = 40;        // symlinks followed per call (Linux's MAXSYMLINKS)
constexpr size_t kIoPiece = 1 << 20; // the most one read/write does with events masked

// The vfs lock (see above): events masked while one is alive; nests.
using Guard = IrqGuard;

// d_type values (as Linux's <dirent.h>).
enum : uint8_t { kDtUnknown = 0, kDtFifo = 1, kDtChr = 2, kDtDir = 4, kDtReg = 8, kDtLnk = 10 };

struct DirEntry {
  uint64_t ino;
  uint8_t type;  // kDt*
  size_t len;
  char name[kNameMax + 1];
};

// What setattr changes (mask bits) and the new values.
struct SetAttr {
  enum : unsigned { kMode = 1, kUid = 2, kGid = 4, kSize = 8, kAtime = 16, kMtime = 32 };
  unsigned mask = 0;
  mode_t mode = 0;  // permission bits only (07777)
  uid_t uid = 0;
  gid_t gid = 0;
  off_t size = 0;
  int64_t atime_ns = 0, mtime_ns = 0;
};

class Filesystem;
struct Mount;

class Vnode {
 public:
  // The file type bits (S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR) never change.
  constexpr Vnode(Filesystem* fs, mode_t type) : fs_(fs), type_(type & S_IFMT) {}

  // --- directories (others: ENOTDIR). name is one component (no '/', not
  // "." or ".."; the walk handles those except lookup("..")), len <= kNameMax.
  // lookup returns a referenced vnode, ENOENT if there is none. lookup("..")
  // is the parent (the root's is itself).
  virtual Result<Vnode*> lookup(const char* name, size_t len);
  // New regular file / directory / symlink (EEXIST if the name is taken);
  // referenced. mode: permission bits, the umask already applied.
  virtual Result<Vnode*> create(const char* name, size_t len, mode_t mode);
  virtual Result<Vnode*> mkdir(const char* name, size_t len, mode_t mode);
  virtual Result<Vnode*> symlink(const char* name, size_t len, const char* target);
  // A new FIFO (mkfifo; its opens are lib/fdtab's named pipes). EPERM where
  // the filesystem has none.
  virtual Result<Vnode*> mkfifo(const char* name, size_t len, mode_t mode);
  // Remove a non-directory (EISDIR for a directory) / an empty directory
  // (ENOTDIR, ENOTEMPTY).
  virtual Result<void> unlink(const char* name, size_t len);
  virtual Result<void> rmdir(const char* name, size_t len);
  // Move name to to_dir/to_name (to_dir on the same filesystem; the caller
  // checks that: EXDEV), replacing what is there as POSIX rename does.
  virtual Result<void> rename(const char* name, size_t len, Vnode* to_dir, const char* to_name, size_t to_len);
  // A new name for target (not a directory), on the same filesystem.
  virtual Result<void> link(const char* name, size_t len, Vnode* target);
  // The entry after *cookie (0: the first, which is "."); false at the end.
  virtual Result<bool> readdir(uint64_t* cookie, DirEntry* out);

  // --- every vnode.
  virtual Result<void> getattr(struct stat* st) = 0;
  virtual Result<void> setattr(const SetAttr& a);
  // Regular files (directories: EISDIR, others EINVAL). A short count
  // means the end of the file (read) or a full filesystem (write: what it
  // reports was written, nothing past it changed); ENOSPC when nothing fit.
  virtual Result<size_t> read(void* buf, size_t n, off_t off);
  virtual Result<size_t> write(const void* buf, size_t n, off_t off);
  virtual Result<size_t> readlink(char* buf, size_t n);  // symlinks (EINVAL); no NUL added
  // A new, empty regular file's contents become the read-only range
  // [data, data + size), which must outlive the file and never change: it
  // is read in place, and the filesystem copies what a write or truncate
  // changes (copy on write; the range itself is never written or freed).
  // ENOSYS: the filesystem cannot (the caller writes a copy instead);
  // EBUSY: the file is not empty.
  virtual Result<void> set_external(const void*, size_t) { return Error(ENOSYS); }
  virtual Result<void> fsync() { return {}; }
  // Devices: the File an open of this vnode gives (with one reference for
  // the caller), instead of a VnodeFile. nullptr: a VnodeFile.
  virtual Result<File*> open(int flags);

  // References: ref/unref from any context; the last unref lets the
  // filesystem free the vnode (inactive) if nothing links to it any more.
  void ref() { __atomic_add_fetch(&refs_, 1, __ATOMIC_RELAXED); }
  void unref();
  unsigned refs() const { return __atomic_load_n(&refs_, __ATOMIC_RELAXED); }

  Filesystem* fs() const { return fs_; }
  mode_t type() const { return type_; }
  bool is_dir() const { return type_ == S_IFDIR; }
  bool is_reg() const { return type_ == S_IFREG; }
  bool is_link() const { return type_ == S_IFLNK; }
  // The mount whose root covers this directory (set by mount), or nullptr.
  Mount* mounted = nullptr;

 protected:
  ~Vnode() = default;
  // Called (with the vfs lock held) when the last reference went away.
  virtual void inactive() {}

 private:
  Filesystem* fs_;
  mode_t type_;
  unsigned refs_ = 0;
};

// A referenced vnode, dropped at the end of its scope.
class VnodeRef {
 public:
  constexpr VnodeRef() = default;
  // Adopts a reference the caller holds (what lookup/create return).
  static VnodeRef adopt(Vnode* v) { return VnodeRef(v); }
  // Takes a new reference.
  static VnodeRef share(Vnode* v) {
    if (v) v->ref();
    return VnodeRef(v);
  }
  VnodeRef(VnodeRef&& o) : v_(o.v_) { o.v_ = nullptr; }
  VnodeRef& operator=(VnodeRef&& o) {
    if (this != &o) {
      if (v_) v_->unref();
      v_ = o.v_;
      o.v_ = nullptr;
    }
    return *this;
  }
  VnodeRef(const VnodeRef&) = delete;
  VnodeRef& operator=(const VnodeRef&) = delete;
  ~VnodeRef() {
    if (v_) v_->unref();
  }
  Vnode* get() const { return v_; }
  Vnode* operator->() const { return v_; }
  explicit operator bool() const { return v_ != nullptr; }
  Vnode* release() {
    Vnode* v = v_;
    v_ = nullptr;
    return v;
  }

 private:
  explicit VnodeRef(Vnode* v) : v_(v) {}
  Vnode* v_ = nullptr;
};

class Filesystem {
 public:
  // The root directory (not referenced: it lives as long as the mount).
  virtual Vnode* root() = 0;
  virtual Result<void> statfs(struct statvfs* out) = 0;
  virtual bool read_only() const { return false; }
  // True if a file has one Vnode for as long as anything references it
  // (ramfs). Otherwise a lookup may return a new Vnode for a directory that
  // is a mount point, and the walk recognises it by its inode number.
  virtual bool one_vnode_per_file() const { return false; }
  Mount* mount = nullptr;  // where it is mounted (set by mount())
  uint64_t dev = 0;        // st_dev of its files (the mount's number)
  int covered_here = 0;    // mounts on directories of this filesystem

 protected:
  ~Filesystem() = default;
};

// A filesystem type: make() builds an instance from the mount's options
// (e.g. "max=64M" for a ramfs; nullptr: none).
struct FsType {
  const char* name;
  Result<Filesystem*> (*make)(const char* options);
};
#define KILN_FS(var, name, make)                                                     \
  static const ::kiln::vfs::FsType var KILN_USED KILN_SECTION(".kiln_fs") __attribute__((aligned(8))) = { \
      name, make}

struct Mount {
  Filesystem* fs = nullptr;
  Vnode* covered = nullptr;  // the directory it hides (referenced); nullptr for "/"
  const char* type = nullptr;
};

// Mount a filesystem of `type` on the directory at path ("/" only as the
// first mount). ENODEV: no such type; EBUSY: something is mounted there (mounts do not stack);
// ENOTDIR; ENOMEM: the mount table is full (kMaxMounts).
constexpr int kMaxMounts = 16;
Result<void> mount(const char* type, const char* path, const char* options);
Vnode* root();  // "/" (not referenced)

// --- the path walk --------------------------------------------------------
constexpr unsigned kFollow = 1;  // follow a symlink in the last component (stat, open; not lstat)
struct Lookup {
  VnodeRef dir;   // the directory holding the last component
  VnodeRef node;  // the last component, empty when it does not exist
  char name[kNameMax + 1] = {};  // the last component ("." for "/")
  size_t len = 0;
  bool trailing_slash = false;   // "a/": the last component must be a directory
};
// Resolve path from base (nullptr: the current directory; ignored for an
// absolute path). Errors: ENOENT (empty path, or a directory on the way is
// missing), ENOTDIR, ELOOP, ENAMETOOLONG, ENOMEM. A missing last
// component is not an error (out->node is empty): create calls need dir
// and name.
Result<void> walk(Vnode* base, const char* path, unsigned flags, Lookup* out);
// The vnode at path, which must exist (ENOENT) and, with a trailing
// slash, be a directory (ENOTDIR).
Result<VnodeRef> resolve(Vnode* base, const char* path, unsigned flags);
// The absolute path of a directory (getcwd, realpath) into buf (NUL
// ended). ERANGE: buf too small; ENOENT: the directory was removed.
Result<size_t> dir_path(Vnode* dir, char* buf, size_t n);

// --- the process's state ----------------------------------------------------
Vnode* cwd();  // the current directory (not referenced; the root at boot)
Result<void> set_cwd(Vnode* dir);  // ENOTDIR
mode_t umask_get();
mode_t umask_set(mode_t m);  // returns the old mask

// --- open files --------------------------------------------------------------
// Open the vnode with open(2)'s flags: a device's own File or a VnodeFile,
// with one reference for the caller. Checks O_DIRECTORY/EISDIR, does
// O_TRUNC.
Result<File*> open_vnode(Vnode* v, int flags);
// Open, create and the rest by path: what the POSIX calls are made of.
Result<File*> open(Vnode* base, const char* path, int flags, mode_t mode);

// --- an initrd or any in-memory tree (the hook for the cpio initrd) ----------
// One entry: a path relative to the base directory ("etc/motd", NUL ended; missing
// parent directories are created, mode 0755), its type and permission bits
// in mode (S_IFREG, S_IFDIR, S_IFLNK), and for files the contents, for
// symlinks the target (size bytes at data, not NUL ended). A directory
// that exists already is kept as it is. With in_place, a file's contents
// are served from data without a copy (Vnode::set_external: data must
// outlive the file and never change; copy on first write), else copied.
// link_to, when set, makes the entry a hard link to that earlier entry
// (a path relative to the base; mode, data and size are ignored).
// mtime_ns (>= 0) sets the file's atime and mtime; uid and gid its owner.
struct TreeEntry {
  const char* name;
  mode_t mode;
  const void* data;
  size_t size;
  bool in_place = false;
  const char* link_to = nullptr;
  int64_t mtime_ns = -1;
  uid_t uid = 0;
  gid_t gid = 0;
};
// Create one entry under base (a directory).
Result<void> populate_entry(Vnode* base, const TreeEntry& e);
// Create every entry under the directory at path `at`; stops at the first
// failure, returning its error and (in *failed, if given) its index.
Result<void> populate(const char* at, const TreeEntry* entries, size_t n, size_t* failed = nullptr);
// The directory at path, created with its missing parents (mode 0755) if
// it does not exist (mkdir -p). ENOTDIR if something else is there.
Result<VnodeRef> make_dirs(Vnode* base, const char* path);

// A cpio newc archive (kiln/cpio.h) as a tree under the directory `at`
// (created if missing): validated whole first, so a malformed archive
// changes nothing (EINVAL/EBADMSG, *fault says where; needs lib/cpio).
// Then every file, directory and symlink is created with the archive's
// modes, owners and mtimes; files are served in place from the archive
// (which must outlive them and never change; copy on first write); hard
// links (a file entry with nlink > 1 sharing c_ino with another) become
// hard links; device, FIFO and socket entries are skipped (counted in
// out->skipped). A failure part way (a name taken by something that is
// not a directory, the ramfs limit, a read-only mount on the way) returns
// its error with the entry's name (NUL ended, inside the archive) in
// out->failed; what was created before it stays.
struct CpioResult {
  size_t entries = 0, skipped = 0;
  const char* failed = nullptr;  // the entry that failed, after validation
  size_t fault_offset = 0;       // validation: the faulty byte's offset
  char fault_reason[120] = {};   //   and why
};
Result<void> populate_cpio(const char* at, const void* archive, size_t size, CpioResult* out);

// --- ramfs ------------------------------------------------------------------
// A ramfs instance limited to max_bytes of memory (0: the heap's limit).
Result<Filesystem*> ramfs_make(size_t max_bytes);
// What a ramfs mounted without max= may use (bytes, 0: no limit but the heap).
extern size_t ramfs_default_max;
// The ramfs clock (nanoseconds since 1970; kiln_plat_wall_ns), replaceable by tests.
using RamfsClock = int64_t (*)();
extern RamfsClock ramfs_clock;

// --- procfs (VFS_PROCFS, src/procfs.cpp) --------------------------------------
// What readlink of /proc/self/fd/N says of the open file f, NUL ended, into
// buf: "/dev/console", a vfs file's path (directories always; other files
// when a bounded search of their filesystem finds them), "/dev/null" and the
// other devfs nodes, "pipe:[N]", "socket:[N]", else "anon_inode:[kind]".
// Returns the length; ERANGE if buf is too small.
Result<size_t> proc_fd_describe(File* f, char* buf, size_t n);

}  // namespace kiln::vfs
