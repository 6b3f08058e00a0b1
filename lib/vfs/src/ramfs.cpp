// ramfs: files, directories and symlinks in the heap (kiln/vfs.h).
//
// A file's data is an array of pointers to kChunk-byte chunks from
// kiln_malloc; a missing chunk is a hole and reads as zeros, so files grow
// sparsely. A file may instead (or as well) be backed by an external
// read-only range (set_external: the initrd's bytes, served in place):
// where a chunk is missing, bytes below ext_size_ come from that range,
// the rest read as zeros. The first write to a chunk copies its part of
// the range into a new chunk (copy on write, chunk by chunk); truncate only
// shortens the range. The range is never written and never freed here.
// Everything a ramfs allocates (nodes, directory entries, chunk
// arrays, chunks) is charged to its limit first: past it, or when the heap
// says no, the operation fails with ENOSPC having changed nothing (a write
// stops at the first chunk it cannot get and reports what it wrote).
//
// A node lives while it has links (directory entries) or references (open
// files, the walk, the current directory); the last of them frees it.
// Directories hold a reference to their parent ("..").
// Portable: the host tests build it with a fake clock and heap.
#include <kiln/vfs.h>
#include <kiln/alloc.h>
#include <kiln/ipc.h>
#include <kiln/plat/time.h>
#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>
#include <new>

namespace kiln::vfs {

namespace {
int64_t wall_clock() { return kiln_plat_wall_ns(); }
}  // namespace
constinit RamfsClock ramfs_clock = wall_clock;

namespace {

constexpr size_t kChunk = 4096;
constexpr off_t kMaxFileSize = off_t{1} << 40;  // 1 TiB: far past any heap, no overflow in offsets

class Ramfs;
class RamDir;

class RamNode : public Vnode {
 public:
  RamNode(Ramfs* fs, mode_t type, mode_t perm);
  Result<void> getattr(struct stat* st) override;
  Result<void> setattr(const SetAttr& a) override;
  Ramfs* ram() const;
  void touch_c() { ctime = ramfs_clock(); }
  void touch_mc() { mtime = ctime = ramfs_clock(); }
  // Frees what the node owns (not the node): files their chunks.
  virtual void free_data() {}
  virtual size_t node_size() const = 0;
  virtual off_t size() const { return 0; }
  virtual uint64_t blocks() const { return 0; }
  virtual Result<void> truncate(off_t) { return Error(is_dir() ? EISDIR : EINVAL); }
  void destroy();

  uint64_t ino;
  mode_t perm;
  nlink_t nlink = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  int64_t atime, mtime, ctime;

 protected:
  void inactive() override {
    if (nlink == 0) destroy();
  }
};

struct Entry {
  Entry* next;
  RamNode* node;
  uint64_t id;  // readdir cookie: ids only grow, so a listing survives removals
  size_t len;
  char name[1];  // len bytes + NUL (allocated to fit)
};

class RamFile final : public RamNode {
 public:
  RamFile(Ramfs* fs, mode_t perm) : RamNode(fs, S_IFREG, perm) {}
  Result<size_t> read(void* buf, size_t n, off_t off) override;
  Result<size_t> write(const void* buf, size_t n, off_t off) override;
  Result<void> truncate(off_t size) override;
  Result<void> set_external(const void* data, size_t size) override;
  void free_data() override;
  size_t node_size() const override { return sizeof *this; }
  off_t size() const override { return size_; }
  uint64_t blocks() const override { return nchunks_ * (kChunk / 512); }

 private:
  bool grow_array(size_t need);
  // Copies what chunk ci holds of the external range to c (zeros elsewhere).
  void fill_from_external(char* c, size_t ci) const;
  const char* ext_ = nullptr;  // the external range, or nullptr
  size_t ext_size_ = 0;        // bytes of it still part of the file (truncate shortens it)
  char** chunk_ = nullptr;
  size_t cap_ = 0;       // entries in chunk_
  size_t nchunks_ = 0;   // chunks allocated
  off_t size_ = 0;
};

class RamLink final : public RamNode {
 public:
  RamLink(Ramfs* fs, char* target, size_t len) : RamNode(fs, S_IFLNK, 0777), target_(target), len_(len) {}
  Result<size_t> readlink(char* buf, size_t n) override {
    size_t k = n < len_ ? n : len_;
    memcpy(buf, target_, k);
    atime = ramfs_clock();
    return Ok(k);
  }
  void free_data() override;
  size_t node_size() const override { return sizeof *this + len_ + 1; }
  off_t size() const override { return static_cast<off_t>(len_); }

 private:
  char* target_;
  size_t len_;
};

// A FIFO (mkfifo, mknod S_IFIFO): its opens share one pipe, lib/fdtab's
// Fifo, made at the first open and kept while the node lives.
class RamFifo final : public RamNode {
 public:
  RamFifo(Ramfs* fs, mode_t perm) : RamNode(fs, S_IFIFO, perm) {}
  Result<File*> open(int flags) override {
    Fifo* f;
    {
      Guard g;
      if (!fifo_) fifo_ = KILN_TRY(fifo_new());
      f = fifo_;
      atime = ramfs_clock();
    }
    // The caller holds the node, so the Fifo outlives this call; an open
    // may wait for the other side (not with events masked).
    return fifo_open(f, flags);
  }
  void free_data() override {
    if (fifo_) fifo_put(fifo_);
    fifo_ = nullptr;
  }
  size_t node_size() const override { return sizeof *this; }

 private:
  Fifo* fifo_ = nullptr;
};

class RamDir final : public RamNode {
 public:
  RamDir(Ramfs* fs, mode_t perm, RamDir* parent) : RamNode(fs, S_IFDIR, perm), parent_(parent) {
    if (parent_) parent_->ref();
  }
  Result<Vnode*> lookup(const char* name, size_t len) override;
  Result<Vnode*> create(const char* name, size_t len, mode_t mode) override;
  Result<Vnode*> mkdir(const char* name, size_t len, mode_t mode) override;
  Result<Vnode*> symlink(const char* name, size_t len, const char* target) override;
  Result<Vnode*> mkfifo(const char* name, size_t len, mode_t mode) override;
  Result<void> unlink(const char* name, size_t len) override;
  Result<void> rmdir(const char* name, size_t len) override;
  Result<void> rename(const char* name, size_t len, Vnode* to_dir, const char* to_name, size_t to_len) override;
  Result<void> link(const char* name, size_t len, Vnode* target) override;
  Result<bool> readdir(uint64_t* cookie, DirEntry* out) override;
  void free_data() override;
  size_t node_size() const override { return sizeof *this; }
  off_t size() const override { return static_cast<off_t>((count_ + 2) * 32); }

 private:
  Entry** find(const char* name, size_t len);
  Result<Entry*> new_entry(const char* name, size_t len, RamNode* node);
  void free_entry(Entry* e);
  void append(Entry* e);
  // Adds a new node under name (EEXIST, ENOENT in a removed directory).
  template <typename Make>
  Result<Vnode*> add(const char* name, size_t len, Make make);
  bool is_under(RamDir* d) const;  // this == d or inside d
  RamDir* parent_;  // referenced; nullptr for the root
  Entry* head_ = nullptr;
  Entry* tail_ = nullptr;
  uint64_t next_id_ = 2;  // 0 and 1 are "." and ".."
  size_t count_ = 0;
  friend class Ramfs;
};

class Ramfs final : public Filesystem {
 public:
  bool one_vnode_per_file() const override { return true; }
  explicit Ramfs(size_t max) : max_(max), root_(this, 0755, nullptr) {
    root_.nlink = 2;
    root_.ref();  // the mount's: the root is never freed
  }
  Vnode* root() override { return &root_; }
  Result<void> statfs(struct statvfs* out) override;
  // Charge n bytes against the limit (false: over it).
  bool charge(size_t n) {
    if (max_ && (n > max_ || used_ > max_ - n)) return false;
    used_ += n;
    return true;
  }
  void uncharge(size_t n) { used_ -= n; }
  void* alloc(size_t n) {
    if (!charge(n)) return nullptr;
    void* p = kiln_malloc(n);
    if (!p) uncharge(n);
    return p;
  }
  void release(void* p, size_t n) {
    kiln_free(p);
    uncharge(n);
  }
  uint64_t next_ino() { return next_ino_++; }
  size_t used() const { return used_; }
  uint64_t files = 0;  // nodes alive

 private:
  size_t max_;
  size_t used_ = 0;
  uint64_t next_ino_ = 2;
  RamDir root_;
};

RamNode::RamNode(Ramfs* fs, mode_t type, mode_t p) : Vnode(fs, type), ino(fs->next_ino()), perm(p & 07777) {
  atime = mtime = ctime = ramfs_clock();
  ++fs->files;
}
Ramfs* RamNode::ram() const { return static_cast<Ramfs*>(fs()); }

void RamNode::destroy() {
  Ramfs* fs = ram();
  size_t sz = node_size();
  free_data();
  --fs->files;
  this->~RamNode();
  fs->release(this, sz);
}

Result<void> RamNode::getattr(struct stat* st) {
  Guard g;
  memset(st, 0, sizeof *st);
  st->st_dev = static_cast<dev_t>(fs()->dev);
  st->st_ino = static_cast<ino_t>(ino);
  st->st_mode = type() | perm;
  st->st_nlink = nlink;
  st->st_uid = uid;
  st->st_gid = gid;
  st->st_size = size();
  st->st_blksize = kChunk;
  st->st_blocks = static_cast<blkcnt_t>(blocks());
  st->st_atim = {static_cast<time_t>(atime / 1000000000), static_cast<long>(atime % 1000000000)};
  st->st_mtim = {static_cast<time_t>(mtime / 1000000000), static_cast<long>(mtime % 1000000000)};
  st->st_ctim = {static_cast<time_t>(ctime / 1000000000), static_cast<long>(ctime % 1000000000)};
  return {};
}

Result<void> RamNode::setattr(const SetAttr& a) {
  Guard g;
  if (a.mask & SetAttr::kSize) {
    if (a.size < 0 || a.size > kMaxFileSize) return Error(a.size < 0 ? EINVAL : EFBIG);
    KILN_TRY(truncate(a.size));
  }
  if (a.mask & SetAttr::kMode) perm = a.mode & 07777;
  if (a.mask & SetAttr::kUid) uid = a.uid;
  if (a.mask & SetAttr::kGid) gid = a.gid;
  if (a.mask & SetAttr::kAtime) atime = a.atime_ns;
  if (a.mask & SetAttr::kMtime) mtime = a.mtime_ns;
  touch_c();
  return {};
}

// --- files --------------------------------------------------------------------
Result<size_t> RamFile::read(void* buf, size_t n, off_t off) {
  Guard g;
  if (off < 0) return Error(EINVAL);
  atime = ramfs_clock();
  if (off >= size_) return Ok(size_t{0});
  if (static_cast<uint64_t>(n) > static_cast<uint64_t>(size_ - off)) n = static_cast<size_t>(size_ - off);
  auto* out = static_cast<char*>(buf);
  size_t done = 0;
  while (done < n) {
    uint64_t pos = static_cast<uint64_t>(off) + done;
    size_t ci = pos / kChunk, co = pos % kChunk;
    size_t k = kChunk - co < n - done ? kChunk - co : n - done;
    if (ci < cap_ && chunk_[ci]) {
      memcpy(out + done, chunk_[ci] + co, k);
    } else if (pos < ext_size_) {  // served from the external range, in place
      size_t e = ext_size_ - pos < k ? static_cast<size_t>(ext_size_ - pos) : k;
      memcpy(out + done, ext_ + pos, e);
      if (e < k) memset(out + done + e, 0, k - e);
    } else {
      memset(out + done, 0, k);  // a hole
    }
    done += k;
  }
  return Ok(done);
}

bool RamFile::grow_array(size_t need) {
  size_t want[2] = {cap_ * 2 > need ? cap_ * 2 : need, need};
  for (size_t ncap : want) {
    if (ncap < 16) ncap = 16;
    size_t extra = (ncap - cap_) * sizeof(char*);
    if (!ram()->charge(extra)) continue;
    auto* n = static_cast<char**>(kiln_realloc(chunk_, ncap * sizeof(char*)));
    if (!n) {
      ram()->uncharge(extra);
      continue;
    }
    memset(n + cap_, 0, (ncap - cap_) * sizeof(char*));
    chunk_ = n;
    cap_ = ncap;
    return true;
  }
  return false;
}

Result<size_t> RamFile::write(const void* buf, size_t n, off_t off) {
  Guard g;
  if (off < 0) return Error(EINVAL);
  if (n == 0) return Ok(size_t{0});
  if (off >= kMaxFileSize) return Error(EFBIG);
  if (static_cast<uint64_t>(n) > static_cast<uint64_t>(kMaxFileSize - off)) n = static_cast<size_t>(kMaxFileSize - off);
  auto* in = static_cast<const char*>(buf);
  size_t done = 0;
  while (done < n) {
    uint64_t pos = static_cast<uint64_t>(off) + done;
    size_t ci = pos / kChunk, co = pos % kChunk;
    size_t k = kChunk - co < n - done ? kChunk - co : n - done;
    if (ci >= cap_ && !grow_array(ci + 1)) break;
    if (!chunk_[ci]) {
      char* c = static_cast<char*>(ram()->alloc(kChunk));
      if (!c) break;
      // What this write does not cover reads as before: the external
      // range's bytes (the copy of copy on write) or zeros, as the hole did.
      if (static_cast<uint64_t>(ci) * kChunk < ext_size_) {
        fill_from_external(c, ci);
      } else {
        if (co) memset(c, 0, co);
        if (co + k < kChunk) memset(c + co + k, 0, kChunk - co - k);
      }
      chunk_[ci] = c;
      ++nchunks_;
    }
    memcpy(chunk_[ci] + co, in + done, k);
    done += k;
  }
  if (done == 0) return Error(ENOSPC);
  if (off + static_cast<off_t>(done) > size_) size_ = off + static_cast<off_t>(done);
  touch_mc();
  return Ok(done);
}

void RamFile::fill_from_external(char* c, size_t ci) const {
  uint64_t start = static_cast<uint64_t>(ci) * kChunk;
  size_t e = ext_size_ - start < kChunk ? static_cast<size_t>(ext_size_ - start) : kChunk;
  memcpy(c, ext_ + start, e);
  if (e < kChunk) memset(c + e, 0, kChunk - e);
}

Result<void> RamFile::set_external(const void* data, size_t size) {
  Guard g;
  if (size_ || nchunks_ || ext_) return Error(EBUSY);  // only a new, empty file
  if (static_cast<uint64_t>(size) > static_cast<uint64_t>(kMaxFileSize)) return Error(EFBIG);
  ext_ = static_cast<const char*>(data);
  ext_size_ = size;
  size_ = static_cast<off_t>(size);
  return {};
}

Result<void> RamFile::truncate(off_t size) {
  // Bytes of the external range past the new end are no longer the file's:
  // growing it again reads zeros there, as for chunks below.
  if (static_cast<uint64_t>(size) < ext_size_) ext_size_ = static_cast<size_t>(size);
  if (ext_size_ == 0) ext_ = nullptr;
  if (size < size_) {
    // Chunks wholly past the end go; the tail of the last one is zeroed,
    // so growing the file again reads zeros there.
    size_t keep = static_cast<size_t>((static_cast<uint64_t>(size) + kChunk - 1) / kChunk);
    for (size_t i = keep; i < cap_; ++i) {
      if (chunk_[i]) {
        ram()->release(chunk_[i], kChunk);
        chunk_[i] = nullptr;
        --nchunks_;
      }
    }
    size_t co = static_cast<size_t>(size % static_cast<off_t>(kChunk));
    size_t last = static_cast<size_t>(size / static_cast<off_t>(kChunk));
    if (co && last < cap_ && chunk_[last]) memset(chunk_[last] + co, 0, kChunk - co);
  }
  size_ = size;
  touch_mc();
  return {};
}

void RamFile::free_data() {
  for (size_t i = 0; i < cap_; ++i) {
    if (chunk_[i]) ram()->release(chunk_[i], kChunk);
  }
  if (chunk_) ram()->release(chunk_, cap_ * sizeof(char*));
  chunk_ = nullptr;
  cap_ = nchunks_ = 0;
  ext_ = nullptr;  // not ours: the range outlives the file
  ext_size_ = 0;
}

void RamLink::free_data() {}  // the target is allocated with the node (node_size)

// --- directories ------------------------------------------------------------------
Entry** RamDir::find(const char* name, size_t len) {
  for (Entry** e = &head_; *e; e = &(*e)->next) {
    if ((*e)->len == len && !memcmp((*e)->name, name, len)) return e;
  }
  return nullptr;
}

Result<Entry*> RamDir::new_entry(const char* name, size_t len, RamNode* node) {
  auto* e = static_cast<Entry*>(ram()->alloc(sizeof(Entry) + len));
  if (!e) return Error(ENOSPC);
  e->next = nullptr;
  e->node = node;
  e->id = 0;
  e->len = len;
  memcpy(e->name, name, len);
  e->name[len] = 0;
  return e;
}

void RamDir::free_entry(Entry* e) { ram()->release(e, sizeof(Entry) + e->len); }

void RamDir::append(Entry* e) {
  e->id = next_id_++;
  e->next = nullptr;
  if (tail_) tail_->next = e;
  else head_ = e;
  tail_ = e;
  ++count_;
}

// Unlinks *pe from the list (fixing tail_) and returns it.
Entry* take(Entry** pe, Entry** head, Entry** tail) {
  Entry* e = *pe;
  *pe = e->next;
  if (*tail == e) {
    Entry* t = nullptr;
    for (Entry* x = *head; x; x = x->next) t = x;
    *tail = t;
  }
  return e;
}

Result<Vnode*> RamDir::lookup(const char* name, size_t len) {
  Guard g;
  if (len == 2 && name[0] == '.' && name[1] == '.') {
    RamDir* p = parent_ ? parent_ : this;
    p->ref();
    return static_cast<Vnode*>(p);
  }
  Entry** e = find(name, len);
  if (!e) return Error(ENOENT);
  (*e)->node->ref();
  return static_cast<Vnode*>((*e)->node);
}

template <typename Make>
Result<Vnode*> RamDir::add(const char* name, size_t len, Make make) {
  Guard g;
  if (nlink == 0) return Error(ENOENT);  // this directory was removed
  if (find(name, len)) return Error(EEXIST);
  RamNode* n = KILN_TRY(make());
  auto e = new_entry(name, len, n);
  if (e.is_error()) {
    n->destroy();
    return e.error();
  }
  append(e.value());
  n->ref();
  touch_mc();
  return static_cast<Vnode*>(n);
}

Result<Vnode*> RamDir::create(const char* name, size_t len, mode_t mode) {
  return add(name, len, [&]() -> Result<RamNode*> {
    void* p = ram()->alloc(sizeof(RamFile));
    if (!p) return Error(ENOSPC);
    auto* f = new (p) RamFile(ram(), mode);
    f->nlink = 1;
    return static_cast<RamNode*>(f);
  });
}

Result<Vnode*> RamDir::mkdir(const char* name, size_t len, mode_t mode) {
  auto r = add(name, len, [&]() -> Result<RamNode*> {
    void* p = ram()->alloc(sizeof(RamDir));
    if (!p) return Error(ENOSPC);
    auto* d = new (p) RamDir(ram(), mode, this);
    d->nlink = 2;
    return static_cast<RamNode*>(d);
  });
  if (!r.is_error()) ++nlink;  // the new directory's ".."
  return r;
}

Result<Vnode*> RamDir::mkfifo(const char* name, size_t len, mode_t mode) {
  return add(name, len, [&]() -> Result<RamNode*> {
    void* p = ram()->alloc(sizeof(RamFifo));
    if (!p) return Error(ENOSPC);
    auto* f = new (p) RamFifo(ram(), mode);
    f->nlink = 1;
    return static_cast<RamNode*>(f);
  });
}

Result<Vnode*> RamDir::symlink(const char* name, size_t len, const char* target) {
  size_t tl = strlen(target);
  if (tl == 0) return Error(ENOENT);
  if (tl >= kPathMax) return Error(ENAMETOOLONG);
  return add(name, len, [&]() -> Result<RamNode*> {
    void* p = ram()->alloc(sizeof(RamLink) + tl + 1);
    if (!p) return Error(ENOSPC);
    char* t = static_cast<char*>(p) + sizeof(RamLink);
    memcpy(t, target, tl + 1);
    auto* l = new (p) RamLink(ram(), t, tl);
    l->nlink = 1;
    return static_cast<RamNode*>(l);
  });
}

Result<void> RamDir::unlink(const char* name, size_t len) {
  Guard g;
  Entry** pe = find(name, len);
  if (!pe) return Error(ENOENT);
  RamNode* n = (*pe)->node;
  if (n->is_dir()) return Error(EISDIR);
  free_entry(take(pe, &head_, &tail_));
  --count_;
  --n->nlink;
  n->touch_c();
  touch_mc();
  if (n->nlink == 0 && n->refs() == 0) n->destroy();
  return {};
}

Result<void> RamDir::rmdir(const char* name, size_t len) {
  Guard g;
  Entry** pe = find(name, len);
  if (!pe) return Error(ENOENT);
  RamNode* n = (*pe)->node;
  if (!n->is_dir()) return Error(ENOTDIR);
  auto* d = static_cast<RamDir*>(n);
  if (d->count_) return Error(ENOTEMPTY);
  if (d->mounted) return Error(EBUSY);
  free_entry(take(pe, &head_, &tail_));
  --count_;
  d->nlink = 0;
  --nlink;
  touch_mc();
  if (d->refs() == 0) d->destroy();
  return {};
}

bool RamDir::is_under(RamDir* d) const {
  for (const RamDir* x = this; x; x = x->parent_) {
    if (x == d) return true;
  }
  return false;
}

Result<void> RamDir::rename(const char* name, size_t len, Vnode* to, const char* to_name, size_t to_len) {
  Guard g;
  if (to->fs() != fs() || !to->is_dir()) return Error(to->is_dir() ? EXDEV : ENOTDIR);
  auto* dst = static_cast<RamDir*>(to);
  Entry** pe = find(name, len);
  if (!pe) return Error(ENOENT);
  RamNode* n = (*pe)->node;
  if (dst->nlink == 0) return Error(ENOENT);
  bool moving_dir = n->is_dir();
  if (moving_dir && dst->is_under(static_cast<RamDir*>(n))) return Error(EINVAL);  // into itself
  Entry** pt = dst->find(to_name, to_len);
  Entry* old_e = pt ? *pt : nullptr;  // (pt itself may be the source entry's next field)
  RamNode* old = old_e ? old_e->node : nullptr;
  if (old == n) return {};  // the same file: POSIX says do nothing
  if (old) {
    if (moving_dir && !old->is_dir()) return Error(ENOTDIR);
    if (!moving_dir && old->is_dir()) return Error(EISDIR);
    if (old->is_dir() && static_cast<RamDir*>(old)->count_) return Error(ENOTEMPTY);
    if (old->mounted) return Error(EBUSY);
  }
  if (n->mounted) return Error(EBUSY);
  // Allocate first: a rename that cannot get memory changes nothing.
  Entry* ne = nullptr;
  if (!old) ne = KILN_TRY(dst->new_entry(to_name, to_len, n));
  // Now nothing fails.
  free_entry(take(pe, &head_, &tail_));
  --count_;
  if (old) {
    old_e->node = n;
    if (old->is_dir()) {
      old->nlink = 0;
      --dst->nlink;
    } else {
      --old->nlink;
    }
    old->touch_c();
    if (old->nlink == 0 && old->refs() == 0) old->destroy();
  } else {
    dst->append(ne);
  }
  if (moving_dir && dst != this) {
    auto* d = static_cast<RamDir*>(n);
    --nlink;
    ++dst->nlink;
    dst->ref();
    d->parent_ = dst;
    unref();  // the old parent's reference (the caller holds another)
  }
  n->touch_c();
  touch_mc();
  dst->touch_mc();
  return {};
}

Result<void> RamDir::link(const char* name, size_t len, Vnode* target) {
  Guard g;
  if (target->fs() != fs()) return Error(EXDEV);
  if (target->is_dir()) return Error(EPERM);
  auto* t = static_cast<RamNode*>(target);
  if (t->nlink == 0) return Error(ENOENT);
  if (nlink == 0) return Error(ENOENT);
  if (find(name, len)) return Error(EEXIST);
  Entry* e = KILN_TRY(new_entry(name, len, t));
  append(e);
  ++t->nlink;
  t->touch_c();
  touch_mc();
  return {};
}

uint8_t dtype(const Vnode* n) {
  switch (n->type()) {
    case S_IFDIR: return kDtDir;
    case S_IFREG: return kDtReg;
    case S_IFLNK: return kDtLnk;
    case S_IFCHR: return kDtChr;
    case S_IFIFO: return kDtFifo;
    default: return kDtUnknown;
  }
}

Result<bool> RamDir::readdir(uint64_t* cookie, DirEntry* out) {
  Guard g;
  if (nlink == 0) return Ok(false);  // removed: empty, as Linux lists it
  if (*cookie < 2) {
    RamDir* d = *cookie == 0 ? this : parent_ ? parent_ : this;
    out->ino = d->ino;
    out->type = kDtDir;
    out->len = *cookie + 1;
    memcpy(out->name, "..", out->len);
    out->name[out->len] = 0;
    ++*cookie;
    return Ok(true);
  }
  for (Entry* e = head_; e; e = e->next) {
    if (e->id < *cookie) continue;
    out->ino = e->node->ino;
    out->type = dtype(e->node);
    out->len = e->len;
    memcpy(out->name, e->name, e->len + 1);
    *cookie = e->id + 1;
    atime = ramfs_clock();
    return Ok(true);
  }
  return Ok(false);
}

void RamDir::free_data() {
  // Only empty directories are freed (rmdir checks), so no entries are left.
  if (parent_) parent_->unref();
  parent_ = nullptr;
}

Result<void> Ramfs::statfs(struct statvfs* out) {
  memset(out, 0, sizeof *out);
  Guard g;
  size_t max = max_;
  if (!max) {
    kiln_alloc_stats s;
    kiln_alloc_get_stats(&s);
    max = used_ + s.free;
  }
  out->f_bsize = out->f_frsize = kChunk;
  out->f_blocks = max / kChunk;
  out->f_bfree = out->f_bavail = max > used_ ? (max - used_) / kChunk : 0;
  out->f_files = files + out->f_bfree;
  out->f_ffree = out->f_favail = out->f_bfree;
  out->f_fsid = dev;
  out->f_namemax = kNameMax;
  return {};
}

}  // namespace

Result<Filesystem*> ramfs_make(size_t max_bytes) {
  void* p = kiln_malloc(sizeof(Ramfs));
  if (!p) return Error(ENOMEM);
  return static_cast<Filesystem*>(new (p) Ramfs(max_bytes));
}

constinit size_t ramfs_default_max = 0;

namespace {
// Mount options: "max=<bytes>" (a number, optionally with a K, M or G
// suffix); none: ramfs_default_max.
Result<Filesystem*> make_ramfs(const char* options) {
  size_t max = ramfs_default_max;
  if (options && *options) {
    if (strncmp(options, "max=", 4)) return Error(EINVAL);
    const char* p = options + 4;
    if (*p < '0' || *p > '9') return Error(EINVAL);
    max = 0;
    for (; *p >= '0' && *p <= '9'; ++p) {
      if (max > (~size_t{0} - 9) / 10) return Error(EINVAL);
      max = max * 10 + static_cast<size_t>(*p - '0');
    }
    unsigned shift = 0;
    if (*p == 'K' || *p == 'k') shift = 10;
    else if (*p == 'M' || *p == 'm') shift = 20;
    else if (*p == 'G' || *p == 'g') shift = 30;
    if (shift) ++p;
    if (*p || max > (~size_t{0} >> shift)) return Error(EINVAL);
    max <<= shift;
  }
  return ramfs_make(max);
}
}  // namespace
KILN_FS(ramfs_type, "ramfs", make_ramfs);

}  // namespace kiln::vfs
