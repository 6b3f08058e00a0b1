// The allocator interface. Backends (lib/tlsf, ...) implement
// kiln::Allocator; the heap wraps the chosen one with a lock and statistics
// and is what malloc() and operator new use.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/compiler.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

struct kiln_alloc_stats {
  size_t total;      // bytes managed (all regions, minus metadata)
  size_t in_use;     // bytes handed out (usable sizes)
  size_t peak;       // highest in_use seen
  size_t free;       // bytes free in the backend
  size_t allocs;     // successful allocations
  size_t frees;      // frees
  size_t failed;     // requests that returned NULL
};

// C interface (apps may use it directly; kiln/alloc.h is visible to apps).
// All return NULL on failure; none blocks or panics on exhaustion.
KILN_EXTERN_C void* kiln_malloc(size_t size);
KILN_EXTERN_C void* kiln_calloc(size_t n, size_t size);
KILN_EXTERN_C void* kiln_realloc(void* p, size_t size);
KILN_EXTERN_C void* kiln_memalign(size_t align, size_t size);
KILN_EXTERN_C void kiln_free(void* p);
KILN_EXTERN_C size_t kiln_malloc_usable_size(const void* p);
// Whole pages (4 KiB, page-aligned).
KILN_EXTERN_C void* kiln_palloc(size_t npages);
KILN_EXTERN_C void kiln_pfree(void* p, size_t npages);
// Give the heap back the pages [p+off, p+off+len) of the live page block p
// (from kiln_palloc; off and len page multiples, inside it), keeping the
// rest live: what was before stays the block p, what was after becomes a
// block of its own at p+off+len (kiln_pfree it on its own). False, and
// nothing changed, when the backend cannot (lib/mm's munmap holes).
KILN_EXTERN_C bool kiln_prelease(void* p, size_t off, size_t len);
// Called (outside the heap's lock) when an allocation fails, before it
// fails for good: true if it gave memory back, and the allocation is tried
// once more (lib/mm returns the pages of munmap holes). One; set once.
KILN_EXTERN_C void kiln_alloc_set_reclaim(bool (*fn)(void));
KILN_EXTERN_C void kiln_alloc_get_stats(struct kiln_alloc_stats* out);
KILN_EXTERN_C void kiln_alloc_print_stats(void);

#ifdef __cplusplus
#include <new>

namespace kiln {

// A backend. Not thread-safe by itself: the heap serialises calls.
class Allocator {
 public:
  // align is a power of two; sizes and alignments up to 16 are the
  // common case. Returns nullptr when it cannot satisfy the request.
  virtual void* alloc(size_t size, size_t align) = 0;
  // Returns false (and changes nothing) if p is not a live block.
  virtual bool free(void* p) = 0;
  // realloc semantics except size 0 (the heap handles that). On failure
  // returns nullptr and leaves p untouched.
  virtual void* realloc(void* p, size_t size) = 0;
  virtual size_t usable_size(const void* p) const = 0;
  // usable_size(p) if p is a block this backend handed out and has not
  // taken back, else 0: validation and size in one call for free().
  virtual size_t live_size(const void* p) const = 0;
  // Free the part [p+off, p+off+len) of the live block p (off and len
  // multiples of 16, inside its usable size), keeping what is before it as
  // p and what is after as a live block at p+off+len. False (and nothing
  // changed) when the backend cannot or the part is too small to split.
  virtual bool release(void* p, size_t off, size_t len) {
    (void)p;
    (void)off;
    (void)len;
    return false;
  }
  // Give the backend more memory. Returns false if the region is unusable.
  virtual bool add_region(void* base, size_t len) = 0;
  virtual size_t free_bytes() const = 0;
  virtual size_t total_bytes() const = 0;
  virtual const char* name() const = 0;

 protected:
  ~Allocator() = default;
};

// Build backend T (which befriends this) at the start of [base, base+len)
// and give it the rest of the region. nullptr if the region is too small.
template <typename T>
T* create_in_region(void* base, size_t len) {
  uintptr_t a = (reinterpret_cast<uintptr_t>(base) + alignof(T) - 1) & ~(uintptr_t{alignof(T)} - 1);
  uintptr_t end = reinterpret_cast<uintptr_t>(base) + len;
  if (end < a || end - a < sizeof(T)) return nullptr;
  T* t = new (reinterpret_cast<void*>(a)) T();
  uintptr_t rest = a + sizeof(T);
  if (!t->add_region(reinterpret_cast<void*>(rest), end - rest)) return nullptr;
  return t;
}

// Provided by the selected backend library: builds the backend inside the
// first region it is given (its metadata lives there). nullptr if too small.
Allocator* alloc_backend_create(void* base, size_t len);

}  // namespace kiln
#endif
