// Drives a host folder mounted with vfs.mount=virtiofs:/mnt:TAG:
//   virtiofs read DIR    list DIR/in (sorted) with sizes and checksums,
//                        a symlink's target, a missing name
//   virtiofs write DIR   read as above, then make DIR/out: files,
//                        directories, a symlink, a rename, a hard link, a
//                        truncate, removals and four threads writing at
//                        once (requests in flight together); the host
//                        checks the tree (tests/tools/virtiofs_test.py)
//   virtiofs ro DIR      every kind of write fails with EROFS, reads work
//   virtiofs bench DIR   sequential read of DIR/in/big64 and file creates
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

namespace {

const char* dir;

uint32_t fnv1a(const uint8_t* p, size_t n, uint32_t h = 2166136261u) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

// The byte at offset off of the generated files (the host computes the same).
uint8_t pattern(uint64_t off, unsigned seed) { return static_cast<uint8_t>((off * 31 + off / 4096 + seed * 7) & 0xff); }

int fail(const char* what, const char* path) {
  printf("virtiofs: FAIL %s %s: %s\n", what, path, strerror(errno));
  return 1;
}

char* path(const char* rel) {
  static char buf[8][512];
  static int i = 0;
  char* p = buf[i++ & 7];
  snprintf(p, 512, "%s/%s", dir, rel);
  return p;
}

int checksum_file(const char* p, uint32_t* sum, off_t* size) {
  int fd = open(p, O_RDONLY);
  if (fd < 0) return -1;
  static uint8_t buf[128 * 1024];
  uint32_t h = 2166136261u;
  off_t total = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      close(fd);
      return -1;
    }
    if (n == 0) break;
    h = fnv1a(buf, static_cast<size_t>(n), h);
    total += n;
  }
  close(fd);
  *sum = h;
  *size = total;
  return 0;
}

int do_read() {
  DIR* d = opendir(path("in"));
  if (!d) return fail("opendir", path("in"));
  char names[64][256];
  int n = 0;
  while (struct dirent* e = readdir(d)) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (n < 64) snprintf(names[n++], 256, "%s", e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], [](const void* a, const void* b) { return strcmp((const char*)a, (const char*)b); });
  printf("virtiofs: in has %d entries\n", n);
  for (int i = 0; i < n; ++i) {
    char rel[300];
    snprintf(rel, sizeof rel, "in/%.255s", names[i]);
    struct stat st;
    if (lstat(path(rel), &st) < 0) return fail("lstat", rel);
    if (S_ISLNK(st.st_mode)) {
      char t[256];
      ssize_t k = readlink(path(rel), t, sizeof t - 1);
      if (k < 0) return fail("readlink", rel);
      t[k] = 0;
      printf("virtiofs: %s -> %s\n", rel, t);
    } else if (S_ISDIR(st.st_mode)) {
      printf("virtiofs: %s/ dir\n", rel);
    } else {
      uint32_t h;
      off_t size;
      if (checksum_file(path(rel), &h, &size) < 0) return fail("read", rel);
      if (size != st.st_size) {
        printf("virtiofs: FAIL %s: read %lld bytes, stat says %lld\n", rel, (long long)size, (long long)st.st_size);
        return 1;
      }
      printf("virtiofs: %s %lld bytes fnv1a %08x\n", rel, (long long)size, h);
    }
  }
  struct stat st;
  if (stat(path("in/missing"), &st) == 0 || errno != ENOENT) return fail("stat of a missing name", "in/missing");
  printf("virtiofs: missing name: %s\n", strerror(errno));
  return 0;
}

int write_file(const char* rel, size_t size, unsigned seed) {
  int fd = open(path(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return fail("create", rel);
  static thread_local uint8_t buf[64 * 1024];
  for (size_t off = 0; off < size;) {
    size_t k = size - off < sizeof buf ? size - off : sizeof buf;
    for (size_t i = 0; i < k; ++i) buf[i] = pattern(off + i, seed);
    ssize_t w = write(fd, buf, k);
    if (w != static_cast<ssize_t>(k)) {
      close(fd);
      return fail("write", rel);
    }
    off += k;
  }
  if (fsync(fd) < 0) return fail("fsync", rel);
  close(fd);
  return 0;
}

void* writer(void* arg) {
  unsigned i = static_cast<unsigned>(reinterpret_cast<uintptr_t>(arg));
  char rel[64];
  snprintf(rel, sizeof rel, "out/thread%u.bin", i);
  return reinterpret_cast<void*>(static_cast<uintptr_t>(write_file(rel, 256 * 1024 + i * 1000, 10 + i)));
}

int do_write() {
  if (do_read()) return 1;
  if (mkdir(path("out"), 0755) < 0) return fail("mkdir", "out");
  if (mkdir(path("out/sub"), 0750) < 0) return fail("mkdir", "out/sub");
  int fd = open(path("out/hello.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) return fail("create", "out/hello.txt");
  const char msg[] = "written by kiln over virtio-fs\n";
  if (write(fd, msg, sizeof msg - 1) != static_cast<ssize_t>(sizeof msg - 1)) return fail("write", "out/hello.txt");
  close(fd);
  if (open(path("out/hello.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644) >= 0 || errno != EEXIST)
    return fail("O_EXCL on an existing file", "out/hello.txt");
  if (write_file("out/big.bin", 3 * 1024 * 1024 + 123, 1)) return 1;
  // Read it back through a new descriptor.
  uint32_t h;
  off_t size;
  if (checksum_file(path("out/big.bin"), &h, &size) < 0) return fail("read back", "out/big.bin");
  printf("virtiofs: out/big.bin %lld bytes fnv1a %08x\n", (long long)size, h);
  pthread_t t[4];
  for (unsigned i = 0; i < 4; ++i)
    if (pthread_create(&t[i], nullptr, writer, reinterpret_cast<void*>(static_cast<uintptr_t>(i))))
      return fail("pthread_create", "");
  int bad = 0;
  for (auto& x : t) {
    void* r;
    pthread_join(x, &r);
    bad |= r != nullptr;
  }
  if (bad) return 1;
  printf("virtiofs: 4 threads wrote at once\n");
  if (symlink("sub/moved.txt", path("out/link")) < 0) return fail("symlink", "out/link");
  if (symlink("../in/small.txt", path("out/sub/up")) < 0) return fail("symlink", "out/sub/up");
  if (rename(path("out/hello.txt"), path("out/sub/moved.txt")) < 0) return fail("rename", "out/hello.txt");
  if (link(path("out/sub/moved.txt"), path("out/hard.txt")) < 0) return fail("link", "out/hard.txt");
  if (write_file("out/trunc.bin", 5000, 2)) return 1;
  if (truncate(path("out/trunc.bin"), 1000) < 0) return fail("truncate", "out/trunc.bin");
  if (write_file("out/gone.txt", 10, 3)) return 1;
  if (unlink(path("out/gone.txt")) < 0) return fail("unlink", "out/gone.txt");
  if (mkdir(path("out/gonedir"), 0755) < 0 || rmdir(path("out/gonedir")) < 0) return fail("mkdir+rmdir", "out/gonedir");
  if (rmdir(path("out/sub")) == 0 || errno != ENOTEMPTY) return fail("rmdir of a full directory", "out/sub");
  if (chmod(path("out/sub/moved.txt"), 0600) < 0) return fail("chmod", "out/sub/moved.txt");
  struct stat st;
  if (stat(path("out/link"), &st) < 0 || st.st_size != static_cast<off_t>(sizeof msg - 1))
    return fail("stat through the symlink", "out/link");
  if ((st.st_mode & 07777) != 0600) {
    printf("virtiofs: FAIL mode %o after chmod 600\n", st.st_mode & 07777);
    return 1;
  }
  if (stat(path("out/sub/moved.txt"), &st) < 0 || st.st_nlink != 2) return fail("nlink 2 after link", "out/sub/moved.txt");
  struct statvfs sv;
  if (statvfs(path("out"), &sv) < 0 || sv.f_bsize == 0) return fail("statvfs", "out");
  // Many entries: a listing that spans several READDIR batches.
  for (int i = 0; i < 150; ++i) {
    char rel[64];
    snprintf(rel, sizeof rel, "out/many/entry-with-a-longish-name-%03d", i);
    if (i == 0 && mkdir(path("out/many"), 0755) < 0) return fail("mkdir", "out/many");
    int f = open(path(rel), O_WRONLY | O_CREAT, 0644);
    if (f < 0) return fail("create", rel);
    close(f);
  }
  DIR* d = opendir(path("out/many"));
  if (!d) return fail("opendir", "out/many");
  int n = 0;
  while (struct dirent* e = readdir(d))
    if (strncmp(e->d_name, "entry-", 6) == 0) ++n;
  closedir(d);
  printf("virtiofs: out/many lists %d entries\n", n);
  printf("virtiofs: write ok\n");
  return 0;
}

int expect_erofs(const char* what, int r) {
  if (r == 0 || errno != EROFS) {
    printf("virtiofs: FAIL %s: %s\n", what, r == 0 ? "succeeded" : strerror(errno));
    return 1;
  }
  return 0;
}

int do_ro() {
  if (do_read()) return 1;
  int bad = 0;
  int fd = open(path("in/new.txt"), O_WRONLY | O_CREAT, 0644);
  bad |= expect_erofs("create", fd < 0 ? -1 : 0);
  fd = open(path("in/small.txt"), O_WRONLY);
  if (fd >= 0) {
    bad |= expect_erofs("write", write(fd, "x", 1) < 0 ? -1 : 0);
    close(fd);
  }
  bad |= expect_erofs("mkdir", mkdir(path("in/newdir"), 0755));
  bad |= expect_erofs("unlink", unlink(path("in/small.txt")));
  bad |= expect_erofs("rename", rename(path("in/small.txt"), path("in/other.txt")));
  bad |= expect_erofs("symlink", symlink("x", path("in/newlink")));
  bad |= expect_erofs("chmod", chmod(path("in/small.txt"), 0600));
  bad |= expect_erofs("truncate", truncate(path("in/small.txt"), 0));
  if (bad) return 1;
  printf("virtiofs: read-only: every write refused with %s\n", strerror(EROFS));
  return 0;
}

double now() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int do_bench() {
  int fd = open(path("in/big64"), O_RDONLY);
  if (fd < 0) return fail("open", "in/big64");
  static uint8_t buf[1 << 20];
  double t0 = now();
  size_t total = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) return fail("read", "in/big64");
    if (n == 0) break;
    total += static_cast<size_t>(n);
  }
  double t1 = now();
  close(fd);
  printf("virtiofs: bench read %zu bytes in %.3f s: %.1f MB/s\n", total, t1 - t0, total / 1e6 / (t1 - t0));
  if (mkdir(path("bench"), 0755) < 0) return fail("mkdir", "bench");
  constexpr int kFiles = 500;
  t0 = now();
  for (int i = 0; i < kFiles; ++i) {
    char rel[64];
    snprintf(rel, sizeof rel, "bench/f%04d", i);
    int f = open(path(rel), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (f < 0) return fail("create", rel);
    close(f);
  }
  t1 = now();
  printf("virtiofs: bench created %d files in %.3f s: %.0f files/s\n", kFiles, t1 - t0, kFiles / (t1 - t0));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    printf("usage: virtiofs read|write|ro|bench DIR\n");
    return 2;
  }
  dir = argv[2];
  int r;
  if (!strcmp(argv[1], "read")) r = do_read();
  else if (!strcmp(argv[1], "write")) r = do_write();
  else if (!strcmp(argv[1], "ro")) r = do_ro();
  else if (!strcmp(argv[1], "bench")) r = do_bench();
  else {
    printf("virtiofs: unknown mode %s\n", argv[1]);
    return 2;
  }
  if (r == 0) printf("virtiofs: done\n");
  return r;
}
