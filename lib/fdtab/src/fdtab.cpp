#include <kiln/file.h>
#include <kiln/init.h>
#include <kiln/lock.h>
#include <kiln/print.h>
#include <string.h>

#ifndef CONFIG_LIBFDTAB_MAX
#define CONFIG_LIBFDTAB_MAX 256
#endif

namespace kiln {

namespace {
struct Table {
  File* slot[CONFIG_LIBFDTAB_MAX];
};
constinit Protected<Table> table;
}  // namespace

Result<void> File::stat(struct stat* st) {
  memset(st, 0, sizeof *st);
  st->st_mode = S_IFCHR | 0600;
  return {};
}

Result<void> File::unref() {
  if (__atomic_sub_fetch(&refs_, 1, __ATOMIC_ACQ_REL) == 0) return release();
  return {};
}

Result<int> fd_install(File* f, int min_fd) {
  if (min_fd < 0 || min_fd >= CONFIG_LIBFDTAB_MAX) return Error(EINVAL);
  int fd = table.with([&](Table& t) {
    for (int i = min_fd; i < CONFIG_LIBFDTAB_MAX; ++i) {
      if (!t.slot[i]) {
        f->ref();
        t.slot[i] = f;
        return i;
      }
    }
    return -1;
  });
  if (fd < 0) return Error(EMFILE);
  return Ok(fd);
}

Result<void> fd_install_at(int fd, File* f) {
  if (fd < 0 || fd >= CONFIG_LIBFDTAB_MAX) return Error(EBADF);
  f->ref();
  File* old = table.with([&](Table& t) {
    File* o = t.slot[fd];
    t.slot[fd] = f;
    return o;
  });
  // As POSIX dup2: the old file is closed, but an error from closing it is
  // not this call's failure (the new descriptor is in place).
  if (old) (void)old->unref();
  return {};
}

Result<FileRef> fd_get(int fd) {
  if (fd < 0 || fd >= CONFIG_LIBFDTAB_MAX) return Error(EBADF);
  File* f = table.with([&](Table& t) {
    File* g = t.slot[fd];
    if (g) g->ref();
    return g;
  });
  if (!f) return Error(EBADF);
  return FileRef(f);
}

Result<void> fd_close(int fd) {
  if (fd < 0 || fd >= CONFIG_LIBFDTAB_MAX) return Error(EBADF);
  File* f = table.with([&](Table& t) {
    File* g = t.slot[fd];
    t.slot[fd] = nullptr;
    return g;
  });
  if (!f) return Error(EBADF);
  return f->unref();
}

Result<int> fd_dup(int fd) {
  FileRef f = KILN_TRY(fd_get(fd));
  return fd_install(&*f);
}

Result<int> fd_dup2(int fd, int to) {
  FileRef f = KILN_TRY(fd_get(fd));
  if (fd == to) return Ok(to);
  KILN_TRY(fd_install_at(to, &*f));
  return Ok(to);
}

namespace {
int stdio_init() {
  for (int fd = 0; fd < 3; ++fd) {
    if (fd_install_at(fd, &console_file()).is_error()) return -EMFILE;
  }
  return 0;
}
}  // namespace
KILN_INIT(lib, 100, stdio_init);

}  // namespace kiln
