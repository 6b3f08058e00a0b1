// libext2fs' I/O manager over the block device layer (kiln/blkdev.h).
//
// A channel is opened by device name ("vda"). libext2fs reads and writes in
// its block size (set_blksize) or, with a negative count, in bytes; both
// become byte ranges here. A range on whole sectors goes to the device as
// it is (blk_read/blk_write split it into requests the device takes); one
// that is not (a 1 KiB superblock on a 4 KiB-sector disk) goes through a
// bounce buffer, read-modify-write for writes. flush is blk_flush (a device
// without a volatile cache completes it at once). There is no block cache:
// every read libext2fs makes reaches the device (docs/storage.md).
#include "extfs.h"
#include <kiln/alloc.h>
#include <kiln/blkdev.h>
#include <kiln/print.h>
#include <errno.h>
#include <string.h>

namespace kiln::extfs {
namespace {

struct Chan {
  BlockDev* dev;
  bool ro;
  IoCounts counts;
};

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

size_t bytes_of(io_channel c, int count) {
  return count < 0 ? static_cast<size_t>(-static_cast<long>(count)) : static_cast<size_t>(count) * c->block_size;
}

errcode_t k_open(const char* name, int flags, io_channel* out);

errcode_t k_close(io_channel c) {
  if (--c->refcount > 0) return 0;
  kiln_free(c->private_data);
  kiln_free(c->name);
  kiln_free(c);
  return 0;
}

errcode_t k_set_blksize(io_channel c, int blksize) {
  if (blksize <= 0) return EXT2_ET_INVALID_ARGUMENT;
  c->block_size = blksize;
  return 0;
}

errcode_t k_read64(io_channel c, unsigned long long block, int count, void* data) {
  size_t n = bytes_of(c, count);
  if (block > ~0ull / c->block_size) return EXT2_ET_LLSEEK_FAILED;
  errcode_t rc = xfer(chan_of(c), block * c->block_size, data, n, false);
  if (rc && c->read_error) return c->read_error(c, block, count, data, n, 0, rc);
  return rc;
}

errcode_t k_write64(io_channel c, unsigned long long block, int count, const void* data) {
  size_t n = bytes_of(c, count);
  if (block > ~0ull / c->block_size) return EXT2_ET_LLSEEK_FAILED;
  errcode_t rc = xfer(chan_of(c), block * c->block_size, const_cast<void*>(data), n, true);
  if (rc && c->write_error) return c->write_error(c, block, count, data, n, 0, rc);
  return rc;
}

errcode_t k_read(io_channel c, unsigned long block, int count, void* data) { return k_read64(c, block, count, data); }
errcode_t k_write(io_channel c, unsigned long block, int count, const void* data) {
  return k_write64(c, block, count, data);
}

errcode_t k_write_byte(io_channel c, unsigned long offset, int count, const void* data) {
  if (count < 0) return EXT2_ET_INVALID_ARGUMENT;
  return xfer(chan_of(c), offset, const_cast<void*>(data), static_cast<size_t>(count), true);
}

errcode_t k_flush(io_channel c) {
  Chan* ch = chan_of(c);
  if (ch->ro) return 0;
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
