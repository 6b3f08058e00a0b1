// The vfs filesystem "9p": a 9P2000.L export (a host folder shared by
// QEMU) mounted by its tag: vfs.mount=9p:/mnt:TAG[,ro] (docs/storage.md).
//
// Each vnode holds a fid walked to its file (never opened, so it can be
// walked from, set and stat'ed) and a reference to its parent vnode; reads
// and writes go through a second fid cloned from it and opened (Tlopen) at
// the first access: read-write where the server allows it, else read-only,
// kept until the vnode goes. The vfs walk does `..` and symlinks (one
// component per Twalk), as for hostfs: `..` of the mount's root is the
// parent mount, never the server's parent. Directory listings fetch up to
// 8 KiB of entries per Treaddir and serve the vfs one entry at a time from
// that buffer, resuming at the server's offsets. FIFOs, sockets and
// devices in the folder are listed and stat'ed as regular files, and
// opening them for I/O fails with ENXIO.
#include <kiln/alloc.h>
#include <kiln/ninep.h>
#include <kiln/print.h>
#include <kiln/vfs.h>
#include <errno.h>
#include <fcntl.h>
#include <new>
#include <string.h>
#include <sys/statvfs.h>

namespace kiln::vfs {
namespace {

using ninep::Client;
using ninep::Qid;

constexpr uint32_t kMsize = 512 * 1024 + ninep::kIoHeader;
constexpr size_t kDirBuf = 8192;

mode_t type_of(const Qid& q) {
  if (q.type & ninep::kQtDir) return S_IFDIR;
  if (q.type & ninep::kQtSymlink) return S_IFLNK;
  return S_IFREG;
}

class NineFs;

class NineNode final : public Vnode {
 public:
  NineNode(Filesystem* fs, mode_t type, uint32_t fid, NineNode* parent) : Vnode(fs, type), fid_(fid), parent_(parent) {
    if (parent_) parent_->ref();
  }

  Client& c();
  bool ro() const { return fs()->read_only(); }

  Result<Vnode*> lookup(const char* name, size_t len) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (len == 2 && name[0] == '.' && name[1] == '.') {
      NineNode* p = parent_ ? parent_ : this;
      p->ref();
      return static_cast<Vnode*>(p);
    }
    return child(name, len);
  }

  Result<Vnode*> create(const char* name, size_t len, mode_t mode) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    uint32_t of = KILN_TRY(clone());
    auto o = c().lcreate(of, name, static_cast<uint16_t>(len), ninep::kORdwr | ninep::kOCreat | ninep::kOExcl,
                         mode & 07777, 0);
    if (o.is_error()) {
      (void)c().clunk(of);
      return o.error();
    }
    // The opened fid serves as the file's fid too (a file is never walked
    // from; getattr, setattr and link take an open fid): one walk fewer.
    void* mem = kiln_malloc(sizeof(NineNode));
    if (!mem) {
      (void)c().clunk(of);
      return Error(ENOMEM);
    }
    auto* n = new (mem) NineNode(fs(), S_IFREG, of, this);
    n->rw_fid_ = of;
    n->have_rw_ = true;
    n->ref();
    return static_cast<Vnode*>(n);
  }

  Result<Vnode*> mkdir(const char* name, size_t len, mode_t mode) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    KILN_TRY(c().mkdir(fid_, name, static_cast<uint16_t>(len), mode & 07777, 0));
    return child(name, len);
  }

  Result<Vnode*> symlink(const char* name, size_t len, const char* target) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    size_t tl = strlen(target);
    if (tl >= kPathMax) return Error(ENAMETOOLONG);
    KILN_TRY(c().symlink(fid_, name, static_cast<uint16_t>(len), target, static_cast<uint16_t>(tl), 0));
    return child(name, len);
  }

  Result<void> unlink(const char* name, size_t len) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    // The vfs wants EISDIR for a directory; the server's unlinkat(0) says EISDIR too.
    return c().unlinkat(fid_, name, static_cast<uint16_t>(len), 0);
  }

  Result<void> rmdir(const char* name, size_t len) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    return c().unlinkat(fid_, name, static_cast<uint16_t>(len), ninep::kAtRemoveDir);
  }

  Result<void> rename(const char* name, size_t len, Vnode* to_dir, const char* to_name, size_t to_len) override {
    if (ro()) return Error(EROFS);
    auto* d = static_cast<NineNode*>(to_dir);
    return c().renameat(fid_, name, static_cast<uint16_t>(len), d->fid_, to_name, static_cast<uint16_t>(to_len));
  }

  Result<void> link(const char* name, size_t len, Vnode* target) override {
    if (ro()) return Error(EROFS);
    return c().link(fid_, static_cast<NineNode*>(target)->fid_, name, static_cast<uint16_t>(len));
  }

  Result<bool> readdir(uint64_t* cookie, DirEntry* out) override {
    if (!is_dir()) return Error(ENOTDIR);
    for (int pass = 0; pass < 2; ++pass) {
      if (dir_buf_ && (dir_len_ || dir_start_ == *cookie)) {
        ninep::Reader r(dir_buf_, dir_len_);
        uint64_t prev = dir_start_;
        ninep::DirEnt e;
        for (;;) {
          bool more = KILN_TRY(ninep::next_dirent(&r, &e));
          if (!more) break;
          // An entry that leads back to where it was read would list forever.
          if (e.offset == prev) return Error(EPROTO);
          if (prev == *cookie) {
            out->ino = static_cast<ino_t>(e.qid.path);
            out->type = e.type;
            out->len = e.len;
            memcpy(out->name, e.name, e.len);
            out->name[e.len] = '\0';
            *cookie = e.offset;
            return Ok(true);
          }
          prev = e.offset;
        }
        // The buffer was fetched at *cookie and is empty: the end.
        if (dir_start_ == *cookie && dir_len_ == 0) return Ok(false);
      }
      if (pass) break;
      KILN_TRY(fill_dir(*cookie));
    }
    return Ok(false);
  }

  Result<void> getattr(struct stat* st) override {
    ninep::Attr a = KILN_TRY(c().getattr(fid_));
    memset(st, 0, sizeof *st);
    st->st_dev = static_cast<dev_t>(fs()->dev);
    st->st_ino = static_cast<ino_t>(a.qid.path);
    // The file type is fixed for the vnode's life; the server's bits for the rest.
    st->st_mode = static_cast<mode_t>(type() | (a.mode & 07777));
    st->st_nlink = static_cast<nlink_t>(a.nlink);
    st->st_uid = static_cast<uid_t>(a.uid);
    st->st_gid = static_cast<gid_t>(a.gid);
    st->st_rdev = static_cast<dev_t>(a.rdev);
    st->st_size = static_cast<off_t>(a.size);
    st->st_blksize = static_cast<blksize_t>(a.blksize ? a.blksize : 4096);
    st->st_blocks = static_cast<blkcnt_t>(a.blocks);
    st->st_atim = {static_cast<time_t>(a.atime_sec), static_cast<long>(a.atime_nsec)};
    st->st_mtim = {static_cast<time_t>(a.mtime_sec), static_cast<long>(a.mtime_nsec)};
    st->st_ctim = {static_cast<time_t>(a.ctime_sec), static_cast<long>(a.ctime_nsec)};
    return {};
  }

  Result<void> setattr(const SetAttr& a) override {
    if (ro()) return Error(EROFS);
    ninep::SetAttrArgs s;
    if (a.mask & SetAttr::kMode) s.valid |= ninep::kSetMode, s.mode = a.mode & 07777;
    if (a.mask & SetAttr::kUid) s.valid |= ninep::kSetUid, s.uid = a.uid;
    if (a.mask & SetAttr::kGid) s.valid |= ninep::kSetGid, s.gid = a.gid;
    if (a.mask & SetAttr::kSize) {
      if (!is_reg()) return Error(is_dir() ? EISDIR : EINVAL);
      if (a.size < 0) return Error(EINVAL);
      s.valid |= ninep::kSetSize, s.size = static_cast<uint64_t>(a.size);
    }
    if (a.mask & SetAttr::kAtime) {
      s.valid |= ninep::kSetAtime | ninep::kSetAtimeSet;
      s.atime_sec = static_cast<uint64_t>(a.atime_ns / 1000000000);
      s.atime_nsec = static_cast<uint64_t>(a.atime_ns % 1000000000);
    }
    if (a.mask & SetAttr::kMtime) {
      s.valid |= ninep::kSetMtime | ninep::kSetMtimeSet;
      s.mtime_sec = static_cast<uint64_t>(a.mtime_ns / 1000000000);
      s.mtime_nsec = static_cast<uint64_t>(a.mtime_ns % 1000000000);
    }
    if (!s.valid) return {};
    s.valid |= ninep::kSetCtime;
    return c().setattr(fid_, s);
  }

  Result<size_t> read(void* buf, size_t n, off_t off) override {
    if (is_dir()) return Error(EISDIR);
    if (!is_reg()) return Error(EINVAL);
    if (off < 0) return Error(EINVAL);
    uint32_t f = KILN_TRY(io_fid(false));
    auto* p = static_cast<uint8_t*>(buf);
    size_t done = 0;
    while (done < n) {
      auto r = c().read_many(f, static_cast<uint64_t>(off) + done, p + done, n - done);
      if (r.is_error()) {
        if (done) break;
        return r.error();
      }
      if (r.value() == 0) break;
      done += r.value();
    }
    return Ok(done);
  }

  Result<size_t> write(const void* buf, size_t n, off_t off) override {
    if (is_dir()) return Error(EISDIR);
    if (!is_reg()) return Error(EINVAL);
    if (ro()) return Error(EROFS);
    if (off < 0) return Error(EINVAL);
    uint32_t f = KILN_TRY(io_fid(true));
    auto* p = static_cast<const uint8_t*>(buf);
    size_t done = 0;
    while (done < n) {
      size_t k = n - done;
      if (k > 0x7fffffff) k = 0x7fffffff;
      auto r = c().write(f, static_cast<uint64_t>(off) + done, p + done, static_cast<uint32_t>(k));
      if (r.is_error()) {
        if (done) break;
        return r.error();
      }
      if (r.value() == 0) {
        if (!done) return Error(ENOSPC);
        break;
      }
      done += r.value();
    }
    return Ok(done);
  }

  Result<size_t> readlink(char* buf, size_t n) override {
    if (!is_link()) return Error(EINVAL);
    return c().readlink(fid_, buf, n);
  }

  // A read-only share refuses opens for writing (the vfs checks only the
  // calls that change names and attributes through us).
  Result<File*> open(int flags) override {
    bool wr = (flags & O_ACCMODE) != O_RDONLY;
    if (ro() && wr) return Error(EROFS);
    // A file is opened on the server now (once per vnode), so that an open
    // the server refuses fails here rather than at the first read.
    if (is_reg()) KILN_TRY(io_fid(wr));
    return static_cast<File*>(nullptr);
  }

  Result<void> fsync() override {
    uint32_t f = rw_fid_ ? rw_fid_ : ro_fid_;
    if (!f) return {};
    return c().fsync(f, false);
  }

 protected:
  void inactive() override;

 private:
  friend class NineFs;

  // A new fid at the same file (Twalk with no names).
  Result<uint32_t> clone() {
    uint32_t nf = KILN_TRY(c().new_fid());
    KILN_TRY(c().walk(fid_, nf, nullptr, nullptr, 0));
    return Ok(nf);
  }

  Result<Vnode*> child(const char* name, size_t len) {
    uint32_t nf = KILN_TRY(c().new_fid());
    const char* names[1] = {name};
    uint16_t lens[1] = {static_cast<uint16_t>(len)};
    Qid q = KILN_TRY(c().walk(fid_, nf, names, lens, 1));
    void* mem = kiln_malloc(sizeof(NineNode));
    if (!mem) {
      (void)c().clunk(nf);
      return Error(ENOMEM);
    }
    auto* v = new (mem) NineNode(fs(), type_of(q), nf, this);
    v->ref();
    return static_cast<Vnode*>(v);
  }

  // The opened fid for reads (rw = false) or writes.
  Result<uint32_t> io_fid(bool rw) {
    if (rw_fid_) return Ok(rw_fid_);
    if (!rw && ro_fid_) return Ok(ro_fid_);
    // FIFOs, sockets and devices of the host look like files here (their
    // qids say so) but are never opened: QEMU would block on a FIFO.
    if (!ro_fid_) {
      ninep::Attr a = KILN_TRY(c().getattr(fid_));
      if ((a.mode & S_IFMT) != S_IFREG) return Error(ENXIO);
    }
    uint32_t nf = KILN_TRY(clone());
    uint32_t flags = ninep::kORdwr;
    if (ro() || (!rw && have_rw_)) flags = ninep::kORdonly;
    auto o = c().lopen(nf, flags);
    if (o.is_error() && !rw && flags == ninep::kORdwr && (o.error().code() == EACCES || o.error().code() == EROFS ||
                                                         o.error().code() == EPERM)) {
      have_rw_ = true;  // not writable: remember, open for reading
      o = c().lopen(nf, ninep::kORdonly);
      flags = ninep::kORdonly;
    }
    if (o.is_error()) {
      (void)c().clunk(nf);
      return o.error();
    }
    // Another thread may have opened one meanwhile (the call blocked).
    uint32_t& slot = flags == ninep::kORdwr ? rw_fid_ : ro_fid_;
    if (slot) {
      (void)c().clunk(nf);
      return Ok(slot);
    }
    slot = nf;
    return Ok(nf);
  }

  // Entries from the server's offset `cookie` into a new buffer, which
  // replaces the old one only once it is complete: another thread listing
  // the same directory while this one waits never sees half of it.
  Result<void> fill_dir(uint64_t cookie) {
    if (!dir_fid_) {
      uint32_t nf = KILN_TRY(clone());
      auto o = c().lopen(nf, ninep::kORdonly | ninep::kODirectory);
      if (o.is_error()) {
        (void)c().clunk(nf);
        return o.error();
      }
      if (dir_fid_) (void)c().clunk(nf);
      else dir_fid_ = nf;
    }
    auto* buf = static_cast<uint8_t*>(kiln_malloc(kDirBuf));
    if (!buf) return Error(ENOMEM);
    auto n = c().readdir(dir_fid_, cookie, buf, kDirBuf);
    if (n.is_error()) {
      kiln_free(buf);
      return n.error();
    }
    kiln_free(dir_buf_);
    dir_buf_ = buf;
    dir_len_ = n.value();
    dir_start_ = cookie;
    return {};
  }

  uint32_t fid_;
  NineNode* parent_;
  uint32_t rw_fid_ = 0, ro_fid_ = 0, dir_fid_ = 0;  // opened fids (0: none; fid 0 is never handed out)
  bool have_rw_ = false;  // a read-write open was refused (or made by create)
  uint8_t* dir_buf_ = nullptr;
  size_t dir_len_ = 0;
  uint64_t dir_start_ = 0;
};

class NineFs final : public Filesystem {
 public:
  NineFs(ninep::Channel* ch, bool ro) : client_(ch), root_(this, S_IFDIR, 0, nullptr), ro_(ro) { root_.ref(); }
  Vnode* root() override { return &root_; }
  bool read_only() const override { return ro_; }
  Client& client() { return client_; }

  Result<void> start(const char* tag) {
    auto v = client_.version(kMsize);
    if (v.is_error()) {
      kiln_err("9p: mount tag '%s': version refused (9P2000.L, msize %u): %s", tag, kMsize, strerror(v.error().code()));
      return v.error();
    }
    uint32_t fid = KILN_TRY(client_.new_fid());
    auto q = client_.attach(fid, "root", "", 0);
    if (q.is_error()) {
      kiln_err("9p: mount tag '%s': attach failed: %s", tag, strerror(q.error().code()));
      return q.error();
    }
    root_.fid_ = fid;
    kiln_info("9p: mounted tag '%s' (msize %u)%s", tag, client_.msize(), ro_ ? ", read-only" : "");
    return {};
  }

  Result<void> statfs(struct statvfs* out) override {
    ninep::StatFs s = KILN_TRY(client_.statfs(root_.fid_));
    memset(out, 0, sizeof *out);
    out->f_bsize = s.bsize;
    out->f_frsize = s.bsize;
    out->f_blocks = s.blocks;
    out->f_bfree = s.bfree;
    out->f_bavail = s.bavail;
    out->f_files = s.files;
    out->f_ffree = s.ffree;
    out->f_favail = s.ffree;
    out->f_fsid = s.fsid;
    out->f_namemax = s.namelen;
    out->f_flag = ro_ ? ST_RDONLY : 0;
    return {};
  }

 private:
  Client client_;
  NineNode root_;
  bool ro_;
};

Client& NineNode::c() { return static_cast<NineFs*>(fs())->client(); }

void NineNode::inactive() {
  if (this == fs()->root()) return;  // lives as long as the mount
  Client& cl = c();
  for (uint32_t f : {rw_fid_, ro_fid_, dir_fid_})
    if (f && f != fid_) (void)cl.clunk(f);
  (void)cl.clunk(fid_);
  kiln_free(dir_buf_);
  NineNode* p = parent_;
  parent_ = nullptr;
  this->~NineNode();
  kiln_free(this);
  if (p) p->unref();
}

// Options: TAG, then ",ro" for read-only.
Result<Filesystem*> make(const char* options) {
  if (!options || !*options) {
    kiln_err("9p: give the mount tag (vfs.mount=9p:/mnt:TAG[,ro])");
    return Error(EINVAL);
  }
  size_t len = strlen(options);
  bool ro = false;
  if (len > 3 && strcmp(options + len - 3, ",ro") == 0) {
    ro = true;
    len -= 3;
  }
  char tag[256];
  if (len >= sizeof tag || memchr(options, ',', len)) {
    kiln_err("9p: mount options '%s': expected TAG or TAG,ro", options);
    return Error(EINVAL);
  }
  memcpy(tag, options, len);
  tag[len] = '\0';
  ninep::Channel* ch = ninep::find_channel(tag, len);
  if (!ch) {
    kiln_err("9p: mount tag '%s': no such tag (no virtio-9p device has it)", tag);
    return Error(ENXIO);  // (ENODEV would read "unknown filesystem type")
  }
  if (ch->in_use) {
    kiln_err("9p: mount tag '%s': already mounted (one mount per tag)", tag);
    return Error(EBUSY);
  }
  void* mem = kiln_malloc(sizeof(NineFs));
  if (!mem) return Error(ENOMEM);
  auto* fs = new (mem) NineFs(ch, ro);
  ch->in_use = true;
  auto r = fs->start(tag);
  if (r.is_error()) {
    fs->~NineFs();
    kiln_free(mem);
    ch->in_use = false;
    return r.error();
  }
  return static_cast<Filesystem*>(fs);
}

KILN_FS(ninep_type, "9p", make);

}  // namespace
}  // namespace kiln::vfs
