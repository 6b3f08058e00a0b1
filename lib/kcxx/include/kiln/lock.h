// Locks for kernel code. Kiln runs one CPU per image today; these types
// still state the intent (and compile to the right barriers) so SMP later
// changes their insides, not their users.
//
//   kiln::IrqGuard g;                 // events masked until end of scope
//   kiln::SpinLock lock; { kiln::LockGuard g(lock); ... }
//   kiln::Protected<Stats, kiln::SpinLock> stats;   // the lock owns the data
//   stats.with([](Stats& s) { s.count++; });
#pragma once

#include <kiln/arch/cpu.h>
#include <kiln/plat/irq.h>
#include <utility>

namespace kiln {

class IrqGuard {
 public:
  IrqGuard() : state_(kiln_plat_irq_save()) {}
  ~IrqGuard() { kiln_plat_irq_restore(state_); }
  IrqGuard(const IrqGuard&) = delete;
  IrqGuard& operator=(const IrqGuard&) = delete;

 private:
  unsigned long state_;
};

// Spinlock that also masks events while held (so an interrupt handler on
// the same CPU cannot deadlock on it).
class SpinLock {
 public:
  void lock() {
    state_ = kiln_plat_irq_save();
    while (__atomic_exchange_n(&locked_, true, __ATOMIC_ACQUIRE))
      kiln::arch::pause();
  }
  void unlock() {
    unsigned long s = state_;
    __atomic_store_n(&locked_, false, __ATOMIC_RELEASE);
    kiln_plat_irq_restore(s);
  }
  bool is_locked() const { return __atomic_load_n(&locked_, __ATOMIC_RELAXED); }

 private:
  bool locked_ = false;
  unsigned long state_ = 0;
};

// A lock for data shared with interrupt handlers on one CPU: holding it
// masks events, which is all the mutual exclusion one CPU needs. Cheaper
// than SpinLock (no atomic instruction); the choice to make for hot paths.
class IrqLock {
 public:
  void lock() { state_ = kiln_plat_irq_save(); }
  void unlock() { kiln_plat_irq_restore(state_); }

 private:
  unsigned long state_ = 0;
};

template <typename Lock>
class LockGuard {
 public:
  explicit LockGuard(Lock& l) : l_(l) { l_.lock(); }
  ~LockGuard() { l_.unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  Lock& l_;
};

// Data that can only be reached with its lock held.
template <typename T, typename Lock = SpinLock>
class Protected {
 public:
  template <typename... Args>
  constexpr explicit Protected(Args&&... args) : value_(std::forward<Args>(args)...) {}
  template <typename F>
  decltype(auto) with(F f) {
    LockGuard<Lock> g(lock_);
    return f(value_);
  }
  // For code that already holds the lock by other means (e.g. at boot).
  T& unsafe_get() { return value_; }

 private:
  Lock lock_;
  T value_;
};

}  // namespace kiln
