/* storebench: 4 KiB file I/O and file creation in one directory. Plain
 * POSIX C + pthreads: the same source builds as a Kiln image (kvm, linuxu),
 * as the static program of the Linux guest and for the host, so
 * `make bench BENCH=storage` compares them in one run (docs/bench.md).
 *
 *   storebench [-s file_mib] [-n ops] [-f files] [-c] [-D] DIR [test...]
 *
 * Tests (default: all of them in this order:
 *   seqwrite randwrite1 randwrite16 drop seqread seqread drop randread1
 *   randread1 drop randread16 randread16 create):
 *   seqwrite     write DIR/storebench.dat (file_mib, default 16) in 4 KiB
 *                writes, then fsync; MB/s (10^6 bytes/s) including the fsync
 *   randwrite1   ops (default 2000) pwrites of 4 KiB at random 4 KiB-aligned
 *                offsets of that file, then fsync; IOPS including the fsync
 *   randwrite16  the same, 16 threads on one descriptor (queue depth 16)
 *   seqread      read the file in 4 KiB reads; MB/s
 *   randread1    ops preads of 4 KiB at random offsets; IOPS
 *   randread16   the same from 16 threads
 *   create       files (default 500) files created, 4 KiB written, closed
 *                in DIR/storebench.d/, then fsync of the directory; files/s
 *                (the files are removed afterwards, not timed)
 *   drop         drop the file's cached pages: with -D, sync and write 3 to
 *                /proc/sys/vm/drop_caches (the Linux guest); else
 *                posix_fadvise(POSIX_FADV_DONTNEED) after fsync where the
 *                libc has it (the host: only this file, not the host's
 *                whole cache); else nothing (Kiln: its filesystem's own
 *                cache policy decides; docs/bench.md)
 * A read is "cold" when a drop (or -c: the caller evicted the file before
 * starting) came before it with no access in between, else "warm".
 * Prints "result <name> <value>" lines and "storebench: ..." notes; exits 1
 * on the first failing call, naming it. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BS 4096
#define QD 16

static const char* dir;
static char path[512];
static size_t file_bytes = (size_t)16 << 20;
static long ops = 2000;
static long nfiles = 500;
static int may_drop_system = 0;
static int cold = 0;  /* the file's pages were dropped and not touched since */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void fail(const char* what, const char* p) {
  printf("storebench: error: %s %s: %s\n", what, p, strerror(errno));
  exit(1);
}

/* xorshift64*: the same offsets on every system for a given seed. */
static uint64_t rnd(uint64_t* s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 2685821657736338717ull;
}

static const char* temp(void) { return cold ? "cold" : "warm"; }

static void seqwrite(void) {
  char* buf = malloc(BS);
  if (!buf) fail("malloc", "");
  memset(buf, 0x5a, BS);
  double t0 = now_s();
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) fail("open", path);
  for (size_t at = 0; at < file_bytes; at += BS) {
    ((uint64_t*)buf)[0] = at;
    if (write(fd, buf, BS) != BS) fail("write", path);
  }
  if (fsync(fd) != 0) fail("fsync", path);
  close(fd);
  printf("result seq_write_MBps %.1f\n", (double)file_bytes / (now_s() - t0) / 1e6);
  free(buf);
  cold = 0;
}

static void seqread(void) {
  char* buf = malloc(BS);
  if (!buf) fail("malloc", "");
  const char* t = temp();
  double t0 = now_s();
  int fd = open(path, O_RDONLY);
  if (fd < 0) fail("open", path);
  size_t got = 0;
  ssize_t r;
  while ((r = read(fd, buf, BS)) > 0) got += (size_t)r;
  if (r < 0) fail("read", path);
  close(fd);
  double dt = now_s() - t0;
  if (got != file_bytes) {
    printf("storebench: error: read %zu bytes of %s, expected %zu (run seqwrite first)\n", got, path, file_bytes);
    exit(1);
  }
  printf("result seq_read_%s_MBps %.1f\n", t, (double)file_bytes / dt / 1e6);
  free(buf);
  cold = 0;
}

struct job {
  int fd, write;
  long n;
  uint64_t seed;
  int err;
};

static void* rand_io(void* arg) {
  struct job* j = arg;
  char* buf = malloc(BS);
  if (!buf) {
    j->err = ENOMEM;
    return NULL;
  }
  memset(buf, 0xa5, BS);
  uint64_t blocks = file_bytes / BS;
  for (long i = 0; i < j->n; i++) {
    off_t at = (off_t)(rnd(&j->seed) % blocks) * BS;
    ssize_t r = j->write ? pwrite(j->fd, buf, BS, at) : pread(j->fd, buf, BS, at);
    if (r != BS) {
      j->err = r < 0 ? errno : EIO;
      break;
    }
  }
  free(buf);
  return NULL;
}

static void randio(int write, int depth) {
  const char* t = temp();
  int fd = open(path, write ? O_RDWR : O_RDONLY);
  if (fd < 0) fail("open", path);
  struct stat st;
  if (fstat(fd, &st) != 0) fail("fstat", path);
  if ((size_t)st.st_size != file_bytes) {
    printf("storebench: error: %s has %lld bytes, expected %zu (run seqwrite first)\n", path,
           (long long)st.st_size, file_bytes);
    exit(1);
  }
  struct job jobs[QD];
  pthread_t th[QD];
  long per = ops / depth;
  double t0 = now_s();
  for (int i = 0; i < depth; i++) {
    jobs[i] = (struct job){fd, write, per, 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1 + depth * 100), 0};
    if (depth == 1) {
      rand_io(&jobs[0]);
    } else if ((errno = pthread_create(&th[i], NULL, rand_io, &jobs[i])) != 0) {
      fail("pthread_create", "");
    }
  }
  if (depth > 1) {
    for (int i = 0; i < depth; i++) pthread_join(th[i], NULL);
  }
  for (int i = 0; i < depth; i++) {
    if (jobs[i].err) {
      errno = jobs[i].err;
      fail(write ? "pwrite" : "pread", path);
    }
  }
  if (write && fsync(fd) != 0) fail("fsync", path);
  double dt = now_s() - t0;
  close(fd);
  if (write) {
    printf("result rand_write_qd%d_iops %.1f\n", depth, (double)(per * depth) / dt);
  } else {
    printf("result rand_read_qd%d_%s_iops %.1f\n", depth, t, (double)(per * depth) / dt);
  }
  cold = 0;
}

static void create_files(void) {
  char d[600], f[700];
  snprintf(d, sizeof d, "%s/storebench.d", dir);
  if (mkdir(d, 0755) != 0 && errno != EEXIST) fail("mkdir", d);
  char* buf = malloc(BS);
  if (!buf) fail("malloc", "");
  memset(buf, 0x33, BS);
  double t0 = now_s();
  for (long i = 0; i < nfiles; i++) {
    snprintf(f, sizeof f, "%s/f%06ld", d, i);
    int fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) fail("open", f);
    if (write(fd, buf, BS) != BS) fail("write", f);
    if (close(fd) != 0) fail("close", f);
  }
  int dfd = open(d, O_RDONLY);
  if (dfd >= 0) {
    fsync(dfd);  /* not every filesystem syncs a directory; not an error */
    close(dfd);
  }
  double dt = now_s() - t0;
  printf("result create_4k_files_per_s %.1f\n", (double)nfiles / dt);
  for (long i = 0; i < nfiles; i++) {
    snprintf(f, sizeof f, "%s/f%06ld", d, i);
    if (unlink(f) != 0) fail("unlink", f);
  }
  if (rmdir(d) != 0) fail("rmdir", d);
  free(buf);
}

static void drop(void) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) fail("open", path);
  fsync(fd);
  if (may_drop_system) {
    sync();
    int p = open("/proc/sys/vm/drop_caches", O_WRONLY);
    if (p >= 0 && write(p, "3\n", 2) == 2) {
      close(p);
      close(fd);
      cold = 1;
      return;
    }
    printf("storebench: -D: cannot write /proc/sys/vm/drop_caches: %s\n", strerror(errno));
    if (p >= 0) close(p);
  }
#ifdef POSIX_FADV_DONTNEED
  if (posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0) {
    close(fd);
    cold = 1;
    return;
  }
#endif
  static int said;
  if (!said++) printf("storebench: drop: no way to drop cached pages here (reads marked cold follow a drop that did nothing)\n");
  close(fd);
  cold = 1;
}

int main(int argc, char** argv) {
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char* o = argv[i];
    if (!strcmp(o, "-c")) {
      cold = 1;
    } else if (!strcmp(o, "-D")) {
      may_drop_system = 1;
    } else if ((!strcmp(o, "-s") || !strcmp(o, "-n") || !strcmp(o, "-f")) && i + 1 < argc) {
      long v = atol(argv[++i]);
      if (v <= 0) {
        printf("storebench: %s wants a positive number\n", o);
        return 2;
      }
      if (o[1] == 's') file_bytes = (size_t)v << 20;
      if (o[1] == 'n') ops = v < QD ? QD : v;
      if (o[1] == 'f') nfiles = v;
    } else {
      printf("usage: storebench [-s file_mib] [-n ops] [-f files] [-c] [-D] DIR [test...]\n");
      return 2;
    }
  }
  if (i >= argc) {
    printf("usage: storebench [-s file_mib] [-n ops] [-f files] [-c] [-D] DIR [test...]\n");
    return 2;
  }
  dir = argv[i++];
  snprintf(path, sizeof path, "%s/storebench.dat", dir);
  static const char* all[] = {"seqwrite", "randwrite1", "randwrite16", "drop", "seqread", "seqread",
                              "drop", "randread1", "randread1", "drop", "randread16", "randread16",
                              "create"};
  const char** tests = (const char**)&argv[i];
  int n = argc - i;
  if (n == 0) {
    tests = all;
    n = (int)(sizeof all / sizeof all[0]);
  }
  printf("storebench: %s, file %zu MiB, %ld random ops, %ld files\n", dir, file_bytes >> 20, ops, nfiles);
  for (int k = 0; k < n; k++) {
    const char* t = tests[k];
    if (!strcmp(t, "seqwrite")) seqwrite();
    else if (!strcmp(t, "seqread")) seqread();
    else if (!strcmp(t, "randwrite1")) randio(1, 1);
    else if (!strcmp(t, "randwrite16")) randio(1, QD);
    else if (!strcmp(t, "randread1")) randio(0, 1);
    else if (!strcmp(t, "randread16")) randio(0, QD);
    else if (!strcmp(t, "create")) create_files();
    else if (!strcmp(t, "drop")) drop();
    else if (!strcmp(t, "clean")) unlink(path);
    else {
      printf("storebench: unknown test %s\n", t);
      return 2;
    }
    fflush(stdout);
  }
  printf("storebench: done\n");
  return 0;
}
