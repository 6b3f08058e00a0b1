// The scheduler's queue logic on the host with a fake clock: the deadline
// queue behind sleeping and timer callbacks, and the round-robin policy
// with time slices (lib/sched/src/policy_rr.cpp, built preemptive here).
#include <kiln/deadline_queue.h>
#include <kiln/sched.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "../../lib/sched/src/policy.h"

namespace {

struct Sleeper {
  uint64_t wake_at = 0;
  kiln::ListNode node;
  int id = 0;
};
using Queue = kiln::DeadlineQueue<Sleeper, &Sleeper::node, &Sleeper::wake_at>;

struct FakeClock {
  uint64_t now = 0;
  void advance(uint64_t ns) { now += ns; }
};

TEST(DeadlineQueue, WakesInDeadlineOrderAsTheClockAdvances) {
  FakeClock clock;
  Queue q;
  std::vector<Sleeper> s(200);
  std::mt19937 rng(5);
  for (int i = 0; i < 200; ++i) {
    s[i].id = i;
    s[i].wake_at = rng() % 1000;
    q.insert(s[i]);
  }
  std::vector<int> woken;
  uint64_t last = 0;
  while (!q.empty()) {
    clock.advance(7);
    while (Sleeper* x = q.pop_expired(clock.now)) {
      EXPECT_LE(x->wake_at, clock.now);  // never early
      EXPECT_GE(x->wake_at, last);       // in order
      last = x->wake_at;
      woken.push_back(x->id);
    }
    EXPECT_GT(q.next(), clock.now);  // nothing left that is due
  }
  EXPECT_EQ(woken.size(), 200u);
  EXPECT_EQ(q.next(), Queue::kNever);
}

TEST(DeadlineQueue, EqualDeadlinesKeepInsertionOrderAndRemovalWorks) {
  Queue q;
  Sleeper a, b, c, d;
  a.id = 1, b.id = 2, c.id = 3, d.id = 4;
  a.wake_at = b.wake_at = c.wake_at = 50;
  d.wake_at = 10;
  q.insert(a);
  q.insert(b);
  q.insert(c);
  q.insert(d);
  EXPECT_EQ(q.next(), 10u);
  q.remove(b);  // a timed wait ended early (woken)
  EXPECT_FALSE(Queue::queued(b));
  EXPECT_EQ(q.pop_expired(49)->id, 4);
  EXPECT_EQ(q.pop_expired(49), nullptr);
  EXPECT_EQ(q.pop_expired(50)->id, 1);
  EXPECT_EQ(q.pop_expired(50)->id, 3);
  EXPECT_TRUE(q.empty());
}

TEST(RoundRobin, FifoOrderAndTimeSlices) {
  std::vector<kiln::Thread> t(4);
  EXPECT_TRUE(kiln::policy::empty());
  for (auto& th : t) kiln::policy::enqueue(&th);
  // Simulate: each pick runs for a full slice, then goes to the back.
  FakeClock clock;
  std::vector<kiln::Thread*> order;
  for (int round = 0; round < 8; ++round) {
    kiln::Thread* cur = kiln::policy::pick();
    ASSERT_NE(cur, nullptr);
    order.push_back(cur);
    uint64_t end = kiln::policy::slice_end(clock.now);
    EXPECT_EQ(end, clock.now + 10000u * 1000);  // CONFIG_SCHED_TIMESLICE_US in the host config
    clock.now = end;
    kiln::policy::enqueue(cur);
  }
  for (int i = 0; i < 8; ++i) EXPECT_EQ(order[i], &t[i % 4]);
  while (kiln::policy::pick()) {
  }
  EXPECT_TRUE(kiln::policy::empty());
}

}  // namespace
