/* mm: memory mappings as an app sees them (issue 14; docs/libc.md "Memory
 * mapping"). One line per check ("ok: ..." or "FAIL: ..."), then
 * "mm: N passed, M failed"; exit status 0 only if every check held.
 *
 *   mm            every check below
 *   mm rdonly     mprotect(PROT_READ), then a write: crashes (status 125)
 *   mm none       a PROT_NONE mapping, then a read: crashes
 *   mm hole       munmap the middle page, then touch it: crashes
 *   mm exhaust    2 MiB mappings until ENOMEM, a page of each made
 *                 read-only (on kvm/xen each splits a large page: the
 *                 page tables need pages from the heap), all unmapped
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <kiln/alloc.h>
#include <kiln/mm.h>

#define PG 4096

static int passed, failed;

static void check(int ok, const char* what) {
  if (ok) {
    ++passed;
    printf("ok: %s\n", what);
  } else {
    ++failed;
    printf("FAIL: %s (errno %d: %s)\n", what, errno, strerror(errno));
  }
}

static int all(const unsigned char* p, size_t n, unsigned char c) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != c) return 0;
  return 1;
}

static unsigned char pat(size_t i) { return (unsigned char)(i * 7 + 3); }

static int is_pat(const unsigned char* p, size_t n, size_t from) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != pat(from + i)) return 0;
  return 1;
}

static void anonymous(void) {
  unsigned char* p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  check(p != MAP_FAILED && ((uintptr_t)p & (PG - 1)) == 0, "mmap anonymous private: page aligned");
  if (p == MAP_FAILED) return;
  check(all(p, 3 * PG, 0), "a new mapping reads zeros");
  for (size_t i = 0; i < 3 * PG; ++i) p[i] = pat(i);
  check(is_pat(p, 3 * PG, 0), "what was written reads back");
  check(munmap(p, 3 * PG) == 0, "munmap");

  unsigned char* s = mmap(NULL, 5000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
  check(s != MAP_FAILED && all(s, 2 * PG, 0), "mmap anonymous shared (MAP_ANON), length rounded up, zeros");
  if (s != MAP_FAILED) {
    memset(s, 0x5a, 2 * PG);
    check(munmap(s, 5000) == 0, "munmap of the rounded-up length");
  }

  long r = syscall(SYS_mmap, 0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  check(r > 0 && syscall(SYS_munmap, r, PG) == 0, "syscall(SYS_mmap) and SYS_munmap through the table");
}

static void partial(void) {
  unsigned char* p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    check(0, "mmap for partial munmap");
    return;
  }
  for (size_t i = 0; i < 4 * PG; ++i) p[i] = pat(i);
  struct kiln_mm_stats a, b;
  kiln_mm_get_stats(&a);
  check(munmap(p + PG, PG) == 0, "munmap of the second page (a hole)");
  kiln_mm_get_stats(&b);
  check(b.mappings == a.mappings + 1 && b.mapped == a.mapped - PG, "the mapping was split in two");
  check(is_pat(p, PG, 0) && is_pat(p + 2 * PG, 2 * PG, 2 * PG), "the rest keeps its contents");
  p[0] = 1;
  p[3 * PG] = 2;
  check(p[0] == 1 && p[3 * PG] == 2, "the rest is still writable");
  check(munmap(p + PG, PG) == 0, "munmap of the hole again is fine");
  check(munmap(p + 3 * PG, PG) == 0 && is_pat(p + 2 * PG, PG, 2 * PG), "munmap of the last page");
  check(munmap(p, 4 * PG) == 0, "munmap over the holes and the rest");
  kiln_mm_get_stats(&b);
  check(b.mappings == a.mappings - 1 && b.chunks == a.chunks - 1, "all of it is gone, its memory too");
  errno = 0;
  check(munmap(p + 1, PG) == -1 && errno == EINVAL, "munmap of an unaligned address: EINVAL");
}

static void fixed(void) {
  unsigned char* p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    check(0, "mmap for MAP_FIXED");
    return;
  }
  memset(p, 'A', 4 * PG);
  unsigned char* q = mmap(p + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  check(q == p + PG && all(q, PG, 0), "MAP_FIXED over a mapping replaces it (zeros at that address)");
  check(all(p, PG, 'A') && all(p + 2 * PG, 2 * PG, 'A'), "the pages around it are untouched");
  errno = 0;
  q = mmap(p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  check(q == MAP_FAILED && errno == EEXIST, "MAP_FIXED_NOREPLACE over a mapping: EEXIST");
  check(munmap(p + 2 * PG, PG) == 0, "munmap a page");
  q = mmap(p + 2 * PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  check(q == p + 2 * PG && all(q, PG, 0), "MAP_FIXED_NOREPLACE into the hole maps it again");
  q[0] = 'B';
  check(munmap(p, 4 * PG) == 0, "munmap the whole range");
}

static void remap(void) {
  unsigned char* p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    check(0, "mmap for mremap");
    return;
  }
  for (size_t i = 0; i < 2 * PG; ++i) p[i] = pat(i);
  errno = 0;
  check(mremap(p, 2 * PG, 64 * PG, 0) == MAP_FAILED && errno == ENOMEM, "mremap grow without MREMAP_MAYMOVE: ENOMEM");
  unsigned char* q = mremap(p, 2 * PG, 64 * PG, MREMAP_MAYMOVE);
  check(q != MAP_FAILED && is_pat(q, 2 * PG, 0), "mremap grow (MREMAP_MAYMOVE) keeps the contents");
  if (q == MAP_FAILED) return;
  check(all(q + 2 * PG, 62 * PG, 0), "the grown part reads zeros");
  memset(q + 63 * PG, 9, PG);
  unsigned char* r = mremap(q, 64 * PG, 8 * PG, 0);
  check(r == q && is_pat(r, 2 * PG, 0), "mremap shrink stays in place");
  r = mremap(q, 8 * PG, 16 * PG, 0);
  check(r == q && is_pat(r, 2 * PG, 0) && all(r + 8 * PG, 8 * PG, 0), "mremap grows in place into its own block");
  check(munmap(r, 16 * PG) == 0, "munmap the remapped range");
  errno = 0;
  check(mremap(r, PG, 2 * PG, MREMAP_MAYMOVE) == MAP_FAILED && errno == EFAULT, "mremap of no mapping: EFAULT");
}

static int write_file(const char* path, size_t n) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  unsigned char buf[512];
  size_t done = 0;
  while (done < n) {
    size_t k = n - done < sizeof buf ? n - done : sizeof buf;
    for (size_t i = 0; i < k; ++i) buf[i] = pat(done + i);
    if (write(fd, buf, k) != (ssize_t)k) break;
    done += k;
  }
  close(fd);
  return done == n ? 0 : -1;
}

static void files(void) {
  const size_t n = 10000;
  if (write_file("/tmp/map.bin", n) < 0) {
    check(0, "write /tmp/map.bin");
    return;
  }
  int fd = open("/tmp/map.bin", O_RDONLY);
  unsigned char* p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  check(p != MAP_FAILED && is_pat(p, n, 0), "file-backed MAP_PRIVATE: the file's bytes");
  if (p == MAP_FAILED) return;
  check(all(p + n, 3 * PG - n, 0), "past the end of the file: zeros");
  memset(p, 0xee, 100);
  unsigned char b[100];
  check(pread(fd, b, 100, 0) == 100 && is_pat(b, 100, 0), "writes to a private mapping do not reach the file");
  munmap(p, 3 * PG);
  check(pread(fd, b, 100, 0) == 100 && is_pat(b, 100, 0), "... nor at munmap");
  p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, PG);
  check(p != MAP_FAILED && is_pat(p, PG, PG), "a mapping at a file offset");
  if (p != MAP_FAILED) {
    unsigned char* q = mremap(p, PG, 2 * PG, MREMAP_MAYMOVE);
    check(q != MAP_FAILED && is_pat(q, n - PG, PG) && all(q + n - PG, 3 * PG - n, 0),
          "mremap of a file mapping: the grown part is the file's next bytes");
    munmap(q != MAP_FAILED ? q : p, 2 * PG);
  }
  errno = 0;
  check(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL, "unaligned offset: EINVAL");
  errno = 0;
  check(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES,
        "MAP_SHARED + PROT_WRITE on a read-only descriptor: EACCES");
  close(fd);
  errno = 0;
  check(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 99, 0) == MAP_FAILED && errno == EBADF, "a bad descriptor: EBADF");

  fd = open("/tmp/map.bin", O_RDWR);
  unsigned char* s = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  check(s != MAP_FAILED && is_pat(s, n, 0), "file-backed MAP_SHARED on ramfs: the file's bytes");
  if (s == MAP_FAILED) return;
  memcpy(s + 10, "shared!", 7);
  check(msync(s, 3 * PG, MS_SYNC) == 0, "msync");
  char c[8] = {0};
  check(pread(fd, c, 7, 10) == 7 && !memcmp(c, "shared!", 7), "after msync, read() sees the mapping's bytes");
  memcpy(s + 5000, "unmapped", 8);
  s[n + 10] = 'X';  // past the end of the file: never written to it
  check(munmap(s, 3 * PG) == 0, "munmap of a shared mapping");
  check(pread(fd, c, 8, 5000) == 8 && !memcmp(c, "unmapped", 8), "munmap writes the mapping back");
  check(lseek(fd, 0, SEEK_END) == (off_t)n, "the file did not grow");
  close(fd);
  unlink("/tmp/map.bin");
}

static void rights(void) {
  unsigned char* p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    check(0, "mmap for mprotect");
    return;
  }
  p[0] = 7;
  check(mprotect(p, PG, PROT_READ) == 0 && p[0] == 7, "mprotect PROT_READ, then a read");
  check(mprotect(p, PG, PROT_READ | PROT_WRITE) == 0, "mprotect back to read/write");
  p[0] = 8;
  check(p[0] == 8, "a write after that");
  errno = 0;
  check(mprotect(p, 4 * PG, PROT_READ) == -1 && errno == ENOMEM, "mprotect past the mapping: ENOMEM");
  check(mprotect(p + PG, PG, PROT_NONE) == 0 && mprotect(p + PG, PG, PROT_READ | PROT_WRITE) == 0 && p[PG] == 0,
        "PROT_NONE and back");
  check(madvise(p, 2 * PG, MADV_WILLNEED) == 0 && p[0] == 8, "madvise MADV_WILLNEED is accepted");
  check(madvise(p, 2 * PG, MADV_DONTNEED) == 0 && all(p, 2 * PG, 0), "MADV_DONTNEED zero-fills a private mapping");
  errno = 0;
  check(madvise(p, PG, 12345) == -1 && errno == EINVAL, "unknown advice: EINVAL");
  check(mlock(p, PG) == 0 && munlock(p, PG) == 0 && mlockall(MCL_CURRENT) == 0 && munlockall() == 0,
        "mlock, munlock, mlockall, munlockall are accepted");
  errno = 0;
  check(msync(p, PG, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL, "msync MS_SYNC|MS_ASYNC: EINVAL");
  check(munmap(p, 2 * PG) == 0, "munmap");
}

static void limits(void) {
  errno = 0;
  check(mmap(NULL, (size_t)1 << 40, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == ENOMEM,
        "a 1 TiB mapping: ENOMEM");
  errno = 0;
  check(mmap(NULL, (size_t)-PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == ENOMEM,
        "a mapping of nearly 2^64 bytes: ENOMEM");
  errno = 0;
  check(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
        "length 0: EINVAL");
  errno = 0;
  check(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
        "neither MAP_PRIVATE nor MAP_SHARED: EINVAL");
  check(getpagesize() == PG && sysconf(_SC_PAGESIZE) == PG, "getpagesize() and sysconf(_SC_PAGESIZE) are 4096");
  void* b = sbrk(0);
  check(b != (void*)-1 && sbrk(0) == b, "sbrk(0) is a stable address");
  errno = 0;
  check(sbrk(PG) == (void*)-1 && errno == ENOMEM && sbrk(0) == b, "growing the break: ENOMEM");
}

static void many(void) {
  struct kiln_alloc_stats h0, h1;
  struct kiln_mm_stats m0, m1;
  kiln_alloc_get_stats(&h0);
  kiln_mm_get_stats(&m0);
  int bad = 0;
  for (int i = 0; i < 1000; ++i) {
    size_t len = (size_t)(1 + i % 7) * PG;
    unsigned char* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      ++bad;
      continue;
    }
    p[0] = (unsigned char)i;
    p[len - 1] = (unsigned char)i;
    if (i % 3 == 0 && len > PG) munmap(p + PG, PG);  // a hole first
    if (i % 5 == 0) mprotect(p, PG, PROT_READ);
    if (munmap(p, len) != 0) ++bad;
  }
  kiln_alloc_get_stats(&h1);
  kiln_mm_get_stats(&m1);
  check(!bad, "1000 mappings mapped and unmapped");
  check(m1.mappings == m0.mappings && m1.chunks == m0.chunks && m1.chunk_bytes == m0.chunk_bytes,
        "no mapping left behind");
  // Page-table pages the platform asked for (a large page split the first
  // time) stay with it: allow a few.
  check(h1.in_use <= h0.in_use + 16 * PG, "the heap is back where it was (no leak)");
  printf("mm: heap in use %zu before, %zu after; %zu mappings\n", h0.in_use, h1.in_use, m1.mappings);
}

static int exhaust(void) {
  enum { kMax = 512, kLen = 2 << 20 };
  static unsigned char* maps[kMax];
  struct kiln_alloc_stats h0, h1;
  kiln_alloc_get_stats(&h0);
  int n = 0;
  while (n < kMax) {
    errno = 0;
    unsigned char* p = mmap(NULL, kLen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) break;
    p[0] = p[kLen - 1] = (unsigned char)n;
    maps[n++] = p;
  }
  check(n > 4 && n < kMax && errno == ENOMEM, "2 MiB mappings until ENOMEM");
  printf("mm: %d mappings of 2 MiB\n", n);
  munmap(maps[--n], kLen);  // room for page-table pages
  int prot = 0, nomem = 0, bad = 0;
  for (int i = 0; i < n; ++i) {
    unsigned char* q = maps[i] + kLen / 2;
    if (mprotect(q, PG, PROT_READ) == 0) {
      ++prot;
      if (q[0] != 0 || maps[i][0] != (unsigned char)i) ++bad;
      maps[i][kLen - 1] = 1;  // the page after stays writable
    } else if (errno == ENOMEM) {
      ++nomem;
    } else {
      ++bad;
    }
  }
  printf("mm: %d protected, %d ENOMEM\n", prot, nomem);
  check(prot == n && !bad, "a read-only page in each, the rest writable");
  for (int i = 0; i < n; ++i)
    if (munmap(maps[i], kLen) != 0) ++bad;
  kiln_alloc_get_stats(&h1);
  struct kiln_mm_stats m;
  kiln_mm_get_stats(&m);
  check(!bad && m.mappings == 0 && m.chunks == 0, "all unmapped");
  printf("mm: page-table pages taken from the heap: %zu\n", (h1.in_use - h0.in_use) / PG);
  void* p = mmap(NULL, (size_t)(n / 2) * kLen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  check(p != MAP_FAILED, "the memory is back: one mapping of half of it");
  printf("mm: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

// The heap full of mappings: malloc fails with ENOMEM; a hole munmap makes
// in the middle of one gives its pages back to malloc (libc-test's
// malloc-brk-fail); everything unmapped, the memory is whole again.
static int holes(void) {
  enum { kMax = 4096 };
  static unsigned char* maps[kMax];
  static size_t lens[kMax];
  int n = 0;
  for (size_t len = 1 << 20; len >= PG && n < kMax; len /= 2) {
    while (n < kMax) {
      unsigned char* p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) break;
      maps[n] = p;
      lens[n++] = len;
    }
  }
  check(n > 2 && n < kMax && lens[0] == 1 << 20, "mappings until the heap is full");
  errno = 0;
  void* q = malloc(10000);
  check(!q && errno == ENOMEM, "malloc(10000) with the heap full of mappings: ENOMEM");
  free(q);
  check(munmap(maps[0] + 65536, 65536) == 0, "munmap of 64 KiB in the middle of a 1 MiB mapping");
  q = malloc(10000);
  check(q != NULL, "malloc(10000) succeeds: the hole's pages went back to the heap");
  if (q) memset(q, 1, 10000);
  check(mprotect(maps[0], 65536, PROT_READ | PROT_WRITE) == 0 && (maps[0][0] = 1) &&
            mprotect(maps[0] + 131072, 65536, PROT_READ | PROT_WRITE) == 0 && (maps[0][131072] = 2),
        "both sides of the hole are still mappings");
  free(q);
  int bad = 0;
  for (int i = 0; i < n; ++i)
    if (munmap(maps[i], lens[i]) != 0) ++bad;
  struct kiln_mm_stats m;
  kiln_mm_get_stats(&m);
  check(!bad && m.mappings == 0 && m.chunks == 0, "all unmapped, every block back");
  void* big = mmap(NULL, (size_t)1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  check(big != MAP_FAILED, "a 1 MiB mapping again");
  printf("mm: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

static unsigned char* one(int prot) {
  unsigned char* p = mmap(NULL, 3 * PG, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    printf("mm: mmap failed (errno %d)\n", errno);
    exit(2);
  }
  return p;
}

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "all";
  setvbuf(stdout, NULL, _IONBF, 0);
  if (!strcmp(what, "rdonly")) {
    volatile unsigned char* p = one(PROT_READ | PROT_WRITE);
    p[PG] = 1;
    if (mprotect((void*)p, 3 * PG, PROT_READ) != 0) return 3;
    printf("mm: read %d, now writing to a PROT_READ mapping\n", p[PG]);
    p[PG] = 2;
    printf("mm: FAIL: the write went through\n");
    return 1;
  }
  if (!strcmp(what, "none")) {
    volatile unsigned char* p = one(PROT_NONE);
    printf("mm: reading a PROT_NONE mapping\n");
    printf("mm: FAIL: read %d\n", p[10]);
    return 1;
  }
  if (!strcmp(what, "hole")) {
    volatile unsigned char* p = one(PROT_READ | PROT_WRITE);
    if (munmap((void*)(p + PG), PG) != 0) return 3;
    p[0] = 1;
    p[2 * PG] = 1;
    printf("mm: the rest is fine, now touching the unmapped page\n");
    p[PG] = 1;
    printf("mm: FAIL: the write went through\n");
    return 1;
  }
  if (!strcmp(what, "exhaust")) return exhaust();
  if (!strcmp(what, "holes")) return holes();
  if (strcmp(what, "all")) {
    printf("mm: unknown mode %s\n", what);
    return 64;
  }
  anonymous();
  partial();
  fixed();
  remap();
  files();
  rights();
  limits();
  many();
  printf("mm: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
