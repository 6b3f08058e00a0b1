// TLSF against a model: random sequences of alloc/realloc/free, checked
// for overlap, content, alignment, accounting and structural consistency.
#include <kiln/tlsf.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <vector>

namespace {

using kiln::Tlsf;

struct Arena {
  explicit Arena(size_t n) : mem(new (std::align_val_t(64)) unsigned char[n]), size(n) {}
  ~Arena() { operator delete[](mem, std::align_val_t(64)); }
  unsigned char* mem;
  size_t size;
};

struct Live {
  size_t size;
  unsigned char fill;
};

bool overlaps(const std::map<uintptr_t, Live>& live, uintptr_t p, size_t n) {
  auto it = live.upper_bound(p);
  if (it != live.end() && it->first < p + n) return true;
  if (it != live.begin()) {
    --it;
    if (it->first + it->second.size > p) return true;
  }
  return false;
}

bool intact(uintptr_t p, const Live& l) {
  auto* b = reinterpret_cast<unsigned char*>(p);
  return std::all_of(b, b + l.size, [&](unsigned char c) { return c == l.fill; });
}

TEST(Tlsf, CreateRejectsTinyRegions) {
  Arena a(64 << 10);
  EXPECT_EQ(Tlsf::create(a.mem, 16), nullptr);
  EXPECT_EQ(Tlsf::create(a.mem, sizeof(Tlsf)), nullptr);
  EXPECT_NE(Tlsf::create(a.mem, a.size), nullptr);
}

TEST(Tlsf, BasicAllocFreeCoalescesBack) {
  Arena a(1 << 20);
  Tlsf* t = Tlsf::create(a.mem, a.size);
  ASSERT_NE(t, nullptr);
  const size_t initial = t->free_bytes();
  EXPECT_EQ(initial, t->total_bytes());
  std::vector<void*> ps;
  for (size_t s : {1, 15, 16, 17, 100, 255, 256, 257, 4000, 70000}) {
    void* p = t->alloc(s, 16);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
    EXPECT_GE(t->usable_size(p), s);
    std::memset(p, 0xab, s);
    ps.push_back(p);
  }
  ASSERT_TRUE(t->check());
  // Free in an interleaved order: merging must work both ways.
  for (size_t i = 0; i < ps.size(); i += 2) ASSERT_TRUE(t->free(ps[i]));
  for (size_t i = 1; i < ps.size(); i += 2) ASSERT_TRUE(t->free(ps[i]));
  EXPECT_TRUE(t->check());
  EXPECT_EQ(t->free_bytes(), initial);
  // One block again, so even an allocation of everything succeeds.
  void* big = t->alloc(initial, 16);
  EXPECT_NE(big, nullptr);
  EXPECT_TRUE(t->free(big));
}

TEST(Tlsf, InvalidFreesAreRefused) {
  Arena a(1 << 16);
  Tlsf* t = Tlsf::create(a.mem, a.size);
  void* p = t->alloc(64, 16);
  ASSERT_TRUE(t->free(p));
  EXPECT_FALSE(t->free(p));  // double free
  int outside;
  EXPECT_FALSE(t->free(&outside));
  void* q = t->alloc(64, 16);
  EXPECT_FALSE(t->free(static_cast<char*>(q) + 8));  // misaligned
  EXPECT_TRUE(t->check());
}

TEST(Tlsf, ExhaustionReturnsNullAndRecovers) {
  Arena a(256 << 10);
  Tlsf* t = Tlsf::create(a.mem, a.size);
  std::vector<void*> ps;
  for (;;) {
    void* p = t->alloc(1000, 16);
    if (!p) break;
    ps.push_back(p);
  }
  EXPECT_GT(ps.size(), 200u);
  EXPECT_EQ(t->alloc(1000, 16), nullptr);
  EXPECT_EQ(t->alloc(Tlsf::kMaxAlloc + 1, 16), nullptr);
  EXPECT_EQ(t->alloc(SIZE_MAX, 16), nullptr);
  EXPECT_TRUE(t->check());
  for (void* p : ps) ASSERT_TRUE(t->free(p));
  EXPECT_EQ(t->free_bytes(), t->total_bytes());
  EXPECT_NE(t->alloc(100000, 16), nullptr);
}

TEST(Tlsf, LargeAlignments) {
  Arena a(4 << 20);
  Tlsf* t = Tlsf::create(a.mem, a.size);
  std::vector<void*> ps;
  for (size_t align : {32, 64, 256, 4096, 65536, 1 << 20}) {
    for (size_t s : {1, 100, 5000}) {
      void* p = t->alloc(s, align);
      ASSERT_NE(p, nullptr) << align << " " << s;
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % align, 0u);
      std::memset(p, 1, s);
      ps.push_back(p);
      ASSERT_TRUE(t->check());
    }
  }
  for (void* p : ps) ASSERT_TRUE(t->free(p));
  EXPECT_TRUE(t->check());
  EXPECT_EQ(t->free_bytes(), t->total_bytes());
}

// release(): a part of a live block goes back (lib/mm's munmap holes):
// middle, start and end; the parts around it stay live with their bytes.
TEST(Tlsf, ReleaseGivesBackPartOfALiveBlock) {
  Arena a(1 << 20);
  Tlsf* t = Tlsf::create(a.mem, a.size);
  auto* p = static_cast<unsigned char*>(t->alloc(16 * 4096, 4096));
  ASSERT_NE(p, nullptr);
  std::memset(p, 7, 16 * 4096);
  size_t before = t->free_bytes();
  ASSERT_TRUE(t->release(p, 4 * 4096, 4 * 4096));  // middle: p keeps 4 pages, p+8 pages is live
  EXPECT_TRUE(t->check());
  EXPECT_GT(t->free_bytes(), before);
  EXPECT_EQ(t->live_size(p), 4u * 4096);
  unsigned char* tail = p + 8 * 4096;
  EXPECT_EQ(t->live_size(tail), 8u * 4096);
  EXPECT_TRUE(std::all_of(p, p + 4 * 4096, [](unsigned char c) { return c == 7; }));
  EXPECT_TRUE(std::all_of(tail, tail + 8 * 4096, [](unsigned char c) { return c == 7; }));
  void* q = t->alloc(10000, 16);  // the hole's room is usable
  EXPECT_NE(q, nullptr);
  EXPECT_TRUE(q >= p + 4 * 4096 && q < tail);
  ASSERT_TRUE(t->release(tail, 0, 4096));  // the start: the rest is a block at tail+1 page
  EXPECT_EQ(t->live_size(tail + 4096), 7u * 4096);
  ASSERT_TRUE(t->release(tail + 4096, 6 * 4096, 4096));  // the end
  EXPECT_EQ(t->live_size(tail + 4096), 6u * 4096);
  EXPECT_FALSE(t->release(p, 4 * 4096, 4096));  // past its end: refused
  EXPECT_FALSE(t->release(p, 8, 4096));         // not 16-aligned
  EXPECT_TRUE(t->check());
  ASSERT_TRUE(t->free(p));
  ASSERT_TRUE(t->free(tail + 4096));
  ASSERT_TRUE(t->free(q));
  EXPECT_TRUE(t->check());
  EXPECT_EQ(t->free_bytes(), t->total_bytes());
}

TEST(Tlsf, SeveralRegions) {
  Arena a(64 << 10), b(64 << 10);
  Tlsf* t = Tlsf::create(a.mem, a.size);
  const size_t before = t->total_bytes();
  ASSERT_TRUE(t->add_region(b.mem, b.size));
  EXPECT_GT(t->total_bytes(), before + (60 << 10));
  EXPECT_FALSE(t->add_region(b.mem, 8));
  std::vector<void*> ps;
  while (void* p = t->alloc(4000, 16)) ps.push_back(p);
  EXPECT_GE(ps.size(), 28u);  // needs both regions
  for (void* p : ps) ASSERT_TRUE(t->free(p));
  EXPECT_TRUE(t->check());
}

class TlsfRandom : public ::testing::TestWithParam<unsigned> {};

TEST_P(TlsfRandom, MatchesModel) {
  std::mt19937_64 rng(GetParam());
  Arena a(8 << 20);
  Tlsf* t = Tlsf::create(a.mem, a.size);
  ASSERT_NE(t, nullptr);
  std::map<uintptr_t, Live> live;
  auto pick = [&] {
    auto it = live.begin();
    std::advance(it, rng() % live.size());
    return it;
  };
  auto random_size = [&]() -> size_t {
    switch (rng() % 8) {
      case 0: return rng() % 16 + 1;
      case 1: case 2: case 3: return rng() % 256 + 1;
      case 4: case 5: return rng() % 4096 + 1;
      case 6: return rng() % 65536 + 1;
      default: return rng() % (512 << 10) + 1;
    }
  };
  size_t failures = 0;
  for (int step = 0; step < 20000; ++step) {
    unsigned op = rng() % 10;
    if (op < 5 || live.empty()) {
      size_t s = random_size();
      size_t align = (rng() % 8 == 0) ? (size_t{32} << (rng() % 8)) : 16;
      void* p = t->alloc(s, align);
      if (!p) {
        ++failures;
        continue;
      }
      auto u = reinterpret_cast<uintptr_t>(p);
      ASSERT_EQ(u % align, 0u);
      ASSERT_FALSE(overlaps(live, u, s)) << "overlap at step " << step;
      ASSERT_GE(t->usable_size(p), s);
      auto fill = static_cast<unsigned char>(rng());
      std::memset(p, fill, s);
      live[u] = {s, fill};
    } else if (op < 8) {
      auto it = pick();
      ASSERT_TRUE(intact(it->first, it->second)) << "corrupted block at step " << step;
      ASSERT_TRUE(t->free(reinterpret_cast<void*>(it->first)));
      live.erase(it);
    } else {
      auto it = pick();
      Live l = it->second;
      size_t ns = random_size();
      void* q = t->realloc(reinterpret_cast<void*>(it->first), ns);
      if (!q) {  // failed realloc leaves the block untouched
        ++failures;
        ASSERT_TRUE(intact(it->first, l));
        continue;
      }
      auto u = reinterpret_cast<uintptr_t>(q);
      Live kept{std::min(l.size, ns), l.fill};
      ASSERT_TRUE(intact(u, kept)) << "realloc lost data at step " << step;
      live.erase(it);
      ASSERT_FALSE(overlaps(live, u, ns));
      std::memset(q, l.fill, ns);
      live[u] = {ns, l.fill};
    }
    if (step % 500 == 0) {
      ASSERT_TRUE(t->check()) << "step " << step;
    }
  }
  ASSERT_TRUE(t->check());
  size_t used = 0;
  for (auto& [p, l] : live) used += t->usable_size(reinterpret_cast<void*>(p));
  EXPECT_LE(used, t->total_bytes() - t->free_bytes());
  for (auto& [p, l] : live) {
    ASSERT_TRUE(intact(p, l));
    ASSERT_TRUE(t->free(reinterpret_cast<void*>(p)));
  }
  EXPECT_TRUE(t->check());
  EXPECT_EQ(t->free_bytes(), t->total_bytes()) << "leaked or fragmented after freeing all";
  (void)failures;
}

INSTANTIATE_TEST_SUITE_P(Seeds, TlsfRandom, ::testing::Values(1u, 2u, 3u, 42u, 1234u));

}  // namespace
