// buddy as the heap backend (alloc's "Heap allocator" choice).
#include <kiln/buddy.h>

kiln::Allocator* kiln::alloc_backend_create(void* base, size_t len) {
  return kiln::Buddy::create(base, len);
}
