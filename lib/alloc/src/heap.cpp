// The heap: the selected backend behind a lock, with statistics.
#include <kiln/alloc.h>
#include <kiln/assert.h>
#include <kiln/init.h>
#include <kiln/lock.h>
#include <kiln/option.h>
#include <kiln/plat/memory.h>
#include <kiln/print.h>
#include <errno.h>
#include <string.h>

namespace {

constexpr size_t kPage = 4096;

// Small-block cache in front of the backend: recently freed blocks of up
// to 256 bytes, one LIFO list per 16-byte class, at most kCacheMax each.
// malloc and free of small blocks then cost a list push or pop; the
// backend sees them again when a class is full or memory runs short.
constexpr size_t kCacheClass = 16;
constexpr size_t kCacheLimit = 256;
constexpr unsigned kCacheClasses = kCacheLimit / kCacheClass + 1;
constexpr unsigned kCacheMax = 64;
constexpr uintptr_t kCachedKey = 0x6b696c6e63616368;  // marks a cached block

struct CachedBlock {
  CachedBlock* next;
  uintptr_t key;
};

struct Heap {
  kiln::Allocator* backend = nullptr;
  kiln_alloc_stats st{};
  CachedBlock* cache[kCacheClasses] = {};
  unsigned cached[kCacheClasses] = {};
  size_t cached_bytes = 0;

  void* from_cache(size_t size, size_t* usable) {
    size_t cls = size ? (size + kCacheClass - 1) / kCacheClass : 1;
    CachedBlock* b = cache[cls];
    if (!b) return nullptr;
    cache[cls] = b->next;
    --cached[cls];
    b->key = 0;
    *usable = cls * kCacheClass;
    cached_bytes -= *usable;
    return b;
  }
  // Keep p (usable size u) for reuse; false if its class is full.
  bool to_cache(void* p, size_t u) {
    size_t cls = u / kCacheClass;
    if (u > kCacheLimit || u % kCacheClass) return false;
    auto* b = static_cast<CachedBlock*>(p);
    // A cached block is still live to the backend: look for it before the
    // full-class test, or its second free would reach the backend and the
    // block be both cached and free.
    if (b->key == kCachedKey) {
      for (CachedBlock* c = cache[cls]; c; c = c->next)
        if (c == b) kiln_panic("free(%p): double free of a small block", p);
    }
    if (cached[cls] == kCacheMax) return false;
    b->key = kCachedKey;
    b->next = cache[cls];
    cache[cls] = b;
    ++cached[cls];
    cached_bytes += u;
    return true;
  }
  void flush_cache() {
    for (unsigned cls = 0; cls < kCacheClasses; ++cls) {
      while (CachedBlock* b = cache[cls]) {
        cache[cls] = b->next;
        b->key = 0;
        backend->free(b);
      }
      cached[cls] = 0;
    }
    cached_bytes = 0;
  }
};
constinit kiln::Protected<Heap, kiln::IrqLock> heap;
bool stats_at_exit =
#ifdef CONFIG_LIBALLOC_STATS_AT_EXIT
    true;
#else
    false;
#endif

void* do_alloc(size_t size, size_t align) {
  return heap.with([&](Heap& h) -> void* {
    void* p = nullptr;
    size_t u = 0;
    if (align <= 16 && size <= kCacheLimit && (p = h.from_cache(size, &u))) {
      // fast path: a cached small block
    } else if (h.backend) {
      p = h.backend->alloc(size, align);
      if (!p && h.cached_bytes) {  // memory held in the cache: give it back, retry
        h.flush_cache();
        p = h.backend->alloc(size, align);
      }
      if (p) u = h.backend->usable_size(p);
    }
    if (!p) {
      ++h.st.failed;
      return nullptr;
    }
    ++h.st.allocs;
    h.st.in_use += u;
    if (h.st.in_use > h.st.peak) h.st.peak = h.st.in_use;
    return p;
  });
}

int heap_init() {
  const kiln_mem_region* r;
  size_t n = kiln_plat_mem_regions(&r);
  Heap& h = heap.unsafe_get();
  for (size_t i = 0; i < n; ++i) {
    void* base = reinterpret_cast<void*>(r[i].base);
    if (!h.backend) {
      h.backend = kiln::alloc_backend_create(base, r[i].len);
      if (!h.backend) kiln_warn("heap: region %p+%zu too small for the allocator", base, r[i].len);
    } else if (!h.backend->add_region(base, r[i].len)) {
      kiln_warn("heap: region %p+%zu too small, skipped", base, r[i].len);
    }
  }
  if (!h.backend) {
    kiln_err("heap: no usable memory region");
    return -ENOMEM;
  }
  h.st.total = h.backend->total_bytes();
  kiln_info("heap: %s, %zu KiB", h.backend->name(), h.st.total >> 10);
  return 0;
}

int set_stats(const char* v) {
  if (strcmp(v, "1") == 0 || strcmp(v, "on") == 0) stats_at_exit = true;
  else if (strcmp(v, "0") == 0 || strcmp(v, "off") == 0) stats_at_exit = false;
  else return -EINVAL;
  return 0;
}

void stats_teardown(int) {
  if (stats_at_exit) kiln_alloc_print_stats();
}

}  // namespace

KILN_INIT(lib, 000, heap_init);
KILN_OPTION("alloc.stats", set_stats, "1|0: print heap statistics at exit");
KILN_TEARDOWN(stats_teardown);

namespace {
using Reclaimer = bool (*)(void);
constinit Reclaimer reclaim = nullptr;
constinit bool reclaiming = false;

// An allocation that failed: ask the reclaimer once (outside the heap's
// lock; not from within itself), then try again.
void* alloc_or_reclaim(size_t size, size_t align) {
  void* p = do_alloc(size, align);
  if (p || !reclaim || reclaiming) return p;
  bool gave;
  {
    kiln::IrqGuard g;
    reclaiming = true;
    gave = reclaim();
    reclaiming = false;
  }
  return gave ? do_alloc(size, align) : nullptr;
}
}  // namespace

extern "C" void kiln_alloc_set_reclaim(bool (*fn)(void)) { reclaim = fn; }

extern "C" bool kiln_prelease(void* p, size_t off, size_t len) {
  if (!p || off % kPage || len % kPage || !len) return false;
  return heap.with([&](Heap& h) {
    if (!h.backend) return false;
    size_t before = h.backend->live_size(p);
    if (!before || off > before || len > before - off) return false;
    if (!h.backend->release(p, off, len)) return false;
    size_t after = off ? h.backend->usable_size(p) : 0;
    if (off + len < before) after += h.backend->usable_size(static_cast<char*>(p) + off + len);
    h.st.in_use -= before - after;
    return true;
  });
}

extern "C" void* kiln_malloc(size_t size) { return alloc_or_reclaim(size, 16); }

extern "C" void* kiln_memalign(size_t align, size_t size) {
  if (align == 0 || (align & (align - 1))) return nullptr;
  return alloc_or_reclaim(size, align < 16 ? 16 : align);
}

extern "C" void* kiln_calloc(size_t n, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(n, size, &total)) {
    heap.with([](Heap& h) { ++h.st.failed; });
    return nullptr;
  }
  void* p = alloc_or_reclaim(total, 16);
  if (p) memset(p, 0, total);
  return p;
}

extern "C" void kiln_free(void* p) {
  if (!p) return;
  bool ok = heap.with([&](Heap& h) {
    size_t sz = h.backend ? h.backend->live_size(p) : 0;
    if (!sz) return false;
    if (!h.to_cache(p, sz) && !h.backend->free(p)) return false;
    h.st.in_use -= sz;
    ++h.st.frees;
    return true;
  });
  if (!ok) kiln_panic("free(%p): not a live heap block (double free or bad pointer)", p);
}

extern "C" void* kiln_realloc(void* p, size_t size) {
  if (!p) return kiln_malloc(size);
  if (size == 0) {
    kiln_free(p);
    return nullptr;
  }
  return heap.with([&](Heap& h) -> void* {
    size_t old = h.backend->usable_size(p);
    void* q = h.backend->realloc(p, size);
    if (!q) {
      ++h.st.failed;
      return nullptr;
    }
    h.st.in_use = h.st.in_use - old + h.backend->usable_size(q);
    if (h.st.in_use > h.st.peak) h.st.peak = h.st.in_use;
    return q;
  });
}

extern "C" size_t kiln_malloc_usable_size(const void* p) {
  if (!p) return 0;
  return heap.with([&](Heap& h) { return h.backend->usable_size(p); });
}

extern "C" void* kiln_palloc(size_t npages) {
  size_t bytes;
  if (__builtin_mul_overflow(npages, kPage, &bytes)) return nullptr;
  return alloc_or_reclaim(bytes, kPage);
}

extern "C" void kiln_pfree(void* p, size_t) { kiln_free(p); }

extern "C" void kiln_alloc_get_stats(kiln_alloc_stats* out) {
  heap.with([&](Heap& h) {
    *out = h.st;
    out->free = h.backend ? h.backend->free_bytes() + h.cached_bytes : 0;
  });
}

extern "C" void kiln_alloc_print_stats(void) {
  kiln_alloc_stats s;
  kiln_alloc_get_stats(&s);
  kiln_printk(KILN_LOG_INFO,
              "heap stats: total %zu, in use %zu, peak %zu, free %zu, allocs %zu, frees %zu, failed %zu",
              s.total, s.in_use, s.peak, s.free, s.allocs, s.frees, s.failed);
}
