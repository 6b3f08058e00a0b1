// lib/extfs's block cache (used by src/io.cpp; host-tested by
// tests/host/test_extfs_cache.cpp): a fixed number of blocks of one size,
// found through a hash table and kept on an LRU list, so a lookup, an
// insertion and an eviction are O(1). Write-back: dirty blocks are written
// in block order, runs of consecutive blocks as one device request each
// (scatter-gather: one segment per cached block, at most max_run blocks).
// A block whose write fails stays dirty and the call that wanted it
// written says EIO; nothing is dropped silently.
//
// Not thread-safe: the filesystem lock (src/extfs.cpp) serialises every
// caller.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace kiln::extfs {

// Where the cache reads and writes: blocks [blk, blk + n) from or into the
// n buffers bufs[0..n) (one block each). 0 or an errno.
struct CacheDev {
  void* ctx = nullptr;
  int (*io)(void* ctx, bool write, uint64_t blk, uint8_t* const* bufs, unsigned n) = nullptr;
  unsigned max_run = 1;  // blocks per io() call at most (>= 1)
};

struct CacheStats {
  uint64_t hits, misses, evictions, writebacks, writeback_runs, readahead;
};

class BlockCache {
 public:
  // nblocks of bsize bytes; false (and no cache) when memory is short or
  // nblocks < 8. Any previous contents are dropped (write_back() first).
  bool init(const CacheDev& dev, uint32_t bsize, unsigned nblocks);
  void destroy();
  bool active() const { return n_ != 0; }
  uint32_t bsize() const { return bsize_; }
  unsigned capacity() const { return n_; }
  unsigned dirty() const { return ndirty_; }
  size_t bytes() const { return static_cast<size_t>(n_) * bsize_; }
  const CacheStats& stats() const { return stats_; }

  // The cached copy of blk copied to out (and blk made most recently
  // used): true; false if blk is not cached.
  bool read(uint64_t blk, void* out);
  // blk is cached (valid, clean or dirty); does not touch the LRU order.
  bool contains(uint64_t blk) const;
  // blk replaced by data and marked dirty. 0, or EIO when no block could
  // be made free (a dirty one's write failed: it stays dirty).
  int write(uint64_t blk, const void* data);
  // Blocks [blk, blk + n) read from the device into the cache (those not
  // cached already), consecutive missing ones as one io() call; stops at
  // the first failure (the blocks before it stay). The count filled.
  unsigned fill(uint64_t blk, unsigned n);
  // data (one block, read from the device) cached clean, if blk is not
  // cached and a clean block can be reused without a device write.
  void insert_clean(uint64_t blk, const void* data);
  // The device now has other contents at blk: the cached copy goes.
  void drop(uint64_t blk);
  void drop_range(uint64_t blk, uint64_t n);
  // For a transfer that went around the cache: cached (newer) copies of
  // [blk, blk + n) over data (n blocks).
  void overlay(uint64_t blk, uint64_t n, uint8_t* data);
  // Every dirty block written (block order, coalesced). 0 or the first
  // error; blocks that failed stay dirty.
  int write_back();

 private:
  struct Entry {
    uint64_t blk;
    Entry* hnext;           // hash chain
    Entry *prev, *next;     // LRU list: head_ most recent, tail_ least
    bool valid, dirty;
    uint8_t* data;
  };
  unsigned bucket(uint64_t blk) const { return static_cast<unsigned>((blk * 0x9E3779B97F4A7C15ull) >> 32) & mask_; }
  Entry* find(uint64_t blk) const;
  void unlink_lru(Entry* e);
  void push_front(Entry* e);
  void push_back(Entry* e);
  void unhash(Entry* e);
  void hash(Entry* e);
  // A free (invalid) entry for blk, hashed and most recent; the LRU one is
  // evicted (all dirty blocks written back first if it is dirty).
  // nullptr when that write-back failed (then nothing changed), or, with
  // clean_only, when the LRU entry is dirty.
  Entry* slot(uint64_t blk, bool clean_only);

  CacheDev dev_{};
  uint32_t bsize_ = 0;
  unsigned n_ = 0, mask_ = 0, ndirty_ = 0;
  Entry* entries_ = nullptr;
  Entry** buckets_ = nullptr;
  Entry** sorted_ = nullptr;  // write_back's scratch (n_ entries)
  uint8_t** bufs_ = nullptr;  // io()'s buffers (n_ entries)
  Entry* head_ = nullptr;
  Entry* tail_ = nullptr;
  CacheStats stats_{};
};

}  // namespace kiln::extfs
