// The per-descriptor directories /dev/fd and /proc/self/fd share: a name
// that is a descriptor number, and a listing of the open descriptors.
#pragma once
#include <kiln/vfs.h>
#include <kiln/file.h>
#include <stdio.h>

namespace kiln::vfs {

// The open descriptor a directory entry names ("0", "17"; no sign, no
// leading zero, at most 9 digits), or ENOENT.
inline Result<int> fd_from_name(const char* name, size_t len) {
  if (len == 0 || len > 9 || (len > 1 && name[0] == '0')) return Error(ENOENT);
  int fd = 0;
  for (size_t i = 0; i < len; ++i) {
    if (name[i] < '0' || name[i] > '9') return Error(ENOENT);
    fd = fd * 10 + (name[i] - '0');
  }
  if (fd_get(fd).is_error()) return Error(ENOENT);
  return Ok(fd);
}

// The next open descriptor's entry for a readdir whose cookie counts
// entries (the first `first` cookies are the directory's fixed entries):
// false past the last one. Entry inode: ino_base + fd.
inline bool next_fd_entry(uint64_t* cookie, uint64_t first, uint64_t ino_base, uint8_t type, DirEntry* out) {
  for (;;) {
    int fd = static_cast<int>(*cookie - first);
    if (fd >= fd_capacity()) return false;
    ++*cookie;
    if (fd_get(fd).is_error()) continue;
    out->ino = ino_base + static_cast<uint64_t>(fd);
    out->type = type;
    out->len = static_cast<size_t>(snprintf(out->name, sizeof out->name, "%d", fd));
    return true;
  }
}

}  // namespace kiln::vfs
