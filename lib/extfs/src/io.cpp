// libext2fs' I/O manager over the block device layer (kiln/blkdev.h).
//
// A channel is opened by device name ("vda"). libext2fs reads and writes in
// its block size (set_blksize) or, with a negative count, in bytes; both
// become byte ranges here. A range on whole sectors goes to the device as
// it is (blk_read/blk_write split it into requests the device takes); one
// that is not (a 1 KiB superblock on a 4 KiB-sector disk) goes through a
// bounce buffer, read-modify-write for writes. flush writes the cached
// dirty blocks back, then blk_flush (a device without a volatile cache
// completes it at once). The block cache: CONFIG_EXTFS_CACHE_KB, below;
// docs/storage.md.
#include "extfs.h"
#include <kiln/alloc.h>
#include <kiln/blkdev.h>
#include <kiln/config.h>
#include <kiln/print.h>
#include <errno.h>
#include <string.h>

namespace kiln::extfs {
namespace {

// The block cache (CONFIG_EXTFS_CACHE_KB per mounted filesystem, 0: none):
// single-block reads and writes of libext2fs' block size, write-back, least
// recently used out first (a dirty one written then). Multi-block and byte
// transfers go to the device, coherent with it: reads take the newer cached
// blocks, writes replace them. flush() and close() write every dirty block
// before the device flush.
struct Entry {
  uint64_t blk;
  uint64_t used;  // LRU clock
  Entry* hnext;   // hash chain
  bool valid, dirty;
  uint8_t* data;
};

struct Chan {
  BlockDev* dev;
  bool ro;
  IoCounts counts;
  uint32_t bsize;  // the cache's block size (0: not set up)
  unsigned n;      // entries
  unsigned nbuckets;
  Entry* entries;
  Entry** buckets;
  uint64_t clock;
};

size_t cache_bytes_total = 0;  // every channel's cache memory (/proc/meminfo)

Chan* chan_of(io_channel c) { return static_cast<Chan*>(c->private_data); }

errcode_t to_errcode(Error e) { return e.code() == EROFS ? EXT2_ET_RO_FILSYS : static_cast<errcode_t>(e.code()); }

// Bytes [off, off + len) of the device, read into or written from buf.
errcode_t xfer(Chan* ch, uint64_t off, void* buf, size_t len, bool write) {
  BlockDev* d = ch->dev;
  uint32_t ss = d->sector_size();
  if (len == 0) return 0;
  if (off > d->bytes() || len > d->bytes() - off) return EXT2_ET_LLSEEK_FAILED;
  if (write && ch->ro) return EXT2_ET_RO_FILSYS;
  if (write) {
    ++ch->counts.writes;
    ch->counts.write_bytes += len;
  } else {
    ++ch->counts.reads;
    ch->counts.read_bytes += len;
  }
  if (off % ss == 0 && len % ss == 0) {
    auto r = write ? blk_write(d, off / ss, buf, len) : blk_read(d, off / ss, buf, len);
    return r.is_error() ? to_errcode(r.error()) : 0;
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

errcode_t write_entry(Chan* ch, Entry* e) {
  errcode_t rc = xfer(ch, e->blk * ch->bsize, e->data, ch->bsize, true);
  if (!rc) e->dirty = false;
  return rc;
}

void unhash(Chan* ch, Entry* e) {
  for (Entry** p = &ch->buckets[e->blk % ch->nbuckets]; *p; p = &(*p)->hnext) {
    if (*p == e) {
      *p = e->hnext;
      break;
    }
  }
  e->valid = false;
  e->dirty = false;
}

Entry* find(Chan* ch, uint64_t blk) {
  for (Entry* e = ch->buckets[blk % ch->nbuckets]; e; e = e->hnext) {
    if (e->blk == blk) return e;
  }
  return nullptr;
}

// Writes back every dirty block (in block order, so the device sees runs).
errcode_t write_back(Chan* ch) {
  if (!ch->entries) return 0;
  errcode_t first = 0;
  for (;;) {
    Entry* low = nullptr;
    for (unsigned i = 0; i < ch->n; ++i) {
      Entry* e = &ch->entries[i];
      if (e->valid && e->dirty && (!low || e->blk < low->blk)) low = e;
    }
    if (!low) return first;
    errcode_t rc = write_entry(ch, low);
    if (rc) {
      if (!first) first = rc;
      unhash(ch, low);  // lost: reported once, not retried forever
    }
  }
}

void free_cache(Chan* ch) {
  if (ch->entries) {
    for (unsigned i = 0; i < ch->n; ++i) kiln_free(ch->entries[i].data);
    cache_bytes_total -= static_cast<size_t>(ch->n) * ch->bsize;
  }
  kiln_free(ch->entries);
  kiln_free(ch->buckets);
  ch->entries = nullptr;
  ch->buckets = nullptr;
  ch->n = 0;
  ch->bsize = 0;
}

// Set up for libext2fs' block size (once it is known; again if it changes).
void setup_cache(Chan* ch, uint32_t bsize) {
  if (ch->bsize == bsize && ch->entries) return;
  (void)write_back(ch);
  free_cache(ch);
  unsigned n = static_cast<unsigned>(static_cast<uint64_t>(CONFIG_EXTFS_CACHE_KB) * 1024 / bsize);
  if (n < 8) return;  // too small to matter: no cache
  auto* es = static_cast<Entry*>(kiln_malloc(sizeof(Entry) * n));
  auto* bs = static_cast<Entry**>(kiln_malloc(sizeof(Entry*) * n));
  if (!es || !bs) {
    kiln_free(es);
    kiln_free(bs);
    return;  // no memory: no cache, everything still works
  }
  unsigned made = 0;
  for (; made < n; ++made) {
    es[made] = {0, 0, nullptr, false, false, static_cast<uint8_t*>(kiln_malloc(bsize))};
    if (!es[made].data) break;
  }
  if (made < 8) {
    for (unsigned i = 0; i < made; ++i) kiln_free(es[i].data);
    kiln_free(es);
    kiln_free(bs);
    return;
  }
  memset(bs, 0, sizeof(Entry*) * n);
  ch->entries = es;
  ch->buckets = bs;
  ch->n = made;
  ch->nbuckets = n;
  ch->bsize = bsize;
  cache_bytes_total += static_cast<size_t>(made) * bsize;
}

// An entry for blk: the least recently used one, written back first if dirty.
Result<Entry*> take(Chan* ch, uint64_t blk) {
  Entry* v = nullptr;
  for (unsigned i = 0; i < ch->n; ++i) {
    Entry* e = &ch->entries[i];
    if (!e->valid) {
      v = e;
      break;
    }
    if (!v || e->used < v->used) v = e;
  }
  if (v->valid) {
    if (v->dirty) {
      errcode_t rc = write_entry(ch, v);
      if (rc) return Error(EIO);
    }
    unhash(ch, v);
  }
  v->blk = blk;
  v->valid = true;
  v->dirty = false;
  v->used = ++ch->clock;
  v->hnext = ch->buckets[blk % ch->nbuckets];
  ch->buckets[blk % ch->nbuckets] = v;
  return Ok(v);
}

// Blocks [blk, blk + count) were written to the device directly: cached
// copies are stale (dropped); or read from it: cached ones are newer (copied over).
void overlay(Chan* ch, uint64_t blk, uint64_t count, uint8_t* data, bool wrote) {
  if (!ch->entries) return;
  for (unsigned i = 0; i < ch->n; ++i) {
    Entry* e = &ch->entries[i];
    if (!e->valid || e->blk < blk || e->blk >= blk + count) continue;
    if (wrote) unhash(ch, e);
    else memcpy(data + (e->blk - blk) * ch->bsize, e->data, ch->bsize);
  }
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
  if (Entry* e = find(ch, block)) {
    e->used = ++ch->clock;
    memcpy(data, e->data, ch->bsize);
    return 0;
  }
  auto t = take(ch, block);
  if (t.is_error()) return EXT2_ET_SHORT_WRITE;
  Entry* e = t.value();
  errcode_t rc = xfer(ch, block * ch->bsize, e->data, ch->bsize, false);
  if (rc) {
    unhash(ch, e);
    return rc;
  }
  memcpy(data, e->data, ch->bsize);
  return 0;
}

errcode_t cached_write(Chan* ch, uint64_t block, const void* data) {
  if (ch->ro) return EXT2_ET_RO_FILSYS;
  if (block >= ch->dev->bytes() / ch->bsize) return EXT2_ET_LLSEEK_FAILED;
  Entry* e = find(ch, block);
  if (!e) {
    auto t = take(ch, block);
    if (t.is_error()) return EXT2_ET_SHORT_WRITE;
    e = t.value();
  }
  e->used = ++ch->clock;
  memcpy(e->data, data, ch->bsize);
  e->dirty = true;
  return 0;
}

errcode_t k_read64(io_channel c, unsigned long long block, int count, void* data) {
  size_t n = bytes_of(c, count);
  if (block > ~0ull / c->block_size) return EXT2_ET_LLSEEK_FAILED;
  Chan* ch = chan_of(c);
  if (ch->entries && ch->bsize == static_cast<uint32_t>(c->block_size) && count == 1) {
    errcode_t rc = cached_read(ch, block, data);
    if (rc && c->read_error) return c->read_error(c, block, count, data, n, 0, rc);
    return rc;
  }
  if (ch->entries && count < 0) {
    errcode_t wb = write_back(ch);  // byte ranges: the device first has what is cached
    if (wb) return wb;
  }
  errcode_t rc = xfer(ch, block * c->block_size, data, n, false);
  if (!rc && count > 0 && ch->bsize == static_cast<uint32_t>(c->block_size))
    overlay(ch, block, static_cast<uint64_t>(count), static_cast<uint8_t*>(data), false);
  if (rc && c->read_error) return c->read_error(c, block, count, data, n, 0, rc);
  return rc;
}

errcode_t k_write64(io_channel c, unsigned long long block, int count, const void* data) {
  size_t n = bytes_of(c, count);
  if (block > ~0ull / c->block_size) return EXT2_ET_LLSEEK_FAILED;
  Chan* ch = chan_of(c);
  if (ch->entries && ch->bsize == static_cast<uint32_t>(c->block_size) && count == 1) {
    errcode_t rc = cached_write(ch, block, data);
    if (rc && c->write_error) return c->write_error(c, block, count, data, n, 0, rc);
    return rc;
  }
  if (ch->entries && count < 0) {
    errcode_t wb = write_back(ch);  // then drop what the bytes overlap
    if (wb) return wb;
  }
  errcode_t rc = xfer(ch, block * c->block_size, const_cast<void*>(data), n, true);
  if (ch->entries) {
    uint64_t first = block * c->block_size / (ch->bsize ? ch->bsize : 1);
    uint64_t last = (block * c->block_size + n + ch->bsize - 1) / (ch->bsize ? ch->bsize : 1);
    overlay(ch, first, last - first, nullptr, true);
  }
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
  if (ch->entries) {
    uint64_t first = offset / ch->bsize, last = (offset + static_cast<uint64_t>(count) + ch->bsize - 1) / ch->bsize;
    overlay(ch, first, last - first, nullptr, true);
  }
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
  auto r = blk_discard(ch->dev, off / ss, static_cast<uint32_t>(len / ss));
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
  ch->dev = d;
  ch->ro = !(flags & IO_FLAG_RW) || d->read_only();
  ch->counts = {};
  ch->bsize = 0;
  ch->n = ch->nbuckets = 0;
  ch->entries = nullptr;
  ch->buckets = nullptr;
  ch->clock = 0;
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
