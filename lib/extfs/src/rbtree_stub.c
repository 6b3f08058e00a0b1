/* libext2fs' red-black-tree bitmaps (GPL-2 in e2fsprogs) are not built: an
 * opened filesystem's bitmaps are bit arrays (default_bitmap_type 0), so
 * this stand-in is never chosen; making a bitmap with it fails cleanly.
 * C, not C++: bmap64.h, which declares the operations, is C only (a field
 * is named "private"). See checksums.cpp and docs/storage.md. */
#include "config.h"
#include "ext2fs/ext2fs.h"
#include "ext2fs/bmap64.h"

static errcode_t no_rbtree(ext2_filsys fs, ext2fs_generic_bitmap_64 bmap) {
  (void)fs;
  (void)bmap;
  return EXT2_ET_INVALID_ARGUMENT;
}

struct ext2_bitmap_ops ext2fs_blkmap64_rbtree = {
    .type = EXT2FS_BMAP64_RBTREE,
    .new_bmap = no_rbtree,
};
