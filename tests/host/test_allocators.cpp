// Every heap backend against the same model: random alloc/realloc/free
// sequences with content checks, alignment, exhaustion and recovery.
// (TLSF has more specific tests in test_tlsf.cpp.)
#include <kiln/buddy.h>
#include <kiln/region.h>
#include <kiln/tlsf.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

struct Backend {
  std::string name;
  std::function<kiln::Allocator*(void*, size_t)> create;
  std::function<bool(kiln::Allocator*)> check;
};

std::vector<Backend> backends() {
  return {
      {"tlsf", [](void* b, size_t n) -> kiln::Allocator* { return kiln::Tlsf::create(b, n); },
       [](kiln::Allocator* a) { return static_cast<kiln::Tlsf*>(a)->check(); }},
      {"buddy", [](void* b, size_t n) -> kiln::Allocator* { return kiln::Buddy::create(b, n); },
       [](kiln::Allocator* a) { return static_cast<kiln::Buddy*>(a)->check(); }},
      {"region",
       [](void* b, size_t n) -> kiln::Allocator* { return kiln::RegionAlloc::create(b, n); },
       [](kiln::Allocator*) { return true; }},
  };
}

class Allocators : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    mem_.resize(size_ + 4096);
    a_ = GetParam().create(mem_.data(), size_);
    ASSERT_NE(a_, nullptr);
  }
  bool check() { return GetParam().check(a_); }
  size_t size_ = 16 << 20;
  std::vector<unsigned char> mem_;
  kiln::Allocator* a_ = nullptr;
};

struct Live {
  size_t size;
  unsigned char fill;
};

bool intact(uintptr_t p, const Live& l) {
  auto* b = reinterpret_cast<unsigned char*>(p);
  return std::all_of(b, b + l.size, [&](unsigned char c) { return c == l.fill; });
}

TEST_P(Allocators, RandomSequencesMatchModel) {
  std::mt19937_64 rng(7);
  std::map<uintptr_t, Live> live;
  for (int step = 0; step < 6000; ++step) {
    unsigned op = rng() % 10;
    if (op < 5 || live.empty()) {
      size_t s = (rng() % 4 == 0) ? rng() % 200000 + 1 : rng() % 2000 + 1;
      size_t align = (rng() % 6 == 0) ? (size_t{32} << (rng() % 8)) : 16;
      void* p = a_->alloc(s, align);
      if (!p) continue;
      auto u = reinterpret_cast<uintptr_t>(p);
      ASSERT_EQ(u % align, 0u) << GetParam().name;
      ASSERT_GE(a_->usable_size(p), s);
      auto it = live.upper_bound(u);
      ASSERT_TRUE(it == live.end() || it->first >= u + s) << "overlap";
      if (it != live.begin()) {
        --it;
        ASSERT_LE(it->first + it->second.size, u) << "overlap";
      }
      auto fill = static_cast<unsigned char>(rng());
      memset(p, fill, s);
      live[u] = {s, fill};
    } else if (op < 8) {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      ASSERT_TRUE(intact(it->first, it->second)) << "corruption at step " << step;
      ASSERT_TRUE(a_->free(reinterpret_cast<void*>(it->first)));
      live.erase(it);
    } else {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      Live l = it->second;
      size_t ns = rng() % 50000 + 1;
      void* q = a_->realloc(reinterpret_cast<void*>(it->first), ns);
      if (!q) {
        ASSERT_TRUE(intact(it->first, l));
        continue;
      }
      ASSERT_TRUE(intact(reinterpret_cast<uintptr_t>(q), {std::min(l.size, ns), l.fill}));
      live.erase(it);
      memset(q, l.fill, ns);
      live[reinterpret_cast<uintptr_t>(q)] = {ns, l.fill};
    }
    if (step % 300 == 0) {
      ASSERT_TRUE(check()) << "step " << step;
    }
  }
  for (auto& [p, l] : live) {
    ASSERT_TRUE(intact(p, l));
    ASSERT_TRUE(a_->free(reinterpret_cast<void*>(p)));
  }
  EXPECT_TRUE(check());
  EXPECT_EQ(a_->free_bytes(), a_->total_bytes()) << "memory not returned after freeing all";
}

TEST_P(Allocators, ExhaustionFailsCleanlyAndRecovers) {
  std::vector<void*> ps;
  while (void* p = a_->alloc(100000, 16)) ps.push_back(p);
  EXPECT_GT(ps.size(), 100u);
  EXPECT_EQ(a_->alloc(100000, 16), nullptr);
  EXPECT_EQ(a_->alloc(SIZE_MAX, 16), nullptr);
  EXPECT_TRUE(check());
  for (void* p : ps) ASSERT_TRUE(a_->free(p));
  EXPECT_EQ(a_->free_bytes(), a_->total_bytes());
  EXPECT_NE(a_->alloc(100000, 16), nullptr);
}

TEST_P(Allocators, RefusesBadFrees) {
  void* p = a_->alloc(64, 16);
  void* q = a_->alloc(64, 16);  // keeps p off the top for the region allocator
  ASSERT_TRUE(a_->free(p));
  EXPECT_FALSE(a_->free(p)) << "double free accepted";
  int outside;
  EXPECT_FALSE(a_->free(&outside));
  EXPECT_TRUE(a_->free(q));
}

TEST_P(Allocators, FragmentationThenCoalescing) {
  // Allocate many blocks, free every other one, then ask for a block larger
  // than any hole: it must come from untouched memory or merged holes.
  std::vector<void*> ps;
  for (int i = 0; i < 64; ++i) ps.push_back(a_->alloc(8192, 16));
  for (void* p : ps) ASSERT_NE(p, nullptr);
  for (size_t i = 0; i < ps.size(); i += 2) ASSERT_TRUE(a_->free(ps[i]));
  void* big = a_->alloc(1 << 20, 16);
  EXPECT_NE(big, nullptr);
  for (size_t i = 1; i < ps.size(); i += 2) ASSERT_TRUE(a_->free(ps[i]));
  ASSERT_TRUE(a_->free(big));
  EXPECT_TRUE(check());
  EXPECT_EQ(a_->free_bytes(), a_->total_bytes());
}

INSTANTIATE_TEST_SUITE_P(Backends, Allocators, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param.name; });

TEST(Buddy, BlocksAreNaturallyAligned) {
  std::vector<unsigned char> mem(8 << 20);
  auto* b = kiln::Buddy::create(mem.data(), mem.size());
  ASSERT_NE(b, nullptr);
  for (size_t pages : {1, 2, 3, 4, 8, 16}) {
    void* p = b->alloc(pages * 4096, 16);
    ASSERT_NE(p, nullptr);
    size_t block = b->usable_size(p);
    EXPECT_GE(block, pages * 4096);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % block, 0u);
  }
  EXPECT_TRUE(b->check());
}

TEST(Region, StackOrderFreesReturnMemory) {
  std::vector<unsigned char> mem(1 << 20);
  auto* r = kiln::RegionAlloc::create(mem.data(), mem.size());
  const size_t all = r->free_bytes();
  void* a = r->alloc(1000, 16);
  void* b = r->alloc(1000, 16);
  void* c = r->alloc(1000, 16);
  ASSERT_TRUE(r->free(b));  // not the top: space stays used
  EXPECT_LT(r->free_bytes(), all - 2000);
  ASSERT_TRUE(r->free(c));  // top: c and the dead b come back
  EXPECT_EQ(r->free_bytes(), all - 1008 - kiln::RegionAlloc::kHeader);
  void* grown = r->realloc(a, 5000);  // a is the top now: grows in place
  EXPECT_EQ(grown, a);
  ASSERT_TRUE(r->free(a));
  EXPECT_EQ(r->free_bytes(), all);
}

}  // namespace
