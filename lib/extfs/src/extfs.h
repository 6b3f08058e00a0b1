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

}  // namespace kiln::extfs
