// Intrusive doubly linked list: the element holds its ListNode, so putting
// an element on a list never allocates (run queues, free lists, waiters).
//
//   struct Thread { kiln::ListNode node; ... };
//   kiln::IntrusiveList<Thread, &Thread::node> runq;
//   runq.push_back(t); Thread* next = runq.pop_front();
#pragma once

#include <stddef.h>

namespace kiln {

struct ListNode {
  ListNode* prev = nullptr;
  ListNode* next = nullptr;
  bool linked() const { return next != nullptr; }
};

template <typename T, ListNode T::*Member>
class IntrusiveList {
 public:
  constexpr IntrusiveList() { head_.prev = head_.next = &head_; }
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;

  bool empty() const { return head_.next == &head_; }
  size_t size() const {
    size_t n = 0;
    for (const ListNode* p = head_.next; p != &head_; p = p->next) ++n;
    return n;
  }
  T* front() const { return empty() ? nullptr : owner(head_.next); }
  T* back() const { return empty() ? nullptr : owner(head_.prev); }

  void push_back(T& e) { insert_before(&head_, &(e.*Member)); }
  void push_front(T& e) { insert_before(head_.next, &(e.*Member)); }
  // Insert e before pos (pos must be on this list).
  void insert_before(T& pos, T& e) { insert_before(&(pos.*Member), &(e.*Member)); }

  T* pop_front() {
    if (empty()) return nullptr;
    T* e = owner(head_.next);
    remove(*e);
    return e;
  }
  T* pop_back() {
    if (empty()) return nullptr;
    T* e = owner(head_.prev);
    remove(*e);
    return e;
  }
  static void remove(T& e) {
    ListNode* n = &(e.*Member);
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = nullptr;
  }
  static bool is_linked(const T& e) { return (e.*Member).linked(); }

  class Iterator {
   public:
    Iterator(ListNode* n, const ListNode* head) : n_(n), head_(head) {}
    T& operator*() const { return *owner(n_); }
    T* operator->() const { return owner(n_); }
    // Advancing first lets the loop body remove the current element.
    Iterator& operator++() {
      n_ = n_->next;
      return *this;
    }
    bool operator==(const Iterator& o) const { return n_ == o.n_; }
    bool operator!=(const Iterator& o) const { return n_ != o.n_; }

   private:
    ListNode* n_;
    const ListNode* head_;
  };
  Iterator begin() { return Iterator(head_.next, &head_); }
  Iterator end() { return Iterator(&head_, &head_); }

  // Call f(T&) for each element; f may remove the element it is given.
  template <typename F>
  void for_each_safe(F f) {
    for (ListNode* p = head_.next; p != &head_;) {
      ListNode* next = p->next;
      f(*owner(p));
      p = next;
    }
  }

 private:
  static void insert_before(ListNode* pos, ListNode* n) {
    n->next = pos;
    n->prev = pos->prev;
    pos->prev->next = n;
    pos->prev = n;
  }
  static T* owner(const ListNode* n) {
    // Offset of Member inside T, computed without a T object.
    const size_t off = reinterpret_cast<size_t>(&(static_cast<T*>(nullptr)->*Member));
    return reinterpret_cast<T*>(reinterpret_cast<char*>(const_cast<ListNode*>(n)) - off);
  }
  ListNode head_;
};

}  // namespace kiln
