// Dynamic loading. A Kiln image is one statically linked program with no
// loader, so dlopen always fails (one log line, the first time) and dlerror
// says why, once per failure as POSIX asks.
#include <kiln/enosys.h>
#include <dlfcn.h>
#include <stddef.h>

namespace {
// The message of the last failure, cleared by dlerror (POSIX: NULL when
// nothing failed since the last call). One image-wide slot: there is one
// loader state, and it never changes.
constinit const char* pending = nullptr;
constexpr const char kNoLoader[] = "dynamic loading is not supported: a Kiln image is statically linked";
constexpr const char kBadHandle[] = "invalid handle: dlopen never returns one in a Kiln image";
}  // namespace

extern "C" {

void* dlopen(const char*, int) {
  static int logged;
  kiln_enosys_note("dlopen", &logged);
  pending = kNoLoader;
  return nullptr;
}

void* dlsym(void*, const char*) {
  pending = kBadHandle;
  return nullptr;
}

int dlclose(void*) {
  pending = kBadHandle;
  return -1;
}

char* dlerror(void) {
  const char* m = pending;
  pending = nullptr;
  return const_cast<char*>(m);
}

int dladdr(const void*, Dl_info*) { return 0; }  // 0: no shared object holds the address

}  // extern "C"
