// Open files: VnodeFile (a kiln::File over a vnode) and open by path.
#include <kiln/vfs.h>
#include <kiln/file.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <new>

namespace kiln::vfs {

namespace {

class VnodeFile final : public File {
 public:
  VnodeFile(Vnode* v, int flags) : v_(VnodeRef::share(v)), acc_(flags & O_ACCMODE) {
    status_ = acc_ | (flags & kSettableFlags);
  }
  Result<size_t> read(void* buf, size_t n) override {
    if (acc_ == O_WRONLY) return Error(EBADF);
    auto* p = static_cast<char*>(buf);
    size_t done = 0;
    // In pieces (kIoPiece): events are masked only for one at a time.
    while (done < n) {
      size_t k = n - done < kIoPiece ? n - done : kIoPiece;
      Guard g;
      auto r = v_->read(p + done, k, off_);
      if (r.is_error()) {
        if (done) break;
        return r.error();
      }
      off_ += static_cast<off_t>(r.value());
      done += r.value();
      if (r.value() < k) break;
    }
    return Ok(done);
  }
  Result<size_t> write(const void* buf, size_t n) override {
    if (acc_ == O_RDONLY) return Error(EBADF);
    auto* p = static_cast<const char*>(buf);
    size_t done = 0;
    while (done < n || n == 0) {
      size_t k = n - done < kIoPiece ? n - done : kIoPiece;
      Guard g;
      if (status_ & kAppendFlag) {
        struct stat st;
        KILN_TRY(v_->getattr(&st));
        off_ = st.st_size;
      }
      if (n == 0) return Ok(size_t{0});
      auto r = v_->write(p + done, k, off_);
      if (r.is_error()) {
        if (done) break;
        return r.error();
      }
      off_ += static_cast<off_t>(r.value());
      done += r.value();
      if (r.value() < k) break;
    }
    return Ok(done);
  }
  Result<off_t> seek(off_t off, int whence) override {
    Guard g;
    off_t base;
    switch (whence) {
      case SEEK_SET: base = 0; break;
      case SEEK_CUR: base = off_; break;
      case SEEK_END: {
        struct stat st;
        KILN_TRY(v_->getattr(&st));
        base = st.st_size;
        break;
      }
      default: return Error(EINVAL);
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0) return Error(EINVAL);
    if (v_->is_dir()) {  // a directory's offset is its readdir cookie: only rewind
      if (base + off != 0) return Error(EINVAL);
    }
    off_ = base + off;
    return Ok(off_);
  }
  Result<void> stat(struct stat* st) override { return v_->getattr(st); }
  // Files and directories are always ready (File::poll's default, as
  // Linux's DEFAULT_POLLMASK) and epoll refuses them (EPERM, as Linux).
  bool epollable() const override { return false; }
  // Locks are on the file, not on this open of it.
  const void* lock_key() const override { return v_.get(); }
  Vnode* vnode() override { return v_.get(); }
  Result<void> release() override {
    this->~VnodeFile();
    ::operator delete(this);
    return {};
  }

 private:
  ~VnodeFile() = default;
  VnodeRef v_;
  off_t off_ = 0;
  int acc_;
};

}  // namespace

Result<File*> open_vnode(Vnode* v, int flags) {
  int acc = flags & O_ACCMODE;
  if ((flags & O_DIRECTORY) && !v->is_dir()) return Error(ENOTDIR);
  if (v->is_dir() && (acc != O_RDONLY || (flags & O_TRUNC))) return Error(EISDIR);
  if (v->is_link()) return Error(ELOOP);  // O_NOFOLLOW on a symlink
  File* dev = KILN_TRY(v->open(flags));
  if (dev) return dev;
  if ((flags & O_TRUNC) && v->is_reg() && acc != O_RDONLY) {
    SetAttr a;
    a.mask = SetAttr::kSize;
    KILN_TRY(v->setattr(a));
  }
  auto* f = new (std::nothrow) VnodeFile(v, flags);
  if (!f) return Error(ENOMEM);
  f->ref();
  return static_cast<File*>(f);
}

Result<File*> open(Vnode* base, const char* path, int flags, mode_t mode) {
  bool excl = (flags & O_CREAT) && (flags & O_EXCL);
  unsigned wf = (excl || (flags & O_NOFOLLOW)) ? 0u : unsigned{kFollow};
  Lookup l;
  KILN_TRY(walk(base, path, wf, &l));
  if (l.node) {
    if (excl) return Error(EEXIST);
    return open_vnode(l.node.get(), flags);
  }
  if (!(flags & O_CREAT)) return Error(ENOENT);
  if (l.trailing_slash) return Error(EISDIR);
  if (l.dir->fs()->read_only()) return Error(EROFS);
  VnodeRef n = VnodeRef::adopt(KILN_TRY(l.dir->create(l.name, l.len, mode & ~umask_get() & 07777)));
  // Created just now: no truncation needed, and the mode does not limit
  // this descriptor's access (POSIX).
  return open_vnode(n.get(), flags & ~O_TRUNC);
}

}  // namespace kiln::vfs
