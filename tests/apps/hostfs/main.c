/* hostfs from an app: prints one line per fact for tests/tools/hostfs_test.sh.
 *   hostfs rw   the host folder at /host, read-write
 *   hostfs ro   the same folder mounted read-only */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

static void list(const char* path) {
  DIR* d = opendir(path);
  if (!d) {
    printf("hostfs: opendir %s: %s\n", path, strerror(errno));
    return;
  }
  char* names[64];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) && n < 64)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("hostfs: ls %s =", path);
  for (int i = 0; i < n; ++i) printf(" %s", names[i]), free(names[i]);
  printf("\n");
}

static void cat(const char* path) {
  char buf[256];
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("hostfs: cat %s: %s\n", path, strerror(errno));
    return;
  }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  buf[strcspn(buf, "\n")] = 0;
  printf("hostfs: cat %s: %s\n", path, buf);
}

int main(int argc, char** argv) {
  int ro = argc > 1 && strcmp(argv[1], "ro") == 0;
  list("/host");
  cat("/host/in.txt");
  cat("/host/sub/deep.txt");
  /* Escapes: .. at the mount's root is the image's /, symlinks resolve in
   * the image's tree. /etc does not exist in this image. */
  cat("/host/../etc/passwd");
  cat("/host/escape-rel");
  cat("/host/escape-abs");
  cat("/host/sub/../in.txt");
  struct stat st;
  if (stat("/host/in.txt", &st) == 0) printf("hostfs: stat in.txt: %ld bytes, mode %o\n", (long)st.st_size, st.st_mode & 0777);
  struct statvfs sv;
  if (statvfs("/host", &sv) == 0) printf("hostfs: statvfs: %s\n", sv.f_bsize > 0 && sv.f_blocks > 0 ? "sizes" : "empty");
  char cwd[256];
  if (chdir("/host/sub") != 0) printf("hostfs: chdir: %s\n", strerror(errno));
  else if (getcwd(cwd, sizeof cwd)) printf("hostfs: getcwd %s\n", cwd);
  else printf("hostfs: getcwd: %s\n", strerror(errno));
  chdir("/");
  if (ro) {
    int fd = open("/host/new.txt", O_WRONLY | O_CREAT, 0644);
    printf("hostfs: create on a read-only mount: %s\n", fd < 0 ? strerror(errno) : "created");
    return fd < 0 ? 0 : 1;
  }
  if (mkdir("/host/out", 0755) != 0) printf("hostfs: mkdir: %s\n", strerror(errno));
  FILE* f = fopen("/host/out/guest.txt", "w");
  if (!f) {
    printf("hostfs: fopen: %s\n", strerror(errno));
    return 1;
  }
  fprintf(f, "written by the guest\n");
  fclose(f);
  if (rename("/host/out/guest.txt", "/host/out/final.txt") != 0) printf("hostfs: rename: %s\n", strerror(errno));
  if (unlink("/host/victim.txt") != 0) printf("hostfs: unlink: %s\n", strerror(errno));
  if (symlink("final.txt", "/host/out/link") != 0) printf("hostfs: symlink: %s\n", strerror(errno));
  if (truncate("/host/trunc.txt", 3) != 0) printf("hostfs: truncate: %s\n", strerror(errno));
  /* 1 MiB through write and read back. */
  int fd = open("/host/out/big.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);
  static char buf[1 << 20];
  for (size_t i = 0; i < sizeof buf; ++i) buf[i] = (char)(i * 31 + 7);
  ssize_t w = write(fd, buf, sizeof buf);
  memset(buf, 0, sizeof buf);
  ssize_t r = pread(fd, buf, sizeof buf, 0);
  int same = r == (ssize_t)sizeof buf;
  for (size_t i = 0; same && i < sizeof buf; ++i) same = buf[i] == (char)(i * 31 + 7);
  fsync(fd);
  close(fd);
  printf("hostfs: 1 MiB written %zd, read back %s\n", w, same ? "the same" : "different");
  list("/host/out");
  cat("/host/out/link");
  return 0;
}
