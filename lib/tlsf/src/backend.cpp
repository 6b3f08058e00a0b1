// TLSF as the heap backend (alloc's "Heap allocator" choice).
#include <kiln/tlsf.h>

kiln::Allocator* kiln::alloc_backend_create(void* base, size_t len) {
  return kiln::Tlsf::create(base, len);
}
