// In-image tests of threads, sleeping, timers and locks.
#include <kiln/assert.h>
#include <kiln/config.h>
#include <kiln/ktest.h>
#include <kiln/plat/time.h>
#include <kiln/sched.h>
#include <kiln/sync.h>
#include <initializer_list>

using namespace kiln;

namespace {
uint64_t now() { return kiln_plat_monotonic_ns(); }
constexpr uint64_t kMs = 1000000;

void* add_one(void* p) { return reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(p) + 1); }
// error() of a success panics: check is_error() first.
bool fails_with(const Result<void>& r, int code) { return r.is_error() && r.error().code() == code; }
}  // namespace

KILN_TEST(sched, create_join_returns_value) {
  auto t = thread_create("adder", add_one, reinterpret_cast<void*>(41));
  KTEST_ASSERT(t.ok());
  auto r = thread_join(t.value());
  KTEST_ASSERT(r.ok());
  KTEST_EXPECT_EQ(reinterpret_cast<uintptr_t>(r.value()), 42);
  auto self = thread_join(thread_current());
  KTEST_EXPECT(self.is_error() && self.error().code() == EDEADLK);
}

namespace {
Mutex counter_lock;
long counter;
constexpr int kAdders = 8, kAdds = 20000;
void* add_many(void*) {
  for (int i = 0; i < kAdds; ++i) {
    MutexGuard g(counter_lock);
    long v = counter;
    for (int spin = 0; spin < 3; ++spin) asm volatile("");
    counter = v + 1;  // lost updates would show without the lock
  }
  return nullptr;
}
}  // namespace

KILN_TEST(sched, mutex_counter_is_exact) {
  counter = 0;
  Thread* ts[kAdders];
  for (auto& t : ts) {
    auto r = thread_create("adder", add_many, nullptr);
    KTEST_ASSERT(r.ok());
    t = r.value();
  }
  for (auto* t : ts) KTEST_EXPECT(thread_join(t).ok());
  KTEST_EXPECT_EQ(counter, long{kAdders} * kAdds);
}

namespace {
Mutex pc_lock;
CondVar not_empty, not_full;
int queue[8], head, tail, size;
constexpr int kProducers = 4, kConsumers = 4, kItems = 500;
void* producer(void* p) {
  int base = static_cast<int>(reinterpret_cast<intptr_t>(p)) * kItems;
  for (int i = 1; i <= kItems; ++i) {
    MutexGuard g(pc_lock);
    while (size == 8) KILN_ASSERT(not_full.wait(pc_lock).ok());
    queue[tail] = base + i;
    tail = (tail + 1) % 8;
    ++size;
    not_empty.signal();
  }
  return nullptr;
}
void* consumer(void*) {
  long sum = 0;
  for (int i = 0; i < kItems * kProducers / kConsumers; ++i) {
    MutexGuard g(pc_lock);
    while (size == 0) KILN_ASSERT(not_empty.wait(pc_lock).ok());
    sum += queue[head];
    head = (head + 1) % 8;
    --size;
    not_full.signal();
  }
  return reinterpret_cast<void*>(sum);
}
}  // namespace

KILN_TEST(sched, producer_consumer_condvars) {
  Thread* ts[kProducers + kConsumers];
  int n = 0;
  for (int i = 0; i < kConsumers; ++i) ts[n++] = thread_create("consumer", consumer, nullptr).value_or(nullptr);
  for (int i = 0; i < kProducers; ++i)
    ts[n++] = thread_create("producer", producer, reinterpret_cast<void*>(intptr_t{i})).value_or(nullptr);
  long total = 0;
  for (int i = 0; i < n; ++i) {
    KTEST_ASSERT(ts[i] != nullptr);
    auto r = thread_join(ts[i]);
    KTEST_ASSERT(r.ok());
    total += reinterpret_cast<intptr_t>(r.value());
  }
  // Every item exactly once: sum of 1..(kItems*kProducers).
  long n_items = long{kItems} * kProducers;
  KTEST_EXPECT_EQ(total, n_items * (n_items + 1) / 2);
}

KILN_TEST(sched, sleep_is_at_least_as_long_as_asked) {
  // The bound: never early; late by at most 1 s even on a slow emulator.
  for (uint64_t ms : {1, 5, 20}) {
    uint64_t t0 = now();
    sleep_ns(ms * kMs);
    uint64_t took = now() - t0;
    KTEST_EXPECT(took >= ms * kMs);
    KTEST_EXPECT(took < ms * kMs + 1000 * kMs);
  }
}

namespace {
volatile bool stop_spinning;
void* spin_forever(void*) {
  while (!stop_spinning) {}  // never yields, never blocks
  return nullptr;
}
void* stopper(void*) {
  sleep_ns(10 * kMs);
  stop_spinning = true;
  return nullptr;
}
}  // namespace

#ifdef CONFIG_SCHED_PREEMPT
KILN_TEST(sched, spinning_thread_does_not_starve_others) {
  stop_spinning = false;
  auto spinner = thread_create("spinner", spin_forever, nullptr);
  auto stop = thread_create("stopper", stopper, nullptr);
  KTEST_ASSERT(spinner.ok() && stop.ok());
  KTEST_EXPECT(thread_join(stop.value()).ok());  // only returns if preempted
  KTEST_EXPECT(thread_join(spinner.value()).ok());
}
#endif

KILN_TEST(sched, timeouts) {
  Mutex m;
  Semaphore s(0);
  uint64_t t0 = now();
  KTEST_EXPECT(fails_with(s.down(t0 + 5 * kMs), ETIMEDOUT));
  KTEST_EXPECT(now() >= t0 + 5 * kMs);
  s.up();
  KTEST_EXPECT(s.down(now() + 5 * kMs).ok());
  KTEST_EXPECT(m.lock().ok());
  KTEST_EXPECT(fails_with(m.lock(), EDEADLK));
  CondVar cv;
  t0 = now();
  KTEST_EXPECT(fails_with(cv.wait(m, t0 + 3 * kMs), ETIMEDOUT));
  KTEST_EXPECT(m.owner() == thread_current());  // held again after the timeout
  KTEST_EXPECT(m.unlock().ok());
  KTEST_EXPECT(fails_with(m.unlock(), EPERM));
}

KILN_TEST(sched, recursive_mutex) {
  Mutex m(true);
  KTEST_EXPECT(m.lock().ok());
  KTEST_EXPECT(m.lock().ok());
  KTEST_EXPECT(m.try_lock().ok());
  KTEST_EXPECT_EQ(m.depth(), 3);
  for (int i = 0; i < 3; ++i) KTEST_EXPECT(m.unlock().ok());
  KTEST_EXPECT(m.owner() == nullptr);
}

namespace {
Mutex guarded;
volatile int guard_stage;  // 1: the other thread got the mutex
void* take_guarded(void*) {
  MutexGuard g(guarded);
  guard_stage = 1;
  return nullptr;
}
// Returns from inside the guard's scope: the mutex must still be released.
int early_return(bool leave) {
  MutexGuard g(guarded);
  if (leave) return 1;
  return 2;
}
}  // namespace

KILN_TEST(sched, mutex_guard_holds_for_the_scope) {
  {
    MutexGuard g(guarded);
    KTEST_EXPECT(guarded.owner() == thread_current());
    KTEST_EXPECT_EQ(guarded.depth(), 1);
    KTEST_EXPECT(fails_with(guarded.try_lock(), EBUSY));  // held, not recursive
  }
  KTEST_EXPECT(guarded.owner() == nullptr);
  KTEST_EXPECT_EQ(early_return(true), 1);
  KTEST_EXPECT(guarded.owner() == nullptr);
  KTEST_EXPECT_EQ(early_return(false), 2);
  KTEST_EXPECT(guarded.owner() == nullptr);
}

KILN_TEST(sched, mutex_guard_nests_on_a_recursive_mutex) {
  Mutex m(true);
  {
    MutexGuard outer(m);
    {
      MutexGuard inner(m);
      KTEST_EXPECT_EQ(m.depth(), 2);
    }
    KTEST_EXPECT_EQ(m.depth(), 1);
    KTEST_EXPECT(m.owner() == thread_current());
  }
  KTEST_EXPECT(m.owner() == nullptr);
  KTEST_EXPECT_EQ(m.depth(), 0);
}

KILN_TEST(sched, mutex_guard_excludes_other_threads) {
  guard_stage = 0;
  Thread* t = nullptr;
  {
    MutexGuard g(guarded);
    auto r = thread_create("guarded", take_guarded, nullptr);
    KTEST_ASSERT(r.ok());
    t = r.value();
    sleep_ns(5 * kMs);  // the thread runs and blocks in its guard
    KTEST_EXPECT_EQ(guard_stage, 0);
    KTEST_EXPECT(guarded.owner() == thread_current());
  }
  KTEST_EXPECT(thread_join(t).ok());
  KTEST_EXPECT_EQ(guard_stage, 1);  // it got the mutex once the scope ended
  KTEST_EXPECT(guarded.owner() == nullptr);
}

namespace {
RwLock rw;
int readers_inside, max_readers_inside, writer_saw_readers;  // touched under rw
Semaphore readers_ready(0);
void* reader(void*) {
  KILN_ASSERT(rw.read_lock().ok());
  ++readers_inside;
  if (readers_inside > max_readers_inside) max_readers_inside = readers_inside;
  readers_ready.up();
  sleep_ns(5 * kMs);  // hold the read lock while others enter
  --readers_inside;
  KILN_ASSERT(rw.unlock().ok());
  return nullptr;
}
void* writer(void*) {
  KILN_ASSERT(rw.write_lock().ok());
  if (readers_inside) writer_saw_readers = 1;
  KILN_ASSERT(rw.unlock().ok());
  return nullptr;
}
}  // namespace

KILN_TEST(sched, rwlock_readers_share_writer_excludes) {
  Thread* r[3];
  for (auto& t : r) t = thread_create("reader", reader, nullptr).value_or(nullptr);
  for (int i = 0; i < 3; ++i) (void)readers_ready.down();
  Thread* w = thread_create("writer", writer, nullptr).value_or(nullptr);
  for (auto* t : r) KTEST_EXPECT(t && thread_join(t).ok());
  KTEST_EXPECT(w && thread_join(w).ok());
  KTEST_EXPECT_EQ(max_readers_inside, 3);
  KTEST_EXPECT_EQ(writer_saw_readers, 0);
}

namespace {
volatile int fired;
Semaphore timer_sem(0);
void on_fire(Timer* t) {
  fired = static_cast<int>(reinterpret_cast<intptr_t>(t->data));
  timer_sem.up();  // waking from timer context is allowed
}
}  // namespace

KILN_TEST(sched, timer_callback_fires_after_deadline) {
  Timer t;
  t.fn = on_fire;
  t.data = reinterpret_cast<void*>(7);
  uint64_t t0 = now();
  timer_start(&t, t0 + 3 * kMs);
  KTEST_EXPECT(timer_sem.down(t0 + 2000 * kMs).ok());
  KTEST_EXPECT_EQ(fired, 7);
  KTEST_EXPECT(now() >= t0 + 3 * kMs);
  Timer never;
  never.fn = on_fire;
  timer_start(&never, now() + 1000 * kMs);
  KTEST_EXPECT(timer_cancel(&never));
  KTEST_EXPECT(!timer_cancel(&never));
}

namespace {
Semaphore detached_done(0);
void* detached_fn(void*) {
  detached_done.up();
  return nullptr;
}
}  // namespace

KILN_TEST(sched, detached_threads_and_errors) {
  size_t before = thread_count();
  auto t = thread_create("detached", detached_fn, nullptr);
  KTEST_ASSERT(t.ok());
  KTEST_EXPECT(thread_detach(t.value()).ok());
  KTEST_EXPECT(detached_done.down().ok());
  sleep_ns(1 * kMs);  // let it exit; the next create reaps it
  auto u = thread_create("short", add_one, nullptr);
  KTEST_ASSERT(u.ok());
  KTEST_EXPECT(thread_join(u.value()).ok());
  KTEST_EXPECT_EQ(thread_count(), before);
  // Out of memory for a stack is an error value, not a crash.
  auto huge = thread_create("huge", add_one, nullptr, size_t{1} << 45);
  KTEST_EXPECT(huge.is_error() && huge.error().code() == EAGAIN);
  auto nofn = thread_create("nofn", nullptr, nullptr);
  KTEST_EXPECT(nofn.is_error() && nofn.error().code() == EINVAL);
}

#ifdef CONFIG_SCHED_PREEMPT
extern "C" long kiln_test_redzone_spin(long iterations);
namespace {
volatile bool redzone_stop;
long redzone_errors;
void* redzone_spinner(void*) {
  while (!redzone_stop) redzone_errors += kiln_test_redzone_spin(20000);
  return nullptr;
}
void* busy_other(void*) {
  uint64_t end = now() + 30 * kMs;
  while (now() < end) {}  // keeps the run queue non-empty: time slices expire
  redzone_stop = true;
  return nullptr;
}
}  // namespace

// Interrupts and preemption must not touch the 128 bytes below the
// interrupted stack pointer (the System V red zone).
KILN_TEST(sched, red_zone_survives_preemption) {
  redzone_stop = false;
  redzone_errors = 0;
  auto a = thread_create("redzone", redzone_spinner, nullptr);
  auto b = thread_create("busy", busy_other, nullptr);
  KTEST_ASSERT(a.ok() && b.ok());
  KTEST_EXPECT(thread_join(b.value()).ok());
  KTEST_EXPECT(thread_join(a.value()).ok());
  KTEST_EXPECT_EQ(redzone_errors, 0);
}
#endif

// Kernel code's own thread_local (docs/threads.md, "Thread-local
// storage"): each thread starts from the initial value, keeps its writes
// across switches, and never sees another thread's.
namespace {
constinit thread_local long ktls_value = 5;
constinit thread_local char ktls_zero[32] = {};
void* ktls_worker(void* p) {
  auto id = reinterpret_cast<uintptr_t>(p);
  bool ok = ktls_value == 5 && ktls_zero[0] == 0 && ktls_zero[31] == 0;
  ktls_value = static_cast<long>(100 + id);
  ktls_zero[31] = static_cast<char>(id);
  for (int i = 0; i < 50; ++i) {
    yield();
    if (ktls_value != static_cast<long>(100 + id) || ktls_zero[31] != static_cast<char>(id)) ok = false;
  }
  return reinterpret_cast<void*>(uintptr_t{ok});
}
}  // namespace

KILN_TEST(sched, kernel_thread_local_is_per_thread) {
  ktls_value = 77;
  Thread* ts[4];
  for (uintptr_t i = 0; i < 4; ++i) {
    auto r = thread_create("ktls", ktls_worker, reinterpret_cast<void*>(i));
    KTEST_ASSERT(r.ok());
    ts[i] = r.value();
  }
  for (auto* t : ts) {
    auto r = thread_join(t);
    KTEST_ASSERT(r.ok());
    KTEST_EXPECT_EQ(reinterpret_cast<uintptr_t>(r.value()), 1);
  }
  KTEST_EXPECT_EQ(ktls_value, 77);
}
