// The descriptor table (lib/fdtab/src/fdtab.cpp) built for the host: the
// console on 0-2 after the init table ran, lowest free slot, min_fd,
// install_at, dup, dup2, close, references (release runs once, on the last
// one) and the EBADF/EMFILE/EINVAL paths. One table per process (its own
// executable, host_fdtab_tests); each test closes what it opened.
#include "fake_plat.h"

#include <kiln/config.h>
#include <kiln/file.h>
#include <kiln/init.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" const kiln_init_entry __kiln_init_start[], __kiln_init_end[];

// What the growing table needs besides fake_plat: its memory from the
// host's allocator, its fd.max= parser, and readiness waits (never
// reached here: nothing polls).
extern "C" {
void* kiln_calloc(size_t n, size_t size) { return calloc(n, size); }
void kiln_free(void* p) { free(p); }
int kiln_parse_ulong(const char* s, unsigned long* out) {
  char* end;
  *out = strtoul(s, &end, 0);
  return *s && !*end ? 0 : -EINVAL;
}
void kiln_plat_wait_event(uint64_t) {}
void kiln_plat_wake_event(void) {}
}

namespace {

constexpr int kMax = CONFIG_LIBFDTAB_MAX;

class FdEnv : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_EQ(kiln_run_inits(__kiln_init_start, __kiln_init_end), 0); }
};
const auto* env = ::testing::AddGlobalTestEnvironment(new FdEnv);

// A file that counts its releases; release can be told to fail.
class TestFile final : public kiln::File {
 public:
  kiln::Result<size_t> write(const void*, size_t n) override {
    written += n;
    return kiln::Ok(n);
  }
  kiln::Result<void> release() override {
    ++released;
    if (fail_release) return kiln::Error(EIO);
    return {};
  }
  int released = 0;
  bool fail_release = false;
  size_t written = 0;
};

int install(kiln::File& f, int min_fd = 0) {
  auto r = kiln::fd_install(&f, min_fd);
  return r.is_error() ? -r.error().code() : r.value();
}
int err(const kiln::Result<void>& r) { return r.is_error() ? r.error().code() : 0; }
template <typename T>
int err(const kiln::Result<T>& r) {
  return r.is_error() ? r.error().code() : 0;
}
bool open_fd(int fd) { return kiln::fd_get(fd).ok(); }

TEST(FdTable, StdioIsTheConsole) {
  for (int fd = 0; fd < 3; ++fd) {
    auto f = kiln::fd_get(fd);
    ASSERT_TRUE(f.ok()) << fd;
    EXPECT_EQ(&*f.value(), &kiln::console_file());
    EXPECT_TRUE(f.value()->isatty());
  }
  fake::console().clear();
  auto out = kiln::fd_get(1);
  ASSERT_TRUE(out.ok());
  auto n = out.value()->write("hi\n", 3);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 3u);
  EXPECT_EQ(fake::console(), "hi\n");
  EXPECT_FALSE(open_fd(3));
}

TEST(FdTable, InstallTakesTheLowestFreeSlot) {
  TestFile f;
  EXPECT_EQ(install(f), 3);
  EXPECT_EQ(install(f), 4);
  EXPECT_EQ(install(f), 5);
  EXPECT_TRUE(kiln::fd_close(4).ok());
  EXPECT_EQ(install(f), 4);  // the hole first
  EXPECT_EQ(install(f, 10), 10);  // min_fd
  EXPECT_EQ(install(f, 10), 11);
  EXPECT_EQ(install(f, 4), 6);
  for (int fd : {3, 4, 5, 6, 10, 11}) EXPECT_TRUE(kiln::fd_close(fd).ok()) << fd;
  EXPECT_EQ(f.released, 1);  // once, on the last close
}

TEST(FdTable, InstallRejectsBadMinimum) {
  TestFile f;
  EXPECT_EQ(install(f, -1), -EINVAL);
  EXPECT_EQ(install(f, kMax), -EINVAL);
  EXPECT_EQ(install(f, kMax - 1), kMax - 1);
  EXPECT_TRUE(kiln::fd_close(kMax - 1).ok());
  EXPECT_EQ(f.released, 1);
}

TEST(FdTable, FullTableIsEmfileAndTakesNoReference) {
  TestFile f;
  std::vector<int> fds;
  for (;;) {
    int fd = install(f);
    if (fd < 0) {
      EXPECT_EQ(fd, -EMFILE);
      break;
    }
    fds.push_back(fd);
  }
  EXPECT_EQ(fds.size(), size_t(kMax - 3));
  EXPECT_EQ(err(kiln::fd_dup(1)), EMFILE);
  EXPECT_EQ(install(f, kMax - 1), -EMFILE);
  for (int fd : fds) EXPECT_TRUE(kiln::fd_close(fd).ok());
  EXPECT_EQ(f.released, 1);  // the failed installs took no reference
}

TEST(FdTable, BadDescriptorsAreEbadf) {
  for (int fd : {-1, 3, kMax, kMax + 100}) {
    EXPECT_EQ(err(kiln::fd_get(fd)), EBADF) << fd;
    EXPECT_EQ(err(kiln::fd_close(fd)), EBADF) << fd;
    EXPECT_EQ(err(kiln::fd_dup(fd)), EBADF) << fd;
    EXPECT_EQ(err(kiln::fd_dup2(fd, 5)), EBADF) << fd;
  }
  TestFile f;
  EXPECT_EQ(err(kiln::fd_install_at(-1, &f)), EBADF);
  EXPECT_EQ(err(kiln::fd_install_at(kMax, &f)), EBADF);
  EXPECT_EQ(err(kiln::fd_dup2(1, -1)), EBADF);
  EXPECT_EQ(err(kiln::fd_dup2(1, kMax)), EBADF);
  EXPECT_EQ(f.released, 0);
}

TEST(FdTable, CloseTwiceIsEbadf) {
  TestFile f;
  int fd = install(f);
  ASSERT_GE(fd, 3);
  EXPECT_TRUE(kiln::fd_close(fd).ok());
  EXPECT_EQ(f.released, 1);
  EXPECT_EQ(err(kiln::fd_close(fd)), EBADF);
  EXPECT_EQ(f.released, 1);
}

TEST(FdTable, CloseReportsTheReleaseError) {
  TestFile f;
  f.fail_release = true;
  int fd = install(f);
  EXPECT_EQ(err(kiln::fd_close(fd)), EIO);
  EXPECT_FALSE(open_fd(fd));  // closed all the same
}

TEST(FdTable, DupSharesTheFile) {
  TestFile f;
  int a = install(f);
  auto b = kiln::fd_dup(a);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value(), a + 1);
  EXPECT_TRUE(kiln::fd_close(a).ok());
  EXPECT_EQ(f.released, 0);  // b still refers to it
  auto g = kiln::fd_get(b.value());
  ASSERT_TRUE(g.ok());
  ASSERT_TRUE(g.value()->write("abc", 3).ok());
  EXPECT_EQ(f.written, 3u);
  EXPECT_TRUE(kiln::fd_close(b.value()).ok());
  EXPECT_EQ(f.released, 0);  // g holds a reference for the rest of the call
  { auto drop = std::move(g); }
  EXPECT_EQ(f.released, 1);
}

TEST(FdTable, Dup2ReplacesAndClosesTheTarget) {
  TestFile f, g;
  int a = install(f), b = install(g);
  auto r = kiln::fd_dup2(a, b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), b);
  EXPECT_EQ(g.released, 1);  // the target's file lost its only descriptor
  EXPECT_EQ(&*kiln::fd_get(b).value(), &f);
  // Onto a free slot, and beyond the lowest free one.
  EXPECT_EQ(kiln::fd_dup2(a, kMax - 1).value_or(-1), kMax - 1);
  EXPECT_EQ(&*kiln::fd_get(kMax - 1).value(), &f);
  for (int fd : {a, b, kMax - 1}) EXPECT_TRUE(kiln::fd_close(fd).ok());
  EXPECT_EQ(f.released, 1);
}

TEST(FdTable, Dup2OntoItselfChangesNothing) {
  TestFile f;
  int a = install(f);
  EXPECT_EQ(kiln::fd_dup2(a, a).value_or(-1), a);
  EXPECT_EQ(f.released, 0);
  EXPECT_TRUE(kiln::fd_close(a).ok());
  EXPECT_EQ(f.released, 1);
  EXPECT_EQ(err(kiln::fd_close(a)), EBADF);  // one descriptor, not two
}

TEST(FdTable, Dup2OfTheSameFileKeepsIt) {
  TestFile f;
  int a = install(f), b = install(f);
  EXPECT_EQ(kiln::fd_dup2(a, b).value_or(-1), b);
  EXPECT_EQ(f.released, 0);  // the old reference was to the same file
  EXPECT_TRUE(kiln::fd_close(a).ok());
  EXPECT_TRUE(kiln::fd_close(b).ok());
  EXPECT_EQ(f.released, 1);
}

// POSIX dup2: "If fildes2 is already a valid open file descriptor, it shall
// be closed first"; an error closing it is not dup2's failure (Linux:
// "errors ... at close are lost"). The new descriptor is in place, so
// reporting EIO would tell the caller the dup did not happen.
TEST(FdTable, Dup2SucceedsEvenIfClosingTheTargetFails) {
  TestFile f, g;
  g.fail_release = true;
  int a = install(f), b = install(g);
  auto r = kiln::fd_dup2(a, b);
  EXPECT_TRUE(r.ok()) << "dup2 reported " << err(r);
  EXPECT_EQ(g.released, 1);
  EXPECT_EQ(&*kiln::fd_get(b).value(), &f);
  EXPECT_TRUE(kiln::fd_close(a).ok());
  EXPECT_TRUE(kiln::fd_close(b).ok());
}

// Redirecting stdout (the console file is static: never released).
TEST(FdTable, RedirectStdoutAndBack) {
  TestFile f;
  int a = install(f);
  int saved = kiln::fd_dup(1).value_or(-1);
  ASSERT_GE(saved, 3);
  ASSERT_TRUE(kiln::fd_dup2(a, 1).ok());
  fake::console().clear();
  ASSERT_TRUE(kiln::fd_get(1).value()->write("to file", 7).ok());
  EXPECT_EQ(f.written, 7u);
  EXPECT_EQ(fake::console(), "");
  ASSERT_TRUE(kiln::fd_dup2(saved, 1).ok());
  EXPECT_EQ(&*kiln::fd_get(1).value(), &kiln::console_file());
  EXPECT_TRUE(kiln::fd_close(saved).ok());
  EXPECT_TRUE(kiln::fd_close(a).ok());
  EXPECT_EQ(f.released, 1);
}

}  // namespace
