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

#include "../common/fsprint.h"

static void list(const char* path) { fsprint_list("hostfs", path); }
static void cat(const char* path) { fsprint_cat("hostfs", path); }

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
