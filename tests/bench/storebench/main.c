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
 *   verify       (not in the default list; a correctness check, not timed)
 *                the file rewritten with each 8-byte word saying its block
 *                and a generation, then 15 threads pread 4 KiB (aligned
 *                and not) at random while one thread rewrites random
 *                blocks with newer generations: every word read must name
 *                its own block and a generation written; then the whole
 *                file is checked against the last generations and its
 *                FNV-1a 64 printed ("storebench: verify: ok fnv1a64 X")
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

/* --- verify ------------------------------------------------------------- */
static uint32_t* vgen;          /* the generation last written, per block */
static volatile int vwriting;   /* the writer is still going */
static volatile long vbad;

static void stamp(uint64_t* b, uint64_t blk, uint32_t gen) {
  for (int i = 0; i < BS / 8; i++) b[i] = blk << 32 | gen;
}

/* Words of a read at byte offset at: each names its block, with a
 * generation no newer than the writer's counter allows and no older than
 * the last write of that block that had returned before the read began
 * (lo[k] for the k-th block of the read, k < 3). */
static int check_words(const uint64_t* w, size_t n, off_t at, uint32_t maxgen, const uint32_t* lo) {
  uint64_t first = (uint64_t)at / BS;
  for (size_t i = 0; i < n; i++) {
    uint64_t o = (uint64_t)at + i * 8, blk = o / BS;
    uint32_t min = lo[blk - first];
    if (w[i] >> 32 != blk || (uint32_t)w[i] > maxgen || (uint32_t)w[i] < min) {
      if ((uint32_t)w[i] < min && w[i] >> 32 == blk)
        printf("storebench: error: verify: a stale read: generation %u after %u was written\n", (unsigned)w[i], min);
      printf("storebench: error: verify: word at %llu says block %llu gen %u (block %llu, gens <= %u)\n",
             (unsigned long long)o, (unsigned long long)(w[i] >> 32), (unsigned)w[i], (unsigned long long)blk,
             maxgen);
      return -1;
    }
  }
  return 0;
}

static volatile uint32_t vmaxgen;

static void* vreader(void* arg) {
  struct job* j = arg;
  uint64_t* buf = malloc(2 * BS);
  if (!buf) {
    j->err = ENOMEM;
    return NULL;
  }
  uint64_t blocks = file_bytes / BS;
  for (long i = 0; i < j->n && !vbad; i++) {
    uint64_t r = rnd(&j->seed);
    off_t at = (off_t)(r % blocks) * BS;
    size_t len = BS;
    if (r & 1) {  /* unaligned: 8-byte words across two blocks */
      at += (off_t)((r >> 8) % (BS / 8)) * 8;
      len = BS + 8 * ((r >> 20) % 64);  /* spans three blocks at most */
      if ((uint64_t)at + len > file_bytes) len = file_bytes - (size_t)at;
    }
    uint64_t b0 = (uint64_t)at / BS;
    uint32_t lo[3];
    for (int k = 0; k < 3; k++) lo[k] = b0 + k < blocks ? __atomic_load_n(&vgen[b0 + k], __ATOMIC_SEQ_CST) : 0;
    ssize_t got = pread(j->fd, buf, len, at);
    uint32_t maxgen2 = vmaxgen;
    if (got != (ssize_t)len) {
      j->err = got < 0 ? errno : EIO;
      break;
    }
    if (check_words(buf, len / 8, at, maxgen2, lo)) {
      vbad = 1;
      break;
    }
  }
  free(buf);
  return NULL;
}

static void* vwriter(void* arg) {
  struct job* j = arg;
  uint64_t* buf = malloc(BS);
  if (!buf) {
    j->err = ENOMEM;
    return NULL;
  }
  uint64_t blocks = file_bytes / BS;
  for (long i = 0; i < j->n && !vbad; i++) {
    uint64_t blk = rnd(&j->seed) % blocks;
    uint32_t g = vmaxgen + 1;
    vmaxgen = g;  /* before the write: a reader may see it from now on */
    stamp(buf, blk, g);
    if (pwrite(j->fd, buf, BS, (off_t)blk * BS) != BS) {
      j->err = errno ? errno : EIO;
      break;
    }
    __atomic_store_n(&vgen[blk], g, __ATOMIC_SEQ_CST);  /* returned: readers from now on see g or newer */
    if (i % 64 == 63 && fsync(j->fd) != 0) {
      j->err = errno;
      break;
    }
  }
  vwriting = 0;
  free(buf);
  return NULL;
}

static void verify(void) {
  uint64_t blocks = file_bytes / BS;
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) fail("open", path);
  uint64_t* buf = malloc(BS);
  vgen = calloc(blocks, sizeof *vgen);
  if (!buf || !vgen) fail("malloc", "");
  for (uint64_t b = 0; b < blocks; b++) {
    stamp(buf, b, 0);
    if (write(fd, buf, BS) != BS) fail("write", path);
  }
  if (fsync(fd) != 0) fail("fsync", path);
  vmaxgen = 0;
  vbad = 0;
  vwriting = 1;
  struct job jobs[QD];
  pthread_t th[QD];
  for (int i = 0; i < QD; i++) {
    jobs[i] = (struct job){fd, i == 0, i == 0 ? ops / 4 : ops, 0x9e3779b97f4a7c15ull * (uint64_t)(i + 7), 0};
    if ((errno = pthread_create(&th[i], NULL, i == 0 ? vwriter : vreader, &jobs[i])) != 0) fail("pthread_create", "");
  }
  for (int i = 0; i < QD; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < QD; i++) {
    if (jobs[i].err) {
      errno = jobs[i].err;
      fail(i == 0 ? "verify: pwrite" : "verify: pread", path);
    }
  }
  if (vbad) exit(1);
  if (fsync(fd) != 0) fail("fsync", path);
  close(fd);
  /* The whole file again, sequentially, from a new descriptor. */
  fd = open(path, O_RDONLY);
  if (fd < 0) fail("open", path);
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint64_t b = 0; b < blocks; b++) {
    if (read(fd, buf, BS) != BS) fail("verify: read", path);
    for (int i = 0; i < BS / 8; i++) {
      if (buf[i] != (b << 32 | vgen[b])) {
        printf("storebench: error: verify: block %llu word %d is %llx, expected gen %u\n", (unsigned long long)b, i,
               (unsigned long long)buf[i], vgen[b]);
        exit(1);
      }
    }
    const unsigned char* p = (const unsigned char*)buf;
    for (int i = 0; i < BS; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  }
  close(fd);
  printf("storebench: verify: ok fnv1a64 %016llx after %u rewrites and %ld reads\n", (unsigned long long)h,
         (unsigned)vmaxgen, ops * (QD - 1));
  free(buf);
  free(vgen);
  cold = 0;
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
    else if (!strcmp(t, "verify")) verify();
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
