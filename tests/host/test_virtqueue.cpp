// The split virtqueue against a fake device that plays the device's side
// of the rings the way the virtio spec says: reads the available ring,
// writes used entries. Also a device that misbehaves.
#include <kiln/virtio/virtqueue.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

using kiln::virtio::VirtqDesc;
using kiln::virtio::Virtqueue;

namespace {

struct Ring {
  explicit Ring(uint16_t n) : size(n) {
    bytes = Virtqueue::bytes(n);
    mem = static_cast<uint8_t*>(std::aligned_alloc(4096, bytes));
    std::memset(mem, 0, bytes);
    tokens.resize(n);
    EXPECT_FALSE(vq.init(n, mem, dma(), tokens.data()).is_error());
  }
  ~Ring() { std::free(mem); }
  uint64_t dma() const { return reinterpret_cast<uint64_t>(mem); }

  // --- the device's side ---
  VirtqDesc* desc() { return reinterpret_cast<VirtqDesc*>(mem); }
  uint16_t* avail() { return reinterpret_cast<uint16_t*>(mem + Virtqueue::avail_offset(size)); }
  uint16_t* used() { return reinterpret_cast<uint16_t*>(mem + Virtqueue::used_offset(size)); }
  struct Elem {
    uint32_t id, len;
  };
  Elem* used_ring() { return reinterpret_cast<Elem*>(mem + Virtqueue::used_offset(size) + 4); }

  // Takes every newly available chain; returns their head ids.
  std::vector<uint16_t> take() {
    std::vector<uint16_t> heads;
    while (seen != avail()[1]) heads.push_back(avail()[2 + (seen++ % size)]);
    return heads;
  }
  // Completes a chain with `len` bytes written.
  void complete(uint32_t id, uint32_t len) {
    uint16_t& idx = used()[1];
    used_ring()[idx % size] = Elem{id, len};
    ++idx;
  }

  uint16_t size;
  size_t bytes;
  uint8_t* mem;
  std::vector<void*> tokens;
  Virtqueue vq;
  uint16_t seen = 0;
};

void* tok(uintptr_t i) { return reinterpret_cast<void*>(i); }

TEST(Virtqueue, LayoutMatchesTheLegacyFormula) {
  // 256 entries: 4096 desc + 6 + 512 avail, aligned to 4096; used 6 + 2048.
  EXPECT_EQ(Virtqueue::used_offset(256), 8192u);
  EXPECT_EQ(Virtqueue::bytes(256), 8192u + 4096u);
  EXPECT_EQ(Virtqueue::used_offset(8), 4096u);
}

TEST(Virtqueue, RejectsBadSizesAndAlignment) {
  Virtqueue vq;
  std::vector<void*> t(16);
  alignas(4096) static uint8_t mem[3 * 4096];
  EXPECT_EQ(vq.init(12, mem, 0, t.data()).error().code(), EINVAL);  // not a power of two
  EXPECT_EQ(vq.init(0, mem, 0, t.data()).error().code(), EINVAL);
  EXPECT_EQ(vq.init(8, mem + 8, 8, t.data()).error().code(), EINVAL);  // misaligned
  EXPECT_FALSE(vq.init(8, mem, 0, t.data()).is_error());
}

TEST(Virtqueue, BuffersRoundTripInOrderAndOutOfOrder) {
  Ring r(8);
  for (uintptr_t i = 1; i <= 4; ++i) ASSERT_FALSE(r.vq.add(0x1000 * i, 100, true, tok(i)).is_error());
  EXPECT_EQ(r.vq.free_count(), 4);
  EXPECT_TRUE(r.take().empty());  // nothing visible before publish
  EXPECT_TRUE(r.vq.publish());
  auto heads = r.take();
  ASSERT_EQ(heads.size(), 4u);
  EXPECT_EQ(r.desc()[heads[2]].addr, 0x3000u);
  EXPECT_EQ(r.desc()[heads[2]].flags, kiln::virtio::kDescWrite);
  EXPECT_EQ(r.vq.get_used().error().code(), EAGAIN);
  r.complete(heads[3], 60);
  r.complete(heads[0], 42);
  auto u = r.vq.get_used();
  ASSERT_FALSE(u.is_error());
  EXPECT_EQ(u.value().token, tok(4));
  EXPECT_EQ(u.value().len, 60u);
  EXPECT_EQ(r.vq.get_used().value().token, tok(1));
  EXPECT_EQ(r.vq.get_used().error().code(), EAGAIN);
  EXPECT_EQ(r.vq.free_count(), 6);
}

TEST(Virtqueue, FullQueueSaysENOSPCAndIndicesWrapPast65535) {
  Ring r(4);
  for (uintptr_t round = 0; round < 20000; ++round) {
    for (uintptr_t i = 0; i < 4; ++i) ASSERT_FALSE(r.vq.add(i, 1, false, tok(i + 1)).is_error());
    ASSERT_EQ(r.vq.add(9, 1, false, tok(9)).error().code(), ENOSPC);
    r.vq.publish();
    for (uint16_t h : r.take()) r.complete(h, 1);
    for (int i = 0; i < 4; ++i) ASSERT_FALSE(r.vq.get_used().is_error()) << "round " << round;
    ASSERT_EQ(r.vq.get_used().error().code(), EAGAIN);
  }
  EXPECT_EQ(r.vq.errors(), 0u);
}

TEST(Virtqueue, ChainsUseLinkedDescriptorsAndFreeThemAll) {
  Ring r(8);
  Virtqueue::Seg segs[3] = {{0x100, 10, false}, {0x200, 20, false}, {0x300, 30, true}};
  ASSERT_FALSE(r.vq.add_chain(segs, 3, tok(7)).is_error());
  EXPECT_EQ(r.vq.free_count(), 5);
  r.vq.publish();
  uint16_t h = r.take().at(0);
  const VirtqDesc* d = r.desc();
  EXPECT_EQ(d[h].flags, kiln::virtio::kDescNext);
  uint16_t n1 = d[h].next, n2 = d[n1].next;
  EXPECT_EQ(d[n1].addr, 0x200u);
  EXPECT_EQ(d[n2].addr, 0x300u);
  EXPECT_EQ(d[n2].flags, kiln::virtio::kDescWrite);
  r.complete(h, 30);
  EXPECT_EQ(r.vq.get_used().value().token, tok(7));
  EXPECT_EQ(r.vq.free_count(), 8);
  EXPECT_EQ(r.vq.add_chain(segs, 0, tok(1)).error().code(), EINVAL);
}

TEST(Virtqueue, NotificationFollowsTheDeviceFlag) {
  Ring r(8);
  EXPECT_FALSE(r.vq.publish());  // nothing new: no notification
  ASSERT_FALSE(r.vq.add(1, 1, true, tok(1)).is_error());
  r.used()[0] = kiln::virtio::kUsedNoNotify;
  EXPECT_FALSE(r.vq.publish());
  ASSERT_FALSE(r.vq.add(2, 1, true, tok(2)).is_error());
  r.used()[0] = 0;
  EXPECT_TRUE(r.vq.publish());
  r.vq.set_interrupts(false);
  EXPECT_EQ(r.avail()[0], kiln::virtio::kAvailNoInterrupt);
}

TEST(Virtqueue, MisbehavingDeviceIsReportedNotFollowed) {
  Ring r(8);
  ASSERT_FALSE(r.vq.add(1, 1, true, tok(1)).is_error());
  r.vq.publish();
  uint16_t h = r.take().at(0);
  r.complete(99, 1);  // id out of range
  EXPECT_EQ(r.vq.get_used().error().code(), EIO);
  r.complete(h == 0 ? 1 : 0, 1);  // an id that is not in flight
  EXPECT_EQ(r.vq.get_used().error().code(), EIO);
  r.complete(h, 5);  // the real one still arrives
  auto u = r.vq.get_used();
  ASSERT_FALSE(u.is_error());
  EXPECT_EQ(u.value().token, tok(1));
  EXPECT_EQ(r.vq.errors(), 2u);
  // A used index far ahead of what is in flight: the batch is dropped.
  ASSERT_FALSE(r.vq.add(2, 1, true, tok(2)).is_error());
  r.vq.publish();
  r.used()[1] = static_cast<uint16_t>(r.used()[1] + 500);
  EXPECT_EQ(r.vq.get_used().error().code(), EIO);
  EXPECT_EQ(r.vq.get_used().error().code(), EAGAIN);
  // Garbage everywhere in the used ring never crashes.
  std::srand(7);
  for (int i = 0; i < 1000; ++i) {
    r.complete(static_cast<uint32_t>(std::rand()), static_cast<uint32_t>(std::rand()));
    (void)r.vq.get_used();
  }
}

}  // namespace
