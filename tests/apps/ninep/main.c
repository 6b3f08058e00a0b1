/* 9p from an app: prints one line per fact for tests/tools/ninep_share.py.
 *   ninep rw      the share at /share, read-write: read what the host wrote,
 *                 write files, directories, symlinks, renames for the host
 *   ninep ro      the same share mounted ,ro: reads work, writes EROFS
 *   ninep bench   sequential read of /share/big.bin, file create rate */
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

#include "../common/fsprint.h"

static void list(const char* path) { fsprint_list("9p", path); }
static void cat(const char* path) { fsprint_cat("9p", path); }

static uint32_t fnv1a(const unsigned char* p, size_t n, uint32_t h) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* The file's fnv1a and size, read in pieces of `piece` bytes. */
static int sum_file(const char* path, size_t piece, uint32_t* h, size_t* size) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  unsigned char* buf = malloc(piece);
  *h = 2166136261u;
  *size = 0;
  ssize_t n;
  while ((n = read(fd, buf, piece)) > 0) *h = fnv1a(buf, (size_t)n, *h), *size += (size_t)n;
  free(buf);
  close(fd);
  return n < 0 ? -1 : 0;
}

static uint32_t want_sum;
static size_t want_size;
static void* reader(void* arg) {
  uintptr_t ok = 1;
  for (int i = 0; i < 3; ++i) {
    uint32_t h;
    size_t n;
    if (sum_file("/share/in.bin", 4096 * (1 + (size_t)(uintptr_t)arg), &h, &n) || h != want_sum || n != want_size) ok = 0;
  }
  return (void*)ok;
}

static void write_str(const char* path, const char* s) {
  FILE* f = fopen(path, "w");
  if (!f) {
    printf("9p: fopen %s: %s\n", path, strerror(errno));
    return;
  }
  fputs(s, f);
  fclose(f);
}

static int bench(void) {
  static unsigned char buf[1 << 20];
  double best = 0;
  size_t total = 0;
  /* Three passes over the 64 MiB file in 1 MiB reads; the best counts. */
  for (int pass = 0; pass < 3; ++pass) {
    int fd = open("/share/big.bin", O_RDONLY);
    if (fd < 0) {
      printf("9p: bench: open big.bin: %s\n", strerror(errno));
      return 1;
    }
    double t0 = now();
    ssize_t n;
    total = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0) total += (size_t)n;
    double t1 = now();
    close(fd);
    double mbs = total / (t1 - t0) / 1e6;
    printf("9p: bench: pass %d: read %zu bytes sequentially in %.3f s: %.1f MB/s\n", pass + 1, total, t1 - t0, mbs);
    if (mbs > best) best = mbs;
  }
  printf("9p: bench: sequential read, best of 3: %.1f MB/s\n", best);
  double t0, t1;
  mkdir("/share/many", 0755);
  char name[64];
  t0 = now();
  int made = 0;
  for (int i = 0; i < 1000; ++i) {
    snprintf(name, sizeof name, "/share/many/f%04d", i);
    int f = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (f < 0) break;
    close(f);
    ++made;
  }
  t1 = now();
  printf("9p: bench: created %d files in %.3f s: %.0f files/s\n", made, t1 - t0, made / (t1 - t0));
  return total ? 0 : 1;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "rw";
  if (strcmp(mode, "bench") == 0) return bench();
  int ro = strcmp(mode, "ro") == 0;
  list("/share");
  cat("/share/hello.txt");
  cat("/share/sub/deep.txt");
  cat("/share/sub/fifo"); /* a host FIFO: never opened (QEMU would block) */
  cat("/share/link-to-hello");
  struct stat st;
  if (stat("/share/hello.txt", &st) == 0) printf("9p: stat hello.txt: %ld bytes, mode %o\n", (long)st.st_size, st.st_mode & 0777);
  if (lstat("/share/link-to-hello", &st) == 0) printf("9p: lstat link-to-hello: %s\n", S_ISLNK(st.st_mode) ? "symlink" : "not a symlink");
  struct statvfs sv;
  if (statvfs("/share", &sv) == 0) printf("9p: statvfs: %s%s\n", sv.f_bsize > 0 && sv.f_blocks > 0 ? "sizes" : "empty", (sv.f_flag & ST_RDONLY) ? ", read-only" : "");
  /* The host's 3 MiB file, read whole in pieces of 64 KiB, then by four threads at once. */
  if (sum_file("/share/in.bin", 65536, &want_sum, &want_size) == 0)
    printf("9p: in.bin %zu bytes fnv1a %08x\n", want_size, want_sum);
  else
    printf("9p: in.bin: %s\n", strerror(errno));
  pthread_t th[4];
  for (uintptr_t i = 0; i < 4; ++i) pthread_create(&th[i], NULL, reader, (void*)i);
  int all = 1;
  for (int i = 0; i < 4; ++i) {
    void* r;
    pthread_join(th[i], &r);
    all = all && r;
  }
  printf("9p: 4 threads read in.bin 3 times each: %s\n", all ? "the same" : "DIFFERENT");
  char cwd[256];
  if (chdir("/share/sub") != 0) printf("9p: chdir: %s\n", strerror(errno));
  else if (getcwd(cwd, sizeof cwd)) printf("9p: getcwd %s\n", cwd);
  else printf("9p: getcwd: %s\n", strerror(errno));
  chdir("/");
  cat("/share/../share/hello.txt");
  if (ro) {
    int fd = open("/share/new.txt", O_WRONLY | O_CREAT, 0644);
    printf("9p: create on a read-only share: %s\n", fd < 0 ? strerror(errno) : "created");
    int m = mkdir("/share/newdir", 0755);
    printf("9p: mkdir on a read-only share: %s\n", m < 0 ? strerror(errno) : "made");
    int u = unlink("/share/hello.txt");
    printf("9p: unlink on a read-only share: %s\n", u < 0 ? strerror(errno) : "removed");
    fd = open("/share/hello.txt", O_WRONLY);
    printf("9p: open for writing on a read-only share: %s\n", fd < 0 ? strerror(errno) : "opened");
    return 0;
  }
  if (mkdir("/share/out", 0755) != 0) printf("9p: mkdir: %s\n", strerror(errno));
  if (mkdir("/share/out/dir/", 0700) != 0) printf("9p: mkdir out/dir: %s\n", strerror(errno));
  write_str("/share/out/guest.txt", "written by the guest\n");
  if (rename("/share/out/guest.txt", "/share/out/final.txt") != 0) printf("9p: rename: %s\n", strerror(errno));
  if (rename("/share/victim.txt", "/share/out/dir/moved.txt") != 0) printf("9p: rename across dirs: %s\n", strerror(errno));
  if (symlink("final.txt", "/share/out/link") != 0) printf("9p: symlink: %s\n", strerror(errno));
  if (link("/share/out/final.txt", "/share/out/hard") != 0) printf("9p: link: %s\n", strerror(errno));
  if (truncate("/share/trunc.txt", 3) != 0) printf("9p: truncate: %s\n", strerror(errno));
  if (chmod("/share/out/final.txt", 0640) != 0) printf("9p: chmod: %s\n", strerror(errno));
  if (unlink("/share/gone.txt") != 0) printf("9p: unlink: %s\n", strerror(errno));
  if (rmdir("/share/emptydir") != 0) printf("9p: rmdir: %s\n", strerror(errno));
  printf("9p: rmdir of a non-empty directory: %s\n", rmdir("/share/sub") < 0 ? strerror(errno) : "removed");
  printf("9p: create over an existing file with O_EXCL: %s\n",
         open("/share/hello.txt", O_WRONLY | O_CREAT | O_EXCL, 0644) < 0 ? strerror(errno) : "created");
  char lnk[64] = {0};
  ssize_t ln = readlink("/share/out/link", lnk, sizeof lnk - 1);
  printf("9p: readlink out/link: %s\n", ln > 0 ? lnk : strerror(errno));
  /* 1 MiB + 3 bytes through write (an odd tail) and read back. */
  size_t big = (1 << 20) + 3;
  unsigned char* buf = malloc(big);
  for (size_t i = 0; i < big; ++i) buf[i] = (unsigned char)(i * 31 + 7);
  int fd = open("/share/out/big.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);
  ssize_t w = write(fd, buf, big);
  memset(buf, 0, big);
  ssize_t r = pread(fd, buf, big, 0);
  int same = r == (ssize_t)big;
  for (size_t i = 0; same && i < big; ++i) same = buf[i] == (unsigned char)(i * 31 + 7);
  printf("9p: fsync: %s\n", fsync(fd) == 0 ? "ok" : strerror(errno));
  close(fd);
  free(buf);
  printf("9p: %zu bytes written %zd, read back %s\n", big, w, same ? "the same" : "different");
  /* Many files in one directory: the listing spans several Treaddir replies. */
  mkdir("/share/out/many", 0755);
  char name[64];
  for (int i = 0; i < 200; ++i) {
    snprintf(name, sizeof name, "/share/out/many/entry-with-a-longish-name-%03d", i);
    int f = open(name, O_WRONLY | O_CREAT, 0644);
    if (f >= 0) write(f, name, strlen(name)), close(f);
  }
  DIR* d = opendir("/share/out/many");
  int count = 0;
  struct dirent* e;
  while (d && (e = readdir(d))) count += strncmp(e->d_name, "entry-", 6) == 0;
  if (d) closedir(d);
  printf("9p: out/many lists %d entries\n", count);
  list("/share/out");
  cat("/share/out/link");
  return 0;
}
