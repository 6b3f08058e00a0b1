// virtiofs: a host folder shared through virtio-fs as a vfs filesystem
// (kiln/virtiofs.h, kiln/fuse.h).
//
// Each vnode is one FUSE node (nodeid) that one LOOKUP (or CREATE, MKDIR,
// SYMLINK) counted; the vnode's last unref sends FORGET for it. A vnode
// keeps a reference to its parent, so lookup("..") never asks the server
// and nothing above the shared folder is named by the image (the server
// confines itself too: virtiofsd's sandbox). Regular files get a FUSE
// handle at the first read (OPEN read-only) or write (OPEN read-write, or
// the one CREATE gave), kept until the vnode goes (then RELEASE);
// directories an OPENDIR handle at the first readdir. Listings are read
// in READDIR batches of up to 4 KiB and served from the last batch while
// the caller's cookie is in it.
//
// Calls block the calling thread until the device answers (other threads
// run, with their own requests in flight); the vfs calls in with events
// masked, which kiln_plat_wait_event allows.
#include <kiln/alloc.h>
#include <kiln/fuse.h>
#include <kiln/print.h>
#include <kiln/vfs.h>
#include <kiln/virtiofs.h>
#include <errno.h>
#include <new>
#include <string.h>
#include <sys/statvfs.h>

namespace kiln::virtiofs {

namespace {
constinit fuse::Channel* channels[kMaxChannels] = {};
constinit unsigned nchannels = 0;
}  // namespace

Result<void> register_channel(fuse::Channel* ch) {
  if (find_channel(ch->tag())) return Error(EEXIST);
  if (nchannels == kMaxChannels) return Error(ENOSPC);
  channels[nchannels++] = ch;
  return {};
}

fuse::Channel* find_channel(const char* tag) {
  for (unsigned i = 0; i < nchannels; ++i)
    if (strcmp(channels[i]->tag(), tag) == 0) return channels[i];
  return nullptr;
}

unsigned channel_count() { return nchannels; }
fuse::Channel* channel_at(unsigned i) { return i < nchannels ? channels[i] : nullptr; }

}  // namespace kiln::virtiofs

namespace kiln::vfs {
namespace {

constexpr uint32_t kLinuxRdonly = 0, kLinuxRdwr = 2, kLinuxCreat = 0100, kLinuxExcl = 0200;
constexpr size_t kDirBuf = 4096;

mode_t vnode_type(uint32_t mode) {
  mode_t t = mode & S_IFMT;
  return t == S_IFDIR || t == S_IFLNK ? t : S_IFREG;  // FIFOs, devices, sockets: served as files, not opened
}

class VfsFs;

struct DirBatch {
  uint64_t from;  // the cookie it was read at
  size_t len;
  alignas(8) uint8_t data[kDirBuf];
};

class VfsNode final : public Vnode {
 public:
  VfsNode(Filesystem* fs, mode_t type, uint64_t node, VfsNode* parent)
      : Vnode(fs, type), node_(node), parent_(parent) {
    if (parent_) parent_->ref();
  }

  inline fuse::Client& c();
  bool ro() const { return fs()->read_only(); }
  uint64_t node() const { return node_; }

  Result<Vnode*> lookup(const char* name, size_t len) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (len == 2 && name[0] == '.' && name[1] == '.') {
      VfsNode* p = parent_ ? parent_ : this;
      p->ref();
      return static_cast<Vnode*>(p);
    }
    fuse::Entry e;
    KILN_TRY(c().lookup(node_, name, len, &e));
    return adopt(e);
  }

  Result<Vnode*> create(const char* name, size_t len, mode_t mode) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    fuse::Entry e;
    uint64_t fh;
    KILN_TRY(c().create(node_, name, len, S_IFREG | (mode & 07777), kLinuxRdwr | kLinuxCreat | kLinuxExcl, &e, &fh));
    auto v = adopt(e);
    if (v.is_error()) {
      (void)c().release(e.nodeid, fh, false);
      return v;
    }
    auto* n = static_cast<VfsNode*>(v.value());
    if (n->is_reg()) {
      n->rw_fh_ = fh;
      n->has_rw_ = true;
    } else {
      (void)c().release(e.nodeid, fh, false);
    }
    return v;
  }

  Result<Vnode*> mkdir(const char* name, size_t len, mode_t mode) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    fuse::Entry e;
    KILN_TRY(c().mkdir(node_, name, len, mode & 07777, &e));
    return adopt(e);
  }

  Result<Vnode*> symlink(const char* name, size_t len, const char* target) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    fuse::Entry e;
    KILN_TRY(c().symlink(node_, name, len, target, &e));
    return adopt(e);
  }

  Result<void> unlink(const char* name, size_t len) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    return c().unlink(node_, name, len);
  }

  Result<void> rmdir(const char* name, size_t len) override {
    if (!is_dir()) return Error(ENOTDIR);
    if (ro()) return Error(EROFS);
    return c().rmdir(node_, name, len);
  }

  Result<void> rename(const char* name, size_t len, Vnode* to_dir, const char* to_name, size_t to_len) override {
    if (ro()) return Error(EROFS);
    return c().rename(node_, name, len, static_cast<VfsNode*>(to_dir)->node_, to_name, to_len);
  }

  Result<void> link(const char* name, size_t len, Vnode* target) override {
    if (ro()) return Error(EROFS);
    fuse::Entry e;
    KILN_TRY(c().link(static_cast<VfsNode*>(target)->node_, node_, name, len, &e));
    c().forget(e.nodeid, 1);  // the vfs keeps no vnode for the new name
    return {};
  }

  Result<bool> readdir(uint64_t* cookie, DirEntry* out) override {
    if (!is_dir()) return Error(ENOTDIR);
    for (int pass = 0; pass < 2; ++pass) {
      if (!dir_ || pass == 1) KILN_TRY(refill(*cookie));
      DirBatch* b = dir_;
      // The entry after *cookie: the batch's first when it was read at
      // *cookie, else the one after the entry whose off is *cookie.
      size_t pos = 0;
      fuse::DirEnt d;
      bool take_next = b->from == *cookie;
      for (;;) {
        bool more = KILN_TRY(fuse::next_dirent(b->data, b->len, &pos, &d));
        if (!more) {
          if (b->len == 0) return Ok(false);  // the server's end of the directory
          break;  // not in this batch (or it was its last): read on
        }
        if (take_next) {
          out->ino = static_cast<ino_t>(d.ino);
          out->type = static_cast<uint8_t>(d.type);
          out->len = d.namelen;
          memcpy(out->name, d.name, d.namelen);
          out->name[d.namelen] = '\0';
          *cookie = d.off;
          return Ok(true);
        }
        if (d.off == *cookie) take_next = true;
      }
    }
    return Ok(false);
  }

  Result<void> getattr(struct stat* st) override {
    fuse::Attr a;
    KILN_TRY(c().getattr(node_, &a));
    fill_stat(a, st);
    return {};
  }

  Result<void> setattr(const SetAttr& a) override {
    if (ro()) return Error(EROFS);
    fuse::SetattrIn in = {};
    if (a.mask & SetAttr::kMode) {
      in.valid |= fuse::kFattrMode;
      in.mode = type() | (a.mode & 07777);
    }
    if (a.mask & SetAttr::kUid) {
      in.valid |= fuse::kFattrUid;
      in.uid = a.uid;
    }
    if (a.mask & SetAttr::kGid) {
      in.valid |= fuse::kFattrGid;
      in.gid = a.gid;
    }
    if (a.mask & SetAttr::kSize) {
      if (!is_reg()) return Error(is_dir() ? EISDIR : EINVAL);
      in.valid |= fuse::kFattrSize;
      in.size = static_cast<uint64_t>(a.size);
    }
    if (a.mask & SetAttr::kAtime) {
      in.valid |= fuse::kFattrAtime;
      in.atime = static_cast<uint64_t>(a.atime_ns / 1000000000);
      in.atimensec = static_cast<uint32_t>(a.atime_ns % 1000000000);
    }
    if (a.mask & SetAttr::kMtime) {
      in.valid |= fuse::kFattrMtime;
      in.mtime = static_cast<uint64_t>(a.mtime_ns / 1000000000);
      in.mtimensec = static_cast<uint32_t>(a.mtime_ns % 1000000000);
    }
    if (!in.valid) return {};
    return c().setattr(node_, in, nullptr);
  }

  Result<size_t> read(void* buf, size_t n, off_t off) override {
    if (is_dir()) return Error(EISDIR);
    if (!is_reg()) return Error(EINVAL);
    uint64_t fh = KILN_TRY(handle(false));
    auto* p = static_cast<uint8_t*>(buf);
    size_t done = 0;
    while (done < n) {
      auto r = c().read(node_, fh, static_cast<uint64_t>(off) + done, p + done, n - done);
      if (r.is_error()) {
        if (done) break;
        return r.error();
      }
      size_t asked = n - done < c().max_io() ? n - done : c().max_io();
      done += r.value();
      if (r.value() < asked) break;  // short: the end of the file
    }
    return Ok(done);
  }

  Result<size_t> write(const void* buf, size_t n, off_t off) override {
    if (is_dir()) return Error(EISDIR);
    if (!is_reg()) return Error(EINVAL);
    if (ro()) return Error(EROFS);
    uint64_t fh = KILN_TRY(handle(true));
    auto* p = static_cast<const uint8_t*>(buf);
    size_t done = 0;
    while (done < n) {
      auto r = c().write(node_, fh, static_cast<uint64_t>(off) + done, p + done, n - done);
      if (r.is_error()) {
        if (done) break;
        return r.error();
      }
      if (r.value() == 0) break;
      done += r.value();
    }
    return Ok(done);
  }

  Result<size_t> readlink(char* buf, size_t n) override {
    if (!is_link()) return Error(EINVAL);
    return c().readlink(node_, buf, n);
  }

  Result<void> fsync() override {
    if (is_dir()) {
      if (!has_dir_) return {};
      return c().fsync(node_, dir_fh_, true);
    }
    if (has_rw_) return c().fsync(node_, rw_fh_, false);
    return {};
  }

 protected:
  void inactive() override;

 private:
  friend class VfsFs;

  Result<Vnode*> adopt(const fuse::Entry& e) {
    void* mem = kiln_malloc(sizeof(VfsNode));
    if (!mem) {
      c().forget(e.nodeid, 1);
      return Error(ENOMEM);
    }
    auto* v = new (mem) VfsNode(fs(), vnode_type(e.attr.mode), e.nodeid, this);
    v->ref();
    return static_cast<Vnode*>(v);
  }

  void fill_stat(const fuse::Attr& a, struct stat* st) {
    memset(st, 0, sizeof *st);
    st->st_dev = static_cast<dev_t>(fs()->dev);
    st->st_ino = static_cast<ino_t>(a.ino);
    st->st_mode = static_cast<mode_t>(a.mode);
    st->st_nlink = static_cast<nlink_t>(a.nlink);
    st->st_uid = static_cast<uid_t>(a.uid);
    st->st_gid = static_cast<gid_t>(a.gid);
    st->st_rdev = static_cast<dev_t>(a.rdev);
    st->st_size = static_cast<off_t>(a.size);
    st->st_blksize = static_cast<blksize_t>(a.blksize ? a.blksize : 4096);
    st->st_blocks = static_cast<blkcnt_t>(a.blocks);
    st->st_atim = {static_cast<time_t>(a.atime), static_cast<long>(a.atimensec)};
    st->st_mtim = {static_cast<time_t>(a.mtime), static_cast<long>(a.mtimensec)};
    st->st_ctim = {static_cast<time_t>(a.ctime), static_cast<long>(a.ctimensec)};
  }

  // The file's FUSE handle for reading (any) or writing (read-write).
  Result<uint64_t> handle(bool write) {
    if (has_rw_) return Ok(rw_fh_);
    if (!write && has_ro_) return Ok(ro_fh_);
    uint64_t fh = KILN_TRY(c().open(node_, write ? kLinuxRdwr : kLinuxRdonly, false));
    // Another thread may have opened one while this one waited.
    bool& has = write ? has_rw_ : has_ro_;
    uint64_t& slot = write ? rw_fh_ : ro_fh_;
    if (has) {
      (void)c().release(node_, fh, false);
      return Ok(slot);
    }
    slot = fh;
    has = true;
    return Ok(fh);
  }

  Result<void> refill(uint64_t cookie) {
    if (!has_dir_) {
      uint64_t fh = KILN_TRY(c().open(node_, kLinuxRdonly, true));
      if (has_dir_) {
        (void)c().release(node_, fh, true);
      } else {
        dir_fh_ = fh;
        has_dir_ = true;
      }
    }
    auto* b = static_cast<DirBatch*>(kiln_malloc(sizeof(DirBatch)));
    if (!b) return Error(ENOMEM);
    auto n = c().readdir(node_, dir_fh_, cookie, b->data, sizeof b->data);
    if (n.is_error()) {
      kiln_free(b);
      return n.error();
    }
    b->from = cookie;
    b->len = n.value();
    // Swapped in whole: a thread parsing the old batch never sees a half-read one.
    DirBatch* old = dir_;
    dir_ = b;
    kiln_free(old);
    return {};
  }

  uint64_t node_;
  VfsNode* parent_;
  uint64_t ro_fh_ = 0, rw_fh_ = 0, dir_fh_ = 0;
  bool has_ro_ = false, has_rw_ = false, has_dir_ = false;
  DirBatch* dir_ = nullptr;
};

class VfsFs final : public Filesystem {
 public:
  VfsFs(fuse::Channel* ch, bool ro) : client_(ch), root_(this, S_IFDIR, fuse::kRootId, nullptr), ro_(ro) {
    root_.ref();
  }
  fuse::Client& client() { return client_; }
  Vnode* root() override { return &root_; }
  bool read_only() const override { return ro_; }
  Result<void> statfs(struct statvfs* out) override {
    fuse::Kstatfs k;
    KILN_TRY(client_.statfs(&k));
    memset(out, 0, sizeof *out);
    out->f_bsize = k.bsize;
    out->f_frsize = k.frsize ? k.frsize : k.bsize;
    out->f_blocks = k.blocks;
    out->f_bfree = k.bfree;
    out->f_bavail = k.bavail;
    out->f_files = k.files;
    out->f_ffree = k.ffree;
    out->f_favail = k.ffree;
    out->f_namemax = k.namelen;
    out->f_flag = ro_ ? ST_RDONLY : 0;
    return {};
  }

 private:
  fuse::Client client_;
  VfsNode root_;
  bool ro_;
};

fuse::Client& VfsNode::c() { return static_cast<VfsFs*>(fs())->client(); }

void VfsNode::inactive() {
  if (this == fs()->root()) return;  // lives as long as the mount
  fuse::Client& cl = c();
  if (has_ro_) (void)cl.release(node_, ro_fh_, false);
  if (has_rw_) (void)cl.release(node_, rw_fh_, false);
  if (has_dir_) (void)cl.release(node_, dir_fh_, true);
  kiln_free(dir_);
  cl.forget(node_, 1);
  VfsNode* p = parent_;
  this->~VfsNode();
  kiln_free(this);
  if (p) p->unref();
}

// Options: the device's tag, then ",ro" for read-only.
Result<Filesystem*> make(const char* options) {
  if (!options || !options[0]) {
    kiln_err("virtiofs: give the device's tag (vfs.mount=virtiofs:/mnt:TAG[,ro])");
    return Error(EINVAL);
  }
  char tag[virtiofs::kTagMax + 1];
  size_t len = strlen(options);
  bool ro = false;
  if (len > 3 && strcmp(options + len - 3, ",ro") == 0) {
    ro = true;
    len -= 3;
  }
  if (len == 0 || len > virtiofs::kTagMax || memchr(options, ',', len)) {
    kiln_err("virtiofs: '%s': expected TAG or TAG,ro (a tag of 1..36 bytes)", options);
    return Error(EINVAL);
  }
  memcpy(tag, options, len);
  tag[len] = '\0';
  fuse::Channel* ch = virtiofs::find_channel(tag);
  if (!ch) {
    char have[virtiofs::kMaxChannels * (virtiofs::kTagMax + 2) + 8] = "none";
    size_t at = 0;
    for (unsigned i = 0; i < virtiofs::channel_count(); ++i) {
      const char* t = virtiofs::channel_at(i)->tag();
      size_t tl = strlen(t);
      if (at) have[at++] = ' ';
      memcpy(have + at, t, tl);
      at += tl;
      have[at] = '\0';
    }
    kiln_err("virtiofs: no virtio-fs device with tag '%s' (devices: %s)", tag, have);
    return Error(ENOENT);
  }
  void* mem = kiln_malloc(sizeof(VfsFs));
  if (!mem) return Error(ENOMEM);
  auto* fs = new (mem) VfsFs(ch, ro);
  auto r = fs->client().init();
  fuse::Attr a;
  if (!r.is_error()) r = fs->client().getattr(fuse::kRootId, &a);
  if (!r.is_error() && (a.mode & S_IFMT) != S_IFDIR) r = Error(ENOTDIR);
  if (r.is_error()) {
    kiln_err("virtiofs: tag '%s': the server refused the mount: %s", tag, strerror(r.error().code()));
    fs->~VfsFs();
    kiln_free(mem);
    return r.error();
  }
  kiln_info("virtiofs: tag '%s': FUSE 7.%u, %u bytes per request%s", tag, fuse::kMinor, fs->client().max_io(),
            ro ? ", read-only" : "");
  return static_cast<Filesystem*>(fs);
}

KILN_FS(virtiofs_type, "virtiofs", make);

}  // namespace
}  // namespace kiln::vfs
