// Without lib/vfs there are no files to map: mmap of a descriptor fails
// with ENODEV (src/mapfile.h).
#include "mapfile.h"
#include <errno.h>
#include <sys/types.h>

namespace kiln::mm {

long file_get(int, bool, MapFile**, bool*) { return -ENODEV; }
void file_ref(MapFile*) {}
void file_unref(MapFile*) {}
long file_fill(MapFile*, void*, size_t, off_t) { return -ENODEV; }
long file_store(MapFile*, const void*, size_t, off_t) { return -ENODEV; }

}  // namespace kiln::mm

// No files: no shared memory objects either.
extern "C" int shm_open(const char*, int, mode_t) {
  errno = ENOSYS;
  return -1;
}
extern "C" int shm_unlink(const char*) {
  errno = ENOSYS;
  return -1;
}
