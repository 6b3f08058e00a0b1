// Mutex, semaphore, condition variable and read-write lock on wait queues.
// Each operation masks events while it looks at and changes the lock, so
// it is atomic against preemption and interrupt handlers; the exceptions are
// taking a free mutex and releasing an uncontended one (below, and inline in
// kiln/sync.h).
#include <kiln/assert.h>
#include <kiln/lock.h>
#include <kiln/plat/time.h>
#include <kiln/sigpoint.h>
#include <kiln/sync.h>

namespace kiln {

// One CPU (docs/threads.md): the slow paths run with events masked, so a
// waiter's "owner_ is set, so queue myself and sleep" cannot interleave with
// anything. The fast paths take and release a free, uncontended mutex
// without masking: taking is one compare-and-swap of owner_; releasing
// stores nullptr (an atomic exchange, so it is ordered before the look at
// the queue) and wakes a waiter only if one is queued. A waiter that queued
// itself before that store is seen and woken; one that looks after it finds
// owner_ clear and takes the mutex.
Result<void> Mutex::lock_slow(Thread* me, uint64_t deadline) {
  IrqGuard g;
  if (owner_ == me) {
    if (!recursive_) return Error(EDEADLK);
    ++depth_;
    return {};
  }
  while (!take_free(me)) {
    if (!waiters_.wait(deadline)) return Error(ETIMEDOUT);
  }
  return {};
}

Result<void> Mutex::try_lock() {
  Thread* me = thread_current();
  if (take_free(me)) return {};
  IrqGuard g;
  if (owner_ == me && recursive_) {
    ++depth_;
    return {};
  }
  if (take_free(me)) return {};
  return Error(EBUSY);
}

// Not the owner, or a recursive mutex held more than once.
Result<void> Mutex::unlock_slow() {
  if (owner_ != thread_current()) return Error(EPERM);
  if (depth_ > 1) {
    --depth_;
    return {};
  }
  depth_ = 0;
  __atomic_exchange_n(&owner_, nullptr, __ATOMIC_SEQ_CST);
  if (!waiters_.empty()) waiters_.wake_one();
  return {};
}

MutexGuard::MutexGuard(Mutex& m) : m_(m) {
  Result<void> r = m_.lock();
  if (r.is_error())
    kiln_panic("MutexGuard: cannot lock mutex %p (errno %d)", static_cast<void*>(&m_), r.error().code());
}

MutexGuard::~MutexGuard() {
  Result<void> r = m_.unlock();
  if (r.is_error())
    kiln_panic("MutexGuard: cannot unlock mutex %p (errno %d)", static_cast<void*>(&m_), r.error().code());
}

Result<void> Semaphore::down(uint64_t deadline, bool interruptible) {
  IrqGuard g;
  while (count_ == 0) {
    if (interruptible && kiln_signal_interrupted()) return Error(EINTR);
    if (!waiters_.wait(deadline)) return Error(ETIMEDOUT);
  }
  --count_;
  return {};
}

bool Semaphore::try_down() {
  IrqGuard g;
  if (count_ == 0) return false;
  --count_;
  return true;
}

void Semaphore::up() {
  IrqGuard g;
  ++count_;
  waiters_.wake_one();
}

Result<void> CondVar::wait(Mutex& m, uint64_t deadline) {
  IrqGuard g;
  Thread* me = thread_current();
  if (m.owner_ != me) return Error(EPERM);
  unsigned depth = m.depth_;
  m.owner_ = nullptr;  // release fully, remember the recursion depth
  m.depth_ = 0;
  m.waiters_.wake_one();
  bool woken = waiters_.wait(deadline);
  while (m.owner_) m.waiters_.wait(0);  // re-acquire, also after a timeout
  m.owner_ = me;
  m.depth_ = depth;
  if (!woken) return Error(ETIMEDOUT);
  return {};
}

void CondVar::signal() { waiters_.wake_one(); }
void CondVar::broadcast() { waiters_.wake_all(); }

Result<void> RwLock::read_lock(uint64_t deadline) {
  IrqGuard g;
  if (writer_ == thread_current()) return Error(EDEADLK);
  while (writer_ || writers_waiting_) {
    if (!readq_.wait(deadline)) return Error(ETIMEDOUT);
  }
  ++readers_;
  return {};
}

Result<void> RwLock::write_lock(uint64_t deadline) {
  IrqGuard g;
  if (writer_ == thread_current()) return Error(EDEADLK);
  ++writers_waiting_;
  while (writer_ || readers_) {
    if (!writeq_.wait(deadline)) {
      if (--writers_waiting_ == 0) readq_.wake_all();
      return Error(ETIMEDOUT);
    }
  }
  --writers_waiting_;
  writer_ = thread_current();
  return {};
}

Result<void> RwLock::try_read_lock() {
  IrqGuard g;
  if (writer_ || writers_waiting_) return Error(EBUSY);
  ++readers_;
  return {};
}

Result<void> RwLock::try_write_lock() {
  IrqGuard g;
  if (writer_ || readers_) return Error(EBUSY);
  writer_ = thread_current();
  return {};
}

Result<void> RwLock::unlock() {
  IrqGuard g;
  if (writer_) {
    if (writer_ != thread_current()) return Error(EPERM);
    writer_ = nullptr;
  } else if (readers_) {
    --readers_;
  } else {
    return Error(EPERM);
  }
  if (readers_ == 0 && writers_waiting_) writeq_.wake_one();
  else if (!writer_ && !writers_waiting_) readq_.wake_all();
  return {};
}

}  // namespace kiln
