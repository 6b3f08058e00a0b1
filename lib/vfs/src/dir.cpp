// Directory streams (<dirent.h>) over a directory descriptor.
#include <kiln/vfs.h>
#include <kiln/file.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct __kiln_dir {
  int fd;
  uint64_t cookie;  // the vnode's readdir position (telldir's value)
  struct dirent ent;
};

namespace {
// One entry at d's position; false at the end (errno untouched) or on an
// error (errno set, *err true).
bool next(DIR* d, struct dirent* out, bool* err) {
  *err = false;
  auto f = kiln::fd_get(d->fd);
  kiln::vfs::Vnode* v = f.is_error() ? nullptr : f.value()->vnode();
  if (!v) {
    errno = EBADF;
    *err = true;
    return false;
  }
  kiln::vfs::DirEntry e;
  auto r = v->readdir(&d->cookie, &e);
  if (r.is_error()) {
    errno = r.error().code();
    *err = true;
    return false;
  }
  if (!r.value()) return false;
  out->d_ino = static_cast<ino_t>(e.ino);
  out->d_off = static_cast<off_t>(d->cookie);
  out->d_reclen = sizeof *out;
  out->d_type = e.type;
  memcpy(out->d_name, e.name, e.len + 1);
  return true;
}
}  // namespace

extern "C" {

DIR* fdopendir(int fd) {
  auto f = kiln::fd_get(fd);
  if (f.is_error()) {
    errno = EBADF;
    return nullptr;
  }
  kiln::vfs::Vnode* v = f.value()->vnode();
  if (!v || !v->is_dir()) {
    errno = ENOTDIR;
    return nullptr;
  }
  auto* d = static_cast<DIR*>(malloc(sizeof(DIR)));
  if (!d) {
    errno = ENOMEM;
    return nullptr;
  }
  d->fd = fd;
  d->cookie = 0;
  return d;
}

DIR* opendir(const char* path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return nullptr;
  DIR* d = fdopendir(fd);
  if (!d) {
    int e = errno;
    close(fd);
    errno = e;
  }
  return d;
}

struct dirent* readdir(DIR* d) {
  bool err;
  return next(d, &d->ent, &err) ? &d->ent : nullptr;
}

int readdir_r(DIR* d, struct dirent* entry, struct dirent** result) {
  bool err;
  int saved = errno;
  bool ok = next(d, entry, &err);
  *result = ok ? entry : nullptr;
  int e = err ? errno : 0;
  errno = saved;
  return e;
}

void rewinddir(DIR* d) { d->cookie = 0; }
long telldir(DIR* d) { return static_cast<long>(d->cookie); }
void seekdir(DIR* d, long loc) { d->cookie = static_cast<uint64_t>(loc); }
int dirfd(DIR* d) { return d->fd; }

int closedir(DIR* d) {
  int r = close(d->fd);
  free(d);
  return r;
}

int alphasort(const struct dirent** a, const struct dirent** b) { return strcmp((*a)->d_name, (*b)->d_name); }

int scandir(const char* path, struct dirent*** list, int (*filter)(const struct dirent*),
            int (*compar)(const struct dirent**, const struct dirent**)) {
  DIR* d = opendir(path);
  if (!d) return -1;
  struct dirent** v = nullptr;
  size_t n = 0, cap = 0;
  struct dirent* e;
  errno = 0;
  int err = 0;
  while ((e = readdir(d))) {
    if (filter && !filter(e)) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      auto* nv = static_cast<struct dirent**>(realloc(v, cap * sizeof *v));
      if (!nv) {
        err = ENOMEM;
        break;
      }
      v = nv;
    }
    auto* c = static_cast<struct dirent*>(malloc(sizeof *e));
    if (!c) {
      err = ENOMEM;
      break;
    }
    memcpy(c, e, sizeof *e);
    v[n++] = c;
  }
  if (!err && errno) err = errno;
  closedir(d);
  if (err) {
    for (size_t i = 0; i < n; ++i) free(v[i]);
    free(v);
    errno = err;
    return -1;
  }
  if (compar && n > 1) qsort(v, n, sizeof *v, reinterpret_cast<int (*)(const void*, const void*)>(compar));
  *list = v;
  return static_cast<int>(n);
}

}  // extern "C"
