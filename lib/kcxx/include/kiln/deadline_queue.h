// Elements ordered by a deadline (sleeping threads, timer callbacks): an
// intrusive list kept sorted, earliest first; equal deadlines keep their
// insertion order. Not locked: the owner (the scheduler) masks events.
#pragma once

#include <stdint.h>
#include <kiln/list.h>

namespace kiln {

template <typename T, ListNode T::*Node, uint64_t T::*Deadline>
class DeadlineQueue {
 public:
  static constexpr uint64_t kNever = ~uint64_t{0};

  constexpr DeadlineQueue() = default;
  // Insert e at its deadline (after any element with the same deadline).
  void insert(T& e) {
    for (T& x : list_) {
      if (x.*Deadline > e.*Deadline) {
        list_.insert_before(x, e);
        return;
      }
    }
    list_.push_back(e);
  }
  void remove(T& e) { list_.remove(e); }
  static bool queued(const T& e) { return (e.*Node).linked(); }
  bool empty() const { return list_.empty(); }
  T* front() const { return list_.front(); }
  // The earliest deadline, or kNever.
  uint64_t next() const { return empty() ? kNever : list_.front()->*Deadline; }
  // Take the earliest element if its deadline is at or before now.
  T* pop_expired(uint64_t now) {
    T* e = list_.front();
    if (!e || e->*Deadline > now) return nullptr;
    list_.pop_front();
    return e;
  }

 private:
  IntrusiveList<T, Node> list_;
};

}  // namespace kiln
