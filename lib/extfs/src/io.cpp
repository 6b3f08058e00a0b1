// libext2fs' I/O manager over the block device layer (kiln/blkdev.h).
//
// A channel is opened by device name ("vda"). libext2fs reads and writes in
// its block size (set_blksize) or, with a negative count, in bytes; both
// become byte ranges here. A range on whole sectors goes to the device as
// one request (several, all in flight at once, only past the device's
// segment limits); one that is not (a 1 KiB superblock on a 4 KiB-sector
// disk) goes through a bounce buffer, read-modify-write for writes. flush
// writes the cached dirty blocks back, then blk_flush (a device without a
// volatile cache completes it at once). The block cache: src/cache.h,
// CONFIG_EXTFS_CACHE_KB; the file data fast path's entry points
// (io_read_direct, io_readahead, ...): extfs.h; docs/storage.md.
#include "extfs.h"
#include "cache.h"
#include <kiln/alloc.h>
#include <kiln/blkdev.h>
#include <kiln/config.h>
#include <kiln/lock.h>
#include <kiln/plat/wait.h>
#include <kiln/print.h>
#include <errno.h>
#include <new>
#include <string.h>

namespace kiln::extfs {
namespace {

// The block cache (CONFIG_EXTFS_CACHE_KB per mounted filesystem, 0: none;
// src/cache.h): single-block reads and writes of libext2fs' block size,
// write-back, least recently used out first. Multi-block and byte
// transfers go to the device as one request (split only at the device's
// segment limits), coherent with the cache: reads take the newer cached
// blocks, writes replace them. flush() and close() write every dirty block
// back (block order, runs coalesced) before the device flush.
struct Chan {
  BlockDev* dev;
  bool ro;
  IoCounts counts;
  uint64_t gen;  // bumped by every write: the fast path's check (extfs.cpp)
  BlockCache cache;
};

size_t cache_bytes_total = 0;  // every channel's cache memory (/proc/meminfo)

Chan* chan_of(io_channel c) { return static_cast<Chan*>(c->private_data); }

errcode_t to_errcode(Error e) { return e.code() == EROFS ? EXT2_ET_RO_FILSYS : static_cast<errcode_t>(e.code()); }

// --- requests in flight ---------------------------------------------------
struct Batch {
  unsigned pending = 0;  // read after waits, written by done() (events masked)
  int status = 0;
};

void batch_done(BlkRequest* r) {
  auto* b = static_cast<Batch*>(r->ctx);
  if (r->status && !b->status) b->status = r->status;
  __atomic_fetch_sub(&b->pending, 1u, __ATOMIC_SEQ_CST);
  kiln_plat_wake_event();
}

// Submits reqs[0..n) (op, sector, count, segs set) and waits for all of
// them: several in flight at once. 0 or an errno (the first failure).
int run_batch(BlockDev* d, BlkRequest* reqs, unsigned n) {
  Batch b;
  int err = 0;
  unsigned i = 0;
  kiln::IrqGuard g;  // the wait contract: check, then wait, with events masked
  while (i < n) {
    reqs[i].ctx = &b;
    reqs[i].done = batch_done;
    ++b.pending;
    auto r = d->submit(&reqs[i]);
    if (!r.is_error()) {
      ++i;
      continue;
    }
    --b.pending;
    if (r.error().code() == EAGAIN && __atomic_load_n(&b.pending, __ATOMIC_SEQ_CST)) {  // the queue is full: wait for room
      kiln_plat_wait_event(0);
      continue;
    }
    err = r.error().code();
    break;
  }
  while (__atomic_load_n(&b.pending, __ATOMIC_SEQ_CST)) kiln_plat_wait_event(0);
  if (!err && b.status) err = -b.status;
  return err;
}

// One contiguous device range [sector, +bytes) from or into buf, as few
// requests as the device's limits allow, all in flight together.
int rw_contig(BlockDev* d, bool write, uint64_t sector, uint8_t* buf, size_t bytes) {
  constexpr unsigned kReqs = 8, kSegs = 16;
  BlkRequest reqs[kReqs];
  BlkSeg segs[kReqs][kSegs];
  uint32_t ss = d->sector_size();
  uint32_t seg_max = d->max_seg_bytes() / ss * ss;
  unsigned max_segs = d->max_segs() < kSegs ? d->max_segs() : kSegs;
  while (bytes) {
    unsigned nr = 0;
    while (bytes && nr < kReqs) {
      unsigned ns = 0;
      uint64_t took = 0;
      while (bytes && ns < max_segs) {
        uint32_t len = bytes < seg_max ? static_cast<uint32_t>(bytes) : seg_max;
        segs[nr][ns++] = {buf, len};
        buf += len;
        bytes -= len;
        took += len;
      }
      BlkRequest& r = reqs[nr++];
      r = BlkRequest{};
      r.op = write ? BlkRequest::Op::kWrite : BlkRequest::Op::kRead;
      r.sector = sector;
      r.count = static_cast<uint32_t>(took / ss);
      r.segs = segs[nr - 1];
      r.nsegs = static_cast<uint16_t>(ns);
      sector += r.count;
    }
    if (int e = run_batch(d, reqs, nr)) return e;
  }
  return 0;
}

void count(Chan* ch, bool write, size_t len) {
  if (write) {
    ++ch->counts.writes;
    ch->counts.write_bytes += len;
    ++ch->gen;
  } else {
    ++ch->counts.reads;
    ch->counts.read_bytes += len;
  }
}

// Bytes [off, off + len) of the device, read into or written from buf.
errcode_t xfer(Chan* ch, uint64_t off, void* buf, size_t len, bool write) {
  BlockDev* d = ch->dev;
  uint32_t ss = d->sector_size();
  if (len == 0) return 0;
  if (off > d->bytes() || len > d->bytes() - off) return EXT2_ET_LLSEEK_FAILED;
  if (write && ch->ro) return EXT2_ET_RO_FILSYS;
  count(ch, write, len);
  if (off % ss == 0 && len % ss == 0) {
    int e = rw_contig(d, write, off / ss, static_cast<uint8_t*>(buf), len);
    return e ? to_errcode(Error(e)) : 0;
  }
  // Not on whole sectors: through a bounce buffer covering them.
  uint64_t first = off / ss, last = (off + len + ss - 1) / ss;
  size_t span = static_cast<size_t>((last - first) * ss);
  auto* b = static_cast<uint8_t*>(kiln_malloc(span));
  if (!b) return EXT2_ET_NO_MEMORY;
  errcode_t rc = 0;
  auto r = blk_read(d, first, b, span);
  if (r.is_error()) {
    rc = to_errcode(r.error());
  } else if (write) {
    memcpy(b + (off - first * ss), buf, len);
    auto w = blk_write(d, first, b, span);
    if (w.is_error()) rc = to_errcode(w.error());
  } else {
    memcpy(buf, b + (off - first * ss), len);
  }
  kiln_free(b);
  return rc;
}

// The cache's device: n blocks into or from n separate buffers, one
// request (one segment per block) where the device takes that.
int cache_io(void* ctx, bool write, uint64_t blk, uint8_t* const* bufs, unsigned n) {
  auto* ch = static_cast<Chan*>(ctx);
  BlockDev* d = ch->dev;
  uint32_t bs = ch->cache.bsize(), ss = d->sector_size();
  if (write && ch->ro) return EROFS;
  if (bs % ss || bs > d->max_seg_bytes() || n > d->max_segs() || n > 64) {
    for (unsigned i = 0; i < n; ++i) {  // one block at a time (bounce or split)
      errcode_t rc = xfer(ch, (blk + i) * bs, bufs[i], bs, write);
      if (rc) return EIO;
    }
    return 0;
  }
  if (blk > d->bytes() / bs || n > d->bytes() / bs - blk) return EIO;
  BlkSeg segs[64];
  for (unsigned i = 0; i < n; ++i) segs[i] = {bufs[i], bs};
  BlkRequest r;
  r.op = write ? BlkRequest::Op::kWrite : BlkRequest::Op::kRead;
  r.sector = blk * (bs / ss);
  r.count = n * (bs / ss);
  r.segs = segs;
  r.nsegs = static_cast<uint16_t>(n);
  if (write) {
    ++ch->counts.writes;
    ch->counts.write_bytes += uint64_t{n} * bs;
  } else {
    ++ch->counts.reads;
    ch->counts.read_bytes += uint64_t{n} * bs;
  }
  int e = run_batch(d, &r, 1);
  return e ? EIO : 0;
}

void free_cache(Chan* ch) {
  cache_bytes_total -= ch->cache.bytes();
  ch->cache.destroy();
}

// Set up for libext2fs' block size (once it is known; again if it changes).
void setup_cache(Chan* ch, uint32_t bsize) {
  if (ch->cache.active() && ch->cache.bsize() == bsize) return;
  if (ch->cache.active()) (void)ch->cache.write_back();
  free_cache(ch);
  unsigned n = static_cast<unsigned>(static_cast<uint64_t>(CONFIG_EXTFS_CACHE_KB) * 1024 / bsize);
  CacheDev cd;
  cd.ctx = ch;
  cd.io = cache_io;
  unsigned segs = ch->dev->max_segs();
  cd.max_run = segs < 64 ? (segs ? segs : 1) : 64;
  if (ch->cache.init(cd, bsize, n)) cache_bytes_total += ch->cache.bytes();
  // else: no memory (or too small): no cache, everything still works
}

bool cache_on(io_channel c) {
  Chan* ch = chan_of(c);
  return ch->cache.active() && ch->cache.bsize() == static_cast<uint32_t>(c->block_size);
}

errcode_t write_back(Chan* ch) {
  if (!ch->cache.active()) return 0;
  return ch->cache.write_back() ? EXT2_ET_SHORT_WRITE : 0;
}

size_t bytes_of(io_channel c, int count) {
  return count < 0 ? static_cast<size_t>(-static_cast<long>(count)) : static_cast<size_t>(count) * c->block_size;
}

errcode_t k_open(const char* name, int flags, io_channel* out);

errcode_t k_close(io_channel c) {
  if (--c->refcount > 0) return 0;
  Chan* ch = chan_of(c);
  errcode_t rc = write_back(ch);
  if (rc) kiln_err("extfs: %s: writing back cached blocks at close failed", c->name);
  free_cache(ch);
  ch->~Chan();
  kiln_free(c->private_data);
  kiln_free(c->name);
  kiln_free(c);
  return 0;
}

errcode_t k_set_blksize(io_channel c, int blksize) {
  if (blksize <= 0) return EXT2_ET_INVALID_ARGUMENT;
  c->block_size = blksize;
  Chan* ch = chan_of(c);
  if (CONFIG_EXTFS_CACHE_KB > 0) setup_cache(ch, static_cast<uint32_t>(blksize));
  return 0;
}

errcode_t cached_read(Chan* ch, uint64_t block, void* data) {
  if (ch->cache.read(block, data)) return 0;
  // A miss: the block from the device (one request), then kept.
  uint32_t bs = ch->cache.bsize();
  errcode_t rc = xfer(ch, block * bs, data, bs, false);
  if (!rc) ch->cache.insert_clean(block, data);
  return rc;
}

errcode_t cached_write(Chan* ch, uint64_t block, const void* data) {
  if (ch->ro) return EXT2_ET_RO_FILSYS;
  if (block >= ch->dev->bytes() / ch->cache.bsize()) return EXT2_ET_LLSEEK_FAILED;
  ++ch->gen;
  if (ch->cache.write(block, data)) return EXT2_ET_SHORT_WRITE;
  return 0;
}

errcode_t k_read64(io_channel c, unsigned long long block, int count, void* data) {
  size_t n = bytes_of(c, count);
  if (block > ~0ull / c->block_size) return EXT2_ET_LLSEEK_FAILED;
  Chan* ch = chan_of(c);
  if (cache_on(c) && count == 1) {
    errcode_t rc = cached_read(ch, block, data);
    if (rc && c->read_error) return c->read_error(c, block, count, data, n, 0, rc);
    return rc;
  }
  if (ch->cache.active() && count < 0) {
    errcode_t wb = write_back(ch);  // byte ranges: the device first has what is cached
    if (wb) return wb;
  }
  errcode_t rc = xfer(ch, block * c->block_size, data, n, false);
  if (!rc && count > 0 && cache_on(c)) ch->cache.overlay(block, static_cast<uint64_t>(count), static_cast<uint8_t*>(data));
  if (rc && c->read_error) return c->read_error(c, block, count, data, n, 0, rc);
  return rc;
}

// The cached blocks that bytes [off, off + n) overlap go (the device has newer).
void drop_bytes(Chan* ch, uint64_t off, uint64_t n) {
  if (!ch->cache.active() || !n) return;
  uint64_t bs = ch->cache.bsize();
  ch->cache.drop_range(off / bs, (off + n + bs - 1) / bs - off / bs);
}

errcode_t k_write64(io_channel c, unsigned long long block, int count, const void* data) {
  size_t n = bytes_of(c, count);
  if (block > ~0ull / c->block_size) return EXT2_ET_LLSEEK_FAILED;
  Chan* ch = chan_of(c);
  if (cache_on(c) && count == 1) {
    errcode_t rc = cached_write(ch, block, data);
    if (rc && c->write_error) return c->write_error(c, block, count, data, n, 0, rc);
    return rc;
  }
  if (ch->cache.active() && count < 0) {
    errcode_t wb = write_back(ch);  // then drop what the bytes overlap
    if (wb) return wb;
  }
  errcode_t rc = xfer(ch, block * c->block_size, const_cast<void*>(data), n, true);
  drop_bytes(ch, block * c->block_size, n);
  if (rc && c->write_error) return c->write_error(c, block, count, data, n, 0, rc);
  return rc;
}

errcode_t k_read(io_channel c, unsigned long block, int count, void* data) { return k_read64(c, block, count, data); }
errcode_t k_write(io_channel c, unsigned long block, int count, const void* data) {
  return k_write64(c, block, count, data);
}

errcode_t k_write_byte(io_channel c, unsigned long offset, int count, const void* data) {
  if (count < 0) return EXT2_ET_INVALID_ARGUMENT;
  Chan* ch = chan_of(c);
  errcode_t rc = write_back(ch);
  if (rc) return rc;
  rc = xfer(ch, offset, const_cast<void*>(data), static_cast<size_t>(count), true);
  drop_bytes(ch, offset, static_cast<uint64_t>(count));
  return rc;
}

errcode_t k_flush(io_channel c) {
  Chan* ch = chan_of(c);
  if (ch->ro) return 0;
  errcode_t wb = write_back(ch);
  if (wb) return wb;
  ++ch->counts.flushes;
  auto r = blk_flush(ch->dev);
  return r.is_error() ? to_errcode(r.error()) : 0;
}

errcode_t k_set_option(io_channel, const char*, const char*) { return EXT2_ET_INVALID_ARGUMENT; }

errcode_t k_discard(io_channel c, unsigned long long block, unsigned long long count) {
  Chan* ch = chan_of(c);
  if (!ch->dev->can_discard()) return EXT2_ET_UNIMPLEMENTED;
  uint32_t ss = ch->dev->sector_size();
  uint64_t off = block * c->block_size, len = count * c->block_size;
  if (off % ss || len % ss || len / ss > 0xffffffffu) return EXT2_ET_UNIMPLEMENTED;
  ++ch->gen;
  auto r = blk_discard(ch->dev, off / ss, static_cast<uint32_t>(len / ss));
  drop_bytes(ch, off, len);
  return r.is_error() ? to_errcode(r.error()) : 0;
}

struct_io_manager manager = {
    EXT2_ET_MAGIC_IO_MANAGER, "Kiln block device I/O manager", k_open, k_close, k_set_blksize, k_read, k_write,
    k_flush, k_write_byte, k_set_option, nullptr, k_read64, k_write64, k_discard, nullptr, nullptr, {}};

errcode_t k_open(const char* name, int flags, io_channel* out) {
  BlockDev* d = name ? blk_find(name) : nullptr;
  if (!d) return EXT2_ET_BAD_DEVICE_NAME;
  auto* c = static_cast<io_channel>(kiln_malloc(sizeof(struct_io_channel)));
  auto* ch = static_cast<Chan*>(kiln_malloc(sizeof(Chan)));
  size_t nl = strlen(name);
  auto* nm = static_cast<char*>(kiln_malloc(nl + 1));
  if (!c || !ch || !nm) {
    kiln_free(c);
    kiln_free(ch);
    kiln_free(nm);
    return EXT2_ET_NO_MEMORY;
  }
  memset(c, 0, sizeof *c);
  memcpy(nm, name, nl + 1);
  new (ch) Chan{};
  ch->dev = d;
  ch->ro = !(flags & IO_FLAG_RW) || d->read_only();
  c->magic = EXT2_ET_MAGIC_IO_CHANNEL;
  c->manager = &manager;
  c->name = nm;
  c->block_size = 1024;
  c->refcount = 1;
  c->private_data = ch;
  c->align = 0;
  *out = c;
  return 0;
}

}  // namespace

io_manager blk_io_manager = &manager;

IoCounts io_counts(io_channel c) { return chan_of(c)->counts; }

uint64_t io_gen(io_channel c) {
  kiln::IrqGuard g;
  return chan_of(c)->gen;
}

bool io_cached(io_channel c, uint64_t blk, void* out) { return cache_on(c) && chan_of(c)->cache.read(blk, out); }

unsigned io_readahead(io_channel c, uint64_t blk, unsigned n) {
  if (!cache_on(c)) return 0;
  Chan* ch = chan_of(c);
  uint64_t nblocks = ch->dev->bytes() / ch->cache.bsize();
  if (blk >= nblocks) return 0;
  if (n > nblocks - blk) n = static_cast<unsigned>(nblocks - blk);
  return ch->cache.fill(blk, n);
}

unsigned io_cache_blocks(io_channel c) { return cache_on(c) ? chan_of(c)->cache.capacity() : 0; }

bool io_direct_ok(io_channel c) {
  Chan* ch = chan_of(c);
  return c->block_size > 0 && static_cast<uint32_t>(c->block_size) % ch->dev->sector_size() == 0;
}

int io_read_direct(io_channel c, const DirectRun* runs, unsigned n) {
  Chan* ch = chan_of(c);
  BlockDev* d = ch->dev;
  uint32_t ss = d->sector_size();
  uint64_t bs = static_cast<uint64_t>(c->block_size);
  uint32_t seg_max = d->max_seg_bytes() / ss * ss;
  constexpr unsigned kReqs = 16, kSegs = 8;
  unsigned max_segs = d->max_segs() < kSegs ? d->max_segs() : kSegs;
  BlkRequest reqs[kReqs];
  BlkSeg segs[kReqs][kSegs];
  unsigned nr = 0;
  for (unsigned i = 0; i < n; ++i) {
    if (runs[i].blk > d->bytes() / bs || runs[i].count > d->bytes() / bs - runs[i].blk) return EIO;
    uint64_t sector = runs[i].blk * (bs / ss);
    uint8_t* buf = runs[i].buf;
    size_t bytes = static_cast<size_t>(runs[i].count * bs);
    count(ch, false, bytes);
    while (bytes) {
      unsigned ns = 0;
      uint64_t took = 0;
      while (bytes && ns < max_segs) {
        uint32_t len = bytes < seg_max ? static_cast<uint32_t>(bytes) : seg_max;
        segs[nr][ns++] = {buf, len};
        buf += len;
        bytes -= len;
        took += len;
      }
      BlkRequest& r = reqs[nr];
      r = BlkRequest{};
      r.op = BlkRequest::Op::kRead;
      r.sector = sector;
      r.count = static_cast<uint32_t>(took / ss);
      r.segs = segs[nr];
      r.nsegs = static_cast<uint16_t>(ns);
      sector += r.count;
      if (++nr == kReqs) {
        if (int e = run_batch(d, reqs, nr)) return e;
        nr = 0;
      }
    }
  }
  return nr ? run_batch(d, reqs, nr) : 0;
}

}  // namespace kiln::extfs

// /proc/meminfo's "Buffers:" (lib/vfs/src/procfs.cpp asks, when linked).
extern "C" size_t kiln_vfs_cache_bytes() { return kiln::extfs::cache_bytes_total; }

namespace kiln::extfs {

}  // namespace kiln::extfs

// libext2fs' ext2fs_zero_blocks2 lives in mkjournal with the journal
// writer, which Kiln does not build: the same contract, here. num blocks
// from blk are written with zeros; on an error *ret_blk and *ret_count say
// where it stopped. fs == nullptr: nothing is kept between calls here.
extern "C" errcode_t ext2fs_zero_blocks2(ext2_filsys fs, blk64_t blk, int num, blk64_t* ret_blk, int* ret_count) {
  if (!fs || num <= 0) return 0;
  constexpr int kMax = 32;
  size_t bs = fs->blocksize;
  int per = num < kMax ? num : kMax;
  auto* z = static_cast<uint8_t*>(kiln_malloc(bs * per));
  if (!z) return EXT2_ET_NO_MEMORY;
  memset(z, 0, bs * per);
  errcode_t rc = 0;
  for (int done = 0; done < num;) {
    int c = num - done < per ? num - done : per;
    rc = io_channel_write_blk64(fs->io, blk + done, c, z);
    if (rc) {
      if (ret_blk) *ret_blk = blk + done;
      if (ret_count) *ret_count = c;
      break;
    }
    done += c;
  }
  kiln_free(z);
  return rc;
}
