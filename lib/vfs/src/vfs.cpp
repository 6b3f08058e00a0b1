// The vfs core: vnode defaults, the mount table, the path walk, the
// current directory and umask, the in-memory tree loader (kiln/vfs.h).
// Portable: the host tests build it with ramfs.
#include <kiln/vfs.h>
#include <kiln/alloc.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

extern "C" const kiln::vfs::FsType __kiln_fs_start[], __kiln_fs_end[];

namespace kiln::vfs {

// --- what a vnode does not override ------------------------------------------
Result<Vnode*> Vnode::lookup(const char*, size_t) { return Error(ENOTDIR); }
Result<Vnode*> Vnode::create(const char*, size_t, mode_t) { return Error(is_dir() ? EPERM : ENOTDIR); }
Result<Vnode*> Vnode::mkdir(const char*, size_t, mode_t) { return Error(is_dir() ? EPERM : ENOTDIR); }
Result<Vnode*> Vnode::symlink(const char*, size_t, const char*) { return Error(is_dir() ? EPERM : ENOTDIR); }
Result<Vnode*> Vnode::mkfifo(const char*, size_t, mode_t) { return Error(is_dir() ? EPERM : ENOTDIR); }
Result<void> Vnode::unlink(const char*, size_t) { return Error(is_dir() ? EPERM : ENOTDIR); }
Result<void> Vnode::rmdir(const char*, size_t) { return Error(is_dir() ? EPERM : ENOTDIR); }
Result<void> Vnode::rename(const char*, size_t, Vnode*, const char*, size_t) {
  return Error(is_dir() ? EPERM : ENOTDIR);
}
Result<void> Vnode::link(const char*, size_t, Vnode*) { return Error(is_dir() ? EPERM : ENOTDIR); }
Result<bool> Vnode::readdir(uint64_t*, DirEntry*) { return Error(ENOTDIR); }
Result<void> Vnode::setattr(const SetAttr&) { return Error(EPERM); }
Result<size_t> Vnode::read(void*, size_t, off_t) { return Error(is_dir() ? EISDIR : EINVAL); }
Result<size_t> Vnode::write(const void*, size_t, off_t) { return Error(is_dir() ? EISDIR : EINVAL); }
Result<size_t> Vnode::readlink(char*, size_t) { return Error(EINVAL); }
Result<File*> Vnode::open(int) { return static_cast<File*>(nullptr); }

void Vnode::unref() {
  Guard g;
  if (__atomic_sub_fetch(&refs_, 1, __ATOMIC_ACQ_REL) == 0) inactive();
}

namespace {

constinit Mount mounts[kMaxMounts];
constinit int nmounts = 0;
constinit Vnode* cwd_ = nullptr;  // referenced; nullptr: the root
constinit mode_t umask_ = 022;

bool is_mount_root(Vnode* v) { return v->fs()->mount && v == v->fs()->root(); }

// The mount on directory v, if any: the one its Vnode carries, or, on a
// filesystem that may give a file several Vnodes (hostfs, ext4, 9p,
// virtiofs as the root, with /dev and /proc on it), the one whose covered
// directory has v's inode number.
Mount* covering(Vnode* v) {
  if (v->mounted) return v->mounted;
  Filesystem* fs = v->fs();
  if (!fs->covered_here || fs->one_vnode_per_file() || !v->is_dir()) return nullptr;
  struct stat a;
  if (v->getattr(&a).is_error()) return nullptr;
  for (int i = 1; i < nmounts; ++i) {
    Vnode* c = mounts[i].covered;
    struct stat b;
    if (c && c->fs() == fs && c->getattr(&b).ok() && b.st_ino == a.st_ino) return &mounts[i];
  }
  return nullptr;
}

// One component from dir (both "." and ".." handled here), crossing mounts:
// into the root of a filesystem mounted on the result, and for ".." out of
// a mount's root to the directory it covers first.
Result<VnodeRef> step(Vnode* dir, const char* name, size_t len) {
  if (!dir->is_dir()) return Error(ENOTDIR);
  if (len == 1 && name[0] == '.') return VnodeRef::share(dir);
  if (len == 2 && name[0] == '.' && name[1] == '.') {
    while (is_mount_root(dir)) {
      Vnode* c = dir->fs()->mount->covered;
      if (!c) return VnodeRef::share(dir);  // ".." of "/" is "/"
      dir = c;
    }
  }
  Vnode* n = KILN_TRY(dir->lookup(name, len));
  VnodeRef r = VnodeRef::adopt(n);
  if (!(len == 2 && name[0] == '.' && name[1] == '.')) {
    while (Mount* m = covering(r.get())) r = VnodeRef::share(m->fs->root());
  }
  return r;
}

// A symlink's target into a heap buffer (kPathMax, NUL ended): a walk can
// hold up to kMaxLinks of them, too many for a thread's stack.
Result<char*> read_target(Vnode* link) {
  auto* buf = static_cast<char*>(kiln_malloc(kPathMax));
  if (!buf) return Error(ENOMEM);
  auto n = link->readlink(buf, kPathMax - 1);
  if (n.is_error()) {
    kiln_free(buf);
    return n.error();
  }
  buf[n.value()] = 0;
  if (n.value() == 0) {  // an empty target names nothing
    kiln_free(buf);
    return Error(ENOENT);
  }
  return buf;
}

Result<void> walk_at(Vnode* base, const char* path, unsigned flags, Lookup* out, int* links);

// Follows the symlink `link` found in directory dir: resolves its target
// relative to dir, into out.
Result<void> follow(Vnode* dir, Vnode* link, unsigned flags, Lookup* out, int* links) {
  if (++*links > kMaxLinks) return Error(ELOOP);
  char* target = KILN_TRY(read_target(link));
  auto r = walk_at(dir, target, flags, out, links);
  kiln_free(target);
  return r;
}

Result<void> walk_at(Vnode* base, const char* path, unsigned flags, Lookup* out, int* links) {
  if (!*path) return Error(ENOENT);
  if (strnlen(path, kPathMax) >= kPathMax) return Error(ENAMETOOLONG);
  VnodeRef cur = VnodeRef::share(*path == '/' ? root() : base ? base : cwd());
  const char* p = path;
  while (*p == '/') ++p;
  if (!*p) {  // "/" or "//": the root itself
    out->node = VnodeRef::share(cur.get());
    out->dir = static_cast<VnodeRef&&>(cur);
    out->name[0] = '.';
    out->name[1] = 0;
    out->len = 1;
    out->trailing_slash = false;
    return {};
  }
  for (;;) {
    const char* e = p;
    while (*e && *e != '/') ++e;
    size_t len = static_cast<size_t>(e - p);
    if (len > kNameMax) return Error(ENAMETOOLONG);
    const char* rest = e;
    while (*rest == '/') ++rest;
    bool slash = rest != e;
    if (!cur->is_dir()) return Error(ENOTDIR);
    if (!*rest) {  // the last component
      auto n = step(cur.get(), p, len);
      if (n.is_error() && n.error().code() != ENOENT) return n.error();
      VnodeRef node = n.is_error() ? VnodeRef() : n.release_value();
      if (node && node->is_link() && ((flags & kFollow) || slash)) {
        KILN_TRY(follow(cur.get(), node.get(), flags, out, links));
        if (slash) {
          out->trailing_slash = true;
          if (out->node && !out->node->is_dir()) return Error(ENOTDIR);
        }
        return {};
      }
      if (slash && node && !node->is_dir()) return Error(ENOTDIR);
      memcpy(out->name, p, len);
      out->name[len] = 0;
      out->len = len;
      out->trailing_slash = slash;
      out->dir = static_cast<VnodeRef&&>(cur);
      out->node = static_cast<VnodeRef&&>(node);
      return {};
    }
    VnodeRef next = KILN_TRY(step(cur.get(), p, len));
    if (next->is_link()) {
      Lookup t;
      KILN_TRY(follow(cur.get(), next.get(), kFollow, &t, links));
      if (!t.node) return Error(ENOENT);
      next = static_cast<VnodeRef&&>(t.node);
    }
    cur = static_cast<VnodeRef&&>(next);
    p = rest;
  }
}

}  // namespace

Result<void> walk(Vnode* base, const char* path, unsigned flags, Lookup* out) {
  if (!root()) return Error(ENOENT);
  int links = 0;
  return walk_at(base, path, flags, out, &links);
}

Result<VnodeRef> resolve(Vnode* base, const char* path, unsigned flags) {
  Lookup l;
  KILN_TRY(walk(base, path, flags, &l));
  if (!l.node) return Error(ENOENT);
  return static_cast<VnodeRef&&>(l.node);
}

// --- mounts --------------------------------------------------------------------
Vnode* root() { return nmounts ? mounts[0].fs->root() : nullptr; }
// sync(2): every mounted filesystem writes back what it holds (its root's
// fsync; in-memory ones have nothing). Declared where sync() is (posix_compat.cpp).
void sync_mounts() {
  Guard g;
  for (int i = 0; i < nmounts; ++i) (void)mounts[i].fs->root()->fsync();
}

Result<void> mount(const char* type, const char* path, const char* options) {
  const FsType* t = nullptr;
  for (const FsType* f = __kiln_fs_start; f < __kiln_fs_end; ++f) {
    if (!strcmp(f->name, type)) t = f;
  }
  if (!t) return Error(ENODEV);
  if (nmounts == kMaxMounts) return Error(ENOMEM);
  VnodeRef at;
  if (nmounts) {
    at = KILN_TRY(resolve(nullptr, path, kFollow));
    if (!at->is_dir()) return Error(ENOTDIR);
    // Something mounted there already (the walk gave its root): no stacking.
    if (at->mounted || at.get() == at->fs()->root()) return Error(EBUSY);
  } else if (strcmp(path, "/")) {
    return Error(ENOENT);  // the first mount is the root
  }
  Filesystem* fs = KILN_TRY(t->make(options));
  Guard g;
  Mount& m = mounts[nmounts];
  m.fs = fs;
  m.type = t->name;
  m.covered = at.release();
  fs->mount = &m;
  fs->dev = static_cast<uint64_t>(nmounts + 1);
  if (m.covered) {
    m.covered->mounted = &m;
    ++m.covered->fs()->covered_here;
  }
  ++nmounts;
  return {};
}

// A filesystem of `type` becomes "/" in place of the first mount (the boot's
// ramfs). The mounts on top-level directories of the old root (/dev, /proc)
// move to the same names in the new one, made (0755) where missing and the
// new root is writable; one that cannot move stays on the old root, out of
// reach, and `lost` is told its name and why. The old root's files stay in
// memory, unreachable. Boot-time only (nothing else walks paths then).
Result<void> mount_root(const char* type, const char* options, void (*lost)(const char* name, int err)) {
  if (!nmounts) return mount(type, "/", options);
  const FsType* t = nullptr;
  for (const FsType* f = __kiln_fs_start; f < __kiln_fs_end; ++f) {
    if (!strcmp(f->name, type)) t = f;
  }
  if (!t) return Error(ENODEV);
  Filesystem* fs = KILN_TRY(t->make(options));
  Filesystem* old = mounts[0].fs;
  Vnode* old_root = old->root();
  Vnode* new_root = fs->root();
  if (!new_root->is_dir()) return Error(ENOTDIR);
  for (int i = 1; i < nmounts; ++i) {
    Vnode* c = mounts[i].covered;
    if (!c || c->fs() != old) continue;
    // Its name in the old root (the boot's mounts are top-level directories).
    DirEntry e;
    uint64_t cookie = 0;
    bool found = false;
    while (!found) {
      Result<bool> more = old_root->readdir(&cookie, &e);
      if (more.is_error() || !more.value()) break;
      Result<Vnode*> v = old_root->lookup(e.name, e.len);
      if (v.is_error()) continue;
      found = v.value() == c;
      v.value()->unref();
    }
    if (!found) continue;
    Result<Vnode*> d = new_root->lookup(e.name, e.len);
    if (d.is_error() && d.error().code() == ENOENT && !fs->read_only()) d = new_root->mkdir(e.name, e.len, 0755);
    if (d.is_error()) {
      if (lost) lost(e.name, d.error().code());
      continue;
    }
    VnodeRef dir = VnodeRef::adopt(d.value());
    if (!dir->is_dir() || dir->mounted) {
      if (lost) lost(e.name, dir->is_dir() ? EBUSY : ENOTDIR);
      continue;
    }
    Guard g;
    c->mounted = nullptr;
    --old->covered_here;
    c->unref();
    mounts[i].covered = dir.release();
    mounts[i].covered->mounted = &mounts[i];
    ++fs->covered_here;
  }
  Guard g;
  old->mount = nullptr;
  mounts[0].fs = fs;
  mounts[0].type = t->name;
  fs->mount = &mounts[0];
  fs->dev = 1;
  return {};
}

// --- the current directory, umask -----------------------------------------------
Vnode* cwd() { return cwd_ ? cwd_ : root(); }

Result<void> set_cwd(Vnode* dir) {
  if (!dir->is_dir()) return Error(ENOTDIR);
  dir->ref();
  Vnode* old;
  {
    Guard g;
    old = cwd_;
    cwd_ = dir;
  }
  if (old) old->unref();
  return {};
}

mode_t umask_get() { return umask_; }
mode_t umask_set(mode_t m) {
  mode_t old = umask_;
  umask_ = m & 0777;
  return old;
}

// --- the path of a directory -------------------------------------------------------
// Upwards: ".." of each directory, then the name under which the parent
// lists it (matched by inode number, mounts crossed at their roots).
Result<size_t> dir_path(Vnode* dir, char* buf, size_t n) {
  if (!dir->is_dir()) return Error(ENOTDIR);
  // Built from the end of buf backwards.
  size_t at = n;
  auto put = [&](const char* s, size_t len) -> bool {
    if (at < len + 1) return false;
    at -= len;
    memcpy(buf + at, s, len);
    buf[--at] = '/';
    return true;
  };
  VnodeRef cur = VnodeRef::share(dir);
  struct stat st;
  KILN_TRY(cur->getattr(&st));
  if (st.st_nlink == 0) return Error(ENOENT);
  for (int depth = 0;; ++depth) {
    if (depth > 4096) return Error(ELOOP);
    while (is_mount_root(cur.get()) && cur->fs()->mount->covered) cur = VnodeRef::share(cur->fs()->mount->covered);
    if (cur.get() == root()) break;
    KILN_TRY(cur->getattr(&st));
    VnodeRef parent = VnodeRef::adopt(KILN_TRY(cur->lookup("..", 2)));
    uint64_t cookie = 0;
    DirEntry e;
    bool found = false;
    while (KILN_TRY(parent->readdir(&cookie, &e))) {
      if (e.ino != static_cast<uint64_t>(st.st_ino) || (e.len == 1 && e.name[0] == '.') ||
          (e.len == 2 && e.name[0] == '.' && e.name[1] == '.'))
        continue;
      if (!put(e.name, e.len)) return Error(ERANGE);
      found = true;
      break;
    }
    if (!found) return Error(ENOENT);
    cur = static_cast<VnodeRef&&>(parent);
  }
  if (at == n) {  // the root itself
    if (n < 2) return Error(ERANGE);
    buf[0] = '/';
    buf[1] = 0;
    return Ok(size_t{1});
  }
  if (at < 1) return Error(ERANGE);  // room for the NUL
  size_t len = n - at;
  memmove(buf, buf + at, len);
  buf[len] = 0;
  return Ok(len);
}

// --- an in-memory tree ---------------------------------------------------------------
Result<VnodeRef> make_dirs(Vnode* base, const char* path) {
  // One component at a time, from base: lookup, else mkdir.
  VnodeRef dir = VnodeRef::share(*path == '/' ? root() : base ? base : cwd());
  const char* p = path;
  for (;;) {
    while (*p == '/') ++p;
    if (!*p) break;
    const char* end = p;
    while (*end && *end != '/') ++end;
    size_t len = static_cast<size_t>(end - p);
    if (len > kNameMax) return Error(ENAMETOOLONG);
    char name[kNameMax + 1];
    memcpy(name, p, len);
    name[len] = 0;
    Lookup l;
    KILN_TRY(walk(dir.get(), name, kFollow, &l));
    if (!l.node) {
      auto d = l.dir->mkdir(l.name, l.len, 0755);
      if (d.is_error() && d.error().code() != EEXIST) return d.error();
      if (!d.is_error()) VnodeRef::adopt(d.value());
      KILN_TRY(walk(dir.get(), name, kFollow, &l));
      if (!l.node) return Error(ENOENT);
    }
    if (!l.node->is_dir()) return Error(ENOTDIR);
    dir = static_cast<VnodeRef&&>(l.node);
    p = end;
  }
  return dir;
}

Result<void> populate_entry(Vnode* base, const TreeEntry& e) {
  Lookup l;
  auto w = walk(base, e.name, 0, &l);
  if (w.is_error() && w.error().code() == ENOENT) {
    // A parent the tree does not list (archives made without directory
    // entries): create it, then look again.
    size_t cut = strlen(e.name);
    while (cut && e.name[cut - 1] != '/') --cut;
    if (cut) {
      char* dir = static_cast<char*>(kiln_malloc(cut));
      if (!dir) return Error(ENOMEM);
      memcpy(dir, e.name, cut - 1);
      dir[cut - 1] = 0;
      auto d = make_dirs(base, dir);
      kiln_free(dir);
      if (d.is_error()) return d.error();
    }
    w = walk(base, e.name, 0, &l);
  }
  if (w.is_error()) return w.error();
  mode_t perm = e.mode & 07777;
  VnodeRef made;
  if (e.link_to) {
    if (l.node) return Error(EEXIST);
    VnodeRef target = KILN_TRY(resolve(base, e.link_to, 0));
    return l.dir->link(l.name, l.len, target.get());
  }
  switch (e.mode & S_IFMT) {
    case S_IFDIR:
      if (l.node) return l.node->is_dir() ? Result<void>() : Error(EEXIST);  // kept as it is
      made = VnodeRef::adopt(KILN_TRY(l.dir->mkdir(l.name, l.len, perm)));
      break;
    case S_IFLNK: {
      if (l.node) return Error(EEXIST);
      if (e.size >= kPathMax || e.size == 0) return Error(e.size ? ENAMETOOLONG : ENOENT);
      char* t = static_cast<char*>(kiln_malloc(e.size + 1));
      if (!t) return Error(ENOMEM);
      memcpy(t, e.data, e.size);
      t[e.size] = 0;
      auto r = l.dir->symlink(l.name, l.len, t);
      kiln_free(t);
      if (r.is_error()) return r.error();
      made = VnodeRef::adopt(r.value());
      break;
    }
    case S_IFREG: {
      if (l.node) return Error(EEXIST);
      made = VnodeRef::adopt(KILN_TRY(l.dir->create(l.name, l.len, perm)));
      auto ext = e.in_place ? made->set_external(e.data, e.size) : Result<void>(Error(ENOSYS));
      if (ext.is_error()) {
        if (ext.error().code() != ENOSYS) return ext.error();
        size_t done = 0;
        while (done < e.size) {
          size_t k = e.size - done < kIoPiece ? e.size - done : kIoPiece;
          done += KILN_TRY(made->write(static_cast<const char*>(e.data) + done, k, static_cast<off_t>(done)));
        }
      }
      break;
    }
    default:
      return Error(EINVAL);
  }
  SetAttr a;
  if (e.uid || e.gid) {
    a.mask |= SetAttr::kUid | SetAttr::kGid;
    a.uid = e.uid;
    a.gid = e.gid;
  }
  if (e.mtime_ns >= 0) {
    a.mask |= SetAttr::kAtime | SetAttr::kMtime;
    a.atime_ns = a.mtime_ns = e.mtime_ns;
  }
  // Symlinks: ramfs stores their times too (setattr on the link itself).
  if (a.mask) KILN_TRY(made->setattr(a));
  return {};
}

Result<void> populate(const char* at, const TreeEntry* entries, size_t n, size_t* failed) {
  VnodeRef base = KILN_TRY(resolve(nullptr, at, kFollow));
  if (!base->is_dir()) return Error(ENOTDIR);
  for (size_t i = 0; i < n; ++i) {
    auto r = populate_entry(base.get(), entries[i]);
    if (r.is_error()) {
      if (failed) *failed = i;
      return r;
    }
  }
  return {};
}

}  // namespace kiln::vfs
