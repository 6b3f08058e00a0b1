// The procfs (lib/vfs/src/procfs.cpp) over the vfs core, ramfs and the
// descriptor table on the host: what /proc/self/fd lists (exactly the open
// descriptors, following /proc/self), what readlink says of each kind of
// file (pipe, socket, anonymous, a devfs node, the console, a ramfs file
// found by its inode, a directory, an unlinked file), truncation and
// ERANGE, meminfo from the heap's statistics, and EROFS/EACCES on writes.
// One mount table and one descriptor table: its own executable.
#include "fake_plat.h"

#include <kiln/alloc.h>
#include <kiln/file.h>
#include <kiln/init.h>
#include <kiln/vfs.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <string>

using kiln::vfs::Lookup;
using kiln::vfs::Vnode;
using kiln::vfs::VnodeRef;

extern "C" const kiln_init_entry __kiln_init_start[], __kiln_init_end[];

extern "C" {
void* kiln_malloc(size_t n) { return malloc(n); }
void* kiln_calloc(size_t n, size_t size) { return calloc(n, size); }
void* kiln_realloc(void* p, size_t n) { return realloc(p, n); }
void kiln_free(void* p) { free(p); }
void kiln_alloc_get_stats(kiln_alloc_stats* s) {
  memset(s, 0, sizeof *s);
  s->total = size_t{64} << 20;
  s->free = size_t{40} << 20;
}
int64_t kiln_plat_wall_ns(void) { return 1'700'000'000'000'000'000; }
int kiln_parse_ulong(const char* s, unsigned long* out) {
  char* end;
  *out = strtoul(s, &end, 0);
  return *s && !*end ? 0 : -EINVAL;
}
void kiln_plat_wait_event(uint64_t) {}
void kiln_plat_wake_event(void) {}
}

namespace {

class ProcEnv : public ::testing::Environment {
 public:
  void SetUp() override {
    ASSERT_EQ(kiln_run_inits(__kiln_init_start, __kiln_init_end), 0);  // the console on fds 0-2
    ASSERT_FALSE(kiln::vfs::mount("ramfs", "/", nullptr).is_error());
    VnodeRef::adopt(kiln::vfs::root()->mkdir("proc", 4, 0555).value());
    ASSERT_FALSE(kiln::vfs::mount("procfs", "/proc", nullptr).is_error());
  }
};
const auto* env = ::testing::AddGlobalTestEnvironment(new ProcEnv);

// A file that stats as the given type (what pipes, sockets, eventfds and
// devfs nodes report); freed on its last close.
class Fake final : public kiln::File {
 public:
  Fake(mode_t mode, dev_t rdev = 0, ino_t ino = 0) : mode_(mode), rdev_(rdev), ino_(ino) {}
  kiln::Result<void> stat(struct stat* st) override {
    memset(st, 0, sizeof *st);
    st->st_mode = mode_;
    st->st_rdev = rdev_;
    st->st_ino = ino_;
    return {};
  }
  kiln::Result<void> release() override {
    delete this;
    return {};
  }

 private:
  mode_t mode_;
  dev_t rdev_;
  ino_t ino_;
};

int install(kiln::File* f) {
  auto r = kiln::fd_install(f);
  EXPECT_FALSE(r.is_error());
  return r.is_error() ? -1 : r.value();
}

VnodeRef must(const char* path, unsigned flags) {
  auto r = kiln::vfs::resolve(nullptr, path, flags);
  EXPECT_FALSE(r.is_error()) << path << ": errno " << (r.is_error() ? r.error().code() : 0);
  return r.is_error() ? VnodeRef() : r.release_value();
}

// readlink of /proc/self/fd/N (through the /proc/self symlink).
std::string link_of(int fd) {
  std::string p = "/proc/self/fd/" + std::to_string(fd);
  VnodeRef v = must(p.c_str(), 0);
  if (!v) return "missing";
  char buf[512];
  auto r = v->readlink(buf, sizeof buf);
  return r.is_error() ? "error " + std::to_string(r.error().code()) : std::string(buf, r.value());
}

std::set<std::string> listing(const char* path) {
  VnodeRef d = must(path, kiln::vfs::kFollow);
  std::set<std::string> names;
  uint64_t cookie = 0;
  kiln::vfs::DirEntry e;
  while (d && d->readdir(&cookie, &e).value()) {
    names.insert(e.name);
    if (strcmp(e.name, ".") && strcmp(e.name, "..")) {
      EXPECT_EQ(e.type, kiln::vfs::kDtLnk) << e.name;
    }
  }
  return names;
}

kiln::File* open_path(const char* path, int flags) {
  auto r = kiln::vfs::open(nullptr, path, flags, 0644);
  EXPECT_FALSE(r.is_error()) << path << ": errno " << (r.is_error() ? r.error().code() : 0);
  return r.is_error() ? nullptr : r.value();
}

TEST(Procfs, FdListingIsTheOpenDescriptors) {
  EXPECT_EQ(listing("/proc/self/fd"), (std::set<std::string>{".", "..", "0", "1", "2"}));
  int a = install(new Fake(S_IFIFO | 0600)), b = install(new Fake(S_IFSOCK | 0777));
  int c = install(new Fake(0600));
  ASSERT_EQ(a, 3);
  EXPECT_EQ(listing("/proc/1/fd"), (std::set<std::string>{".", "..", "0", "1", "2", "3", "4", "5"}));
  ASSERT_FALSE(kiln::fd_close(b).is_error());  // a hole in the middle
  EXPECT_EQ(listing("/proc/self/fd/"), (std::set<std::string>{".", "..", "0", "1", "2", "3", "5"}));
  EXPECT_EQ(kiln::vfs::resolve(nullptr, "/proc/self/fd/4", 0).error().code(), ENOENT);
  EXPECT_EQ(kiln::vfs::resolve(nullptr, "/proc/self/fd/04", 0).error().code(), ENOENT);
  EXPECT_EQ(kiln::vfs::resolve(nullptr, "/proc/self/fd/x", 0).error().code(), ENOENT);
  ASSERT_FALSE(kiln::fd_close(a).is_error());
  ASSERT_FALSE(kiln::fd_close(c).is_error());
  EXPECT_EQ(listing("/proc/self/fd"), (std::set<std::string>{".", "..", "0", "1", "2"}));
}

TEST(Procfs, ReadlinkNamesEachKind) {
  EXPECT_EQ(link_of(0), "/dev/console");
  auto* pipe = new Fake(S_IFIFO | 0600);
  int p = install(pipe);
  std::string pl = link_of(p);
  EXPECT_EQ(pl.rfind("pipe:[", 0), 0u) << pl;
  EXPECT_EQ(pl.back(), ']');
  EXPECT_EQ(pl, link_of(p));  // the same description, the same number
  int s = install(new Fake(S_IFSOCK | 0777, 0, 4242));
  EXPECT_EQ(link_of(s), "socket:[4242]");  // a real inode number is used
  int e = install(new Fake(0600));
  EXPECT_EQ(link_of(e), "anon_inode:[anon]");
  int n = install(new Fake(S_IFCHR | 0666, 0x109));
  EXPECT_EQ(link_of(n), "/dev/urandom");
  int o = install(new Fake(S_IFCHR | 0666, 0x999));
  EXPECT_EQ(link_of(o), "anon_inode:[chr]");
  for (int fd : {p, s, e, n, o}) ASSERT_FALSE(kiln::fd_close(fd).is_error());
  EXPECT_EQ(kiln::vfs::resolve(nullptr, "/proc/self/fd/3", 0).error().code(), ENOENT);
}

TEST(Procfs, ReadlinkOfVfsFilesIsTheirPath) {
  VnodeRef::adopt(kiln::vfs::root()->mkdir("d1", 2, 0755).value());
  VnodeRef d1 = must("/d1", kiln::vfs::kFollow);
  VnodeRef::adopt(d1->mkdir("d2", 2, 0755).value());
  VnodeRef::adopt(d1->create("other", 5, 0644).value());
  kiln::File* f = open_path("/d1/d2/file.txt", O_CREAT | O_RDWR);
  kiln::File* d = open_path("/d1/d2", O_RDONLY | O_DIRECTORY);
  ASSERT_TRUE(f && d);
  int ff = install(f), fd = install(d);
  (void)f->unref();
  (void)d->unref();
  EXPECT_EQ(link_of(ff), "/d1/d2/file.txt");
  EXPECT_EQ(link_of(fd), "/d1/d2");
  // A short readlink buffer truncates (no NUL, as Linux); the description
  // itself needs room: ERANGE.
  {
    VnodeRef v = must(("/proc/self/fd/" + std::to_string(ff)).c_str(), 0);
    char small[4];
    auto r = v->readlink(small, sizeof small);
    ASSERT_FALSE(r.is_error());
    EXPECT_EQ(std::string(small, r.value()), "/d1/");
    char tiny[8];
    auto g = kiln::fd_get(ff);
    EXPECT_EQ(kiln::vfs::proc_fd_describe(g.value().get(), tiny, sizeof tiny).error().code(), ERANGE);
  }
  // Unlinked while open: no name left.
  VnodeRef d2 = must("/d1/d2", kiln::vfs::kFollow);
  ASSERT_FALSE(d2->unlink("file.txt", 8).is_error());
  EXPECT_EQ(link_of(ff), "anon_inode:[file]");
  ASSERT_FALSE(kiln::fd_close(ff).is_error());
  ASSERT_FALSE(kiln::fd_close(fd).is_error());
}

TEST(Procfs, MeminfoAndCpuinfo) {
  VnodeRef m = must("/proc/meminfo", kiln::vfs::kFollow);
  char buf[512] = {};
  auto r = m->read(buf, sizeof buf - 1, 0);
  ASSERT_FALSE(r.is_error());
  std::string s(buf, r.value());
  EXPECT_NE(s.find("MemTotal:          65536 kB\n"), std::string::npos) << s;
  EXPECT_NE(s.find("MemFree:           40960 kB\n"), std::string::npos) << s;
  EXPECT_NE(s.find("MemAvailable:      40960 kB\n"), std::string::npos) << s;
  // Reads from an offset continue the same text; past the end: 0.
  auto r2 = m->read(buf, sizeof buf, 9);
  ASSERT_FALSE(r2.is_error());
  EXPECT_EQ(std::string(buf, r2.value()), s.substr(9));
  EXPECT_EQ(m->read(buf, sizeof buf, static_cast<off_t>(s.size())).value(), 0u);
  VnodeRef c = must("/proc/cpuinfo", kiln::vfs::kFollow);
  r = c->read(buf, sizeof buf, 0);
  ASSERT_FALSE(r.is_error());
  EXPECT_EQ(std::string(buf, r.value()).rfind("processor\t: 0\n", 0), 0u);
}

TEST(Procfs, ReadOnly) {
  EXPECT_EQ(kiln::vfs::open(nullptr, "/proc/meminfo", O_WRONLY, 0).error().code(), EACCES);
  EXPECT_EQ(kiln::vfs::open(nullptr, "/proc/cpuinfo", O_RDONLY | O_TRUNC, 0).error().code(), EACCES);
  EXPECT_EQ(kiln::vfs::open(nullptr, "/proc/new", O_CREAT | O_WRONLY, 0644).error().code(), EROFS);
  VnodeRef root = must("/proc", kiln::vfs::kFollow);
  EXPECT_EQ(root->mkdir("x", 1, 0755).error().code(), EROFS);
  EXPECT_EQ(root->unlink("meminfo", 7).error().code(), EROFS);
  VnodeRef fd = must("/proc/self/fd", kiln::vfs::kFollow);
  EXPECT_EQ(fd->symlink("9", 1, "x").error().code(), EROFS);
  kiln::File* f = open_path("/proc/meminfo", O_RDONLY);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->write("x", 1).error().code(), EBADF);  // opened read-only
  (void)f->unref();
}

}  // namespace
