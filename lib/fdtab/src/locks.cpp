// Advisory locks within the image: flock(2), lockf(3) and fcntl's record
// locks (F_GETLK F_SETLK F_SETLKW and Linux's F_OFD_GETLK F_OFD_SETLK
// F_OFD_SETLKW). docs/vfs.md, "Advisory locks", says what a program sees.
//
// One table of records, each (key, owner, kind, type, byte range):
//   - key: what is locked, File::lock_key() (a vfs file's vnode, so two
//     opens of one path meet; other files lock themselves);
//   - owner: the open file description (flock and OFD locks; dup shares
//     it), or kProcess for POSIX record locks (one process: they never
//     conflict with each other, only with OFD locks, as on Linux);
//   - kind: flock locks and record locks do not see each other (Linux).
// A conflicting request blocks the calling thread (a Waiter on the table's
// own wait list, woken by every unlock) or fails with EWOULDBLOCK/EAGAIN.
// flock and OFD locks go with the description's last close; POSIX locks
// with any close of a descriptor for the file (POSIX).
//
// Records come from the heap before the table's lock is taken (ENOLCK
// without memory); the table is a list guarded by a spin lock: programs
// hold a handful of locks.
#include <kiln/file.h>
#include <kiln/lock.h>
#include <kiln/plat/irq.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#include <new>

namespace kiln {

namespace {

constexpr int kLockSh = 1, kLockEx = 2, kLockNb = 4, kLockUn = 8;       // sys/file.h (LOCK_*)
constexpr int kGetlk = F_GETLK, kSetlk = F_SETLK, kSetlkw = F_SETLKW;
constexpr int kOfdGetlk = 36, kOfdSetlk = 37, kOfdSetlkw = 38;          // Linux's F_OFD_*
constexpr int kRdlck = F_RDLCK, kWrlck = F_WRLCK, kUnlck = F_UNLCK;
constexpr int64_t kEnd = INT64_MAX;  // a range "to the end of the file"

const File* const kProcess = reinterpret_cast<const File*>(uintptr_t{1});

struct Rec {
  Rec* next;
  const void* key;
  const File* owner;
  bool flock;    // flock(2) (whole file) or a record lock
  int type;      // kRdlck or kWrlck
  int64_t start, end;  // inclusive
};

// Woken at every unlock: the waiters for a lock look again.
class LockEvents final : public File {
 public:
  bool wakes_waiters() override { return true; }
};

constinit SpinLock table_lock;
constinit Rec* table = nullptr;
constinit unsigned records = 0;  // read without the lock: 0 means nothing to drop
constinit LockEvents events;

bool overlaps(const Rec& r, int64_t s, int64_t e) { return r.start <= e && s <= r.end; }

// A record of another owner that the request (owner, flock?, type, range)
// conflicts with (lock held), or nullptr.
Rec* conflict(const void* key, const File* owner, bool fl, int type, int64_t s, int64_t e) {
  for (Rec* r = table; r; r = r->next) {
    if (r->key != key || r->flock != fl || r->owner == owner) continue;
    if (!overlaps(*r, s, e)) continue;
    if (r->type == kWrlck || type == kWrlck) return r;
  }
  return nullptr;
}

void unlink_rec(Rec** link) {
  Rec* r = *link;
  *link = r->next;
  --records;
  delete r;
}

// Takes owner's records of key (of the kind) out of [s, e] (lock held),
// splitting one that covers more; spare is used for a split's second half
// (set to nullptr when used). Returns whether anything changed.
bool carve(const void* key, const File* owner, bool fl, int64_t s, int64_t e, Rec** spare) {
  bool changed = false;
  for (Rec** link = &table; *link;) {
    Rec* r = *link;
    if (r->key != key || r->owner != owner || r->flock != fl || !overlaps(*r, s, e)) {
      link = &r->next;
      continue;
    }
    changed = true;
    bool left = r->start < s, right = r->end > e;
    if (left && right) {
      Rec* t = *spare;  // the right part
      *spare = nullptr;
      *t = *r;
      t->start = e + 1;
      t->next = r->next;
      r->next = t;
      ++records;
      r->end = s - 1;
      link = &t->next;
    } else if (left) {
      r->end = s - 1;
      link = &r->next;
    } else if (right) {
      r->start = e + 1;
      link = &r->next;
    } else {
      unlink_rec(link);
    }
  }
  return changed;
}

// Joins the owner's records of the same type that touch rec (lock held;
// carve left none overlapping it): one range, as Linux reports it.
void merge(Rec* rec) {
  for (Rec** link = &table; *link;) {
    Rec* r = *link;
    bool same = r->key == rec->key && r->owner == rec->owner && r->flock == rec->flock && r->type == rec->type;
    bool touches = (r->end != kEnd && r->end + 1 == rec->start) || (rec->end != kEnd && rec->end + 1 == r->start);
    if (same && touches) {
      if (r->start < rec->start) rec->start = r->start;
      if (r->end > rec->end) rec->end = r->end;
      unlink_rec(link);
    } else {
      link = &r->next;
    }
  }
}

// Sets (or with kUnlck removes) owner's lock on [s, e] of key; blocks
// while another owner's lock conflicts, unless nonblocking (EAGAIN).
Result<void> set_lock(const void* key, const File* owner, bool fl, int type, int64_t s, int64_t e, bool wait) {
  Rec* rec = nullptr;
  Rec* spare = nullptr;
  if (type != kUnlck) {
    rec = new (std::nothrow) Rec{nullptr, key, owner, fl, type, s, e};
    if (!rec) return Error(ENOLCK);
  }
  if (!fl) {
    spare = new (std::nothrow) Rec{};
    if (!spare) {
      delete rec;
      return Error(ENOLCK);
    }
  }
  Waiter w;
  Waiter::Watch watch;
  bool watching = false;
  Result<void> result;
  for (;;) {
    if (watching) w.begin();
    bool woke_others = false, done = false;
    {
      LockGuard g(table_lock);
      if (type == kUnlck) {
        woke_others = carve(key, owner, fl, s, e, &spare);
        done = true;
      } else {
        // A flock conversion drops the old lock first (as Linux: two
        // holders of a shared lock converting cannot deadlock).
        if (fl) woke_others = carve(key, owner, fl, s, e, &spare);
        if (!conflict(key, owner, fl, type, s, e)) {
          if (!fl) {
            woke_others |= carve(key, owner, fl, s, e, &spare);
            merge(rec);
          }
          rec->next = table;
          table = rec;
          ++records;
          rec = nullptr;
          done = true;
        }
      }
    }
    if (woke_others) events.wake(kPollIn);
    if (done) break;
    if (!wait) {
      result = Error(EAGAIN);  // EWOULDBLOCK
      break;
    }
    if (!watching) {  // watch, then look again before the first sleep
      w.watch(events, watch);
      watching = true;
      continue;
    }
    unsigned long m = kiln_plat_irq_save();
    w.sleep(0, false);
    kiln_plat_irq_restore(m);
  }
  if (watching) w.unwatch(watch);
  delete rec;
  delete spare;
  return result;
}

// Drops the records matching (lock held by the caller of drop).
template <typename Match>
void drop(Match match) {
  if (!__atomic_load_n(&records, __ATOMIC_RELAXED)) return;
  bool changed = false;
  {
    LockGuard g(table_lock);
    for (Rec** link = &table; *link;) {
      if (match(**link)) {
        unlink_rec(link);
        changed = true;
      } else {
        link = &(*link)->next;
      }
    }
  }
  if (changed) events.wake(kPollIn);
}

// The byte range of a struct flock (relative to whence) as [s, e].
Result<void> range_of(File& f, const struct flock* fl, int64_t* s, int64_t* e) {
  int64_t base;
  switch (fl->l_whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = KILN_TRY(f.seek(0, SEEK_CUR)); break;
    case SEEK_END: {
      struct stat st;
      KILN_TRY(f.stat(&st));
      base = st.st_size;
      break;
    }
    default: return Error(EINVAL);
  }
  int64_t start = base, len = fl->l_len;
  if (__builtin_add_overflow(start, static_cast<int64_t>(fl->l_start), &start)) return Error(EOVERFLOW);
  if (len < 0) {
    if (__builtin_add_overflow(start, len, &start)) return Error(EINVAL);
    len = -len;
  }
  if (start < 0) return Error(EINVAL);
  if (len == 0) {
    *s = start;
    *e = kEnd;
    return {};
  }
  int64_t end;
  if (__builtin_add_overflow(start, len - 1, &end)) return Error(EOVERFLOW);
  *s = start;
  *e = end;
  return {};
}

}  // namespace

Result<void> flock_file(File& f, int op) {
  bool nb = op & kLockNb;
  int what = op & ~kLockNb;
  if (what == kLockUn) return set_lock(f.lock_key(), &f, true, kUnlck, 0, kEnd, false);
  if (what != kLockSh && what != kLockEx) return Error(EINVAL);
  return set_lock(f.lock_key(), &f, true, what == kLockEx ? kWrlck : kRdlck, 0, kEnd, !nb);
}

Result<void> fcntl_lock(File& f, int cmd, struct flock* fl) {
  bool ofd = cmd == kOfdGetlk || cmd == kOfdSetlk || cmd == kOfdSetlkw;
  bool get = cmd == kGetlk || cmd == kOfdGetlk;
  bool wait = cmd == kSetlkw || cmd == kOfdSetlkw;
  if (!ofd && cmd != kGetlk && cmd != kSetlk && cmd != kSetlkw) return Error(EINVAL);
  if (!fl) return Error(EFAULT);
  int type = fl->l_type;
  if (type != kRdlck && type != kWrlck && (type != kUnlck || get)) return Error(EINVAL);
  if (ofd && fl->l_pid != 0) return Error(EINVAL);  // as Linux
  if (!get) {
    int acc = KILN_TRY(f.status_flags()) & O_ACCMODE;
    if ((type == kRdlck && acc == O_WRONLY) || (type == kWrlck && acc == O_RDONLY)) return Error(EBADF);
  }
  int64_t s, e;
  KILN_TRY(range_of(f, fl, &s, &e));
  const File* owner = ofd ? &f : kProcess;
  if (!get) return set_lock(f.lock_key(), owner, false, type, s, e, wait);
  Rec found{};
  bool any;
  {
    LockGuard g(table_lock);
    Rec* r = conflict(f.lock_key(), owner, false, type, s, e);
    any = r;
    if (r) found = *r;
  }
  if (!any) {
    fl->l_type = kUnlck;  // the rest is left as it was (Linux)
    return {};
  }
  fl->l_type = static_cast<short>(found.type);
  fl->l_whence = SEEK_SET;
  fl->l_start = found.start;
  fl->l_len = found.end == kEnd ? 0 : found.end - found.start + 1;
  fl->l_pid = found.owner == kProcess ? static_cast<short>(getpid()) : -1;
  return {};
}

void locks_closed(File& f) {
  if (!__atomic_load_n(&records, __ATOMIC_RELAXED)) return;
  const void* key = f.lock_key();
  drop([key](const Rec& r) { return r.key == key && r.owner == kProcess; });
}

void locks_released(File& f) {
  const File* owner = &f;
  drop([owner](const Rec& r) { return r.owner == owner || r.key == owner; });
}

unsigned lock_records() { return __atomic_load_n(&records, __ATOMIC_RELAXED); }

}  // namespace kiln
