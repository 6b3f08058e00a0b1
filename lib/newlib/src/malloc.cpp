// newlib's malloc family, on Kiln's heap. Defining both the plain and the
// reentrant (_r) names keeps newlib's own allocator out of the link.
// The standard names are weak: a program may define its own malloc, free,
// calloc, realloc, ... (as on glibc, interposing them); the _r names, which
// newlib's functions call, then reach the program's.
#include <kiln/alloc.h>
#include <errno.h>
#include <malloc.h>
#include <reent.h>
#include <stdlib.h>

namespace {
void* check(void* p) {
  if (!p) errno = ENOMEM;
  return p;
}
}  // namespace

extern "C" {
__attribute__((weak)) void* malloc(size_t n) { return check(kiln_malloc(n)); }
__attribute__((weak)) void free(void* p) { kiln_free(p); }
__attribute__((weak)) void* calloc(size_t n, size_t s) { return check(kiln_calloc(n, s)); }
__attribute__((weak)) void* realloc(void* p, size_t n) {
  void* q = kiln_realloc(p, n);
  if (!q && n) errno = ENOMEM;
  return q;
}
void* reallocf(void* p, size_t n) {
  void* q = realloc(p, n);
  if (!q && n) free(p);
  return q;
}
__attribute__((weak)) void* memalign(size_t align, size_t n) {
  if (align == 0 || (align & (align - 1))) {
    errno = EINVAL;
    return nullptr;
  }
  return check(kiln_memalign(align, n));
}
__attribute__((weak)) void* aligned_alloc(size_t align, size_t n) { return memalign(align, n); }
__attribute__((weak)) int posix_memalign(void** out, size_t align, size_t n) {
  if (align < sizeof(void*) || (align & (align - 1))) return EINVAL;
  void* p = kiln_memalign(align, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
void* valloc(size_t n) { return memalign(4096, n); }
void* pvalloc(size_t n) { return memalign(4096, (n + 4095) & ~size_t{4095}); }
__attribute__((weak)) size_t malloc_usable_size(void* p) { return kiln_malloc_usable_size(p); }

void* _malloc_r(struct _reent*, size_t n) { return malloc(n); }
void _free_r(struct _reent*, void* p) { free(p); }
void* _calloc_r(struct _reent*, size_t n, size_t s) { return calloc(n, s); }
void* _realloc_r(struct _reent*, void* p, size_t n) { return realloc(p, n); }
void* _memalign_r(struct _reent*, size_t a, size_t n) { return memalign(a, n); }
size_t _malloc_usable_size_r(struct _reent*, void* p) { return malloc_usable_size(p); }

// The rest of <malloc.h>, over the same heap: otherwise any of them would
// pull newlib's allocator (mallocr.o) in beside Kiln's.
void cfree(void* p) { free(p); }
struct mallinfo mallinfo(void) {
  kiln_alloc_stats st;
  kiln_alloc_get_stats(&st);
  struct mallinfo m = {};
  m.arena = st.total;
  m.uordblks = st.in_use;
  m.fordblks = st.free;
  return m;
}
void malloc_stats(void) { kiln_alloc_print_stats(); }
void mstats(char*) { kiln_alloc_print_stats(); }
int malloc_trim(size_t) { return 0; }  // the heap is the image's, nothing to give back
int mallopt(int, int) { return 0; }     // no tunables: 0 is "not done"
}
