// The parts of the C++ ABI runtime that code built without exceptions and
// RTTI still needs.
#include <kiln/assert.h>

extern "C" {
// Identifies this image to __cxa_atexit (global destructors).
void* __dso_handle = &__dso_handle;

void __cxa_pure_virtual() { kiln_panic("pure virtual function called"); }
void __cxa_deleted_virtual() { kiln_panic("deleted virtual function called"); }

// Function-local statics without -fthreadsafe-statics need none of
// __cxa_guard_*; with it (apps may enable it) these are correct on one CPU.
int __cxa_guard_acquire(long long* g) { return !*reinterpret_cast<char*>(g); }
void __cxa_guard_release(long long* g) { *reinterpret_cast<char*>(g) = 1; }
void __cxa_guard_abort(long long*) {}
}

#include <new>
// Normally in libsupc++; weak so the C++ standard library's wins when linked.
__attribute__((weak)) extern const std::nothrow_t std::nothrow{};
