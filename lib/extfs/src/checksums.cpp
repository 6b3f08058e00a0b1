// Kiln's own versions of the few libext2fs pieces that e2fsprogs carries
// under the GPL-2 (its crc16, crc32c, red-black-tree bitmaps and UTF-8
// tables: see debian/copyright in the source), so that an image links only
// libext2fs' LGPL-2 files (docs/storage.md, "Licence").
//   ext2fs_crc32c_le  CRC-32C (Castagnoli, reflected polynomial 0x82F63B78),
//                     the running value in and out, no inversion (the callers do it)
//   ext2fs_crc16      CRC-16 (reflected polynomial 0xA001) on the low 16 bits
//   (the red-black-tree bitmaps' stand-in is rbtree_stub.c)
//   ext2fs_load_nls_table   no character tables: casefold disks are refused at mount
#include "extfs.h"

namespace {

struct Crc32cTable {
  uint32_t t[256];
  constexpr Crc32cTable() : t() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
      t[i] = c;
    }
  }
};
constexpr Crc32cTable kCrc32c;

struct Crc16Table {
  uint16_t t[256];
  constexpr Crc16Table() : t() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xA001u & (0u - (c & 1)));
      t[i] = static_cast<uint16_t>(c);
    }
  }
};
constexpr Crc16Table kCrc16;



}  // namespace

extern "C" {

uint32_t ext2fs_crc32c_le(uint32_t crc, unsigned char const* p, size_t len) {
  while (len--) crc = (crc >> 8) ^ kCrc32c.t[(crc ^ *p++) & 0xff];
  return crc;
}

unsigned int ext2fs_crc16(unsigned int crc, const void* buffer, unsigned int len) {
  auto* p = static_cast<const unsigned char*>(buffer);
  while (len--) crc = ((crc >> 8) & 0xffu) ^ kCrc16.t[(crc ^ *p++) & 0xffu];
  return crc;
}

const struct ext2fs_nls_table* ext2fs_load_nls_table(int) { return nullptr; }

}
