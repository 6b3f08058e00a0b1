// The parts of the C++ ABI runtime every image needs.
#include <kiln/assert.h>

extern "C" {
// Identifies this image to __cxa_atexit (global destructors); crtbegin's
// job on a hosted system.
void* __dso_handle = &__dso_handle;
}
