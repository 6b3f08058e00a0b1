/* vfsbench: file throughput and metadata rates in one directory. Plain
 * POSIX C: the same source builds for Kiln (ramfs, /tmp) and for the host
 * (a tmpfs), so `make bench` compares them in one run.
 *
 *   vfsbench [dir [file_mib [total_mib]]]      (default: /tmp 16 64)
 *
 * Sequential write and read of a file_mib file in 4 KiB and in 1 MiB
 * blocks, total_mib moved per measurement (the file rewritten with O_TRUNC
 * / read again from the start); create+unlink of empty files; stat of one
 * file. Prints "result <name> <value>" (MB/s are 10^6 bytes per second). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char* what, const char* path) {
  printf("error: %s %s failed\n", what, path);
  exit(1);
}

static char* buf;

/* MB/s writing total bytes: passes of file bytes in blocks of bs. */
static double seq_write(const char* path, size_t file, size_t total, size_t bs) {
  double t0 = now_s();
  for (size_t done = 0; done < total; done += file) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("open", path);
    for (size_t at = 0; at < file; at += bs) {
      if (write(fd, buf, bs) != (ssize_t)bs) die("write", path);
    }
    close(fd);
  }
  return (double)total / (now_s() - t0) / 1e6;
}

static double seq_read(const char* path, size_t file, size_t total, size_t bs) {
  double t0 = now_s();
  for (size_t done = 0; done < total; done += file) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) die("open", path);
    size_t got = 0;
    ssize_t r;
    while ((r = read(fd, buf, bs)) > 0) got += (size_t)r;
    if (got != file) die("read", path);
    close(fd);
  }
  return (double)total / (now_s() - t0) / 1e6;
}

static double create_unlink(const char* dir, int n) {
  char path[512];
  double t0 = now_s();
  for (int i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s/f%d", dir, i);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) die("create", path);
    close(fd);
    if (unlink(path) != 0) die("unlink", path);
  }
  return n / (now_s() - t0);
}

static double stat_rate(const char* path, int n) {
  struct stat st;
  double t0 = now_s();
  for (int i = 0; i < n; i++) {
    if (stat(path, &st) != 0) die("stat", path);
  }
  return n / (now_s() - t0);
}

int main(int argc, char* argv[]) {
  const char* dir = argc > 1 ? argv[1] : "/tmp";
  size_t file = (size_t)(argc > 2 ? atoi(argv[2]) : 16) << 20;
  size_t total = (size_t)(argc > 3 ? atoi(argv[3]) : 64) << 20;
  if (file == 0 || total < file) die("arguments", dir);
  buf = malloc(1 << 20);
  if (!buf) die("malloc", "");
  memset(buf, 0x5a, 1 << 20);
  char path[512];
  snprintf(path, sizeof path, "%s/vfsbench.dat", dir);
  printf("result write_4k_MBps %.1f\n", seq_write(path, file, total, 4096));
  printf("result read_4k_MBps %.1f\n", seq_read(path, file, total, 4096));
  printf("result write_1m_MBps %.1f\n", seq_write(path, file, total, 1 << 20));
  printf("result read_1m_MBps %.1f\n", seq_read(path, file, total, 1 << 20));
  unlink(path);
  printf("result create_unlink_per_s %.0f\n", create_unlink(dir, 20000));
  snprintf(path, sizeof path, "%s/vfsbench.stat", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) die("create", path);
  close(fd);
  printf("result stat_per_s %.0f\n", stat_rate(path, 200000));
  unlink(path);
  free(buf);
  return 0;
}
