// The descriptor table. It starts with kInitial slots in the image and
// grows (doubling, from the heap) when every slot is taken, up to the limit
// (CONFIG_LIBFDTAB_MAX, or lower with fd.max=). Growing never moves a
// File, only the array of pointers; the old array is freed after the swap.
// Each slot has a close-on-exec bit (FD_CLOEXEC) beside it: a unikernel
// never execs, but programs set and read it (fcntl F_GETFD, SOCK_CLOEXEC,
// O_CLOEXEC), so it is kept per descriptor as POSIX says, not per file.
#include <kiln/config.h>
#include <kiln/alloc.h>
#include <kiln/file.h>
#include <sys/uio.h>
#include <kiln/init.h>
#include <kiln/lock.h>
#include <kiln/option.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/wait.h>
#include <kiln/print.h>
#include <errno.h>
#include <string.h>

#ifndef CONFIG_LIBFDTAB_MAX
#define CONFIG_LIBFDTAB_MAX 65536
#endif

namespace kiln {

namespace {

constexpr int kInitial = CONFIG_LIBFDTAB_MAX < 64 ? CONFIG_LIBFDTAB_MAX : 64;

// Marks a slot held by fd_reserve: taken for fd_install, closed for fd_get.
class Reserved final : public File {};
constinit Reserved reserved;

constexpr int kWords(int cap) { return (cap + 63) / 64; }

struct Table {
  File* first[kInitial] = {};
  uint64_t first_cloexec[kWords(kInitial)] = {};
  File** slot = nullptr;  // first, or a heap array of cap entries
  uint64_t* cloexec = nullptr;  // first_cloexec, or the words after slot's cap entries
  int cap = kInitial;
  int free_hint = 0;      // no free slot below this
};
// One CPU: masking events is the table's lock (IrqLock, no atomic
// instruction: fd_get is on every read's path).
constinit Protected<Table, IrqLock> table;
constinit int limit = CONFIG_LIBFDTAB_MAX;
constinit uint64_t seq = 0;

File** slots(Table& t) { return t.slot ? t.slot : t.first; }
uint64_t* cloexec_bits(Table& t) { return t.slot ? t.cloexec : t.first_cloexec; }
void set_cloexec(Table& t, int fd, bool on) {
  uint64_t bit = uint64_t{1} << (fd % 64);
  uint64_t& w = cloexec_bits(t)[fd / 64];
  w = on ? (w | bit) : (w & ~bit);
}

// Grows the table so it has more than `need` slots (within the limit).
// Allocates with the lock not held.
Result<void> grow(int need) {
  for (;;) {
    int cap = table.with([](Table& t) { return t.cap; });
    if (need < cap && need < limit) return {};
    if (cap >= limit || need >= limit) return Error(EMFILE);
    int ncap = cap * 2 > limit ? limit : cap * 2;
    // One block: the pointers, then the close-on-exec words.
    size_t bytes = static_cast<size_t>(ncap) * sizeof(File*) + static_cast<size_t>(kWords(ncap)) * sizeof(uint64_t);
    auto* n = static_cast<File**>(kiln_calloc(1, bytes));
    if (!n) return Error(ENOMEM);
    File** old = table.with([&](Table& t) -> File** {
      if (t.cap != cap) return n;  // someone else grew it first: retry
      memcpy(n, slots(t), static_cast<size_t>(cap) * sizeof(File*));
      auto* bits = reinterpret_cast<uint64_t*>(n + ncap);
      memcpy(bits, cloexec_bits(t), static_cast<size_t>(kWords(cap)) * sizeof(uint64_t));
      File** o = t.slot;
      t.slot = n;
      t.cloexec = bits;
      t.cap = ncap;
      return o;
    });
    if (old) kiln_free(old);
  }
}

// The lowest free slot >= min_fd set to f, which gains a reference (with
// the lock held, so a close racing the install cannot drop it first), or -1.
int take(Table& t, int min_fd, File* f) {
  File** s = slots(t);
  int from = min_fd > t.free_hint ? min_fd : t.free_hint;
  int end = t.cap < limit ? t.cap : limit;  // the first slots can be more than fd.max=
  for (int i = from; i < end; ++i) {
    if (!s[i]) {
      s[i] = f;
      set_cloexec(t, i, false);
      f->ref_masked();
      if (min_fd <= t.free_hint) t.free_hint = i + 1;
      return i;
    }
  }
  if (min_fd <= t.free_hint) t.free_hint = end;
  return -1;
}

Result<int> install(File* f, int min_fd) {
  if (min_fd < 0 || min_fd >= limit) return Error(EINVAL);
  for (;;) {
    int cap = 0;
    int fd = table.with([&](Table& t) {
      cap = t.cap;
      return take(t, min_fd, f);
    });
    if (fd >= 0) return Ok(fd);
    KILN_TRY(grow(cap > min_fd ? cap : min_fd));
  }
}

// Clears slot fd (lock held); returns what was there.
File* clear(Table& t, int fd) {
  File* g = slots(t)[fd];
  slots(t)[fd] = nullptr;
  set_cloexec(t, fd, false);
  if (fd < t.free_hint) t.free_hint = fd;
  return g;
}

int set_max(const char* v) {
  unsigned long n;
  if (kiln_parse_ulong(v, &n) < 0 || n > CONFIG_LIBFDTAB_MAX) return -EINVAL;
  return fd_set_limit(static_cast<int>(n)).is_error() ? -EINVAL : 0;
}

}  // namespace

KILN_OPTION("fd.max", set_max, "most open descriptors, 3.." KILN_STR(CONFIG_LIBFDTAB_MAX) " (table grows to it on demand)");

Result<void> File::stat(struct stat* st) {
  memset(st, 0, sizeof *st);
  st->st_mode = S_IFCHR | 0600;
  return {};
}

bool File::try_ref() {
  unsigned long m = kiln_plat_irq_save();
  bool alive = refs_ != 0;
  if (alive) ++refs_;
  kiln_plat_irq_restore(m);
  return alive;
}

// The default readv/writev: one read/write per element, stopping at the
// first short one or at an error after some bytes (POSIX allows both).
namespace {
template <typename Op>
Result<size_t> each_element(const struct iovec* iov, int n, Op op) {
  size_t total = 0;
  for (int i = 0; i < n; ++i) {
    Result<size_t> r = op(iov[i]);
    if (r.is_error()) {
      if (total) break;
      return r.error();
    }
    total += r.value();
    if (r.value() < iov[i].iov_len) break;
  }
  return Ok(total);
}
}  // namespace

Result<size_t> File::readv(const struct iovec* iov, int n) {
  return each_element(iov, n, [this](const struct iovec& v) { return read(v.iov_base, v.iov_len); });
}

Result<size_t> File::writev(const struct iovec* iov, int n) {
  return each_element(iov, n, [this](const struct iovec& v) { return write(v.iov_base, v.iov_len); });
}

Result<void> File::unref() {
  unsigned long m = kiln_plat_irq_save();
  unsigned left = --refs_;
  kiln_plat_irq_restore(m);
  if (left) return {};
  // Only epoll items can still be on the list (pollers hold references).
  waiters_.detach_all();
  if (lock_records()) locks_released(*this);
  return release();
}

uint64_t ready_seq() { return __atomic_load_n(&seq, __ATOMIC_ACQUIRE); }

void ready_wake() {
  __atomic_add_fetch(&seq, 1, __ATOMIC_ACQ_REL);
  kiln_plat_wake_event();
}

int fd_limit() { return limit; }

Result<void> fd_set_limit(int n) {
  if (n < 3 || n > CONFIG_LIBFDTAB_MAX) return Error(EINVAL);
  limit = n;  // open descriptors at or past it stay; new ones are below it
  return {};
}
int fd_capacity() { return table.with([](Table& t) { return t.cap; }); }

Result<int> fd_install(File* f, int min_fd) { return install(f, min_fd); }

Result<int> fd_reserve() { return install(&reserved, 0); }

void fd_commit(int fd, File* f) {
  table.with([&](Table& t) {
    f->ref_masked();
    slots(t)[fd] = f;
  });
}

void fd_cancel(int fd) {
  table.with([&](Table& t) { clear(t, fd); });
}

Result<void> fd_install_at(int fd, File* f) {
  if (fd < 0 || fd >= limit) return Error(EBADF);
  KILN_TRY(grow(fd));
  f->ref();
  File* old = table.with([&](Table& t) {
    File* o = slots(t)[fd];
    slots(t)[fd] = f;
    set_cloexec(t, fd, false);  // as dup2: the new descriptor stays open across exec
    return o;
  });
  // As POSIX dup2: the old file is closed, but an error from closing it is
  // not this call's failure (the new descriptor is in place).
  if (old && old != &reserved) {
    locks_closed(*old);
    (void)old->unref();
  }
  return {};
}

Result<FileRef> fd_get(int fd) {
  if (fd < 0) return Error(EBADF);
  File* f = table.with([&](Table& t) -> File* {
    if (fd >= t.cap) return nullptr;
    File* g = slots(t)[fd];
    if (g == &reserved) return nullptr;
    if (g) g->ref_masked();  // the table's lock masks events
    return g;
  });
  if (!f) return Error(EBADF);
  return FileRef(f);
}

Result<void> fd_close(int fd) {
  if (fd < 0) return Error(EBADF);
  File* f = table.with([&](Table& t) -> File* {
    if (fd >= t.cap || slots(t)[fd] == &reserved) return nullptr;
    return clear(t, fd);
  });
  if (!f) return Error(EBADF);
  locks_closed(*f);
  return f->unref();
}

Result<void> fd_set_cloexec(int fd, bool on) {
  if (fd < 0) return Error(EBADF);
  bool ok = table.with([&](Table& t) {
    if (fd >= t.cap || !slots(t)[fd] || slots(t)[fd] == &reserved) return false;
    set_cloexec(t, fd, on);
    return true;
  });
  return ok ? Result<void>{} : Result<void>(Error(EBADF));
}

Result<bool> fd_cloexec(int fd) {
  if (fd < 0) return Error(EBADF);
  int r = table.with([&](Table& t) {
    if (fd >= t.cap || !slots(t)[fd] || slots(t)[fd] == &reserved) return -1;
    return static_cast<int>(cloexec_bits(t)[fd / 64] >> (fd % 64) & 1);
  });
  if (r < 0) return Error(EBADF);
  return Ok(r == 1);
}

Result<int> fd_install_flags(File* f, bool cloexec, int min_fd) {
  int fd = KILN_TRY(install(f, min_fd));
  if (cloexec) (void)fd_set_cloexec(fd, true);
  return Ok(fd);
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
