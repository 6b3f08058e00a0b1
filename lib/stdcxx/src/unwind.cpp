// What GCC's unwinder (libgcc_eh, built for glibc) asks of the system: the
// location of the unwind tables for a code address. A Kiln image is one
// object, so every address in it maps to the image's .eh_frame_hdr, which
// the linker builds (--eh-frame-hdr) and the linker script keeps.
#include <stdint.h>
#include <kiln/compiler.h>

extern "C" {
extern const char __kiln_image_start[], __kiln_text_end[];
extern const char __eh_frame_hdr_start[] __attribute__((weak));

struct link_map;
// Layout of glibc's struct dl_find_object (x86_64).
struct dl_find_object {
  unsigned long long dlfo_flags;
  void* dlfo_map_start;
  void* dlfo_map_end;
  struct link_map* dlfo_link_map;
  void* dlfo_eh_frame;
  unsigned long long __dflo_reserved[7];
};
static_assert(sizeof(dl_find_object) == 96, "matches glibc");

int _dl_find_object(void* pc, struct dl_find_object* out) {
  auto p = reinterpret_cast<uintptr_t>(pc);
  if (!__eh_frame_hdr_start || p < reinterpret_cast<uintptr_t>(__kiln_image_start) ||
      p >= reinterpret_cast<uintptr_t>(__kiln_text_end))
    return -1;
  out->dlfo_flags = 0;
  out->dlfo_map_start = const_cast<char*>(__kiln_image_start);
  out->dlfo_map_end = const_cast<char*>(__kiln_text_end);
  out->dlfo_link_map = nullptr;
  out->dlfo_eh_frame = const_cast<char*>(__eh_frame_hdr_start);
  return 0;
}
}
