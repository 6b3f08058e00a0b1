// Drives the first block device (vda) through kiln/blkdev.h:
//   blk read            print vda's identity and a checksum of sectors 0..7
//   blk write           also write the test pattern (1 MiB at byte 4096,
//                       16 requests in flight, scatter-gather), flush, read
//                       it back and compare
//   blk readonly        a write must fail with EROFS
#include <kiln/blkdev.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace {

uint32_t fnv1a(const uint8_t* p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

// The pattern byte at disk offset off (the host's checker computes the same).
uint8_t pattern(uint64_t off) { return static_cast<uint8_t>((off * 7 + off / 4096) & 0xff); }

constexpr uint64_t kPatternOff = 4096;
constexpr size_t kPatternLen = 1 << 20;

struct Async {
  volatile int done = 0;
  int failed = 0;
};

void on_done(kiln::BlkRequest* r) {
  auto* a = static_cast<Async*>(r->ctx);
  if (r->status) a->failed = r->status;
  __atomic_add_fetch(&a->done, 1, __ATOMIC_RELEASE);
}

int write_pattern(kiln::BlockDev* d) {
  uint32_t ss = d->sector_size();
  auto* buf = static_cast<uint8_t*>(aligned_alloc(4096, kPatternLen));
  if (!buf) return 1;
  for (size_t i = 0; i < kPatternLen; ++i) buf[i] = pattern(kPatternOff + i);
  // 16 requests of 64 KiB, each in two segments, all submitted before any
  // is waited for.
  constexpr int kReqs = 16;
  constexpr size_t kChunk = kPatternLen / kReqs;
  static kiln::BlkSeg segs[kReqs][2];
  static kiln::BlkRequest reqs[kReqs];
  Async a;
  for (int i = 0; i < kReqs; ++i) {
    uint8_t* p = buf + i * kChunk;
    segs[i][0] = {p, static_cast<uint32_t>(kChunk / 2)};
    segs[i][1] = {p + kChunk / 2, static_cast<uint32_t>(kChunk / 2)};
    kiln::BlkRequest& r = reqs[i];
    r.op = kiln::BlkRequest::Op::kWrite;
    r.sector = (kPatternOff + i * kChunk) / ss;
    r.count = static_cast<uint32_t>(kChunk / ss);
    r.segs = segs[i];
    r.nsegs = d->max_segs() >= 2 ? 2 : 1;
    if (r.nsegs == 1) segs[i][0].len = static_cast<uint32_t>(kChunk);
    r.done = on_done;
    r.ctx = &a;
    auto s = d->submit(&r);
    if (s.is_error()) {
      printf("blk: submit %d failed: %s\n", i, strerror(s.error().code()));
      return 1;
    }
  }
  while (__atomic_load_n(&a.done, __ATOMIC_ACQUIRE) < kReqs) {
  }
  if (a.failed) {
    printf("blk: a write failed: %s\n", strerror(-a.failed));
    return 1;
  }
  auto f = kiln::blk_flush(d);
  if (f.is_error()) {
    printf("blk: flush failed: %s\n", strerror(f.error().code()));
    return 1;
  }
  memset(buf, 0, kPatternLen);
  auto r = kiln::blk_read(d, kPatternOff / ss, buf, kPatternLen);
  if (r.is_error()) {
    printf("blk: read back failed: %s\n", strerror(r.error().code()));
    return 1;
  }
  for (size_t i = 0; i < kPatternLen; ++i) {
    if (buf[i] != pattern(kPatternOff + i)) {
      printf("blk: read back differs at byte %zu\n", i);
      return 1;
    }
  }
  kiln::BlkStats st = d->stats();
  printf("blk: wrote 1 MiB at byte 4096 in 16 requests in flight, flushed, read back the same (queued max %llu)\n",
         static_cast<unsigned long long>(st.queued_max));
  free(buf);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "read";
  kiln::BlockDev* d = kiln::blk_find("vda");
  if (!d) {
    printf("blk: no block device vda\n");
    return 2;
  }
  printf("blk: vda %llu sectors of %u bytes%s%s\n", static_cast<unsigned long long>(d->sectors()), d->sector_size(),
         d->read_only() ? ", read-only" : "", d->can_flush() ? ", flush" : "");
  static uint8_t first[4096] __attribute__((aligned(4096)));
  auto r = kiln::blk_read(d, 0, first, sizeof first);
  if (r.is_error()) {
    printf("blk: read of the first 4 KiB failed: %s\n", strerror(r.error().code()));
    return 1;
  }
  printf("blk: first 4 KiB fnv1a %08x\n", fnv1a(first, sizeof first));
  // Past the end and misaligned requests are refused before the device.
  auto past = kiln::blk_read(d, d->sectors(), first, d->sector_size());
  auto odd = kiln::blk_read(d, 0, first, 100);
  printf("blk: past the end: %s, 100 bytes: %s\n", past.is_error() ? strerror(past.error().code()) : "accepted",
         odd.is_error() ? strerror(odd.error().code()) : "accepted");
  if (strcmp(mode, "write") == 0) return write_pattern(d);
  if (strcmp(mode, "readonly") == 0) {
    auto w = kiln::blk_write(d, 8, first, 4096);
    printf("blk: write to a read-only disk: %s\n", w.is_error() ? strerror(w.error().code()) : "accepted");
    return w.is_error() && w.error().code() == EROFS ? 0 : 1;
  }
  return 0;
}
