// epoll: an interest list of (descriptor, file) items and a ready list.
//
// Each item puts a WaitEntry on its file's WaitList; the file's wake()
// moves the item to the ready list and wakes the epoll's own waiters
// (epoll_wait, or a poll/epoll of the epoll descriptor: it is pollable).
// epoll_wait then asks only the files on the ready list, so 5,000 idle
// descriptors cost nothing per wake-up. Files that do not wake their own
// waiters (sockets, the console: see kiln/file.h) stay on the ready list
// for good and are asked at every epoll_wait; edge-triggered on them
// reports events that were not there at the previous look.
//
// Level-triggered items stay on the ready list while they report events;
// edge-triggered ones leave it when reported and come back at the next
// wake(); EPOLLONESHOT disables an item once reported, until EPOLL_CTL_MOD.
// As on Linux an item lives until EPOLL_CTL_DEL or until its file is
// released (every descriptor for it closed): the item holds no reference.
//
// State is guarded by masking events (one CPU; notify runs with events
// masked). Files are asked with events unmasked (a socket's poll takes
// lwIP's locks): a harvesting thread takes the item off the ready list
// (kScanning) and holds a reference on it and on its file meanwhile.
#include <kiln/file.h>
#include <kiln/sigpoint.h>
#include <kiln/ipc.h>
#include <kiln/lock.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <new>

namespace kiln {

namespace {

constexpr uint64_t kRecheckNs = 10000000;  // 10 ms, for files that cannot arm
constexpr uint32_t kAlways = EPOLLERR | EPOLLHUP;
constexpr int kMaxNest = 4;  // as Linux's EP_MAX_NESTS

struct Map {
  uint32_t ep;
  unsigned k;
};
constexpr Map kMap[] = {
    {EPOLLIN, kPollIn},         {EPOLLOUT, kPollOut},         {EPOLLPRI, kPollPri},
    {EPOLLERR, kPollErr},       {EPOLLHUP, kPollHup},         {EPOLLRDNORM, kPollRdNorm},
    {EPOLLWRNORM, kPollWrNorm}, {EPOLLRDHUP, kPollRdHup},
};

unsigned to_kiln(uint32_t ev) {
  unsigned k = 0;
  for (const Map& m : kMap)
    if (ev & m.ep) k |= m.k;
  return k;
}

uint32_t to_epoll(unsigned k) {
  uint32_t ev = 0;
  for (const Map& m : kMap)
    if (k & m.k) ev |= m.ep;
  return ev;
}

constexpr char kEpollKind = 0;

class Epoll;

struct Item {
  WaitEntry entry;  // first: notify casts back
  Epoll* ep = nullptr;
  File* file = nullptr;  // null once the file is released
  int fd = -1;
  uint32_t events = 0;
  uint64_t data = 0;
  Item* next = nullptr;  // interest list
  Item* prev = nullptr;
  Item* rnext = nullptr;  // ready list
  Item* rprev = nullptr;
  enum State : uint8_t { kIdle, kReady, kScanning } state = kIdle;
  bool pending = false;    // woken while kScanning
  bool dead = false;       // deleted or file released: off every list
  bool broadcast = false;  // file does not wake its waiters: always on the ready list
  bool disabled = false;   // EPOLLONESHOT reported
  unsigned pass = 0;       // harvest that put it back on the ready list
  uint32_t last = 0;       // broadcast + EPOLLET: events at the previous look
  unsigned refs = 1;       // 1 while in the interest list, +1 per harvester
};

class Epoll final : public File {
 public:
  Result<void> ctl(int op, int fd, File* f, epoll_event* ev);
  // Reports up to max ready items into out (null: only whether one is
  // ready, changing nothing).
  int harvest(epoll_event* out, int max);
  unsigned poll(unsigned events) override {
    if (!(events & (kPollIn | kPollRdNorm))) return 0;
    return harvest(nullptr, 1) ? events & (kPollIn | kPollRdNorm) : 0;
  }
  bool arm() override;
  bool wakes_waiters() override {
    IrqGuard g;
    return nbroadcast_ == 0;
  }
  const void* kind() const override { return &kEpollKind; }
  Result<void> stat(struct stat* st) override {
    memset(st, 0, sizeof *st);
    st->st_mode = 0600;  // an anonymous inode, as Linux
    return {};
  }
  Result<void> release() override;
  // Whether target is this epoll or reachable through its epoll items
  // (depth counts nesting levels: too deep is a loop too).
  bool reaches(const File* target, int depth);

 private:
  static void notify(WaitEntry& e, unsigned events);
  void make_ready(Item* it);  // events masked
  void unready(Item* it);     // events masked
  void put(Item* it);         // drops a reference; events masked
  Item* find(int fd, File* f);

  Item* items_ = nullptr;
  Item* rhead_ = nullptr;
  Item* rtail_ = nullptr;
  unsigned nbroadcast_ = 0;
  unsigned pass_ = 0;
};

void Epoll::make_ready(Item* it) {
  it->state = Item::kReady;
  it->rnext = nullptr;
  it->rprev = rtail_;
  if (rtail_) rtail_->rnext = it;
  else rhead_ = it;
  rtail_ = it;
}

void Epoll::unready(Item* it) {
  if (it->state != Item::kReady) return;
  if (it->rprev) it->rprev->rnext = it->rnext;
  else rhead_ = it->rnext;
  if (it->rnext) it->rnext->rprev = it->rprev;
  else rtail_ = it->rprev;
  it->rnext = it->rprev = nullptr;
  it->state = Item::kIdle;
}

void Epoll::put(Item* it) {
  if (--it->refs == 0) delete it;
}

// Off the interest and ready lists and its file's wait list; the caller
// drops the list's reference. Events masked.
void unlink(Epoll* ep, Item*& head, Item* it) {
  (void)ep;
  if (it->prev) it->prev->next = it->next;
  else head = it->next;
  if (it->next) it->next->prev = it->prev;
  it->next = it->prev = nullptr;
}

void Epoll::notify(WaitEntry& e, unsigned events) {
  Item* it = reinterpret_cast<Item*>(&e);
  Epoll* ep = it->ep;
  if (events == kWaitGone) {  // the file is being released: the item goes
    if (it->dead) return;
    it->dead = true;
    it->file = nullptr;
    ep->unready(it);
    if (it->broadcast) --ep->nbroadcast_;
    unlink(ep, ep->items_, it);
    ep->put(it);
    return;
  }
  if (it->dead || it->disabled) return;
  if (events != ~0u && !(to_epoll(events) & (it->events | kAlways))) return;  // not what it waits for
  if (it->state == Item::kScanning) {
    it->pending = true;
  } else if (it->state == Item::kIdle) {
    ep->make_ready(it);
    ep->wake(kPollIn | kPollRdNorm);
  }
}

Item* Epoll::find(int fd, File* f) {
  for (Item* it = items_; it; it = it->next)
    if (it->fd == fd && it->file == f) return it;
  return nullptr;
}

bool Epoll::reaches(const File* target, int depth) {
  if (this == target) return true;
  if (depth >= kMaxNest) return true;
  // Nested epolls are rare: collect them with events masked, then walk.
  Epoll* inner[16];
  int n = 0;
  bool many = false;
  {
    IrqGuard g;
    for (Item* it = items_; it; it = it->next) {
      if (it->dead || !it->file || it->file->kind() != &kEpollKind) continue;
      if (n == 16) {
        many = true;
        break;
      }
      inner[n++] = static_cast<Epoll*>(it->file);
    }
  }
  if (many) return true;  // refuse rather than walk an unbounded graph
  for (int i = 0; i < n; ++i)
    if (inner[i]->reaches(target, depth + 1)) return true;
  return false;
}

Result<void> Epoll::ctl(int op, int fd, File* f, epoll_event* ev) {
  if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL) return Error(EINVAL);
  if (f == this) return Error(EINVAL);
  if (op != EPOLL_CTL_DEL) {
    if (!ev) return Error(EFAULT);
    if ((ev->events & EPOLLEXCLUSIVE) &&
        (op == EPOLL_CTL_MOD || (ev->events & ~(EPOLLEXCLUSIVE | EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP |
                                                   EPOLLET | EPOLLWAKEUP | EPOLLRDHUP | EPOLLPRI))))
      return Error(EINVAL);
  }
  if (op == EPOLL_CTL_ADD) {
    if (f->kind() == &kEpollKind && static_cast<Epoll*>(f)->reaches(this, 1)) return Error(ELOOP);
    {
      IrqGuard g;
      if (find(fd, f)) return Error(EEXIST);
    }
    auto* it = new (std::nothrow) Item;
    if (!it) return Error(ENOMEM);
    it->ep = this;
    it->file = f;
    it->fd = fd;
    it->events = ev->events;
    it->data = ev->data.u64;
    it->entry.notify = notify;
    it->broadcast = !f->wakes_waiters();
    {
      IrqGuard g;
      if (find(fd, f)) {  // added meanwhile by another thread
        delete it;
        return Error(EEXIST);
      }
      it->next = items_;
      if (items_) items_->prev = it;
      items_ = it;
      if (it->broadcast) ++nbroadcast_;
      f->waiters().add(it->entry);
      make_ready(it);  // its first look is at the next harvest
    }
    wake(kPollIn | kPollRdNorm);
    return {};
  }
  IrqGuard g;
  Item* it = find(fd, f);
  if (!it) return Error(ENOENT);
  if (op == EPOLL_CTL_MOD) {
    it->events = ev->events;
    it->data = ev->data.u64;
    it->disabled = false;
    it->last = 0;
    if (it->state == Item::kIdle) make_ready(it);
    else if (it->state == Item::kScanning) it->pending = true;
    wake(kPollIn | kPollRdNorm);
    return {};
  }
  // EPOLL_CTL_DEL
  it->dead = true;
  f->waiters().remove(it->entry);
  it->file = nullptr;
  unready(it);
  if (it->broadcast) --nbroadcast_;
  unlink(this, items_, it);
  put(it);
  return {};
}

int Epoll::harvest(epoll_event* out, int max) {
  int count = 0;
  unsigned pass;
  {
    IrqGuard g;
    pass = ++pass_;
  }
  for (;;) {
    Item* it;
    File* f;
    {
      IrqGuard g;
      it = rhead_;
      // Stop at items this pass put back (they are at the tail).
      if (!it || count >= max || (it->pass == pass && it->state == Item::kReady)) break;
      unready(it);
      f = it->file;
      if (!f || !f->try_ref()) continue;  // its file is being released: notify(kWaitGone) takes it
      it->state = Item::kScanning;
      it->pending = false;
      ++it->refs;
    }
    uint32_t ev = to_epoll(f->poll(to_kiln(it->events))) & (it->events | kAlways);
    (void)f->unref();
    IrqGuard g;
    bool report = ev != 0;
    if (it->broadcast && (it->events & EPOLLET)) {
      uint32_t fresh = ev & ~it->last;
      it->last = ev;
      ev = fresh;
      report = ev != 0;
    }
    if (it->dead || it->disabled) report = false;
    if (report && out) {
      out[count].events = ev;
      out[count].data.u64 = it->data;
      if (it->events & EPOLLONESHOT) it->disabled = true;
    }
    if (report) ++count;
    it->state = Item::kIdle;
    if (!it->dead && !it->disabled) {
      // Back on the list: broadcast files always; level-triggered while
      // ready; anything woken during the look; all when only peeking.
      bool back = it->broadcast || it->pending || (report && (!(it->events & EPOLLET) || !out));
      if (back) {
        it->pass = pass;
        make_ready(it);
      }
    }
    it->pending = false;
    put(it);
  }
  return count;
}

bool Epoll::arm() {
  // Only the files that do not wake their waiters need it (the console's
  // input interrupt); the others call wake() anyway.
  File* arm_these[32];
  int n = 0;
  bool ok = true;
  for (Item* it = items_; it; it = it->next) {
    if (!it->broadcast || it->dead || !it->file) continue;
    if (n == 32) {
      ok = false;  // more than that: re-checked every 10 ms instead
      break;
    }
    arm_these[n++] = it->file;
  }
  for (int i = 0; i < n; ++i)
    if (!arm_these[i]->arm()) ok = false;
  return ok;
}

Result<void> Epoll::release() {
  {
    IrqGuard g;
    while (Item* it = items_) {
      it->dead = true;
      if (it->file) it->file->waiters().remove(it->entry);
      it->file = nullptr;
      unready(it);
      unlink(this, items_, it);
      put(it);
    }
  }
  delete this;
  return {};
}

}  // namespace

Result<int> epoll_open(int flags) {
  if (flags & ~EPOLL_CLOEXEC) return Error(EINVAL);
  auto* ep = new (std::nothrow) Epoll;
  if (!ep) return Error(ENOMEM);
  auto fd = fd_install_flags(ep, (flags & EPOLL_CLOEXEC) != 0);
  if (fd.is_error()) {
    delete ep;
    return fd.error();
  }
  return fd;
}

Result<void> epoll_control(int epfd, int op, int fd, epoll_event* ev) {
  FileRef e = KILN_TRY(fd_get(epfd));
  FileRef f = KILN_TRY(fd_get(fd));
  if (e->kind() != &kEpollKind) return Error(EINVAL);
  if (op == EPOLL_CTL_ADD && !f->epollable()) return Error(EPERM);  // as Linux: no poll operation
  return static_cast<Epoll*>(e.get())->ctl(op, fd, f.get(), ev);
}

Result<int> epoll_wait_ns(int epfd, epoll_event* out, int max, int64_t timeout_ns) {
  if (max <= 0) return Error(EINVAL);
  if (!out) return Error(EFAULT);
  FileRef e = KILN_TRY(fd_get(epfd));
  if (e->kind() != &kEpollKind) return Error(EINVAL);
  auto* ep = static_cast<Epoll*>(e.get());
  uint64_t start = kiln_plat_monotonic_ns();
  uint64_t deadline = 0;
  if (timeout_ns > 0) {
    deadline = start + static_cast<uint64_t>(timeout_ns);
    if (deadline < start) timeout_ns = -1;
  }
  Waiter w;
  Waiter::Watch watch;
  w.watch(*ep, watch);
  int n;
  for (;;) {
    w.begin();
    n = ep->harvest(out, max);
    if (n || timeout_ns == 0) break;
    if (kiln_signal_interrupted()) {  // never restarted, as on Linux
      n = -1;
      break;
    }
    uint64_t now = kiln_plat_monotonic_ns();
    if (timeout_ns > 0 && now >= deadline) break;
    unsigned long m = kiln_plat_irq_save();
    uint64_t d = timeout_ns > 0 ? deadline : 0;
    bool armed = ep->arm();
    if (!armed && (!d || d > now + kRecheckNs)) d = now + kRecheckNs;
    w.sleep(d, !ep->wakes_waiters() || !armed);
    kiln_plat_irq_restore(m);
  }
  w.unwatch(watch);
  if (n < 0) return Error(EINTR);
  return Ok(n);
}

}  // namespace kiln
