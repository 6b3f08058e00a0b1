// Mapped files through lib/vfs (src/mapfile.h): a mapping holds a vnode
// reference; its bytes are read with the vnode's read at an offset (at map
// time, and for mremap's growth and MADV_DONTNEED on a private mapping)
// and, for MAP_SHARED, written back with its write (msync, munmap).
#include "mapfile.h"
#include <kiln/file.h>
#include <kiln/vfs.h>
#include <fcntl.h>
#include <string.h>

namespace kiln::mm {

namespace {
vfs::Vnode* vn(MapFile* f) { return reinterpret_cast<vfs::Vnode*>(f); }
}  // namespace

long file_get(int fd, bool shared_write, MapFile** out, bool* writable) {
  auto fr = fd_get(fd);
  if (fr.is_error()) return -EBADF;
  FileRef f = fr.release_value();
  vfs::Vnode* v = f->vnode();
  if (!v || !v->is_reg()) return -ENODEV;
  auto st = f->status_flags();
  int acc = st.is_error() ? O_RDONLY : (st.value() & O_ACCMODE);
  if (acc == O_WRONLY) return -EACCES;
  *writable = acc == O_RDWR;
  if (shared_write && !*writable) return -EACCES;
  v->ref();
  *out = reinterpret_cast<MapFile*>(v);
  return 0;
}

void file_ref(MapFile* f) { vn(f)->ref(); }
void file_unref(MapFile* f) { vn(f)->unref(); }

long file_fill(MapFile* f, void* buf, size_t n, off_t off) {
  auto* p = static_cast<char*>(buf);
  size_t done = 0;
  while (done < n) {
    size_t k = n - done < vfs::kIoPiece ? n - done : vfs::kIoPiece;
    vfs::Guard g;
    auto r = vn(f)->read(p + done, k, off + static_cast<off_t>(done));
    if (r.is_error()) return -r.error().code();
    done += r.value();
    if (r.value() < k) break;  // the end of the file
  }
  memset(p + done, 0, n - done);
  return 0;
}

long file_store(MapFile* f, const void* buf, size_t n, off_t off) {
  struct stat st;
  {
    vfs::Guard g;
    auto r = vn(f)->getattr(&st);
    if (r.is_error()) return -r.error().code();
  }
  if (off >= st.st_size) return 0;
  if (static_cast<off_t>(n) > st.st_size - off) n = static_cast<size_t>(st.st_size - off);
  auto* p = static_cast<const char*>(buf);
  size_t done = 0;
  while (done < n) {
    size_t k = n - done < vfs::kIoPiece ? n - done : vfs::kIoPiece;
    vfs::Guard g;
    auto r = vn(f)->write(p + done, k, off + static_cast<off_t>(done));
    if (r.is_error()) return -r.error().code();
    done += r.value();
    if (r.value() < k) return -ENOSPC;
  }
  return 0;
}

}  // namespace kiln::mm
