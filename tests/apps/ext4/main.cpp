// ext2/3/4 on virtio-blk through lib/extfs, with POSIX calls only. The disk
// is mounted at /data by the boot option vfs.mount=ext4:/data:vda[,ro]
// (tests/tools/ext4_test.py drives it and checks the disk on the host).
//   ext4 list           print every entry under /data, sorted, one line each:
//                         ext4: dir PATH MODE / file PATH SIZE SHA256 /
//                         link PATH TARGET
//   ext4 write          write a tree (dirs, files, a symlink, a hard link, a
//                       rename, an unlink, chmod, truncate) and a 64 MiB file
//                       under /data/tree, fsync, then list
//   ext4 fill           write /data/fill until ENOSPC, fsync, report
//   ext4 readonly       creating, writing and mkdir must fail with EROFS
//   ext4 statfs         print statvfs of /data
#include <kiln/blkdev.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

namespace {

// --- SHA-256 (FIPS 180-4) ---------------------------------------------------
struct Sha256 {
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  uint8_t buf[64];
  size_t used = 0;
  uint64_t total = 0;
  static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
  void block(const uint8_t* p) {
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    uint32_t w[64];
    for (int i = 0; i < 16; ++i)
      w[i] = uint32_t(p[4 * i]) << 24 | uint32_t(p[4 * i + 1]) << 16 | uint32_t(p[4 * i + 2]) << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; ++i) {
      uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  void add(const void* data, size_t n) {
    auto* p = static_cast<const uint8_t*>(data);
    total += n;
    while (n) {
      size_t c = 64 - used < n ? 64 - used : n;
      memcpy(buf + used, p, c);
      used += c;
      p += c;
      n -= c;
      if (used == 64) {
        block(buf);
        used = 0;
      }
    }
  }
  void hex(char out[65]) {
    uint64_t bits = total * 8;
    uint8_t pad = 0x80;
    add(&pad, 1);
    uint8_t z = 0;
    while (used != 56) add(&z, 1);
    uint8_t len[8];
    for (int i = 0; i < 8; ++i) len[i] = uint8_t(bits >> (56 - 8 * i));
    add(len, 8);
    for (int i = 0; i < 8; ++i) snprintf(out + 8 * i, 9, "%08x", h[i]);
  }
};

constexpr size_t kBuf = 1 << 20;
uint8_t* iobuf;

// Costs of one big transfer: wall time (TCG: not a benchmark) and vda's requests.
struct Cost {
  timespec t0;
  kiln::BlkStats s0;
  Cost() {
    clock_gettime(CLOCK_MONOTONIC, &t0);
    s0 = stats();
  }
  static kiln::BlkStats stats() {
    kiln::BlockDev* d = kiln::blk_find("vda");
    return d ? d->stats() : kiln::BlkStats{};
  }
  void print(const char* what, const char* path, long long bytes) {
    timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    kiln::BlkStats s = stats();
    long long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    printf("ext4: cost: %s %s %lld KiB in %lld ms: %llu reads (%llu KiB), %llu writes (%llu KiB), %llu flushes\n", what,
           path, bytes >> 10, ms, (unsigned long long)(s.reads - s0.reads),
           (unsigned long long)((s.read_bytes - s0.read_bytes) >> 10), (unsigned long long)(s.writes - s0.writes),
           (unsigned long long)((s.write_bytes - s0.write_bytes) >> 10),
           (unsigned long long)(s.flushes - s0.flushes));
  }
};

int sha_file(const char* path, char out[65], long long* size) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  Cost cost;
  Sha256 s;
  *size = 0;
  for (;;) {
    ssize_t n = read(fd, iobuf, kBuf);
    if (n < 0) {
      close(fd);
      return -1;
    }
    if (n == 0) break;
    s.add(iobuf, size_t(n));
    *size += n;
  }
  close(fd);
  if (*size >= (8 << 20)) cost.print("read", path, *size);
  s.hex(out);
  return 0;
}

int cmp_names(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

int errors = 0;

void list(const char* dir, const char* rel) {
  DIR* d = opendir(dir);
  if (!d) {
    printf("ext4: opendir %s: %s\n", dir, strerror(errno));
    ++errors;
    return;
  }
  char* names[512];
  size_t n = 0;
  while (struct dirent* e = readdir(d)) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "lost+found")) continue;
    if (n < 512) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp_names);
  for (size_t i = 0; i < n; ++i) {
    char path[1024], r[1024];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", names[i]);
    struct stat st;
    if (lstat(path, &st) != 0) {
      printf("ext4: lstat %s: %s\n", path, strerror(errno));
      ++errors;
    } else if (S_ISDIR(st.st_mode)) {
      printf("ext4: dir %s %o\n", r, unsigned(st.st_mode & 07777));
      list(path, r);
    } else if (S_ISLNK(st.st_mode)) {
      char t[1024];
      ssize_t l = readlink(path, t, sizeof t - 1);
      t[l < 0 ? 0 : l] = 0;
      printf("ext4: link %s %s\n", r, t);
    } else {
      char h[65];
      long long size;
      if (sha_file(path, h, &size) != 0) {
        printf("ext4: read %s: %s\n", path, strerror(errno));
        ++errors;
      } else {
        printf("ext4: file %s %lld %s\n", r, size, h);
      }
    }
    free(names[i]);
  }
}

// File i's contents: a deterministic pattern of n bytes.
void fill_pattern(uint8_t* p, size_t n, uint64_t seed, uint64_t off) {
  for (size_t i = 0; i < n; ++i) p[i] = uint8_t(((off + i) * 31 + seed * 7 + (off + i) / 4093) & 0xff);
}

int write_file(const char* path, uint64_t size, uint64_t seed) {
  Cost cost;
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    printf("ext4: create %s: %s\n", path, strerror(errno));
    return 1;
  }
  for (uint64_t off = 0; off < size;) {
    size_t c = size - off < kBuf ? size_t(size - off) : kBuf;
    fill_pattern(iobuf, c, seed, off);
    ssize_t w = write(fd, iobuf, c);
    if (w != ssize_t(c)) {
      printf("ext4: write %s at %llu: %s\n", path, (unsigned long long)off, w < 0 ? strerror(errno) : "short");
      close(fd);
      return 1;
    }
    off += c;
  }
  if (fsync(fd) != 0) {
    printf("ext4: fsync %s: %s\n", path, strerror(errno));
    close(fd);
    return 1;
  }
  close(fd);
  if (size >= (8 << 20)) cost.print("write+fsync", path, (long long)size);
  return 0;
}

#define CHECK(expr)                                                     \
  do {                                                                  \
    if (!(expr)) {                                                      \
      printf("ext4: FAILED %s: %s (line %d)\n", #expr, strerror(errno), __LINE__); \
      return 1;                                                         \
    }                                                                   \
  } while (0)

int do_write() {
  CHECK(mkdir("/data/tree", 0755) == 0);
  CHECK(mkdir("/data/tree/a", 0750) == 0);
  CHECK(mkdir("/data/tree/a/b", 0755) == 0);
  CHECK(mkdir("/data/tree/a/b/c", 0700) == 0);
  char p[256];
  // 40 files of assorted sizes in one directory (it grows past a block).
  for (int i = 0; i < 40; ++i) {
    snprintf(p, sizeof p, "/data/tree/a/file-with-a-longish-name-%02d.dat", i);
    CHECK(write_file(p, uint64_t(i) * 1531 + (i % 3 ? 0 : 4096), uint64_t(i)) == 0);
  }
  CHECK(write_file("/data/tree/a/b/c/deep.txt", 12345, 99) == 0);
  CHECK(write_file("/data/tree/empty", 0, 0) == 0);
  CHECK(write_file("/data/tree/gone", 70000, 5) == 0);
  CHECK(unlink("/data/tree/gone") == 0);
  CHECK(write_file("/data/tree/old-name", 5000, 6) == 0);
  CHECK(rename("/data/tree/old-name", "/data/tree/a/b/new-name") == 0);
  CHECK(mkdir("/data/tree/moved", 0755) == 0);
  CHECK(write_file("/data/tree/moved/inside", 100, 7) == 0);
  CHECK(rename("/data/tree/moved", "/data/tree/a/b/c/moved") == 0);
  CHECK(rmdir("/data/tree/a") == -1 && errno == ENOTEMPTY);
  CHECK(mkdir("/data/tree/rm-me", 0755) == 0);
  CHECK(rmdir("/data/tree/rm-me") == 0);
  CHECK(symlink("a/b/c/deep.txt", "/data/tree/link") == 0);
  char longt[200];
  memset(longt, 'x', sizeof longt - 1);
  longt[sizeof longt - 1] = 0;
  CHECK(symlink(longt, "/data/tree/longlink") == 0);  // longer than 60 bytes: a slow symlink
  CHECK(link("/data/tree/a/b/c/deep.txt", "/data/tree/hard") == 0);
  CHECK(write_file("/data/tree/trunc", 100000, 8) == 0);
  CHECK(truncate("/data/tree/trunc", 33333) == 0);
  CHECK(chmod("/data/tree/a/b/c/deep.txt", 0600) == 0);
  struct stat st;
  CHECK(stat("/data/tree/hard", &st) == 0 && st.st_nlink == 2 && (st.st_mode & 0777) == 0600);
  CHECK(open("/data/tree/empty", O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 && errno == EEXIST);
  CHECK(write_file("/data/tree/big", 64ull << 20, 64) == 0);
  CHECK(stat("/data/tree/big", &st) == 0 && st.st_size == (64ll << 20));
  printf("ext4: wrote the tree and a 64 MiB file, st_blocks %lld\n", (long long)st.st_blocks);
  sync();
  return 0;
}

int do_fill() {
  int fd = open("/data/fill", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  memset(iobuf, 0xab, kBuf);
  long long total = 0;
  int err = 0;
  for (;;) {
    ssize_t w = write(fd, iobuf, kBuf);
    if (w < 0) {
      err = errno;
      break;
    }
    total += w;
    if (total > (1ll << 34)) break;
  }
  printf("ext4: fill: %s after %lld bytes\n", strerror(err), total);
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  printf("ext4: fill: size %s\n", st.st_size == total ? "matches what was written" : "differs");
  CHECK(fsync(fd) == 0);
  close(fd);
  // A new file cannot get data either; removing the big one frees space.
  CHECK(unlink("/data/fill") == 0);
  CHECK(write_file("/data/after-fill", 100000, 3) == 0);
  printf("ext4: fill: space back after unlink\n");
  return err == ENOSPC ? 0 : 1;
}

int do_readonly() {
  int fd = open("/data/new", O_WRONLY | O_CREAT, 0644);
  printf("ext4: create: %s\n", fd < 0 ? strerror(errno) : "allowed");
  int r = mkdir("/data/newdir", 0755);
  printf("ext4: mkdir: %s\n", r < 0 ? strerror(errno) : "allowed");
  DIR* d = opendir("/data");
  char first[300] = "";
  while (d) {
    struct dirent* e = readdir(d);
    if (!e) break;
    if (e->d_type == DT_REG) {
      snprintf(first, sizeof first, "/data/%s", e->d_name);
      break;
    }
  }
  if (d) closedir(d);
  if (*first) {
    fd = open(first, O_WRONLY);
    printf("ext4: open for writing: %s\n", fd < 0 ? strerror(errno) : "allowed");
    fd = open(first, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, iobuf, 16) : -1;
    printf("ext4: read: %s\n", n >= 0 ? "ok" : strerror(errno));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  iobuf = static_cast<uint8_t*>(malloc(kBuf));
  if (!iobuf || argc < 2) {
    printf("usage: ext4 list|write|fill|readonly|statfs\n");
    return 2;
  }
  struct stat st;
  if (stat("/data", &st) != 0) {
    printf("ext4: no /data: %s\n", strerror(errno));
    return 3;
  }
  int rc = 0;
  if (!strcmp(argv[1], "write")) rc = do_write();
  else if (!strcmp(argv[1], "fill")) rc = do_fill();
  else if (!strcmp(argv[1], "readonly")) rc = do_readonly();
  struct statvfs sv;
  if (!strcmp(argv[1], "statfs") || !strcmp(argv[1], "list")) {
    if (statvfs("/data", &sv) == 0)
      printf("ext4: statfs bsize %lu blocks %lu free %lu files %lu%s\n", (unsigned long)sv.f_bsize,
             (unsigned long)sv.f_blocks, (unsigned long)sv.f_bfree, (unsigned long)sv.f_files,
             (sv.f_flag & ST_RDONLY) ? " ro" : "");
  }
  if (!rc && (argc < 3 || strcmp(argv[2], "nolist"))) list("/data", "");
  if (kiln::BlockDev* d = kiln::blk_find("vda")) {
    kiln::BlkStats s = d->stats();
    printf("ext4: vda reads %llu (%llu KiB) writes %llu (%llu KiB) flushes %llu\n", (unsigned long long)s.reads,
           (unsigned long long)(s.read_bytes >> 10), (unsigned long long)s.writes,
           (unsigned long long)(s.write_bytes >> 10), (unsigned long long)s.flushes);
  }
  if (FILE* m = fopen("/proc/meminfo", "r")) {
    char line[128];
    while (fgets(line, sizeof line, m)) {
      if (!strncmp(line, "Buffers:", 8)) printf("ext4: meminfo %s", line);
    }
    fclose(m);
  }
  printf("ext4: done, %d errors\n", errors);
  return rc ? rc : errors ? 1 : 0;
}
