// In-image tests of the xen platform, against the real hypervisor and
// xenstored (CONFIG_PLAT_XEN_TEST; they run in the test rig, see
// docs/xen.md).
#include "../src/xen.h"
#include <kiln/config.h>
#include <kiln/ktest.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>
#include <kiln/plat/wait.h>
#include <kiln/print.h>
#include <kiln/xen/evtchn.h>
#include <kiln/xen/gnttab.h>
#include <kiln/xen/xenstore.h>
#include <string.h>

using namespace kiln::xen;

namespace {

constexpr uint64_t kMs = 1'000'000;

volatile unsigned hits = 0;
volatile uint32_t last_port = 0;

void count_event(evtchn_port_t port, void*) {
  last_port = port;
  hits = hits + 1;
  kiln_plat_wake_event();
}

// Wait until hits reaches want or ms pass; the count seen.
unsigned wait_hits(unsigned want, uint64_t ms) {
  uint64_t deadline = kiln_plat_monotonic_ns() + ms * kMs;
  unsigned long f = kiln_plat_irq_save();
  while (hits < want && kiln_plat_monotonic_ns() < deadline) kiln_plat_wait_event(deadline);
  unsigned h = hits;
  kiln_plat_irq_restore(f);
  return h;
}

alignas(4096) char granted[4096];
alignas(4096) char copied[4096];

}  // namespace

KILN_TEST(xen, evtchn_loopback_notify_mask_unmask) {
  hits = 0;
  auto a = evtchn_alloc_unbound(kDomidSelfId, count_event, nullptr);
  KTEST_ASSERT(a.ok());
  auto b = evtchn_bind_interdomain(kDomidSelfId, a.value(), nullptr, nullptr);
  KTEST_ASSERT(b.ok());
  KTEST_EXPECT(a.value() != b.value());
  KTEST_EXPECT(evtchn_notify(b.value()).ok());
  KTEST_EXPECT_EQ(wait_hits(1, 2000), 1u);
  KTEST_EXPECT_EQ(last_port, a.value());
  // Masked: the event is held back, and delivered on unmask.
  evtchn_mask(a.value());
  KTEST_EXPECT(evtchn_notify(b.value()).ok());
  KTEST_EXPECT_EQ(wait_hits(2, 50), 1u);
  evtchn_unmask(a.value());
  KTEST_EXPECT_EQ(wait_hits(2, 2000), 2u);
  KTEST_EXPECT(evtchn_unbind(b.value()).ok());
  KTEST_EXPECT(evtchn_unbind(a.value()).ok());
  // Closed: the port is gone.
  KTEST_EXPECT(!evtchn_notify(a.value()).ok());
}

KILN_TEST(xen, evtchn_bad_calls_are_errors) {
  auto r = evtchn_bind_interdomain(kDomidSelfId, 250, nullptr, nullptr);  // not an unbound port of ours
  KTEST_EXPECT(!r.ok());
  KTEST_EXPECT(!evtchn_unbind(kMaxPorts + 5).ok());
}

KILN_TEST(xen, idle_blocks_until_the_deadline) {
  // kiln_plat_idle_until returns at the deadline or after an event; it
  // must not return early over and over (that would be spinning).
  uint64_t t0 = kiln_plat_monotonic_ns();
  uint64_t deadline = t0 + 30 * kMs;
  unsigned rounds = 0;
  while (kiln_plat_monotonic_ns() < deadline && rounds < 1000) {
    kiln_plat_idle_until(deadline);
    ++rounds;
  }
  uint64_t took = kiln_plat_monotonic_ns() - t0;
  KTEST_EXPECT(took >= 30 * kMs);
  KTEST_EXPECT(took < 2000 * kMs);
  KTEST_EXPECT(rounds < 20);
}

KILN_TEST(xen, wall_clock_is_after_2020) {
  int64_t wall = kiln_plat_wall_ns();
  KTEST_EXPECT(wall > 1577836800ll * 1000000000ll);  // 2020-01-01
}

KILN_TEST(xen, gnttab_copy_of_self_granted_page) {
  auto dom = xs_domid();
  KTEST_ASSERT(dom.ok());
  for (unsigned i = 0; i < sizeof granted; ++i) granted[i] = static_cast<char>(i * 7 + 3);
  memset(copied, 0, sizeof copied);
  auto ref = gnttab_grant_access(dom.value(), reinterpret_cast<uintptr_t>(granted) >> 12, true);
  KTEST_ASSERT(ref.ok());
  size_t free_after_grant = gnttab_free_count();
  KTEST_EXPECT(free_after_grant > 0);
  auto c = gnttab_copy_from(dom.value(), ref.value(), 100, copied + 8, 64);
  KTEST_EXPECT(c.ok());
  KTEST_EXPECT(memcmp(copied + 8, granted + 100, 64) == 0);
  KTEST_EXPECT(gnttab_end_access(ref.value()).ok());
  KTEST_EXPECT_EQ(gnttab_free_count(), free_after_grant + 1);
  // The grant is gone: Xen refuses the copy, and it cannot be ended twice.
  KTEST_EXPECT(!gnttab_copy_from(dom.value(), ref.value(), 0, copied, 16).ok());
  KTEST_EXPECT(!gnttab_end_access(ref.value()).ok());
  KTEST_EXPECT(!gnttab_end_access(3).ok());  // reserved entry
}

KILN_TEST(xen, xenstore_read_write_directory_rm) {
  char v[64];
  KTEST_ASSERT(xs_write("data/ktest/a", "alpha").ok());
  KTEST_ASSERT(xs_write("data/ktest/b", "").ok());
  auto n = xs_read("data/ktest/a", v, sizeof v);
  KTEST_ASSERT(n.ok());
  KTEST_EXPECT_EQ(n.value(), 5u);
  KTEST_EXPECT(strcmp(v, "alpha") == 0);
  // The domain's home, by absolute path.
  auto dom = xs_domid();
  KTEST_ASSERT(dom.ok());
  char abs[64] = "/local/domain/";
  char num[8];
  int k = 0;
  for (unsigned d = dom.value(); k == 0 || d; d /= 10) num[k++] = static_cast<char>('0' + d % 10);
  size_t at = strlen(abs);
  while (k) abs[at++] = num[--k];
  abs[at] = 0;
  strcat(abs, "/data/ktest/a");
  KTEST_EXPECT(xs_read(abs, v, sizeof v).ok());
  char list[128];
  unsigned count = 0;
  auto d = xs_directory("data/ktest", list, sizeof list, &count);
  KTEST_ASSERT(d.ok());
  KTEST_EXPECT_EQ(count, 2u);
  bool has_a = false, has_b = false;
  for (size_t i = 0; i < d.value(); i += strlen(list + i) + 1) {
    has_a |= strcmp(list + i, "a") == 0;
    has_b |= strcmp(list + i, "b") == 0;
  }
  KTEST_EXPECT(has_a && has_b);
  // A value that does not fit the buffer.
  auto small = xs_read("data/ktest/a", v, 3);
  KTEST_EXPECT(!small.ok() && small.error().code() == ERANGE);
  KTEST_EXPECT(xs_mkdir("data/ktest/dir").ok());
  KTEST_EXPECT(xs_rm("data/ktest").ok());
  auto gone = xs_read("data/ktest/a", v, sizeof v);
  KTEST_EXPECT(!gone.ok() && gone.error().code() == ENOENT);
}

KILN_TEST(xen, xenstore_errors_are_values) {
  char v[16];
  // Another domain's home is not ours to write.
  auto w = xs_write("/local/domain/0/kiln-ktest", "x");
  KTEST_EXPECT(!w.ok() && w.error().code() == EACCES);
  static char big[5000];
  memset(big, 'x', sizeof big - 1);
  auto b = xs_write("data/ktest-big", big);
  KTEST_EXPECT(!b.ok() && b.error().code() == E2BIG);
  auto r = xs_read("data/no-such-key", v, sizeof v);
  KTEST_EXPECT(!r.ok() && r.error().code() == ENOENT);
}

KILN_TEST(xen, xenstore_transactions_commit_and_abort) {
  char v[16];
  (void)xs_rm("data/ktx");  // left over from an earlier run, if any
  auto tx = xs_transaction_start();
  KTEST_ASSERT(tx.ok());
  KTEST_EXPECT(xs_write("data/ktx/k", "1", tx.value()).ok());
  KTEST_EXPECT(xs_read("data/ktx/k", v, sizeof v, tx.value()).ok());
  auto outside = xs_read("data/ktx/k", v, sizeof v);  // not visible before the commit
  KTEST_EXPECT(!outside.ok() && outside.error().code() == ENOENT);
  KTEST_EXPECT(xs_transaction_end(tx.value(), true).ok());
  KTEST_EXPECT(xs_read("data/ktx/k", v, sizeof v).ok() && strcmp(v, "1") == 0);

  auto tx2 = xs_transaction_start();
  KTEST_ASSERT(tx2.ok());
  KTEST_EXPECT(xs_write("data/ktx/k", "2", tx2.value()).ok());
  KTEST_EXPECT(xs_transaction_end(tx2.value(), false).ok());
  KTEST_EXPECT(xs_read("data/ktx/k", v, sizeof v).ok() && strcmp(v, "1") == 0);
  // A transaction another write overtook must be retried (EAGAIN).
  auto tx3 = xs_transaction_start();
  KTEST_ASSERT(tx3.ok());
  KTEST_EXPECT(xs_read("data/ktx/k", v, sizeof v, tx3.value()).ok());
  KTEST_EXPECT(xs_write("data/ktx/k", "3", tx3.value()).ok());
  KTEST_EXPECT(xs_write("data/ktx/k", "4").ok());
  auto end3 = xs_transaction_end(tx3.value(), true);
  KTEST_EXPECT(!end3.ok() && end3.error().code() == EAGAIN);
  KTEST_EXPECT(xs_read("data/ktx/k", v, sizeof v).ok() && strcmp(v, "4") == 0);
  KTEST_EXPECT(xs_rm("data/ktx").ok());
}

KILN_TEST(xen, xenstore_watch_fires_on_write) {
  char path[128];
  KTEST_ASSERT(xs_watch("data/kwatch", "kt").ok());
  uint64_t soon = kiln_plat_monotonic_ns() + 2000 * kMs;
  // xenstored fires once when the watch is set.
  auto first = xs_watch_wait("kt", path, sizeof path, soon);
  KTEST_EXPECT(first.ok());
  KTEST_EXPECT(xs_write("data/kwatch/x", "1").ok());
  auto ev = xs_watch_wait("kt", path, sizeof path, kiln_plat_monotonic_ns() + 2000 * kMs);
  KTEST_ASSERT(ev.ok());
  KTEST_EXPECT(strstr(path, "data/kwatch/x") != nullptr);
  // Nothing more: the wait times out.
  auto none = xs_watch_wait("kt", path, sizeof path, kiln_plat_monotonic_ns() + 50 * kMs);
  KTEST_EXPECT(!none.ok() && none.error().code() == ETIMEDOUT);
  KTEST_EXPECT(xs_unwatch("data/kwatch", "kt").ok());
  KTEST_EXPECT(xs_rm("data/kwatch").ok());
}

KILN_TEST(xen, xenstore_round_trip_with_dom0) {
  // The test rig's dom0 peer (support/xen/peer-pong.sh) sets data/kiln-peer
  // before the guest starts, then answers data/ping with data/pong = ping+1.
  char v[32];
  if (!xs_read("data/kiln-peer", v, sizeof v).ok()) {
    kiln_info("ktest: xen.xenstore_round_trip_with_dom0: no dom0 peer (data/kiln-peer); skipped");
    return;
  }
  KTEST_ASSERT(xs_watch("data/pong", "pong").ok());
  char path[128];
  (void)xs_watch_wait("pong", path, sizeof path, kiln_plat_monotonic_ns() + 2000 * kMs);  // the initial event
  KTEST_ASSERT(xs_write("data/ping", "41").ok());
  uint64_t deadline = kiln_plat_monotonic_ns() + 20000 * kMs;
  bool got = false;
  while (!got) {
    auto ev = xs_watch_wait("pong", path, sizeof path, deadline);
    if (!ev.ok()) break;
    auto r = xs_read("data/pong", v, sizeof v);
    got = r.ok() && strcmp(v, "42") == 0;
  }
  KTEST_EXPECT(got);
  kiln_info("ktest: xen: dom0 answered ping 41 with pong %s", v);
  KTEST_EXPECT(xs_unwatch("data/pong", "pong").ok());
}

#if CONFIG_LIBSCHED
#include <kiln/sched.h>

namespace {

struct WatchWaiter {
  volatile bool done;
  bool ok;
  char path[128];
};

void* watch_waiter(void* p) {
  auto* w = static_cast<WatchWaiter*>(p);
  auto r = xs_watch_wait("kthr", w->path, sizeof w->path, kiln_plat_monotonic_ns() + 10000 * kMs);
  w->ok = r.ok();
  w->done = true;
  return nullptr;
}

void* reader(void* p) {
  auto* fails = static_cast<int*>(p);
  char v[16];
  for (int i = 0; i < 20; ++i) {
    auto r = xs_read("data/kthr/r", v, sizeof v);
    if (!r.ok() || strcmp(v, "x") != 0) ++*fails;
  }
  return nullptr;
}

}  // namespace

KILN_TEST(xen, xenstore_from_several_threads) {
  // One thread blocks in xs_watch_wait while two others make requests:
  // the waiter sleeps as a thread (the others' requests go on), and wakes
  // when the watched key changes.
  KTEST_ASSERT(xs_write("data/kthr/r", "x").ok());
  KTEST_ASSERT(xs_watch("data/kthr/w", "kthr").ok());
  char path[128];
  KTEST_EXPECT(xs_watch_wait("kthr", path, sizeof path, kiln_plat_monotonic_ns() + 2000 * kMs).ok());  // initial
  static WatchWaiter w;
  w = {};
  int fails = 0;
  auto t1 = kiln::thread_create("xs-watch", watch_waiter, &w);
  auto t2 = kiln::thread_create("xs-read", reader, &fails);
  KTEST_ASSERT(t1.ok() && t2.ok());
  char v[8] = "0";
  for (int i = 0; i < 20; ++i) {
    v[0] = static_cast<char>('a' + i);
    KTEST_EXPECT(xs_write("data/kthr/m", v).ok());
  }
  KTEST_EXPECT(!w.done);  // nothing changed under data/kthr/w yet
  KTEST_EXPECT(xs_write("data/kthr/w", "go").ok());
  KTEST_EXPECT(kiln::thread_join(t1.value()).ok());
  KTEST_EXPECT(kiln::thread_join(t2.value()).ok());
  KTEST_EXPECT(w.done && w.ok);
  KTEST_EXPECT(strstr(w.path, "data/kthr/w") != nullptr);
  KTEST_EXPECT_EQ(fails, 0);
  KTEST_EXPECT(xs_unwatch("data/kthr/w", "kthr").ok());
  KTEST_EXPECT(xs_rm("data/kthr").ok());
}
#endif
