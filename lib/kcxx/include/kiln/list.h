// Intrusive doubly linked list: the element holds its ListNode, so putting
// an element on a list never allocates (run queues, free lists, waiters).
//
//   struct Thread { kiln::ListNode node; ... };
//   kiln::IntrusiveList<Thread, &Thread::node> runq;
//   runq.push_back(t); Thread* next = runq.pop_front();
//   for (Thread& t : runq) if (done(t)) runq.remove(t);   // removal-safe
//
// Always checked (kiln_assert_fail, see kiln/check.h): inserting an element
// whose node is already on a list, and removing one that is on none.
#pragma once

#include <stddef.h>
#include <kiln/check.h>

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

  void push_back(T& e) { link_before(&head_, &(e.*Member)); }
  void push_front(T& e) { link_before(head_.next, &(e.*Member)); }
  // Insert e before pos (pos must be on this list).
  void insert_before(T& pos, T& e) {
    KILN_CHECK((pos.*Member).linked(), "IntrusiveList::insert_before: position is not on a list");
    link_before(&(pos.*Member), &(e.*Member));
  }

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
    KILN_CHECK(n->linked(), "IntrusiveList::remove: element is not on a list");
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = nullptr;
  }
  static bool is_linked(const T& e) { return (e.*Member).linked(); }

  // Remembers the node after the current one before the loop body runs,
  // so the body may remove (or move to another list) the element it is
  // given. It must not remove other elements of this list.
  class Iterator {
   public:
    explicit Iterator(ListNode* n) : n_(n), next_(n->next) {}
    T& operator*() const { return *owner(n_); }
    T* operator->() const { return owner(n_); }
    Iterator& operator++() {
      n_ = next_;
      next_ = n_->next;
      return *this;
    }
    bool operator==(const Iterator& o) const { return n_ == o.n_; }
    bool operator!=(const Iterator& o) const { return n_ != o.n_; }

   private:
    ListNode* n_;
    ListNode* next_;
  };
  Iterator begin() { return Iterator(head_.next); }
  Iterator end() { return Iterator(&head_); }

 private:
  static void link_before(ListNode* pos, ListNode* n) {
    KILN_CHECK(!n->linked(), "IntrusiveList: element is already on a list");
    n->next = pos;
    n->prev = pos->prev;
    pos->prev->next = n;
    pos->prev = n;
  }
  // Offset of Member inside T. Member is a pointer to data member; the
  // Itanium C++ ABI (which GCC and Clang follow on x86-64) represents it
  // as the member's byte offset in a ptrdiff_t. Reading that representation
  // (bit_cast) is well-defined, unlike `&(((T*)nullptr)->*Member)`.
  static ptrdiff_t member_offset() {
    static_assert(sizeof(Member) == sizeof(ptrdiff_t), "pointer to data member is not an offset");
    return __builtin_bit_cast(ptrdiff_t, Member);
  }
  static T* owner(const ListNode* n) {
    return reinterpret_cast<T*>(reinterpret_cast<char*>(const_cast<ListNode*>(n)) - member_offset());
  }
  ListNode head_;
};

}  // namespace kiln
