// Walks the initrd (the one given at boot, else the one embedded from
// rootfs/; docs/initrd.md) with lib/cpio and prints one line per entry:
//
//   initrd: <source>, <bytes> bytes
//   <type> <mode> <size> <fnv1a of the data> <name>[ -> <symlink target>]
//   initrd: <n> entries
//
// With the argument `fill`, the app then takes the whole heap in 64 KiB
// blocks, writes every byte and walks the archive again: the sum over all
// entries must not change ("initrd: unchanged after filling N KiB"), so
// the initrd is outside the allocator's memory.
//
// With no initrd: "initrd: none". A malformed archive is normally refused
// at boot (LIBCPIO_INITRD_CHECK); without that check this app reports it
// the same way ("initrd: offset N: <reason>") and exits 1.
#include <kiln/cpio.h>
#include <kiln/plat/initrd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace {

uint32_t fnv1a(const void* p, size_t n) {
  const unsigned char* b = static_cast<const unsigned char*>(p);
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 16777619u;
  return h;
}

char type_char(const kiln::cpio::Entry& e) {
  switch (e.type()) {
    case kiln::cpio::kRegular: return 'f';
    case kiln::cpio::kDir: return 'd';
    case kiln::cpio::kSymlink: return 'l';
    case kiln::cpio::kChar: return 'c';
    case kiln::cpio::kBlock: return 'b';
    case kiln::cpio::kFifo: return 'p';
    default: return 's';
  }
}

// The checksums of all entries together, or 0 on a malformed archive.
uint32_t archive_sum(const void* base, size_t size) {
  kiln::cpio::Reader r(base, size);
  kiln::cpio::Entry e;
  uint32_t sum = 0;
  while (r.next(&e).value_or(false)) sum = sum * 31 + fnv1a(e.data, e.size) + fnv1a(e.name, e.name_len);
  return sum;
}

int fill_heap(const void* base, size_t size) {
  uint32_t before = archive_sum(base, size);
  size_t kib = 0;
  void* head = nullptr;  // a list through the blocks, freed at the end
  for (;;) {
    void* p = malloc(64 * 1024);
    if (!p) break;
    memset(p, 0xa5, 64 * 1024);
    *static_cast<void**>(p) = head;
    head = p;
    kib += 64;
  }
  uint32_t after = archive_sum(base, size);
  while (head) {
    void* next = *static_cast<void**>(head);
    free(head);
    head = next;
  }
  if (before != after || kib < 1024) {
    printf("initrd: CHANGED after filling %zu KiB of heap (%08x -> %08x)\n", kib, static_cast<unsigned>(before),
           static_cast<unsigned>(after));
    return 1;
  }
  printf("initrd: unchanged after filling %zu KiB of heap\n", kib);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const void* base;
  size_t size = kiln_plat_initrd(&base);
  if (!size) {
    printf("initrd: none\n");
    return 0;
  }
  printf("initrd: %s, %zu bytes\n", kiln_plat_initrd_source(), size);
  kiln::cpio::Reader r(base, size);
  kiln::cpio::Entry e;
  size_t n = 0;
  for (;;) {
    kiln::Result<bool> more = r.next(&e);
    if (more.is_error()) {
      printf("initrd: offset %zu: %s\n", r.fault().offset, r.fault().reason);
      return 1;
    }
    if (!more.value()) break;
    ++n;
    printf("%c %04o %8zu %08x %s", type_char(e), static_cast<unsigned>(e.mode & 07777), e.size,
           static_cast<unsigned>(fnv1a(e.data, e.size)), e.name);
    if (e.is_symlink()) printf(" -> %.*s", static_cast<int>(e.size), static_cast<const char*>(e.data));
    printf("\n");
  }
  printf("initrd: %zu entries\n", n);
  if (argc > 1 && strcmp(argv[1], "fill") == 0) return fill_heap(base, size);
  return 0;
}
