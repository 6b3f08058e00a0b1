// Wait lists and waiters: readiness wake-ups that reach only the waiters
// of the file that changed (see kiln/file.h).
//
// Built on the platform's blocking contract (kiln_plat_wait_event /
// kiln_plat_wake_event, kiln/plat/wait.h) rather than on lib/sched's wait
// queues: lib/fdtab sits below the scheduler (platform-independent code,
// in images with or without threads) and may not depend on it. That
// contract wakes every sleeper at once; each Waiter has its own flag, set
// only by the files it watches, so a sleeper whose files did not change
// checks one flag and sleeps again instead of re-polling its descriptors.
// If lib/sched later offers a targeted wake-up, Waiter::sleep/notify are
// the only places to change.
#include <kiln/file.h>
#include <kiln/lock.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>
#include <kiln/plat/wait.h>
#include <kiln/sigpoint.h>

namespace kiln {

namespace {
constexpr uint64_t kRecheckNs = 10000000;  // 10 ms, for files that cannot arm
}

void WaitList::add(WaitEntry& e) {
  IrqGuard g;
  e.prev = nullptr;
  e.next = head_;
  if (head_) head_->prev = &e;
  head_ = &e;
}

void WaitList::remove(WaitEntry& e) {
  IrqGuard g;
  if (e.prev) e.prev->next = e.next;
  else if (head_ == &e) head_ = e.next;
  if (e.next) e.next->prev = e.prev;
  e.next = e.prev = nullptr;
}

void WaitList::wake(unsigned events) {
  IrqGuard g;
  for (WaitEntry* e = head_; e;) {
    WaitEntry* next = e->next;  // notify may take e off (an epoll item being removed)
    e->notify(*e, events & ~kWaitGone);
    e = next;
  }
}

void WaitList::detach_all() {
  IrqGuard g;
  while (WaitEntry* e = head_) {
    head_ = e->next;
    if (head_) head_->prev = nullptr;
    e->next = e->prev = nullptr;
    e->notify(*e, kWaitGone);
  }
}

void Waiter::notify(WaitEntry& e, unsigned events) {
  if (events == kWaitGone) return;  // cannot happen: a watcher holds a reference
  Waiter* w = reinterpret_cast<Watch&>(e).owner;
  __atomic_store_n(&w->woken_, true, __ATOMIC_RELEASE);
  kiln_plat_wake_event();
}

void Waiter::watch(File& f, Watch& w) {
  w.owner = this;
  w.file = &f;
  w.entry.notify = notify;
  f.waiters().add(w.entry);
}

void Waiter::unwatch(Watch& w) {
  if (w.file) w.file->waiters().remove(w.entry);
  w.file = nullptr;
}

void Waiter::begin() {
  __atomic_store_n(&woken_, false, __ATOMIC_RELEASE);
  seq_ = ready_seq();
}

// The one place lib/fdtab's blocking calls meet signals: a thread with a
// signal to handle does not sleep (checked under the caller's mask, so a
// signal posted after the check wakes the sleep) and returns after every
// wake-up; poll, select, epoll_wait and wait_for's callers then fail with
// EINTR.
void Waiter::sleep(uint64_t deadline, bool broadcast) {
  for (;;) {
    if (woken() || (broadcast && ready_seq() != seq_) || kiln_signal_interrupted()) return;
    kiln_plat_wait_event(deadline);
    // Every sleeper returns on any wake-up: one that watches only files
    // which wake their own waiters goes back to sleep unless one did.
    if (woken() || broadcast) return;
    if (deadline && kiln_plat_monotonic_ns() >= deadline) return;
  }
}

unsigned wait_for(File& f, unsigned events, uint64_t deadline) {
  Waiter w;
  Waiter::Watch watch;
  w.watch(f, watch);
  unsigned r;
  for (;;) {
    w.begin();
    r = f.poll(events);
    if (r) break;
    if (kiln_signal_interrupted()) {
      r = kWaitInterrupted;
      break;
    }
    uint64_t now = kiln_plat_monotonic_ns();
    if (deadline && now >= deadline) break;
    unsigned long m = kiln_plat_irq_save();
    uint64_t d = deadline;
    if (!f.arm() && (!d || d > now + kRecheckNs)) d = now + kRecheckNs;
    w.sleep(d, !f.wakes_waiters());
    kiln_plat_irq_restore(m);
  }
  w.unwatch(watch);
  return r;
}

}  // namespace kiln
