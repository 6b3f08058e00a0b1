// region as the heap backend (alloc's "Heap allocator" choice).
#include <kiln/region.h>

kiln::Allocator* kiln::alloc_backend_create(void* base, size_t len) {
  return kiln::RegionAlloc::create(base, len);
}
