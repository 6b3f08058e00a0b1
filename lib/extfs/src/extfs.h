// lib/extfs internals: libext2fs' headers and the I/O manager (src/io.cpp).
#pragma once
#include <stdint.h>
#include "ext2fs/ext2_fs.h"
#include "ext2fs/ext2fs.h"

namespace kiln::extfs {

// libext2fs' channel over kiln::blk_read/blk_write/blk_flush; opened by
// device name.
extern io_manager blk_io_manager;

struct IoCounts {
  uint64_t reads, writes, flushes, read_bytes, write_bytes;
};
IoCounts io_counts(io_channel c);

// For the file data fast path (src/extfs.cpp).
// Bumped by every write through the channel (cached or not): a reader that
// mapped blocks and read them without the fs lock checks it did not change.
uint64_t io_gen(io_channel c);
// The cached copy of block blk into out (one block): true; false if not cached.
bool io_cached(io_channel c, uint64_t blk, void* out);
// Blocks [blk, blk + n) into the cache (the missing ones, runs as one
// request each): how many are cached from blk on.
unsigned io_readahead(io_channel c, uint64_t blk, unsigned n);
unsigned io_cache_blocks(io_channel c);
// The filesystem's blocks are whole device sectors (direct reads work).
bool io_direct_ok(io_channel c);
// Device blocks read straight into the caller's buffers, every request in
// flight at once; safe without the fs lock (touches neither the cache nor
// libext2fs). 0 or an errno.
struct DirectRun {
  uint64_t blk, count;  // filesystem blocks
  uint8_t* buf;         // count blocks
};
int io_read_direct(io_channel c, const DirectRun* runs, unsigned n);

}  // namespace kiln::extfs
