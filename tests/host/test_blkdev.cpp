// lib/blkdev's request checks and queue against a fake device whose ring
// holds `room` requests and which completes them when the test says.
#include <gtest/gtest.h>
#include <kiln/blkdev.h>
#include <errno.h>
#include <string.h>
#include <vector>

namespace {

class FakeDev final : public kiln::BlockDev {
 public:
  FakeDev(const char* name, unsigned room, bool ro = false, bool flush = true, bool discard = false) : room_(room) {
    set_identity({name, 512, 1024, ro, flush, discard, 4, 65536});
  }
  std::vector<kiln::BlkRequest*> started;
  int refuse_with = 0;  // start() fails with this errno once

  // Finishes the oldest started request.
  void finish(int status = 0) {
    kiln::BlkRequest* r = started.front();
    started.erase(started.begin());
    complete(r, status);
  }

 private:
  kiln::Result<void> start(kiln::BlkRequest* r) override {
    if (refuse_with) {
      int e = refuse_with;
      refuse_with = 0;
      return kiln::Error(e);
    }
    if (started.size() >= room_) return kiln::Error(EAGAIN);
    started.push_back(r);
    return {};
  }
  unsigned room_;
};

struct Done {
  int calls = 0;
  int status = 1;
};
void on_done(kiln::BlkRequest* r) {
  auto* d = static_cast<Done*>(r->ctx);
  ++d->calls;
  d->status = r->status;
}

kiln::BlkRequest read_req(uint64_t sector, uint32_t count, kiln::BlkSeg* seg, Done* d) {
  kiln::BlkRequest r;
  r.op = kiln::BlkRequest::Op::kRead;
  r.sector = sector;
  r.count = count;
  r.segs = seg;
  r.nsegs = 1;
  r.done = on_done;
  r.ctx = d;
  return r;
}

char buf[65536];

TEST(Blkdev, RequestsPastTheDeviceQueueWaitAndStartInOrder) {
  FakeDev dev("fq0", 2);
  ASSERT_FALSE(kiln::blk_register(&dev).is_error());
  kiln::BlkSeg seg{buf, 512};
  Done d[5];
  kiln::BlkRequest r[5];
  for (int i = 0; i < 5; ++i) {
    r[i] = read_req(static_cast<uint64_t>(i), 1, &seg, &d[i]);
    ASSERT_FALSE(dev.submit(&r[i]).is_error());
  }
  ASSERT_EQ(dev.started.size(), 2u);  // two on the device, three waiting
  EXPECT_EQ(dev.started[0], &r[0]);
  dev.finish();
  EXPECT_EQ(d[0].calls, 1);
  EXPECT_EQ(d[0].status, 0);
  ASSERT_EQ(dev.started.size(), 2u);
  EXPECT_EQ(dev.started[1], &r[2]);  // the next in order took the free room
  while (!dev.started.empty()) dev.finish();
  for (auto& x : d) EXPECT_EQ(x.calls, 1);
  EXPECT_EQ(dev.stats().reads, 5u);
  EXPECT_EQ(dev.stats().queued_max, 3u);
}

TEST(Blkdev, BadRequestsAreRefusedBeforeTheDevice) {
  FakeDev dev("fq1", 4, /*ro=*/true, /*flush=*/false);
  ASSERT_FALSE(kiln::blk_register(&dev).is_error());
  kiln::BlkSeg seg{buf, 512};
  Done d;
  auto r = read_req(1024, 1, &seg, &d);  // past the end
  EXPECT_EQ(dev.submit(&r).error().code(), EINVAL);
  r = read_req(1023, 2, &seg, &d);  // count does not match the segment
  EXPECT_EQ(dev.submit(&r).error().code(), EINVAL);
  kiln::BlkSeg odd{buf, 100};
  r = read_req(0, 1, &odd, &d);  // not whole sectors
  EXPECT_EQ(dev.submit(&r).error().code(), EINVAL);
  kiln::BlkSeg big{buf, 512 * 256};  // larger than max_seg_bytes
  r = read_req(0, 256, &big, &d);
  EXPECT_EQ(dev.submit(&r).error().code(), EINVAL);
  r = read_req(0, 1, &seg, &d);
  r.op = kiln::BlkRequest::Op::kWrite;
  EXPECT_EQ(dev.submit(&r).error().code(), EROFS);
  r.op = kiln::BlkRequest::Op::kDiscard;
  EXPECT_EQ(dev.submit(&r).error().code(), EROFS);
  EXPECT_TRUE(dev.started.empty());
  EXPECT_EQ(d.calls, 0);  // refused requests are not completed
  // A device without a write cache: flush completes at once.
  kiln::BlkRequest f;
  f.op = kiln::BlkRequest::Op::kFlush;
  f.done = on_done;
  f.ctx = &d;
  ASSERT_FALSE(dev.submit(&f).is_error());
  EXPECT_EQ(d.calls, 1);
  EXPECT_EQ(d.status, 0);
  EXPECT_TRUE(dev.started.empty());
}

TEST(Blkdev, DeviceErrorsReachTheCaller) {
  FakeDev dev("fq2", 4);
  ASSERT_FALSE(kiln::blk_register(&dev).is_error());
  kiln::BlkSeg seg{buf, 512};
  Done d1, d2;
  auto r1 = read_req(0, 1, &seg, &d1);
  dev.refuse_with = ENOMEM;  // start() fails: the request completes with it
  ASSERT_FALSE(dev.submit(&r1).is_error());
  EXPECT_EQ(d1.calls, 1);
  EXPECT_EQ(d1.status, -ENOMEM);
  auto r2 = read_req(0, 1, &seg, &d2);
  ASSERT_FALSE(dev.submit(&r2).is_error());
  dev.finish(-EIO);
  EXPECT_EQ(d2.status, -EIO);
  EXPECT_EQ(dev.stats().errors, 2u);
}

TEST(Blkdev, ADeviceThatTakesNothingWithNothingInFlightFailsTheRequest) {
  FakeDev dev("fq3", 0);
  ASSERT_FALSE(kiln::blk_register(&dev).is_error());
  kiln::BlkSeg seg{buf, 512};
  Done d;
  auto r = read_req(0, 1, &seg, &d);
  ASSERT_FALSE(dev.submit(&r).is_error());
  EXPECT_EQ(d.calls, 1);
  EXPECT_EQ(d.status, -EIO);  // never left waiting forever
}

TEST(Blkdev, TheQueueIsBounded) {
  FakeDev dev("fq4", 1);
  ASSERT_FALSE(kiln::blk_register(&dev).is_error());
  kiln::BlkSeg seg{buf, 512};
  static kiln::BlkRequest r[kiln::BlockDev::kMaxQueued + 2];
  static Done d[kiln::BlockDev::kMaxQueued + 2];
  unsigned accepted = 0;
  for (auto i = 0u; i < kiln::BlockDev::kMaxQueued + 2; ++i) {
    r[i] = read_req(0, 1, &seg, &d[i]);
    auto s = dev.submit(&r[i]);
    if (s.is_error()) {
      EXPECT_EQ(s.error().code(), EAGAIN);
      break;
    }
    ++accepted;
  }
  EXPECT_EQ(accepted, kiln::BlockDev::kMaxQueued + 1);  // one on the device, the rest queued
  while (!dev.started.empty()) dev.finish();
  for (auto i = 0u; i < accepted; ++i) EXPECT_EQ(d[i].calls, 1);
}

TEST(Blkdev, NamesAreUniqueAndIdentitiesChecked) {
  FakeDev a("dup0", 1), b("dup0", 1);
  ASSERT_FALSE(kiln::blk_register(&a).is_error());
  EXPECT_EQ(kiln::blk_register(&b).error().code(), EEXIST);
  EXPECT_EQ(kiln::blk_find("dup0"), &a);
  EXPECT_EQ(kiln::blk_find("nope"), nullptr);
}

}  // namespace

extern "C" void kiln_plat_wait_event(uint64_t) {}
extern "C" void kiln_plat_wake_event(void) {}
