// operator new/delete on the heap. The throwing forms cannot throw (no
// exceptions in Kiln code), so running out of memory there is a panic with
// the size asked for; code that can cope uses new (std::nothrow).
#include <kiln/alloc.h>
#include <kiln/assert.h>
#include <new>

namespace {
void* must(void* p, size_t n) {
  if (!p) kiln_panic("out of memory: operator new(%zu)", n);
  return p;
}
}  // namespace

void* operator new(size_t n) { return must(kiln_malloc(n), n); }
void* operator new[](size_t n) { return must(kiln_malloc(n), n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return kiln_malloc(n); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return kiln_malloc(n); }
void* operator new(size_t n, std::align_val_t a) {
  return must(kiln_memalign(static_cast<size_t>(a), n), n);
}
void* operator new[](size_t n, std::align_val_t a) {
  return must(kiln_memalign(static_cast<size_t>(a), n), n);
}
void* operator new(size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return kiln_memalign(static_cast<size_t>(a), n);
}
void* operator new[](size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return kiln_memalign(static_cast<size_t>(a), n);
}
void operator delete(void* p) noexcept { kiln_free(p); }
void operator delete[](void* p) noexcept { kiln_free(p); }
void operator delete(void* p, size_t) noexcept { kiln_free(p); }
void operator delete[](void* p, size_t) noexcept { kiln_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { kiln_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { kiln_free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { kiln_free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { kiln_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { kiln_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { kiln_free(p); }
