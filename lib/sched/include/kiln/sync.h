// Locks built on wait queues. All are safe under the preemptive scheduler;
// blocking operations take an optional monotonic deadline (0: none) and
// return ETIMEDOUT when it passes. Interrupt handlers and timer callbacks
// may call Semaphore::up and CondVar::signal/broadcast, nothing else.
//
//   kiln::Mutex m;
//   { kiln::MutexGuard g(m); ... }   // held until the end of the scope
#pragma once
#include <kiln/sched.h>

namespace kiln {

class Mutex {
 public:
  constexpr explicit Mutex(bool recursive = false) : recursive_(recursive) {}
  // EDEADLK when a non-recursive mutex is locked again by its owner.
  // Taking a free mutex and releasing one nobody waits for are inline
  // (sync.cpp says why that is safe); the rest is lock_slow/unlock_slow.
  Result<void> lock(uint64_t deadline_ns = 0) {
    Thread* me = thread_current();
    if (take_free(me)) return {};
    return lock_slow(me, deadline_ns);
  }
  Result<void> try_lock();  // EBUSY if held by another thread
  Result<void> unlock() {   // EPERM if the caller does not own it
    if (owner_ != thread_current() || depth_ != 1) return unlock_slow();
    depth_ = 0;
    __atomic_exchange_n(&owner_, nullptr, __ATOMIC_SEQ_CST);
    if (!waiters_.empty()) waiters_.wake_one();
    return {};
  }
  Thread* owner() const { return owner_; }
  bool recursive() const { return recursive_; }
  unsigned depth() const { return depth_; }

 private:
  friend class CondVar;
  // owner_: nullptr -> me, atomically.
  bool take_free(Thread* me) {
    Thread* expected = nullptr;
    if (!__atomic_compare_exchange_n(&owner_, &expected, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
      return false;
    depth_ = 1;
    return true;
  }
  Result<void> lock_slow(Thread* me, uint64_t deadline_ns);
  Result<void> unlock_slow();
  Thread* owner_ = nullptr;
  unsigned depth_ = 0;
  bool recursive_;
  WaitQueue waiters_;
};

// Holds a mutex for the rest of the scope. Without a deadline, locking
// fails only when the thread already holds a non-recursive mutex (a
// deadlock), and unlocking only when another thread took it over: both
// are bugs, so the guard panics naming the mutex and the error instead of
// going on unlocked. Use Mutex::lock() directly where a failure is an
// answer (pthread_mutex_lock, deadlines).
class [[nodiscard]] MutexGuard {
 public:
  explicit MutexGuard(Mutex& m);
  ~MutexGuard();
  MutexGuard(const MutexGuard&) = delete;
  MutexGuard& operator=(const MutexGuard&) = delete;

 private:
  Mutex& m_;
};

class Semaphore {
 public:
  constexpr explicit Semaphore(unsigned initial = 0) : count_(initial) {}
  // interruptible: EINTR as soon as the thread has a signal to handle
  // (kiln/sigpoint.h; sem_wait), checked before every sleep.
  Result<void> down(uint64_t deadline_ns = 0, bool interruptible = false);
  bool try_down();
  void up();
  unsigned value() const { return count_; }

 private:
  unsigned count_;
  WaitQueue waiters_;
};

class CondVar {
 public:
  constexpr CondVar() = default;
  // Atomically release m (held once by the caller, whatever its recursion
  // depth) and wait; m is held again on return, also on ETIMEDOUT.
  Result<void> wait(Mutex& m, uint64_t deadline_ns = 0);
  void signal();
  void broadcast();

 private:
  WaitQueue waiters_;
};

// Many readers or one writer; waiting writers go before new readers.
class RwLock {
 public:
  constexpr RwLock() = default;
  Result<void> read_lock(uint64_t deadline_ns = 0);
  Result<void> write_lock(uint64_t deadline_ns = 0);
  Result<void> try_read_lock();
  Result<void> try_write_lock();
  Result<void> unlock();  // releases the caller's read or write hold

 private:
  unsigned readers_ = 0;
  unsigned writers_waiting_ = 0;
  Thread* writer_ = nullptr;
  WaitQueue readq_, writeq_;
};

}  // namespace kiln
