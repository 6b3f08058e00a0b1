// C++ ABI support for images without the C++ standard library (libsupc++
// provides all of this when LIBSTDCXX is selected).
#include <kiln/assert.h>
#include <new>

extern "C" {
void __cxa_pure_virtual() { kiln_panic("pure virtual function called"); }
void __cxa_deleted_virtual() { kiln_panic("deleted virtual function called"); }

// Function-local statics when code is built with -fthreadsafe-statics;
// correct without threads, which is when this file is used.
int __cxa_guard_acquire(long long* g) { return !*reinterpret_cast<char*>(g); }
void __cxa_guard_release(long long* g) { *reinterpret_cast<char*>(g) = 1; }
void __cxa_guard_abort(long long*) {}
}

const std::nothrow_t std::nothrow{};
