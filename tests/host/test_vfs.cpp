// The vfs core (lib/vfs/src/vfs.cpp) and ramfs (lib/vfs/src/ramfs.cpp) on
// the host: the path walk (".", "..", trailing and repeated slashes,
// symlinks and their loops, over-long names, ".." across a mount) and
// ramfs with a fake clock and a heap that can be told to fail (create,
// write, read, sparse files, truncate, rename over an existing name, link
// counts, ENOSPC at the limit with earlier data intact); files served in
// place from an external range with copy on write, and a cpio archive as
// a tree (populate_cpio). One global mount table per process: its own
// executable, host_vfs_tests.
#include "fake_plat.h"

#include <kiln/alloc.h>
#include <kiln/vfs.h>
#include <gtest/gtest.h>
#include <fcntl.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/statvfs.h>
#include <vector>

using kiln::vfs::Lookup;
using kiln::vfs::SetAttr;
using kiln::vfs::Vnode;
using kiln::vfs::VnodeRef;

namespace {
int64_t fake_now = 1'700'000'000'000'000'000;
int64_t fake_clock() { return fake_now; }
long heap_budget = -1;  // allocations left before the fake heap fails; -1: no limit
bool heap_ok() {
  if (heap_budget == 0) return false;
  if (heap_budget > 0) --heap_budget;
  return true;
}
}  // namespace

extern "C" {
void* kiln_malloc(size_t n) { return heap_ok() ? malloc(n) : nullptr; }
void* kiln_realloc(void* p, size_t n) { return heap_ok() ? realloc(p, n) : nullptr; }
// Frees inside [watch_lo, watch_hi) (an archive a file is served from) are
// counted, not done: the ramfs must never free what it does not own.
const char* watch_lo = nullptr;
const char* watch_hi = nullptr;
int watched_frees = 0;
void kiln_free(void* p) {
  if (p && static_cast<const char*>(p) >= watch_lo && static_cast<const char*>(p) < watch_hi) {
    ++watched_frees;
    return;
  }
  free(p);
}
void kiln_alloc_get_stats(kiln_alloc_stats* s) {
  memset(s, 0, sizeof *s);
  s->free = 1 << 30;
}
int64_t kiln_plat_wall_ns(void) { return fake_now; }
}

// lib/fdtab's FIFO state, faked: the ramfs makes one per FIFO node at the
// first open and drops it with the node (the pipe itself is test_ipc.cpp's).
namespace fakefifo {
int made, put, opened;
}  // namespace fakefifo
namespace kiln {
struct Fifo {
  int id;
};
Result<Fifo*> fifo_new() {
  ++fakefifo::made;
  return new Fifo{fakefifo::made};
}
void fifo_put(Fifo* f) {
  ++fakefifo::put;
  delete f;
}
Result<File*> fifo_open(Fifo*, int) {
  ++fakefifo::opened;
  return Error(ENXIO);
}
}  // namespace kiln

namespace {

class VfsEnv : public ::testing::Environment {
 public:
  void SetUp() override {
    kiln::vfs::ramfs_clock = fake_clock;
    ASSERT_FALSE(kiln::vfs::mount("ramfs", "/", nullptr).is_error());
  }
};
const auto* env = ::testing::AddGlobalTestEnvironment(new VfsEnv);

VnodeRef must(const char* path, unsigned flags = kiln::vfs::kFollow) {
  auto r = kiln::vfs::resolve(nullptr, path, flags);
  EXPECT_FALSE(r.is_error()) << path << ": errno " << (r.is_error() ? r.error().code() : 0);
  return r.is_error() ? VnodeRef() : r.release_value();
}

int err(const char* path, unsigned flags = kiln::vfs::kFollow) {
  auto r = kiln::vfs::resolve(nullptr, path, flags);
  return r.is_error() ? r.error().code() : 0;
}

// mkdir/create/symlink by path (the parent must exist).
void mk(const char* path, mode_t type, const char* target = nullptr) {
  Lookup l;
  ASSERT_FALSE(kiln::vfs::walk(nullptr, path, 0, &l).is_error()) << path;
  ASSERT_EQ(l.node.get(), nullptr) << path << " exists";
  kiln::Result<Vnode*> r = kiln::Error(EINVAL);
  if (type == S_IFDIR) r = l.dir->mkdir(l.name, l.len, 0755);
  else if (type == S_IFREG) r = l.dir->create(l.name, l.len, 0644);
  else r = l.dir->symlink(l.name, l.len, target);
  ASSERT_FALSE(r.is_error()) << path << ": errno " << (r.is_error() ? r.error().code() : 0);
  VnodeRef::adopt(r.value());
}

std::string read_all(Vnode* v) {
  struct stat st;
  EXPECT_FALSE(v->getattr(&st).is_error());
  std::string s(static_cast<size_t>(st.st_size), '?');
  auto r = v->read(s.data(), s.size(), 0);
  EXPECT_FALSE(r.is_error());
  s.resize(r.is_error() ? 0 : r.value());
  return s;
}

std::string path_of(Vnode* dir) {
  char buf[kiln::vfs::kPathMax];
  auto r = kiln::vfs::dir_path(dir, buf, sizeof buf);
  return r.is_error() ? "error " + std::to_string(r.error().code()) : std::string(buf);
}

// --- the path walk -------------------------------------------------------------
TEST(VfsWalk, DotDotDotAndRepeatedSlashes) {
  mk("/w1", S_IFDIR);
  mk("/w1/b", S_IFDIR);
  VnodeRef b = must("/w1/b");
  EXPECT_EQ(must("/w1/./b/../b").get(), b.get());
  EXPECT_EQ(must("//w1///b//").get(), b.get());
  EXPECT_EQ(must("/..").get(), kiln::vfs::root());
  EXPECT_EQ(must("/w1/b/../../..").get(), kiln::vfs::root());
  EXPECT_EQ(must("/w1/b/.").get(), b.get());
  EXPECT_EQ(err(""), ENOENT);
  EXPECT_EQ(err("/w1/missing/b"), ENOENT);
  EXPECT_EQ(path_of(b.get()), "/w1/b");
  EXPECT_EQ(path_of(kiln::vfs::root()), "/");
}

TEST(VfsWalk, TrailingSlashNeedsADirectory) {
  mk("/w2", S_IFDIR);
  mk("/w2/f", S_IFREG);
  EXPECT_EQ(err("/w2/f/"), ENOTDIR);
  EXPECT_EQ(err("/w2/f/."), ENOTDIR);
  EXPECT_EQ(err("/w2/f/x"), ENOTDIR);
  EXPECT_EQ(err("/w2/"), 0);
  Lookup l;
  ASSERT_FALSE(kiln::vfs::walk(nullptr, "/w2/new/", 0, &l).is_error());
  EXPECT_EQ(l.node.get(), nullptr);
  EXPECT_TRUE(l.trailing_slash);
  EXPECT_EQ(std::string(l.name), "new");
  // A trailing slash follows a final symlink, even without kFollow.
  mk("/w2/dl", S_IFLNK, "/w2");
  EXPECT_EQ(must("/w2/dl/", 0).get(), must("/w2").get());
  EXPECT_TRUE(must("/w2/dl", 0)->is_link());
}

TEST(VfsWalk, SymlinksRelativeAbsoluteAndLoops) {
  mk("/w3", S_IFDIR);
  mk("/w3/d", S_IFDIR);
  mk("/w3/d/f", S_IFREG);
  mk("/w3/rel", S_IFLNK, "d/f");
  mk("/w3/abs", S_IFLNK, "/w3/d");
  EXPECT_EQ(must("/w3/rel").get(), must("/w3/d/f").get());
  EXPECT_EQ(must("/w3/abs/f").get(), must("/w3/d/f").get());  // in the middle
  EXPECT_TRUE(must("/w3/rel", 0)->is_link());                  // lstat: not followed
  mk("/w3/l1", S_IFLNK, "l2");
  mk("/w3/l2", S_IFLNK, "l1");
  EXPECT_EQ(err("/w3/l1"), ELOOP);
  EXPECT_EQ(err("/w3/l1/x"), ELOOP);
  mk("/w3/self", S_IFLNK, "self/x");
  EXPECT_EQ(err("/w3/self"), ELOOP);
  mk("/w3/dangling", S_IFLNK, "nowhere");
  EXPECT_EQ(err("/w3/dangling"), ENOENT);
  // Lookup of a dangling link gives the place to create its target.
  Lookup l;
  ASSERT_FALSE(kiln::vfs::walk(nullptr, "/w3/dangling", kiln::vfs::kFollow, &l).is_error());
  EXPECT_EQ(l.node.get(), nullptr);
  EXPECT_EQ(std::string(l.name), "nowhere");
  EXPECT_EQ(l.dir.get(), must("/w3").get());
}

TEST(VfsWalk, FortyLinksAreFollowedTheFortyFirstIsELOOP) {
  mk("/w4", S_IFDIR);
  mk("/w4/t", S_IFREG);
  // c0 -> t, c<i> -> c<i-1>: opening c<n> follows n + 1 links.
  for (int i = 0; i < 41; ++i) {
    std::string name = "/w4/c" + std::to_string(i);
    std::string target = i == 0 ? "t" : "c" + std::to_string(i - 1);
    mk(name.c_str(), S_IFLNK, target.c_str());
  }
  EXPECT_EQ(must("/w4/c39").get(), must("/w4/t").get());
  EXPECT_EQ(err("/w4/c40"), ELOOP);
}

TEST(VfsWalk, OverLongNamesAndPaths) {
  mk("/w5", S_IFDIR);
  std::string n255(255, 'a'), n256(256, 'a');
  EXPECT_EQ(err(("/w5/" + n255).c_str()), ENOENT);
  EXPECT_EQ(err(("/w5/" + n256).c_str()), ENAMETOOLONG);
  EXPECT_EQ(err(("/w5/" + n256 + "/x").c_str()), ENAMETOOLONG);
  mk(("/w5/" + n255).c_str(), S_IFREG);
  EXPECT_EQ(err(("/w5/" + n255).c_str()), 0);
  std::string longpath;
  while (longpath.size() < kiln::vfs::kPathMax) longpath += "/w5";
  EXPECT_EQ(err(longpath.c_str()), ENAMETOOLONG);
  std::string fits = longpath.substr(0, kiln::vfs::kPathMax - 1);
  EXPECT_NE(err(fits.c_str()), ENAMETOOLONG);
}

TEST(VfsWalk, DotDotCrossesAMount) {
  mk("/mnt", S_IFDIR);
  mk("/mnt/hidden", S_IFREG);  // covered by the mount
  ASSERT_FALSE(kiln::vfs::mount("ramfs", "/mnt", nullptr).is_error());
  EXPECT_EQ(kiln::vfs::mount("ramfs", "/mnt", nullptr).error().code(), EBUSY);
  VnodeRef m = must("/mnt");
  EXPECT_NE(m->fs(), kiln::vfs::root()->fs());
  EXPECT_EQ(err("/mnt/hidden"), ENOENT);
  mk("/mnt/x", S_IFDIR);
  EXPECT_EQ(must("/mnt/x/../..").get(), kiln::vfs::root());
  EXPECT_EQ(must("/mnt/..").get(), kiln::vfs::root());
  EXPECT_EQ(must("/mnt/x/..").get(), m.get());
  EXPECT_EQ(path_of(must("/mnt/x").get()), "/mnt/x");
  EXPECT_EQ(path_of(m.get()), "/mnt");
  // Relative to a current directory inside the mount.
  ASSERT_FALSE(kiln::vfs::set_cwd(must("/mnt/x").get()).is_error());
  EXPECT_EQ(must("../..").get(), kiln::vfs::root());
  EXPECT_EQ(must("..").get(), m.get());
  ASSERT_FALSE(kiln::vfs::set_cwd(kiln::vfs::root()).is_error());
  // A rename across filesystems is EXDEV.
  VnodeRef root = VnodeRef::share(kiln::vfs::root());
  EXPECT_EQ(m->rename("x", 1, root.get(), "x", 1).error().code(), EXDEV);
}

// --- ramfs ---------------------------------------------------------------------------
struct Fs {
  explicit Fs(size_t max) {
    auto r = kiln::vfs::ramfs_make(max);
    EXPECT_FALSE(r.is_error());
    fs = r.value();
  }
  Vnode* root() { return fs->root(); }
  VnodeRef create(const char* name) {
    auto r = root()->create(name, strlen(name), 0644);
    EXPECT_FALSE(r.is_error()) << name;
    return r.is_error() ? VnodeRef() : VnodeRef::adopt(r.value());
  }
  VnodeRef get(const char* name) {
    auto r = root()->lookup(name, strlen(name));
    return r.is_error() ? VnodeRef() : VnodeRef::adopt(r.value());
  }
  size_t free_bytes() {
    struct statvfs s;
    EXPECT_FALSE(fs->statfs(&s).is_error());
    return s.f_bfree * s.f_bsize;
  }
  kiln::vfs::Filesystem* fs;
};

TEST(Ramfs, FifoNodesShareOneFifoUntilTheyGo) {
  Fs fs(0);
  auto r = fs.root()->mkfifo("p", 1, 0620);
  ASSERT_FALSE(r.is_error());
  VnodeRef p = VnodeRef::adopt(r.value());
  struct stat st;
  ASSERT_FALSE(p->getattr(&st).is_error());
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0620u);
  EXPECT_EQ(fs.root()->mkfifo("p", 1, 0600).error().code(), EEXIST);
  EXPECT_EQ(p->open(O_WRONLY | O_NONBLOCK).error().code(), ENXIO) << "what fifo_open says";
  EXPECT_EQ(p->open(O_RDONLY).error().code(), ENXIO);
  EXPECT_EQ(fakefifo::made, 1) << "one Fifo for the node, made at the first open";
  EXPECT_EQ(fakefifo::opened, 2);
  uint64_t cookie = 0;
  kiln::vfs::DirEntry e;
  bool found = false;
  while (fs.root()->readdir(&cookie, &e).value_or(false))
    if (!strcmp(e.name, "p")) found = e.type == kiln::vfs::kDtFifo;
  EXPECT_TRUE(found) << "listed as a FIFO";
  ASSERT_FALSE(fs.root()->unlink("p", 1).is_error());
  EXPECT_EQ(fakefifo::put, 0) << "still referenced";
  p = VnodeRef();
  EXPECT_EQ(fakefifo::put, 1) << "dropped with the node";
  EXPECT_EQ(VnodeRef::adopt(fs.root()->mkfifo("q", 1, 0600).value()).get() != nullptr, true);
  EXPECT_EQ(fakefifo::made, 1) << "no Fifo before an open";
}

TEST(Ramfs, CreateWriteReadWithTimes) {
  Fs fs(0);
  fake_now = 1'700'000'000'123'456'789;
  VnodeRef f = fs.create("a");
  struct stat st;
  ASSERT_FALSE(f->getattr(&st).is_error());
  EXPECT_EQ(st.st_mtim.tv_sec, 1'700'000'000);
  EXPECT_EQ(st.st_mtim.tv_nsec, 123'456'789);
  EXPECT_EQ(st.st_nlink, 1u);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  fake_now += 5'000'000'000;
  ASSERT_EQ(f->write("hello world", 11, 0).value(), 11u);
  ASSERT_EQ(f->write("W", 1, 6).value(), 1u);
  EXPECT_EQ(read_all(f.get()), "hello World");
  ASSERT_FALSE(f->getattr(&st).is_error());
  EXPECT_EQ(st.st_size, 11);
  EXPECT_EQ(st.st_mtim.tv_sec, 1'700'000'005);
  EXPECT_EQ(st.st_ctim.tv_sec, 1'700'000'005);
  char b[4];
  EXPECT_EQ(f->read(b, 4, 11).value(), 0u);  // at the end
  EXPECT_EQ(f->read(b, 4, 9).value(), 2u);   // short at the end
  EXPECT_EQ(fs.root()->create("a", 1, 0644).error().code(), EEXIST);
}

TEST(Ramfs, SparseFilesReadZerosInHoles) {
  Fs fs(0);
  VnodeRef f = fs.create("s");
  const off_t far = (1 << 20) + 5;
  ASSERT_EQ(f->write("xyz", 3, far).value(), 3u);
  struct stat st;
  ASSERT_FALSE(f->getattr(&st).is_error());
  EXPECT_EQ(st.st_size, far + 3);
  EXPECT_EQ(st.st_blocks, 8);  // one 4 KiB chunk, not a MiB
  std::string s = read_all(f.get());
  ASSERT_EQ(s.size(), static_cast<size_t>(far + 3));
  EXPECT_EQ(s.find_first_not_of('\0'), static_cast<size_t>(far));
  EXPECT_EQ(s.substr(static_cast<size_t>(far)), "xyz");
  // The chunk holding the data reads zeros around it.
  char b[8];
  ASSERT_EQ(f->read(b, 8, far - 5).value(), 8u);
  EXPECT_EQ(std::string(b, 8), std::string("\0\0\0\0\0xyz", 8));
}

TEST(Ramfs, TruncateDownThenUpReadsZeros) {
  Fs fs(0);
  VnodeRef f = fs.create("t");
  std::string data(10000, 'q');
  ASSERT_EQ(f->write(data.data(), data.size(), 0).value(), data.size());
  SetAttr a;
  a.mask = SetAttr::kSize;
  a.size = 5000;
  ASSERT_FALSE(f->setattr(a).is_error());
  a.size = 12000;
  ASSERT_FALSE(f->setattr(a).is_error());
  std::string s = read_all(f.get());
  ASSERT_EQ(s.size(), 12000u);
  EXPECT_EQ(s.substr(0, 5000), std::string(5000, 'q'));
  EXPECT_EQ(s.substr(5000), std::string(7000, '\0'));
  a.size = -1;
  EXPECT_EQ(f->setattr(a).error().code(), EINVAL);
  EXPECT_EQ(fs.root()->setattr(SetAttr{SetAttr::kSize}).error().code(), EISDIR);
}

TEST(Ramfs, RenameOverAnExistingName) {
  Fs fs(64 << 20);
  size_t before = fs.free_bytes();
  {
    VnodeRef a = fs.create("a"), b = fs.create("b");
    ASSERT_EQ(a->write("AAAA", 4, 0).value(), 4u);
    std::string big(100000, 'b');
    ASSERT_EQ(b->write(big.data(), big.size(), 0).value(), big.size());
  }
  ASSERT_FALSE(fs.root()->rename("a", 1, fs.root(), "b", 1).is_error());
  EXPECT_EQ(fs.get("a").get(), nullptr);
  EXPECT_EQ(read_all(fs.get("b").get()), "AAAA");
  // The replaced file's memory came back (only a's remains in use).
  EXPECT_GT(fs.free_bytes(), before - 20000);
  // Directories: into itself, over a non-empty one, file over directory.
  VnodeRef d = VnodeRef::adopt(fs.root()->mkdir("d", 1, 0755).value());
  VnodeRef::adopt(d->mkdir("sub", 3, 0755).value());
  VnodeRef e = VnodeRef::adopt(fs.root()->mkdir("e", 1, 0755).value());
  VnodeRef::adopt(e->create("x", 1, 0644).value());
  VnodeRef sub = VnodeRef::adopt(d->lookup("sub", 3).value());
  EXPECT_EQ(fs.root()->rename("d", 1, sub.get(), "d", 1).error().code(), EINVAL);
  EXPECT_EQ(fs.root()->rename("d", 1, fs.root(), "e", 1).error().code(), ENOTEMPTY);
  EXPECT_EQ(fs.root()->rename("b", 1, fs.root(), "d", 1).error().code(), EISDIR);
  EXPECT_EQ(fs.root()->rename("d", 1, fs.root(), "b", 1).error().code(), ENOTDIR);
  // A directory moved under another: its ".." and both parents' link counts follow.
  struct stat st;
  ASSERT_FALSE(fs.root()->getattr(&st).is_error());
  nlink_t root_links = st.st_nlink;
  ASSERT_FALSE(fs.root()->rename("d", 1, e.get(), "d2", 2).is_error());
  VnodeRef d2 = VnodeRef::adopt(e->lookup("d2", 2).value());
  EXPECT_EQ(d2.get(), d.get());
  EXPECT_EQ(VnodeRef::adopt(d2->lookup("..", 2).value()).get(), e.get());
  ASSERT_FALSE(fs.root()->getattr(&st).is_error());
  EXPECT_EQ(st.st_nlink, root_links - 1);
  ASSERT_FALSE(e->getattr(&st).is_error());
  EXPECT_EQ(st.st_nlink, 3u);
}

TEST(Ramfs, LinkCountsAndUnlinkedOpenFiles) {
  Fs fs(64 << 20);
  size_t before = fs.free_bytes();
  VnodeRef f = fs.create("f");
  std::string data(50000, 'z');
  ASSERT_EQ(f->write(data.data(), data.size(), 0).value(), data.size());
  ASSERT_FALSE(fs.root()->link("g", 1, f.get()).is_error());
  struct stat st;
  ASSERT_FALSE(f->getattr(&st).is_error());
  EXPECT_EQ(st.st_nlink, 2u);
  EXPECT_EQ(fs.root()->link("g", 1, f.get()).error().code(), EEXIST);
  EXPECT_EQ(fs.root()->link("r", 1, fs.root()).error().code(), EPERM);
  ASSERT_FALSE(fs.root()->unlink("f", 1).is_error());
  ASSERT_FALSE(fs.root()->unlink("g", 1).is_error());
  ASSERT_FALSE(f->getattr(&st).is_error());
  EXPECT_EQ(st.st_nlink, 0u);
  EXPECT_EQ(read_all(f.get()), data);  // still open: still readable
  EXPECT_LT(fs.free_bytes(), before - 40000);
  f = VnodeRef();                      // the last reference: freed
  EXPECT_EQ(fs.free_bytes(), before);
  EXPECT_EQ(fs.root()->unlink("f", 1).error().code(), ENOENT);
  VnodeRef::adopt(fs.root()->mkdir("dd", 2, 0755).value());
  EXPECT_EQ(fs.root()->unlink("dd", 2).error().code(), EISDIR);
  ASSERT_FALSE(fs.root()->rmdir("dd", 2).is_error());
  EXPECT_EQ(fs.free_bytes(), before);
}

TEST(Ramfs, EnospcAtTheLimitKeepsEarlierData) {
  Fs fs(256 * 1024);
  VnodeRef keep = fs.create("keep");
  ASSERT_EQ(keep->write("precious", 8, 0).value(), 8u);
  VnodeRef big = fs.create("big");
  std::vector<char> buf(1 << 20);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<char>(i * 7);
  auto r = big->write(buf.data(), buf.size(), 0);
  ASSERT_FALSE(r.is_error());
  size_t got = r.value();
  EXPECT_GT(got, 200u * 1024);
  EXPECT_LT(got, 256u * 1024);
  EXPECT_EQ(got % 4096, 0u);
  struct stat st;
  ASSERT_FALSE(big->getattr(&st).is_error());
  EXPECT_EQ(static_cast<size_t>(st.st_size), got);  // nothing past what it reported
  EXPECT_EQ(big->write(buf.data(), buf.size(), static_cast<off_t>(got)).error().code(), ENOSPC);
  ASSERT_FALSE(big->getattr(&st).is_error());
  EXPECT_EQ(static_cast<size_t>(st.st_size), got);
  EXPECT_EQ(read_all(big.get()), std::string(buf.data(), got));
  EXPECT_EQ(read_all(keep.get()), "precious");
  // What room is left (less than a chunk) takes a few small nodes, then ENOSPC.
  int made = 0;
  kiln::Result<Vnode*> c = kiln::Error(0);
  for (; made < 1000; ++made) {
    std::string n = "m" + std::to_string(made);
    c = fs.root()->create(n.c_str(), n.size(), 0644);
    if (c.is_error()) break;
    VnodeRef::adopt(c.value());
  }
  ASSERT_TRUE(c.is_error());
  EXPECT_EQ(c.error().code(), ENOSPC);
  EXPECT_LT(made, 100);
  // Overwriting inside what exists needs no memory and still works.
  ASSERT_EQ(keep->write("P", 1, 0).value(), 1u);
  EXPECT_EQ(read_all(keep.get()), "Precious");
  // Freeing space lets writes in again.
  big = VnodeRef();
  ASSERT_FALSE(fs.root()->unlink("big", 3).is_error());
  EXPECT_NE(fs.create("more").get(), nullptr);
  EXPECT_EQ(big.get(), nullptr);
}

TEST(Ramfs, HeapFailureIsEnospcAndChangesNothing) {
  Fs fs(0);
  VnodeRef f = fs.create("h");
  ASSERT_EQ(f->write("abc", 3, 0).value(), 3u);
  heap_budget = 0;
  EXPECT_EQ(f->write("x", 1, 1 << 20).error().code(), ENOSPC);
  EXPECT_EQ(fs.root()->create("n", 1, 0644).error().code(), ENOSPC);
  EXPECT_EQ(fs.root()->mkdir("n", 1, 0755).error().code(), ENOSPC);
  EXPECT_EQ(fs.root()->link("n", 1, f.get()).error().code(), ENOSPC);
  EXPECT_EQ(fs.root()->rename("h", 1, fs.root(), "n", 1).error().code(), ENOSPC);
  heap_budget = 1;  // the node, not its directory entry
  EXPECT_EQ(fs.root()->create("n", 1, 0644).error().code(), ENOSPC);
  heap_budget = -1;
  EXPECT_EQ(fs.get("n").get(), nullptr);
  EXPECT_EQ(read_all(fs.get("h").get()), "abc");
  struct stat st;
  ASSERT_FALSE(f->getattr(&st).is_error());
  EXPECT_EQ(st.st_size, 3);
  EXPECT_EQ(st.st_nlink, 1u);
}

TEST(Ramfs, ReaddirListsEveryEntryOnceAcrossRemovals) {
  Fs fs(0);
  for (int i = 0; i < 10; ++i) {
    std::string n = "e" + std::to_string(i);
    fs.create(n.c_str());
  }
  uint64_t cookie = 0;
  kiln::vfs::DirEntry e;
  std::vector<std::string> seen;
  while (fs.root()->readdir(&cookie, &e).value()) {
    seen.push_back(e.name);
    if (seen.size() == 5) {  // remove one already listed and one not yet
      ASSERT_FALSE(fs.root()->unlink("e0", 2).is_error());
      ASSERT_FALSE(fs.root()->unlink("e9", 2).is_error());
    }
  }
  std::vector<std::string> want = {".", "..", "e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8"};
  EXPECT_EQ(seen, want);
}


// --- files served in place, copy on write -------------------------------------------
// The archive's bytes: a page-aligned block larger than one chunk, with a
// copy to compare against after every step.
struct External {
  explicit External(size_t n) : bytes(n), before(n) {
    for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>('a' + i % 23);
    before = bytes;
    watch_lo = bytes.data();
    watch_hi = bytes.data() + n;
    watched_frees = 0;
  }
  ~External() { watch_lo = watch_hi = nullptr; }
  bool untouched() const { return bytes == before; }
  std::vector<char> bytes, before;
};

TEST(RamfsInPlace, ReadsComeFromTheRangeAndCostNothing) {
  Fs fs(1 << 20);
  External ext(10000);
  VnodeRef f = fs.create("in-place");
  size_t free0 = fs.free_bytes();
  ASSERT_FALSE(f->set_external(ext.bytes.data(), ext.bytes.size()).is_error());
  EXPECT_EQ(f->set_external(ext.bytes.data(), 1).error().code(), EBUSY);  // only once, on an empty file
  struct stat st;
  ASSERT_FALSE(f->getattr(&st).is_error());
  EXPECT_EQ(st.st_size, 10000);
  EXPECT_EQ(st.st_blocks, 0);  // no chunk of its own
  EXPECT_EQ(read_all(f.get()), std::string(ext.bytes.begin(), ext.bytes.end()));
  char b[10];
  ASSERT_EQ(f->read(b, 10, 4090).value(), 10u);  // across a chunk boundary
  EXPECT_EQ(std::string(b, 10), std::string(ext.bytes.data() + 4090, 10));
  EXPECT_EQ(fs.free_bytes(), free0);
  EXPECT_TRUE(ext.untouched());
}

TEST(RamfsInPlace, FirstWriteCopiesOnlyTheChunkItTouches) {
  Fs fs(1 << 20);
  External ext(10000);
  VnodeRef f = fs.create("cow");
  ASSERT_FALSE(f->set_external(ext.bytes.data(), ext.bytes.size()).is_error());
  size_t free0 = fs.free_bytes();
  ASSERT_EQ(f->write("XYZ", 3, 5000).value(), 3u);  // chunk 1 of 0..2
  EXPECT_TRUE(ext.untouched());
  std::string want(ext.before.begin(), ext.before.end());
  want.replace(5000, 3, "XYZ");
  EXPECT_EQ(read_all(f.get()), want);
  struct stat st;
  ASSERT_FALSE(f->getattr(&st).is_error());
  EXPECT_EQ(st.st_blocks, 8);  // one 4 KiB chunk
  EXPECT_EQ(st.st_size, 10000);
  EXPECT_LT(fs.free_bytes(), free0);
  // Writing past the end of the range: the rest of its last chunk is the
  // range's, then zeros up to the write.
  ASSERT_EQ(f->write("!", 1, 12000).value(), 1u);
  want.resize(12000, '\0');
  want += "!";
  EXPECT_EQ(read_all(f.get()), want);
  EXPECT_TRUE(ext.untouched());
}

TEST(RamfsInPlace, TruncateShortensTheRangeAndGrowingReadsZeros) {
  Fs fs(1 << 20);
  External ext(10000);
  VnodeRef f = fs.create("trunc");
  ASSERT_FALSE(f->set_external(ext.bytes.data(), ext.bytes.size()).is_error());
  size_t free0 = fs.free_bytes();
  SetAttr a;
  a.mask = SetAttr::kSize;
  a.size = 100;
  ASSERT_FALSE(f->setattr(a).is_error());
  EXPECT_EQ(read_all(f.get()), std::string(ext.bytes.data(), 100));
  EXPECT_EQ(fs.free_bytes(), free0);  // nothing copied to shorten it
  a.size = 8000;
  ASSERT_FALSE(f->setattr(a).is_error());
  EXPECT_EQ(read_all(f.get()), std::string(ext.bytes.data(), 100) + std::string(7900, '\0'));
  // A write into the first chunk now copies only the 100 bytes left.
  ASSERT_EQ(f->write("Q", 1, 200).value(), 1u);
  std::string want = std::string(ext.bytes.data(), 100) + std::string(7900, '\0');
  want[200] = 'Q';
  EXPECT_EQ(read_all(f.get()), want);
  a.size = 0;
  ASSERT_FALSE(f->setattr(a).is_error());
  EXPECT_EQ(read_all(f.get()), "");
  EXPECT_TRUE(ext.untouched());
}

TEST(RamfsInPlace, UnlinkFreesOnlyWhatTheRamfsOwns) {
  Fs fs(1 << 20);
  size_t free0 = fs.free_bytes();
  {
    External ext(10000);
    VnodeRef f = fs.create("gone");
    ASSERT_FALSE(f->set_external(ext.bytes.data(), ext.bytes.size()).is_error());
    f = VnodeRef();
    ASSERT_FALSE(fs.root()->unlink("gone", 4).is_error());
    EXPECT_EQ(watched_frees, 0);
    EXPECT_EQ(fs.free_bytes(), free0);
    // And a written one: its own chunk goes back, the range stays.
    f = fs.create("written");
    ASSERT_FALSE(f->set_external(ext.bytes.data(), ext.bytes.size()).is_error());
    ASSERT_EQ(f->write("w", 1, 0).value(), 1u);
    f = VnodeRef();
    ASSERT_FALSE(fs.root()->unlink("written", 7).is_error());
    EXPECT_EQ(watched_frees, 0);
    EXPECT_EQ(fs.free_bytes(), free0);
    EXPECT_TRUE(ext.untouched());
  }
}

TEST(RamfsInPlace, ACopyThatDoesNotFitChangesNothing) {
  Fs fs(3 * 4096);  // room for the node and little else
  External ext(10000);
  VnodeRef f = fs.create("full");
  ASSERT_FALSE(f->set_external(ext.bytes.data(), ext.bytes.size()).is_error());
  int got = 0;
  for (off_t off = 0; off < 10000; off += 4096) {
    auto r = f->write("Z", 1, off);
    if (r.is_error()) {
      EXPECT_EQ(r.error().code(), ENOSPC);
      break;
    }
    ++got;
  }
  EXPECT_LT(got, 3);  // the limit stopped it
  std::string want(ext.before.begin(), ext.before.end());
  for (int i = 0; i < got; ++i) want[static_cast<size_t>(i) * 4096] = 'Z';
  EXPECT_EQ(read_all(f.get()), want);
  EXPECT_TRUE(ext.untouched());
}

// --- a cpio archive as a tree ------------------------------------------------------
std::string hex8(uint32_t v) {
  char b[9];
  snprintf(b, sizeof b, "%08x", v);
  return b;
}
std::string newc(const std::string& name, uint32_t mode, const std::string& data, uint32_t ino = 1,
                 uint32_t nlink = 1, uint32_t mtime = 1'600'000'000) {
  std::string h = "070701";
  uint32_t f[13] = {ino, mode, 0, 0, nlink, mtime, static_cast<uint32_t>(data.size()), 0, 0, 0, 0,
                    static_cast<uint32_t>(name.size() + 1), 0};
  for (uint32_t v : f) h += hex8(v);
  h += name;
  h.push_back('\0');
  h.append((4 - h.size() % 4) % 4, '\0');
  h += data;
  h.append((4 - data.size() % 4) % 4, '\0');
  return h;
}
std::string archive_end() { return newc("TRAILER!!!", 0, "", 0); }

std::string names_in(const char* path) {
  VnodeRef d = must(path);
  std::string out;
  uint64_t cookie = 0;
  kiln::vfs::DirEntry e;
  while (d && d->readdir(&cookie, &e).value_or(false)) {
    if (strcmp(e.name, ".") && strcmp(e.name, "..")) out += std::string(out.empty() ? "" : " ") + e.name;
  }
  return out;
}

TEST(PopulateCpio, ATreeWithModesTimesLinksAndHardLinks) {
  std::string a = newc(".", 040755, "", 1) + newc("etc", 040700, "", 2, 2, 1'500'000'000) +
                  newc("etc/motd", 0100600, "hello\n", 3) + newc("etc/link", 0120777, "motd", 4) +
                  newc("bin/tool", 0100755, "#!tool", 5) +  // no "bin" entry: created
                  newc("h1", 0100644, "", 6, 2) + newc("h2", 0100644, "shared", 6, 2) +
                  newc("dev/null-ish", 020644, "", 7) +  // a device: skipped
                  archive_end();
  kiln::vfs::CpioResult res;
  ASSERT_FALSE(kiln::vfs::populate_cpio("/cpio1", a.data(), a.size(), &res).is_error()) << res.failed;
  EXPECT_EQ(res.entries, 6u);
  EXPECT_EQ(res.skipped, 1u);
  EXPECT_EQ(names_in("/cpio1"), "etc bin h1 h2");
  EXPECT_EQ(names_in("/cpio1/etc"), "motd link");
  struct stat st;
  ASSERT_FALSE(must("/cpio1/etc")->getattr(&st).is_error());
  EXPECT_EQ(st.st_mode, static_cast<mode_t>(040700));
  EXPECT_EQ(st.st_mtim.tv_sec, 1'500'000'000);  // after its children were added
  VnodeRef motd = must("/cpio1/etc/link");
  EXPECT_EQ(read_all(motd.get()), "hello\n");
  ASSERT_FALSE(motd->getattr(&st).is_error());
  EXPECT_EQ(st.st_mode, static_cast<mode_t>(0100600));
  EXPECT_EQ(st.st_mtim.tv_sec, 1'600'000'000);
  EXPECT_EQ(st.st_blocks, 0);  // served in place
  // Served in place: the file reads the archive's bytes themselves.
  a[a.find("hello\n")] = 'J';
  EXPECT_EQ(read_all(motd.get()), "Jello\n");
  a[a.find("Jello\n")] = 'h';
  ASSERT_FALSE(must("/cpio1/bin")->getattr(&st).is_error());
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  // Hard links: one file, two names, the data from the last entry.
  VnodeRef h1 = must("/cpio1/h1"), h2 = must("/cpio1/h2");
  EXPECT_EQ(h1.get(), h2.get());
  EXPECT_EQ(read_all(h1.get()), "shared");
  ASSERT_FALSE(h1->getattr(&st).is_error());
  EXPECT_EQ(st.st_nlink, 2u);
  // A write goes to the copy, never to the archive.
  std::string before = a;
  ASSERT_EQ(h2->write("S", 1, 0).value(), 1u);
  EXPECT_EQ(read_all(h1.get()), "Shared");
  EXPECT_EQ(a, before);
}

TEST(PopulateCpio, AMalformedArchiveCreatesNothing) {
  std::string a = newc("ok", 0100644, "fine") + newc("bad", 0100644, "12345678");
  a.resize(a.size() - 4);  // the second entry's data runs past the end
  kiln::vfs::CpioResult res;
  auto r = kiln::vfs::populate_cpio("/cpio2", a.data(), a.size(), &res);
  ASSERT_TRUE(r.is_error());
  EXPECT_EQ(r.error().code(), EINVAL);
  EXPECT_STREQ(res.fault_reason, "file data runs past the end of the archive");
  EXPECT_EQ(res.failed, nullptr);
  EXPECT_EQ(err("/cpio2"), ENOENT);  // not even the directory
}

TEST(PopulateCpio, AFailurePartWayNamesTheEntry) {
  mk("/cpio3", S_IFDIR);
  mk("/cpio3/taken", S_IFREG);
  std::string a = newc("first", 0100644, "1") + newc("taken", 0100644, "2") + archive_end();
  kiln::vfs::CpioResult res;
  auto r = kiln::vfs::populate_cpio("/cpio3", a.data(), a.size(), &res);
  ASSERT_TRUE(r.is_error());
  EXPECT_EQ(r.error().code(), EEXIST);
  ASSERT_NE(res.failed, nullptr);
  EXPECT_STREQ(res.failed, "taken");
}

}  // namespace
