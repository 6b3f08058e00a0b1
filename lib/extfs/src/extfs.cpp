// ext2/ext3/ext4 as vfs filesystems "ext4", "ext3", "ext2" (the same code),
// through libext2fs over the block device layer (src/io.cpp).
//
// A vnode is an inode number; the filesystem keeps a list of the vnodes
// alive so one inode is one vnode. Inodes are read and written through
// libext2fs on every call (its small inode cache aside); file data is
// written through an ext2_file_t opened for the call and closed after it,
// and read by the fast path in ExtNode::read (mapped under the fs lock,
// read from the device without it), so there is no state to lose. Every
// operation holds the filesystem's lock (ExtFs::lock). Writes are not journaled (like fuse2fs without a
// journal): while mounted read-write the superblock says "not clean", and
// it is marked clean again when the filesystem is closed at exit
// (KILN_TEARDOWN) or explicitly. fsync writes the bitmaps, group
// descriptors and superblock and flushes the device. See docs/storage.md.
#include "extfs.h"
#include <kiln/alloc.h>
#include <kiln/blkdev.h>
#include <kiln/init.h>
#include <kiln/lock.h>
#include <kiln/plat/wait.h>
#include <kiln/print.h>
#include <kiln/vfs.h>
#include <errno.h>
#include <fcntl.h>
#include <new>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include "ext2fs/ext3_extents.h"

extern "C" const char* error_message(long code);

namespace kiln::extfs {
namespace {

using vfs::DirEntry;
using vfs::kNameMax;
using vfs::SetAttr;
using vfs::Vnode;
using ::kiln::File;

Error errc(errcode_t rc) {
  if (rc > 0 && rc < 4096) return Error(static_cast<int>(rc));
  switch (rc) {
    case EXT2_ET_BLOCK_ALLOC_FAIL:
    case EXT2_ET_INODE_ALLOC_FAIL:
    case EXT2_ET_DIR_NO_SPACE:
    case EXT2_ET_DIR_NO_SPACE_FOR_CSUM:
    case EXT2_ET_EA_NO_SPACE:
    case EXT2_ET_TOOSMALL: return Error(ENOSPC);
    case EXT2_ET_RO_FILSYS: return Error(EROFS);
    case EXT2_ET_FILE_NOT_FOUND: return Error(ENOENT);
    case EXT2_ET_NO_DIRECTORY: return Error(ENOTDIR);
    case EXT2_ET_DIR_EXISTS: return Error(EEXIST);
    case EXT2_ET_FILE_TOO_BIG: return Error(EFBIG);
    case EXT2_ET_NO_MEMORY: return Error(ENOMEM);
    default: return Error(EIO);
  }
}
#define E2TRY(expr)                               \
  do {                                            \
    errcode_t _rc = (expr);                       \
    if (_rc) return ::kiln::extfs::errc(_rc);     \
  } while (0)

struct Name {
  char s[kNameMax + 1];
  Name(const char* n, size_t len) {
    memcpy(s, n, len);
    s[len] = '\0';
  }
};

int64_t now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

class ExtFs;

class ExtNode final : public Vnode {
 public:
  ExtNode(ExtFs* fs, mode_t type, ext2_ino_t ino, bool special);
  ext2_ino_t ino() const { return ino_; }

  Result<Vnode*> lookup(const char* name, size_t len) override;
  Result<Vnode*> create(const char* name, size_t len, mode_t mode) override;
  Result<Vnode*> mkdir(const char* name, size_t len, mode_t mode) override;
  Result<Vnode*> symlink(const char* name, size_t len, const char* target) override;
  Result<void> unlink(const char* name, size_t len) override { return remove(name, len, false); }
  Result<void> rmdir(const char* name, size_t len) override { return remove(name, len, true); }
  Result<void> rename(const char* name, size_t len, Vnode* to_dir, const char* to_name, size_t to_len) override;
  Result<void> link(const char* name, size_t len, Vnode* target) override;
  Result<bool> readdir(uint64_t* cookie, DirEntry* out) override;
  Result<void> getattr(struct stat* st) override;
  Result<void> setattr(const SetAttr& a) override;
  Result<size_t> read(void* buf, size_t n, off_t off) override;
  Result<size_t> write(const void* buf, size_t n, off_t off) override;
  Result<size_t> readlink(char* buf, size_t n) override;
  Result<void> fsync() override;
  // Opening for writing on a read-only mount fails at once (EROFS).
  Result<File*> open(int flags) override {
    if ((flags & O_ACCMODE) != O_RDONLY && fs()->read_only()) return Error(EROFS);
    if ((flags & O_TRUNC) && fs()->read_only()) return Error(EROFS);
    return static_cast<File*>(nullptr);
  }

  ExtNode* next = nullptr;  // ExtFs's list of live vnodes
  bool orphan = false;      // no names left: freed when the last reference goes

 protected:
  void inactive() override;

 private:
  ExtFs* xfs() const;
  ext2_filsys e2() const;
  Result<void> remove(const char* name, size_t len, bool dir);
  // Reads through libext2fs' file layer (the fs lock held).
  Result<size_t> read_slow(void* buf, size_t n, off_t off);
  // Sequential readahead (one window per vnode): the offset a sequential
  // reader reads next and the window (bytes; 0: not sequential).
  uint64_t ra_next_ = 0;
  uint32_t ra_win_ = 0;
  ext2_ino_t ino_;
  bool special_;  // a device, FIFO or socket inode: listed and stat'ed, not read
};

class ExtFs final : public vfs::Filesystem {
 public:
  ExtFs(ext2_filsys fs, bool ro, const char* dev) : fs_(fs), ro_(ro), root_(this, S_IFDIR, EXT2_ROOT_INO, false) {
    root_.ref();
    size_t n = strlen(dev);
    if (n >= sizeof dev_) n = sizeof dev_ - 1;
    memcpy(dev_, dev, n);
    dev_[n] = '\0';
    live_ = &root_;
  }
  Vnode* root() override { return &root_; }
  bool read_only() const override { return ro_ || !fs_; }
  Result<void> statfs(struct statvfs* out) override;

  ext2_filsys fs() const { return fs_; }
  const char* dev() const { return dev_; }

  // The vnode of ino, referenced (made if it is not alive).
  Result<Vnode*> node(ext2_ino_t ino);
  void forget(ExtNode* n) {
    for (ExtNode** p = &live_; *p; p = &(*p)->next) {
      if (*p == n) {
        *p = n->next;
        return;
      }
    }
  }
  ExtNode* find_live(ext2_ino_t ino) {
    for (ExtNode* n = live_; n; n = n->next) {
      if (n->ino() == ino) return n;
    }
    return nullptr;
  }

  // Inodes: read and written whole (the fs's inode size, at most the large struct).
  Result<void> read_inode(ext2_ino_t ino, ext2_inode_large* in) {
    memset(in, 0, sizeof *in);
    E2TRY(ext2fs_read_inode_full(fs_, ino, reinterpret_cast<ext2_inode*>(in), inode_bytes()));
    return {};
  }
  Result<void> write_inode(ext2_ino_t ino, ext2_inode_large* in) {
    E2TRY(ext2fs_write_inode_full(fs_, ino, reinterpret_cast<ext2_inode*>(in), inode_bytes()));
    return {};
  }
  int inode_bytes() const {
    int n = EXT2_INODE_SIZE(fs_->super);
    constexpr int kLarge = static_cast<int>(sizeof(ext2_inode_large));
    return n < kLarge ? n : kLarge;
  }
  // An inode with no names left: its blocks and the inode itself freed.
  Result<void> free_inode(ext2_ino_t ino);
  // Drop one name of ino (a non-directory); frees it at zero unless open.
  Result<void> drop_link(ext2_ino_t ino);
  // A new entry in dir, making room once when the directory is full.
  Result<void> add_link(ext2_ino_t dir, const char* name, ext2_ino_t ino, int ft) {
    errcode_t rc = ext2fs_link(fs_, dir, name, ino, ft);
    if (rc == EXT2_ET_DIR_NO_SPACE) {
      E2TRY(ext2fs_expand_dir(fs_, dir));
      rc = ext2fs_link(fs_, dir, name, ino, ft);
    }
    E2TRY(rc);
    return {};
  }
  Result<void> sync();
  Result<void> close();  // marks it clean and closes; the fs is gone after

  // The filesystem lock: libext2fs and the block cache are used by one
  // thread at a time. A thread waiting for the device inside libext2fs
  // lets others run (the vfs lock only masks events), so this is a
  // sleeping lock (kiln_plat_wait_event), not the vfs lock. Not
  // recursive: taken once per vnode operation, which never re-enters.
  void lock() {
    kiln::IrqGuard g;  // the wait contract: check, then wait, with events masked
    while (busy_) {
      ++waiters_;
      kiln_plat_wait_event(0);
      --waiters_;
    }
    busy_ = true;
  }
  void unlock() {
    kiln::IrqGuard g;
    busy_ = false;
    if (waiters_) kiln_plat_wake_event();
  }
  // Reads in their unlocked device phase (ExtNode::read): the close at
  // exit waits for them, since they use the channel.
  void direct_begin() {
    kiln::IrqGuard g;
    ++direct_;
  }
  void direct_end() {
    kiln::IrqGuard g;
    if (--direct_ == 0 && closing_) kiln_plat_wake_event();
  }
  void wait_direct() {
    kiln::IrqGuard g;
    closing_ = true;
    while (direct_) kiln_plat_wait_event(0);
  }

  ExtFs* next_mount = nullptr;

 private:
  ext2_filsys fs_;
  bool ro_;
  ExtNode root_;
  ExtNode* live_ = nullptr;
  char dev_[BlockDev::kNameMax];
  bool busy_ = false, closing_ = false;
  unsigned waiters_ = 0, direct_ = 0;
};

class FsLock {
 public:
  explicit FsLock(ExtFs* x) : x_(x) { x_->lock(); }
  ~FsLock() { x_->unlock(); }
  FsLock(const FsLock&) = delete;
  FsLock& operator=(const FsLock&) = delete;

 private:
  ExtFs* x_;
};

ExtFs* mounts = nullptr;  // every open filesystem, closed at exit

ExtNode::ExtNode(ExtFs* fs, mode_t type, ext2_ino_t ino, bool special)
    : Vnode(fs, type), ino_(ino), special_(special) {}
ExtFs* ExtNode::xfs() const { return static_cast<ExtFs*>(fs()); }
ext2_filsys ExtNode::e2() const { return xfs()->fs(); }

// --- times ----------------------------------------------------------------
bool has_extra(const ExtFs* fs, const ext2_inode_large& in, size_t field_off) {
  return fs->inode_bytes() > EXT2_GOOD_OLD_INODE_SIZE &&
         static_cast<size_t>(EXT2_GOOD_OLD_INODE_SIZE + in.i_extra_isize) >= field_off + sizeof(uint32_t);
}
void set_time(const ExtFs* fs, ext2_inode_large& in, __u32& sec, __u32& extra, size_t extra_off, int64_t ns) {
  int64_t s = ns / 1000000000, frac = ns % 1000000000;
  if (frac < 0) {
    frac += 1000000000;
    --s;
  }
  sec = static_cast<__u32>(s);
  if (has_extra(fs, in, extra_off)) extra = static_cast<__u32>(frac << 2) | static_cast<__u32>((s - static_cast<int32_t>(sec)) >> 32 & 3);
}
struct timespec get_time(const ExtFs* fs, const ext2_inode_large& in, __u32 sec, __u32 extra, size_t extra_off) {
  int64_t s = static_cast<int32_t>(sec);
  long ns = 0;
  if (has_extra(fs, in, extra_off)) {
    s += static_cast<int64_t>(extra & 3) << 32;
    ns = static_cast<long>(extra >> 2);
    if (ns >= 1000000000) ns = 0;
  }
  return {static_cast<time_t>(s), ns};
}
#define SET_TIME(fs, in, f, ns) set_time(fs, in, (in).i_##f, (in).i_##f##_extra, offsetof(ext2_inode_large, i_##f##_extra), ns)
#define GET_TIME(fs, in, f) get_time(fs, in, (in).i_##f, (in).i_##f##_extra, offsetof(ext2_inode_large, i_##f##_extra))

void touch(const ExtFs* fs, ext2_inode_large& in, bool mtime) {
  int64_t t = now_ns();
  SET_TIME(fs, in, ctime, t);
  if (mtime) SET_TIME(fs, in, mtime, t);
}

mode_t vtype(uint16_t mode, bool* special) {
  *special = false;
  switch (mode & LINUX_S_IFMT) {
    case LINUX_S_IFDIR: return S_IFDIR;
    case LINUX_S_IFLNK: return S_IFLNK;
    case LINUX_S_IFREG: return S_IFREG;
    default: *special = true; return S_IFREG;
  }
}

// --- the filesystem -------------------------------------------------------
Result<Vnode*> ExtFs::node(ext2_ino_t ino) {
  if (ExtNode* n = find_live(ino)) {
    n->ref();
    return static_cast<Vnode*>(n);
  }
  if (ino < EXT2_ROOT_INO || ino > fs_->super->s_inodes_count) return Error(EIO);
  ext2_inode_large in;
  KILN_TRY(read_inode(ino, &in));
  if (in.i_links_count == 0 || in.i_mode == 0) return Error(EIO);  // an entry naming a free inode
  bool special;
  mode_t t = vtype(in.i_mode, &special);
  void* mem = kiln_malloc(sizeof(ExtNode));
  if (!mem) return Error(ENOMEM);
  auto* n = new (mem) ExtNode(this, t, ino, special);
  n->next = live_;
  live_ = n;
  n->ref();
  return static_cast<Vnode*>(n);
}

int release_block(ext2_filsys fs, blk64_t* blk, e2_blkcnt_t, blk64_t, int, void*) {
  if (*blk) ext2fs_block_alloc_stats2(fs, *blk, -1);
  return 0;
}

Result<void> ExtFs::free_inode(ext2_ino_t ino) {
  ext2_inode_large in;
  KILN_TRY(read_inode(ino, &in));
  auto* base = reinterpret_cast<ext2_inode*>(&in);
  if (ext2fs_inode_has_valid_blocks2(fs_, base)) {
    if (EXT2FS_CLUSTER_RATIO(fs_) == 1) {
      // Every block the inode maps, data and extent-tree or indirect blocks,
      // back to the bitmaps. (Not ext2fs_punch: 1.47.0 refuses an extent that
      // ends at the filesystem's last block, "Illegal block number".)
      E2TRY(ext2fs_block_iterate3(fs_, ino, BLOCK_FLAG_READ_ONLY, nullptr, release_block, nullptr));
      memset(in.i_block, 0, sizeof in.i_block);
      in.i_flags &= ~EXT4_EXTENTS_FL;
      E2TRY(ext2fs_iblk_set(fs_, base, 0));
    } else {
      E2TRY(ext2fs_punch(fs_, ino, base, nullptr, 0, ~0ULL));  // bigalloc: clusters
    }
  }
  if (in.i_file_acl) {
    // The extended-attribute block: one reference less, freed at none.
    __u32 count = 0;
    blk64_t ea = ext2fs_file_acl_block(fs_, base);
    if (ext2fs_adjust_ea_refcount3(fs_, ea, nullptr, -1, &count, ino) == 0 && count == 0)
      ext2fs_block_alloc_stats2(fs_, ea, -1);
    ext2fs_file_acl_block_set(fs_, base, 0);
  }
  in.i_links_count = 0;
  in.i_size = 0;
  in.i_size_high = 0;
  in.i_dtime = static_cast<__u32>(now_ns() / 1000000000);
  KILN_TRY(write_inode(ino, &in));
  ext2fs_inode_alloc_stats2(fs_, ino, -1, LINUX_S_ISDIR(in.i_mode));
  return {};
}

Result<void> ExtFs::drop_link(ext2_ino_t ino) {
  ext2_inode_large in;
  KILN_TRY(read_inode(ino, &in));
  if (in.i_links_count > 0) --in.i_links_count;
  touch(this, in, false);
  KILN_TRY(write_inode(ino, &in));
  if (in.i_links_count) return {};
  if (ExtNode* n = find_live(ino)) {
    n->orphan = true;  // still open: freed by inactive()
    return {};
  }
  return free_inode(ino);
}

Result<void> ExtFs::statfs(struct statvfs* out) {
  FsLock l(this);
  memset(out, 0, sizeof *out);
  if (!fs_) return Error(EIO);
  ext2_super_block* s = fs_->super;
  uint64_t free = ext2fs_free_blocks_count(s), res = ext2fs_r_blocks_count(s);
  out->f_bsize = fs_->blocksize;
  out->f_frsize = fs_->blocksize;
  out->f_blocks = ext2fs_blocks_count(s);
  out->f_bfree = free;
  out->f_bavail = free > res ? free - res : 0;
  out->f_files = s->s_inodes_count;
  out->f_ffree = s->s_free_inodes_count;
  out->f_favail = s->s_free_inodes_count;
  out->f_namemax = EXT2_NAME_LEN;
  out->f_flag = read_only() ? ST_RDONLY : 0;
  return {};
}

Result<void> ExtFs::sync() {
  if (!fs_ || ro_) return {};
  if (fs_->flags & (EXT2_FLAG_DIRTY | EXT2_FLAG_BB_DIRTY | EXT2_FLAG_IB_DIRTY)) {
    ext2fs_mark_super_dirty(fs_);
    E2TRY(ext2fs_flush2(fs_, 0));  // bitmaps, descriptors, superblock, then a device flush
  } else {
    E2TRY(io_channel_flush(fs_->io));
  }
  return {};
}

Result<void> ExtFs::close() {
  if (!fs_) return {};
  if (!ro_) {
    fs_->super->s_state |= EXT2_VALID_FS;
    ext2fs_mark_super_dirty(fs_);
  }
  errcode_t rc = ext2fs_close2(fs_, 0);  // writes what is dirty and flushes
  if (rc) {
    kiln_err("extfs: %s: closing the filesystem failed: %s", dev_, error_message(rc));
    ext2fs_free(fs_);
  }
  fs_ = nullptr;
  return rc ? Result<void>(errc(rc)) : Result<void>();
}

// --- directories ----------------------------------------------------------
Result<Vnode*> ExtNode::lookup(const char* name, size_t len) {
  FsLock l(xfs());
  if (!is_dir()) return Error(ENOTDIR);
  ext2_ino_t ino = 0;
  E2TRY(ext2fs_lookup(e2(), ino_, name, static_cast<int>(len), nullptr, &ino));
  return xfs()->node(ino);
}

Result<Vnode*> ExtNode::create(const char* name, size_t len, mode_t mode) {
  FsLock l(xfs());
  if (!is_dir()) return Error(ENOTDIR);
  if (fs()->read_only()) return Error(EROFS);
  ext2_filsys fs = e2();
  ext2_ino_t ino = 0;
  if (ext2fs_lookup(fs, ino_, name, static_cast<int>(len), nullptr, &ino) == 0) return Error(EEXIST);
  E2TRY(ext2fs_new_inode(fs, ino_, LINUX_S_IFREG | 0600, nullptr, &ino));
  Name n(name, len);
  KILN_TRY(xfs()->add_link(ino_, n.s, ino, EXT2_FT_REG_FILE));
  ext2fs_inode_alloc_stats2(fs, ino, +1, 0);
  ext2_inode in;
  memset(&in, 0, sizeof in);
  in.i_mode = static_cast<__u16>(LINUX_S_IFREG | (mode & 07777));
  in.i_links_count = 1;
  __u32 t = static_cast<__u32>(now_ns() / 1000000000);
  in.i_atime = in.i_ctime = in.i_mtime = t;
  if (ext2fs_has_feature_extents(fs->super)) {
    in.i_flags |= EXT4_EXTENTS_FL;
    auto* eh = reinterpret_cast<ext3_extent_header*>(in.i_block);
    eh->eh_magic = EXT3_EXT_MAGIC;
    eh->eh_entries = 0;
    eh->eh_max = (sizeof in.i_block - sizeof *eh) / sizeof(ext3_extent);
    eh->eh_depth = 0;
  }
  E2TRY(ext2fs_write_new_inode(fs, ino, &in));
  return xfs()->node(ino);
}

Result<Vnode*> ExtNode::mkdir(const char* name, size_t len, mode_t mode) {
  FsLock l(xfs());
  if (!is_dir()) return Error(ENOTDIR);
  if (fs()->read_only()) return Error(EROFS);
  ext2_filsys fs = e2();
  ext2_ino_t ino = 0;
  if (ext2fs_lookup(fs, ino_, name, static_cast<int>(len), nullptr, &ino) == 0) return Error(EEXIST);
  Name n(name, len);
  errcode_t rc = ext2fs_mkdir(fs, ino_, 0, n.s);
  if (rc == EXT2_ET_DIR_NO_SPACE) {
    E2TRY(ext2fs_expand_dir(fs, ino_));
    rc = ext2fs_mkdir(fs, ino_, 0, n.s);
  }
  E2TRY(rc);
  E2TRY(ext2fs_lookup(fs, ino_, name, static_cast<int>(len), nullptr, &ino));
  ext2_inode_large in;
  KILN_TRY(xfs()->read_inode(ino, &in));
  in.i_mode = static_cast<__u16>(LINUX_S_IFDIR | (mode & 07777));
  touch(xfs(), in, true);
  KILN_TRY(xfs()->write_inode(ino, &in));
  return xfs()->node(ino);
}

Result<Vnode*> ExtNode::symlink(const char* name, size_t len, const char* target) {
  FsLock l(xfs());
  if (!is_dir()) return Error(ENOTDIR);
  if (fs()->read_only()) return Error(EROFS);
  size_t tl = strlen(target);
  if (tl == 0) return Error(ENOENT);
  if (tl >= e2()->blocksize) return Error(ENAMETOOLONG);
  ext2_filsys fs = e2();
  ext2_ino_t ino = 0;
  if (ext2fs_lookup(fs, ino_, name, static_cast<int>(len), nullptr, &ino) == 0) return Error(EEXIST);
  Name n(name, len);
  errcode_t rc = ext2fs_symlink(fs, ino_, 0, n.s, target);
  if (rc == EXT2_ET_DIR_NO_SPACE) {
    E2TRY(ext2fs_expand_dir(fs, ino_));
    rc = ext2fs_symlink(fs, ino_, 0, n.s, target);
  }
  E2TRY(rc);
  E2TRY(ext2fs_lookup(fs, ino_, name, static_cast<int>(len), nullptr, &ino));
  return xfs()->node(ino);
}

struct DirScan {
  uint64_t want, at = 0;
  int entries = 0;  // other than . and ..
  DirEntry* out = nullptr;
  bool found = false;
  ext2_ino_t set_dotdot = 0;  // rename: the new parent for ".."
};

uint8_t dtype(int ft) {
  switch (ft) {
    case EXT2_FT_REG_FILE: return vfs::kDtReg;
    case EXT2_FT_DIR: return vfs::kDtDir;
    case EXT2_FT_CHRDEV: return vfs::kDtChr;
    case EXT2_FT_BLKDEV: return 6;
    case EXT2_FT_FIFO: return vfs::kDtFifo;
    case EXT2_FT_SOCK: return 12;
    case EXT2_FT_SYMLINK: return vfs::kDtLnk;
    default: return vfs::kDtUnknown;
  }
}

int list_cb(ext2_ino_t, int, ext2_dir_entry* d, int, int, char*, void* priv) {
  auto* s = static_cast<DirScan*>(priv);
  if (s->at++ != s->want) return 0;
  size_t len = static_cast<size_t>(ext2fs_dirent_name_len(d));
  if (len > kNameMax) len = kNameMax;
  s->out->ino = static_cast<ino_t>(d->inode);
  s->out->type = dtype(ext2fs_dirent_file_type(d));
  s->out->len = len;
  memcpy(s->out->name, d->name, len);
  s->out->name[len] = '\0';
  s->found = true;
  return DIRENT_ABORT;
}

int count_cb(ext2_ino_t, int entry, ext2_dir_entry*, int, int, char*, void* priv) {
  auto* s = static_cast<DirScan*>(priv);
  if (entry != DIRENT_DOT_FILE && entry != DIRENT_DOT_DOT_FILE) {
    ++s->entries;
    return DIRENT_ABORT;
  }
  return 0;
}

int dotdot_cb(ext2_ino_t, int entry, ext2_dir_entry* d, int, int, char*, void* priv) {
  auto* s = static_cast<DirScan*>(priv);
  if (entry != DIRENT_DOT_DOT_FILE) return 0;
  d->inode = s->set_dotdot;
  s->found = true;
  return DIRENT_CHANGED | DIRENT_ABORT;
}

Result<bool> ExtNode::readdir(uint64_t* cookie, DirEntry* out) {
  FsLock l(xfs());
  if (!is_dir()) return Error(ENOTDIR);
  DirScan s{*cookie};
  s.out = out;
  E2TRY(ext2fs_dir_iterate2(e2(), ino_, 0, nullptr, list_cb, &s));
  if (!s.found) return Ok(false);
  *cookie = s.want + 1;
  return Ok(true);
}

Result<void> ExtNode::remove(const char* name, size_t len, bool dir) {
  FsLock l(xfs());
  if (!is_dir()) return Error(ENOTDIR);
  if (fs()->read_only()) return Error(EROFS);
  ext2_filsys fs = e2();
  ext2_ino_t ino = 0;
  E2TRY(ext2fs_lookup(fs, ino_, name, static_cast<int>(len), nullptr, &ino));
  ext2_inode_large in;
  KILN_TRY(xfs()->read_inode(ino, &in));
  bool is_d = LINUX_S_ISDIR(in.i_mode);
  if (dir && !is_d) return Error(ENOTDIR);
  if (!dir && is_d) return Error(EISDIR);
  if (is_d) {
    DirScan s{0};
    E2TRY(ext2fs_dir_iterate2(fs, ino, 0, nullptr, count_cb, &s));
    if (s.entries) return Error(ENOTEMPTY);
    if (xfs()->find_live(ino) && xfs()->find_live(ino)->mounted) return Error(EBUSY);
  }
  Name n(name, len);
  E2TRY(ext2fs_unlink(fs, ino_, n.s, ino, 0));
  if (!is_d) return xfs()->drop_link(ino);
  KILN_TRY(xfs()->free_inode(ino));
  if (ExtNode* live = xfs()->find_live(ino)) live->orphan = false;  // already freed
  ext2_inode_large p;
  KILN_TRY(xfs()->read_inode(ino_, &p));
  if (p.i_links_count > 1) --p.i_links_count;
  touch(xfs(), p, true);
  return xfs()->write_inode(ino_, &p);
}

Result<void> ExtNode::rename(const char* name, size_t len, Vnode* to_vnode, const char* to_name, size_t to_len) {
  FsLock l(xfs());
  if (!is_dir()) return Error(ENOTDIR);
  if (fs()->read_only()) return Error(EROFS);
  auto* to = static_cast<ExtNode*>(to_vnode);
  ext2_filsys fs = e2();
  ExtFs* x = xfs();
  ext2_ino_t src = 0, dst = 0;
  E2TRY(ext2fs_lookup(fs, ino_, name, static_cast<int>(len), nullptr, &src));
  ext2_inode_large si;
  KILN_TRY(x->read_inode(src, &si));
  bool src_dir = LINUX_S_ISDIR(si.i_mode);
  if (src_dir && to->ino_ != ino_) {
    // Not into itself: walk up from the new parent to the root.
    ext2_ino_t at = to->ino_;
    for (int depth = 0; at != EXT2_ROOT_INO; ++depth) {
      if (at == src) return Error(EINVAL);
      if (depth > 4096) return Error(ELOOP);
      ext2_ino_t up = 0;
      E2TRY(ext2fs_lookup(fs, at, "..", 2, nullptr, &up));
      at = up;
    }
  }
  Name a(name, len), b(to_name, to_len);
  if (ext2fs_lookup(fs, to->ino_, to_name, static_cast<int>(to_len), nullptr, &dst) == 0) {
    if (dst == src) return {};
    ext2_inode_large di;
    KILN_TRY(x->read_inode(dst, &di));
    bool dst_dir = LINUX_S_ISDIR(di.i_mode);
    if (src_dir && !dst_dir) return Error(ENOTDIR);
    if (!src_dir && dst_dir) return Error(EISDIR);
    if (dst_dir) {
      DirScan s{0};
      E2TRY(ext2fs_dir_iterate2(fs, dst, 0, nullptr, count_cb, &s));
      if (s.entries) return Error(ENOTEMPTY);
    }
    E2TRY(ext2fs_unlink(fs, to->ino_, b.s, dst, 0));
    if (dst_dir) {
      KILN_TRY(x->free_inode(dst));
      ext2_inode_large p;
      KILN_TRY(x->read_inode(to->ino_, &p));
      if (p.i_links_count > 1) --p.i_links_count;
      KILN_TRY(x->write_inode(to->ino_, &p));
    } else {
      KILN_TRY(x->drop_link(dst));
    }
  }
  int ft = src_dir ? EXT2_FT_DIR : LINUX_S_ISLNK(si.i_mode) ? EXT2_FT_SYMLINK : EXT2_FT_REG_FILE;
  if (!src_dir && !LINUX_S_ISLNK(si.i_mode) && !LINUX_S_ISREG(si.i_mode)) ft = EXT2_FT_UNKNOWN;
  KILN_TRY(x->add_link(to->ino_, b.s, src, ft));
  E2TRY(ext2fs_unlink(fs, ino_, a.s, src, 0));
  KILN_TRY(x->read_inode(src, &si));
  touch(x, si, false);
  KILN_TRY(x->write_inode(src, &si));
  if (src_dir && to->ino_ != ino_) {
    DirScan s{0};
    s.set_dotdot = to->ino_;
    E2TRY(ext2fs_dir_iterate2(fs, src, 0, nullptr, dotdot_cb, &s));
    ext2_inode_large p;
    KILN_TRY(x->read_inode(ino_, &p));
    if (p.i_links_count > 1) --p.i_links_count;
    touch(x, p, true);
    KILN_TRY(x->write_inode(ino_, &p));
    KILN_TRY(x->read_inode(to->ino_, &p));
    ++p.i_links_count;
    touch(x, p, true);
    KILN_TRY(x->write_inode(to->ino_, &p));
  }
  return {};
}

Result<void> ExtNode::link(const char* name, size_t len, Vnode* target) {
  FsLock l(xfs());
  if (!is_dir()) return Error(ENOTDIR);
  if (fs()->read_only()) return Error(EROFS);
  auto* t = static_cast<ExtNode*>(target);
  if (t->is_dir()) return Error(EPERM);
  ext2_ino_t ino = 0;
  if (ext2fs_lookup(e2(), ino_, name, static_cast<int>(len), nullptr, &ino) == 0) return Error(EEXIST);
  ext2_inode_large in;
  KILN_TRY(xfs()->read_inode(t->ino_, &in));
  if (in.i_links_count >= 65000) return Error(EMLINK);
  int ft = t->is_link() ? EXT2_FT_SYMLINK : t->special_ ? EXT2_FT_UNKNOWN : EXT2_FT_REG_FILE;
  Name n(name, len);
  KILN_TRY(xfs()->add_link(ino_, n.s, t->ino_, ft));
  ++in.i_links_count;
  touch(xfs(), in, false);
  t->orphan = false;
  return xfs()->write_inode(t->ino_, &in);
}

// --- every vnode ----------------------------------------------------------
Result<void> ExtNode::getattr(struct stat* st) {
  FsLock l(xfs());
  ext2_inode_large in;
  KILN_TRY(xfs()->read_inode(ino_, &in));
  memset(st, 0, sizeof *st);
  st->st_dev = static_cast<dev_t>(fs()->dev);
  st->st_ino = static_cast<ino_t>(ino_);
  st->st_mode = static_cast<mode_t>(in.i_mode);
  st->st_nlink = static_cast<nlink_t>(in.i_links_count);
  st->st_uid = static_cast<uid_t>(inode_uid(in));
  st->st_gid = static_cast<gid_t>(inode_gid(in));
  st->st_size = static_cast<off_t>(EXT2_I_SIZE(&in));
  st->st_blksize = static_cast<blksize_t>(e2()->blocksize);
  st->st_blocks = static_cast<blkcnt_t>(ext2fs_get_stat_i_blocks(e2(), reinterpret_cast<ext2_inode*>(&in)));
  st->st_atim = GET_TIME(xfs(), in, atime);
  st->st_mtim = GET_TIME(xfs(), in, mtime);
  st->st_ctim = GET_TIME(xfs(), in, ctime);
  return {};
}

Result<void> ExtNode::setattr(const SetAttr& a) {
  FsLock l(xfs());
  if (fs()->read_only()) return Error(EROFS);
  ExtFs* x = xfs();
  if (a.mask & SetAttr::kSize) {
    if (!is_reg() || special_) return Error(is_dir() ? EISDIR : EINVAL);
    if (a.size < 0) return Error(EINVAL);
    ext2_file_t f;
    E2TRY(ext2fs_file_open(e2(), ino_, EXT2_FILE_WRITE, &f));
    errcode_t rc = ext2fs_file_set_size2(f, static_cast<ext2_off64_t>(a.size));
    errcode_t rc2 = ext2fs_file_close(f);
    E2TRY(rc ? rc : rc2);
  }
  ext2_inode_large in;
  KILN_TRY(x->read_inode(ino_, &in));
  if (a.mask & SetAttr::kMode) in.i_mode = static_cast<__u16>((in.i_mode & LINUX_S_IFMT) | (a.mode & 07777));
  if (a.mask & SetAttr::kUid) {
    in.i_uid = static_cast<__u16>(a.uid);
    ext2fs_set_i_uid_high(in, static_cast<__u16>(a.uid >> 16));
  }
  if (a.mask & SetAttr::kGid) {
    in.i_gid = static_cast<__u16>(a.gid);
    ext2fs_set_i_gid_high(in, static_cast<__u16>(a.gid >> 16));
  }
  if (a.mask & SetAttr::kAtime) SET_TIME(x, in, atime, a.atime_ns);
  if (a.mask & SetAttr::kMtime) SET_TIME(x, in, mtime, a.mtime_ns);
  SET_TIME(x, in, ctime, now_ns());
  if ((a.mask & SetAttr::kSize) && !(a.mask & SetAttr::kMtime)) SET_TIME(x, in, mtime, now_ns());
  return x->write_inode(ino_, &in);
}

Result<size_t> ExtNode::read_slow(void* buf, size_t n, off_t off) {
  ext2_file_t f;
  E2TRY(ext2fs_file_open(e2(), ino_, 0, &f));
  size_t done = 0;
  errcode_t rc = ext2fs_file_llseek(f, static_cast<__u64>(off), EXT2_SEEK_SET, nullptr);
  while (!rc && done < n) {
    unsigned int want = n - done > (1u << 30) ? (1u << 30) : static_cast<unsigned int>(n - done), got = 0;
    rc = ext2fs_file_read(f, static_cast<char*>(buf) + done, want, &got);
    done += got;
    if (got == 0) break;
  }
  ext2fs_file_close(f);
  if (rc && done == 0) return errc(rc);
  return Ok(done);
}

// Regular-file reads (docs/storage.md, "Reading files"). Under the fs
// lock: the inode, the logical-to-physical map of the range (ext2fs_bmap2),
// blocks the cache has (clean or dirty: the newest copy) copied out,
// readahead for a sequential reader; the other whole blocks, coalesced
// into runs of consecutive physical blocks, are then read from the device
// straight into the caller's buffer WITHOUT the lock, so threads reading
// at once keep several requests in flight. If anything was written through
// the channel meanwhile (io_gen), the read is done again under the lock.
Result<size_t> ExtNode::read(void* buf, size_t n, off_t off) {
  if (is_dir()) return Error(EISDIR);
  if (!is_reg() || special_) return Error(EINVAL);
  if (off < 0) return Error(EINVAL);
  ExtFs* x = xfs();
  x->lock();
  ext2_filsys fs = e2();
  ext2_inode_large in;
  auto ri = x->read_inode(ino_, &in);
  if (ri.is_error()) {
    x->unlock();
    return ri.error();
  }
  auto* base = reinterpret_cast<ext2_inode*>(&in);
  uint64_t size = EXT2_I_SIZE(&in);
  uint64_t uoff = static_cast<uint64_t>(off);
  if (n == 0 || uoff >= size) {
    x->unlock();
    return Ok(size_t{0});
  }
  if (n > size - uoff) n = static_cast<size_t>(size - uoff);
  // Readahead bookkeeping: a read where the last one ended is sequential.
  constexpr uint32_t kRaMin = 16 * 1024, kRaMax = 128 * 1024;
  bool seq = uoff == ra_next_;
  ra_win_ = seq ? (ra_win_ ? (ra_win_ * 2 > kRaMax ? kRaMax : ra_win_ * 2) : kRaMin) : 0;
  ra_next_ = uoff + n;
  bool fast = io_direct_ok(fs->io) && !(in.i_flags & EXT4_INLINE_DATA_FL) && ext2fs_inode_has_valid_blocks2(fs, base);
  if (!fast) {
    auto r = read_slow(buf, n, off);
    x->unlock();
    return r;
  }
  const uint64_t bs = fs->blocksize;
  uint64_t gen = io_gen(fs->io);
  auto* out = static_cast<uint8_t*>(buf);
  uint8_t* bounce = nullptr;  // a partial block (first or last)
  constexpr unsigned kRuns = 32;
  DirectRun runs[kRuns];
  unsigned nrun = 0;
  int err = 0;
  unsigned ra_cap = io_cache_blocks(fs->io) / 4;
  uint64_t file_blocks = (size + bs - 1) / bs;
  for (uint64_t pos = uoff, end = uoff + n; pos < end && !err;) {
    uint64_t lblk = pos / bs, boff = pos % bs;
    size_t blen = static_cast<size_t>(bs - boff < end - pos ? bs - boff : end - pos);
    uint8_t* dst = out + (pos - uoff);
    int flags = 0;
    blk64_t pblk = 0;
    errcode_t rc = ext2fs_bmap2(fs, ino_, base, nullptr, 0, lblk, &flags, &pblk);
    if (rc) {
      err = -1;  // the slow path says what is wrong
      break;
    }
    pos += blen;
    if (pblk == 0 || (flags & BMAP_RET_UNINIT)) {  // a hole or an unwritten extent: zeros
      memset(dst, 0, blen);
      continue;
    }
    bool whole = blen == bs;
    if (whole) {
      if (io_cached(fs->io, pblk, dst)) continue;
      if (ra_win_) {
        // Sequential and not cached: bring the window in (physically from
        // here, at most to the file's end and a quarter of the cache), one
        // request per run of missing blocks; the next reads find it cached.
        uint64_t want = ra_win_ / bs;
        if (want > file_blocks - lblk) want = file_blocks - lblk;
        if (want > ra_cap) want = ra_cap;
        if (want > 1 && io_readahead(fs->io, pblk, static_cast<unsigned>(want)) && io_cached(fs->io, pblk, dst))
          continue;
      }
      if (nrun && runs[nrun - 1].blk + runs[nrun - 1].count == pblk &&
          runs[nrun - 1].buf + runs[nrun - 1].count * bs == dst) {
        ++runs[nrun - 1].count;
        continue;
      }
      if (nrun == kRuns) {  // many fragments: these under the lock, then go on
        if (io_read_direct(fs->io, runs, nrun)) {
          err = EIO;
          break;
        }
        nrun = 0;
      }
      runs[nrun++] = {pblk, 1, dst};
      continue;
    }
    if (!bounce) bounce = static_cast<uint8_t*>(kiln_malloc(bs));
    if (!bounce) {
      err = -1;
      break;
    }
    rc = io_channel_read_blk64(fs->io, pblk, 1, bounce);  // cached
    if (rc) {
      err = -1;
      break;
    }
    memcpy(dst, bounce + boff, blen);
  }
  kiln_free(bounce);
  if (err) {
    // Not mappable here (or a failed device read under the lock): libext2fs'
    // file layer, which reports the error as it does for every read.
    auto r = read_slow(buf, n, off);
    x->unlock();
    return r;
  }
  if (nrun) x->direct_begin();
  x->unlock();
  if (nrun) {
    int e = io_read_direct(fs->io, runs, nrun);
    bool again = e || io_gen(fs->io) != gen;
    x->direct_end();
    if (again) {
      // A write went through meanwhile (or the device failed): again, locked.
      FsLock l(x);
      return read_slow(buf, n, off);
    }
  }
  return Ok(n);
}

Result<size_t> ExtNode::write(const void* buf, size_t n, off_t off) {
  FsLock l(xfs());
  if (is_dir()) return Error(EISDIR);
  if (!is_reg() || special_) return Error(EINVAL);
  if (fs()->read_only()) return Error(EROFS);
  if (off < 0) return Error(EINVAL);
  ext2_filsys fs = e2();
  ext2_file_t f;
  E2TRY(ext2fs_file_open(fs, ino_, EXT2_FILE_WRITE, &f));
  __u64 old_size = 0, cur = 0;
  (void)ext2fs_file_get_lsize(f, &old_size);
  size_t done = 0;
  errcode_t rc = ext2fs_file_llseek(f, static_cast<__u64>(off), EXT2_SEEK_SET, nullptr);
  // Block by block, each written out before the next: a full disk stops
  // the write at a block boundary, with what came before on the disk.
  const uint64_t bs = fs->blocksize;
  while (!rc && done < n) {
    uint64_t pos = static_cast<uint64_t>(off) + done;
    size_t chunk = static_cast<size_t>(bs - pos % bs);
    if (chunk > n - done) chunk = n - done;
    unsigned int w = 0;
    rc = ext2fs_file_write(f, static_cast<const char*>(buf) + done, static_cast<unsigned int>(chunk), &w);
    if (!rc) rc = ext2fs_file_flush(f);
    if (rc) break;
    done += w;
    if (w < chunk) break;
  }
  if (rc) {
    // What failed is not part of the file: its size covers what was written.
    uint64_t keep = static_cast<uint64_t>(off) + done;
    if (keep < old_size) keep = old_size;
    if (ext2fs_file_get_lsize(f, &cur) == 0 && cur > keep) (void)ext2fs_file_set_size2(f, keep);
  }
  errcode_t crc = ext2fs_file_close(f);
  if (!rc) rc = crc;
  if (done) {
    ext2_inode_large in;
    if (!xfs()->read_inode(ino_, &in).is_error()) {
      touch(xfs(), in, true);
      (void)xfs()->write_inode(ino_, &in);
    }
  }
  if (rc && done == 0) return errc(rc);
  return Ok(done);
}

Result<size_t> ExtNode::readlink(char* buf, size_t n) {
  FsLock l(xfs());
  if (!is_link()) return Error(EINVAL);
  ext2_inode_large in;
  KILN_TRY(xfs()->read_inode(ino_, &in));
  auto* base = reinterpret_cast<ext2_inode*>(&in);
  size_t size = EXT2_I_SIZE(&in);
  if (size >= e2()->blocksize) return Error(EIO);
  if (ext2fs_is_fast_symlink(base)) {
    if (size > sizeof in.i_block) return Error(EIO);
    size_t c = size < n ? size : n;
    memcpy(buf, in.i_block, c);
    return Ok(c);
  }
  // A slow or inline-data symlink: its target is the file's data.
  ext2_file_t f;
  E2TRY(ext2fs_file_open(e2(), ino_, 0, &f));
  unsigned int got = 0;
  errcode_t rc = ext2fs_file_read(f, buf, static_cast<unsigned int>(size < n ? size : n), &got);
  ext2fs_file_close(f);
  if (rc) return errc(rc);
  return Ok(static_cast<size_t>(got));
}

Result<void> ExtNode::fsync() {
  FsLock l(xfs());
  return xfs()->sync();
}

void ExtNode::inactive() {
  ExtFs* x = xfs();
  if (this == x->root()) return;
  FsLock l(x);
  x->forget(this);
  if (orphan && x->fs() && !x->read_only()) {
    auto r = x->free_inode(ino_);
    if (r.is_error()) kiln_err("extfs: %s: freeing inode %u failed: error %d", x->dev(), ino_, r.error().code());
  }
  this->~ExtNode();
  kiln_free(this);
}

// --- mounting -------------------------------------------------------------
// The vfs's boot mounts leave a mount failing with 135 (Linux's ENOMEDIUM)
// out and go on: the one line is ours (lib/vfs/src/boot.cpp).
constexpr int kSkip = 135;

Result<vfs::Filesystem*> fail(const char* dev, const char* why) {
  kiln_err("extfs: cannot mount %s: %s; going on without it", dev, why);
  return Error(kSkip);
}

// Options: the block device's name, then ",ro" for read-only.
Result<vfs::Filesystem*> make(const char* options) {
  if (!options || !*options) return fail("(no device)", "give the device: vfs.mount=ext4:/PATH:vda[,ro]");
  char dev[BlockDev::kNameMax];
  size_t len = strlen(options);
  bool ro = false;
  if (len > 3 && strcmp(options + len - 3, ",ro") == 0) {
    ro = true;
    len -= 3;
  } else if (len > 3 && strcmp(options + len - 3, ",rw") == 0) {
    len -= 3;
  }
  if (len == 0 || len >= sizeof dev) return fail(options, "bad device name");
  memcpy(dev, options, len);
  dev[len] = '\0';
  BlockDev* d = blk_find(dev);
  if (!d) return fail(dev, "no such block device");
  for (ExtFs* m = mounts; m; m = m->next_mount) {
    if (m->fs() && strcmp(m->dev(), dev) == 0) return fail(dev, "already mounted");
  }
  if (d->read_only()) ro = true;
  ext2_filsys fs = nullptr;
  int flags = EXT2_FLAG_64BITS | (ro ? 0 : EXT2_FLAG_RW);
  errcode_t rc = ext2fs_open2(dev, nullptr, flags, 0, 0, blk_io_manager, &fs);
  if (rc) {
    switch (rc) {
      case EXT2_ET_BAD_MAGIC: return fail(dev, "not an ext2/ext3/ext4 filesystem (no superblock magic)");
      case EXT2_ET_UNSUPP_FEATURE: return fail(dev, "unsupported filesystem feature");
      case EXT2_ET_RO_UNSUPP_FEATURE:
        return fail(dev, "unsupported read-only-compatible feature (mount it ,ro)");
      case EXT2_ET_SHORT_READ:
      case EXT2_ET_LLSEEK_FAILED:
      case EIO: return fail(dev, "I/O error reading the superblock");
      case EXT2_ET_NO_MEMORY: return fail(dev, "out of memory");
      default: {
        char why[160];
        snprintf(why, sizeof why, "bad superblock or group descriptors (%s)", error_message(rc));
        return fail(dev, why);
      }
    }
  }
  auto refuse = [&](const char* why) {
    ext2fs_free(fs);
    return fail(dev, why);
  };
  if (ext2fs_has_feature_journal_needs_recovery(fs->super))
    return refuse("journal needs recovery: run e2fsck on the host");
  if (ext2fs_has_feature_casefold(fs->super)) return refuse("unsupported feature casefold");
  if (ext2fs_has_feature_journal_dev(fs->super)) return refuse("an external journal device, not a filesystem");
  if (!ro && !(fs->super->s_state & EXT2_VALID_FS))
    return refuse("not clean (not unmounted, or a write was cut off): run e2fsck on the host, or mount it ,ro");
  if (!ro && (fs->super->s_state & EXT2_ERROR_FS)) return refuse("has errors: run e2fsck on the host");
  if (!ro) {
    rc = ext2fs_read_bitmaps(fs);
    if (rc) return refuse("cannot read the allocation bitmaps");
    fs->super->s_state &= static_cast<__u16>(~EXT2_VALID_FS);  // clean again at close
    fs->super->s_mnt_count++;
    fs->super->s_mtime = static_cast<__u32>(now_ns() / 1000000000);
    ext2fs_mark_super_dirty(fs);
    rc = ext2fs_flush2(fs, 0);
    if (rc) return refuse("I/O error writing the superblock");
  }
  void* mem = kiln_malloc(sizeof(ExtFs));
  if (!mem) return refuse("out of memory");
  auto* x = new (mem) ExtFs(fs, ro, dev);
  x->next_mount = mounts;
  mounts = x;
  kiln_info("extfs: %s: ext%d, %llu blocks of %u bytes, %u inodes%s", dev,
            ext2fs_has_feature_extents(fs->super) ? 4 : ext2fs_has_feature_journal(fs->super) ? 3 : 2,
            static_cast<unsigned long long>(ext2fs_blocks_count(fs->super)), fs->blocksize,
            fs->super->s_inodes_count, ro ? ", read-only" : "");
  return static_cast<vfs::Filesystem*>(x);
}

KILN_FS(ext4_type, "ext4", make);
KILN_FS(ext3_type, "ext3", make);
KILN_FS(ext2_type, "ext2", make);

void close_all(int) {
  for (ExtFs* m = mounts; m; m = m->next_mount) {
    vfs::Guard g;
    FsLock l(m);
    m->wait_direct();
    (void)m->close();
  }
}
KILN_TEARDOWN(close_all);

}  // namespace
}  // namespace kiln::extfs
