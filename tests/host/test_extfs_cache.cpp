// lib/extfs's block cache (lib/extfs/src/cache.h) against a fake device
// that records every call: LRU eviction order, hits, dirty write-back in
// block order coalesced into runs, a failing write keeping the block dirty
// (EIO to the caller), readahead runs, and coherence helpers.
#include <gtest/gtest.h>
#include "../../lib/extfs/src/cache.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <map>
#include <set>
#include <vector>

extern "C" void* kiln_malloc(size_t n) { return malloc(n); }
extern "C" void kiln_free(void* p) { free(p); }

namespace {

using kiln::extfs::BlockCache;
using kiln::extfs::CacheDev;

constexpr uint32_t kBs = 64;

struct Call {
  bool write;
  uint64_t blk;
  unsigned n;
};

struct FakeDisk {
  std::map<uint64_t, std::vector<uint8_t>> blocks;
  std::vector<Call> calls;
  std::set<uint64_t> bad;  // writes of these fail
  int fail_reads = 0;

  static int io(void* ctx, bool write, uint64_t blk, uint8_t* const* bufs, unsigned n) {
    auto* d = static_cast<FakeDisk*>(ctx);
    d->calls.push_back({write, blk, n});
    for (unsigned i = 0; i < n; ++i) {
      if (write && d->bad.count(blk + i)) return EIO;
    }
    if (!write && d->fail_reads) {
      --d->fail_reads;
      return EIO;
    }
    for (unsigned i = 0; i < n; ++i) {
      auto& b = d->blocks[blk + i];
      if (b.empty()) b.assign(kBs, static_cast<uint8_t>(blk + i));
      if (write) memcpy(b.data(), bufs[i], kBs);
      else memcpy(bufs[i], b.data(), kBs);
    }
    return 0;
  }
  unsigned writes() const {
    unsigned k = 0;
    for (auto& c : calls) k += c.write;
    return k;
  }
};

std::vector<uint8_t> pattern(uint8_t v) { return std::vector<uint8_t>(kBs, v); }

struct extfs_cache : ::testing::Test {
  FakeDisk disk;
  BlockCache c;
  void SetUp() override {
    CacheDev d;
    d.ctx = &disk;
    d.io = FakeDisk::io;
    d.max_run = 4;
    ASSERT_TRUE(c.init(d, kBs, 8));
  }
  void TearDown() override { c.destroy(); }
};

TEST_F(extfs_cache, TooSmallIsNoCache) {
  BlockCache small;
  CacheDev d;
  d.ctx = &disk;
  d.io = FakeDisk::io;
  EXPECT_FALSE(small.init(d, kBs, 7));
  EXPECT_FALSE(small.active());
}

TEST_F(extfs_cache, ReadMissThenHit) {
  uint8_t out[kBs];
  EXPECT_FALSE(c.read(5, out));
  auto p = pattern(9);
  c.insert_clean(5, p.data());
  ASSERT_TRUE(c.read(5, out));
  EXPECT_EQ(0, memcmp(out, p.data(), kBs));
  EXPECT_EQ(1u, c.stats().hits);
  EXPECT_EQ(1u, c.stats().misses);
  EXPECT_TRUE(disk.calls.empty());
}

TEST_F(extfs_cache, EvictsLeastRecentlyUsed) {
  for (uint64_t b = 0; b < 8; ++b) c.insert_clean(b, pattern(static_cast<uint8_t>(b)).data());
  uint8_t out[kBs];
  ASSERT_TRUE(c.read(0, out));  // 0 is now the most recent; 1 the least
  c.insert_clean(100, pattern(1).data());
  EXPECT_TRUE(c.contains(0));
  EXPECT_FALSE(c.contains(1));
  EXPECT_TRUE(c.contains(2));
  c.insert_clean(101, pattern(1).data());
  EXPECT_FALSE(c.contains(2));
  EXPECT_TRUE(c.contains(100));
  EXPECT_EQ(2u, c.stats().evictions);
}

TEST_F(extfs_cache, WriteBackSortedAndCoalesced) {
  // Dirty 7, 3, 4, 5, 6, 10 (in that order): runs 3-6 (4 = max_run), 7, 10.
  for (uint64_t b : {7, 3, 4, 5, 6, 10}) ASSERT_EQ(0, c.write(b, pattern(static_cast<uint8_t>(b + 50)).data()));
  EXPECT_EQ(6u, c.dirty());
  EXPECT_TRUE(disk.calls.empty());  // write-back: nothing yet
  ASSERT_EQ(0, c.write_back());
  ASSERT_EQ(3u, disk.calls.size());
  EXPECT_EQ(3u, disk.calls[0].blk);
  EXPECT_EQ(4u, disk.calls[0].n);
  EXPECT_EQ(7u, disk.calls[1].blk);
  EXPECT_EQ(1u, disk.calls[1].n);
  EXPECT_EQ(10u, disk.calls[2].blk);
  EXPECT_EQ(1u, disk.calls[2].n);
  for (uint64_t b : {7, 3, 4, 5, 6, 10}) EXPECT_EQ(pattern(static_cast<uint8_t>(b + 50)), disk.blocks[b]);
  EXPECT_EQ(0u, c.dirty());
  ASSERT_EQ(0, c.write_back());  // clean: no device call
  EXPECT_EQ(3u, disk.calls.size());
}

TEST_F(extfs_cache, EvictingADirtyBlockWritesBackInRuns) {
  for (uint64_t b = 0; b < 8; ++b) ASSERT_EQ(0, c.write(b, pattern(1).data()));
  ASSERT_EQ(0, c.write(20, pattern(2).data()));  // evicts block 0, after writing all back
  EXPECT_EQ(2u, disk.writes());                 // 0-3 and 4-7
  EXPECT_FALSE(c.contains(0));
  EXPECT_TRUE(c.contains(20));
  EXPECT_EQ(1u, c.dirty());
}

TEST_F(extfs_cache, FailedWriteKeepsBlockDirtyAndSaysEio) {
  ASSERT_EQ(0, c.write(2, pattern(7).data()));
  ASSERT_EQ(0, c.write(3, pattern(8).data()));
  disk.bad.insert(2);
  EXPECT_EQ(EIO, c.write_back());
  EXPECT_EQ(1u, c.dirty());  // the run 2-3 failed; alone, 3 was written, 2 stays dirty
  EXPECT_EQ(pattern(8), disk.blocks[3]);
  uint8_t out[kBs];
  ASSERT_TRUE(c.read(2, out));
  EXPECT_EQ(0, memcmp(out, pattern(7).data(), kBs));
  disk.bad.clear();
  EXPECT_EQ(0, c.write_back());
  EXPECT_EQ(0u, c.dirty());
  EXPECT_EQ(pattern(7), disk.blocks[2]);
}

TEST_F(extfs_cache, FullOfUnwritableDirtyBlocksRefusesWithEio) {
  for (uint64_t b = 0; b < 8; ++b) {
    disk.bad.insert(b);
    ASSERT_EQ(0, c.write(b, pattern(3).data()));
  }
  EXPECT_EQ(EIO, c.write(30, pattern(4).data()));
  EXPECT_FALSE(c.contains(30));
  EXPECT_EQ(8u, c.dirty());  // nothing was dropped
  for (uint64_t b = 0; b < 8; ++b) EXPECT_TRUE(c.contains(b));
  // One block the device takes again: a write finds room (that one).
  disk.bad.erase(5);
  EXPECT_EQ(0, c.write(30, pattern(4).data()));
  EXPECT_FALSE(c.contains(5));
  EXPECT_EQ(pattern(3), disk.blocks[5]);
  EXPECT_EQ(8u, c.dirty());
}

TEST_F(extfs_cache, FillReadsMissingRunsOnly) {
  c.insert_clean(12, pattern(0xee).data());
  EXPECT_EQ(4u, c.fill(10, 4));  // 10-11, then 13: 12 is cached
  ASSERT_EQ(2u, disk.calls.size());
  EXPECT_EQ(10u, disk.calls[0].blk);
  EXPECT_EQ(2u, disk.calls[0].n);
  EXPECT_EQ(13u, disk.calls[1].blk);
  EXPECT_EQ(1u, disk.calls[1].n);
  uint8_t out[kBs];
  ASSERT_TRUE(c.read(11, out));
  EXPECT_EQ(0, memcmp(out, pattern(11).data(), kBs));
  ASSERT_TRUE(c.read(12, out));
  EXPECT_EQ(0, memcmp(out, pattern(0xee).data(), kBs));
}

TEST_F(extfs_cache, FillNeverTakesMoreThanHalfAndStopsAtAnError) {
  EXPECT_EQ(4u, c.fill(0, 100));
  disk.calls.clear();
  disk.fail_reads = 1;
  EXPECT_EQ(0u, c.fill(50, 3));
  EXPECT_FALSE(c.contains(50));
  EXPECT_TRUE(c.contains(0));
}

TEST_F(extfs_cache, FillDoesNotLoseDirtyBlocks) {
  ASSERT_EQ(0, c.write(40, pattern(0x40).data()));
  EXPECT_EQ(4u, c.fill(40, 4));  // 40 is cached (dirty): 41-43 read
  uint8_t out[kBs];
  ASSERT_TRUE(c.read(40, out));
  EXPECT_EQ(0, memcmp(out, pattern(0x40).data(), kBs));
  EXPECT_EQ(1u, c.dirty());
}

TEST_F(extfs_cache, DropAndOverlay) {
  ASSERT_EQ(0, c.write(1, pattern(0x11).data()));
  c.insert_clean(2, pattern(0x22).data());
  std::vector<uint8_t> buf(3 * kBs, 0);
  c.overlay(0, 3, buf.data());
  EXPECT_EQ(0, buf[0]);
  EXPECT_EQ(0x11, buf[kBs]);
  EXPECT_EQ(0x22, buf[2 * kBs]);
  c.drop_range(1, 2);
  EXPECT_FALSE(c.contains(1));
  EXPECT_FALSE(c.contains(2));
  EXPECT_EQ(0u, c.dirty());
  c.insert_clean(3, pattern(3).data());
  c.drop_range(0, 1000);  // wider than the cache: a scan
  EXPECT_FALSE(c.contains(3));
}

TEST_F(extfs_cache, ManyBlocksStayConsistent) {
  // Random writes and reads against a model; then write-back: the disk
  // equals the model.
  std::map<uint64_t, uint8_t> model;
  unsigned seed = 1;
  for (int i = 0; i < 5000; ++i) {
    seed = seed * 1103515245 + 12345;
    uint64_t b = (seed >> 16) % 40;
    if ((seed >> 8) & 1) {
      uint8_t v = static_cast<uint8_t>(seed >> 24);
      ASSERT_EQ(0, c.write(b, pattern(v).data()));
      model[b] = v;
    } else {
      uint8_t out[kBs];
      if (!c.read(b, out)) {
        auto it = disk.blocks.find(b);
        uint8_t want = model.count(b) ? model[b] : static_cast<uint8_t>(b);
        if (it != disk.blocks.end()) {
          ASSERT_EQ(want, it->second[0]) << "block " << b;
        } else {
          ASSERT_FALSE(model.count(b)) << "block " << b << " was lost";
        }
      } else if (model.count(b)) {
        ASSERT_EQ(model[b], out[0]);
      }
    }
  }
  ASSERT_EQ(0, c.write_back());
  for (auto& [b, v] : model) EXPECT_EQ(pattern(v), disk.blocks[b]) << "block " << b;
}

}  // namespace
