// Platform contract: the initrd, an archive handed to the image at boot
// (docs/initrd.md). The platform keeps its memory out of the allocator
// and never writes it.
//
//   kvm, xen   the first boot module (QEMU -initrd: the PVH module or the
//              Multiboot module; xl's ramdisk=), parsed by plat/x86bm
//   linuxu     the host file named by the boot option initrd=<path>,
//              mapped read-only
//
// Precedence: an archive given at boot wins; without one, the archive
// embedded at build time from the app's rootfs/ folder (section
// .kiln_initrd, support/mkcpio.py); without either, none.
#pragma once
#include <stddef.h>
#include <kiln/compiler.h>

// The initrd's address in *base and its length in bytes; 0 (and *base =
// nullptr) when there is none.
KILN_EXTERN_C size_t kiln_plat_initrd(const void** base);
// Where it came from, for messages: "boot module", "host file" (linuxu),
// "embedded" or "none".
KILN_EXTERN_C const char* kiln_plat_initrd_source(void);

// The archive embedded at build time (between the linker script's
// __kiln_initrd_start and __kiln_initrd_end; empty when the app has none):
// the platforms' fallback, written once here.
KILN_EXTERN_C const char __kiln_initrd_start[], __kiln_initrd_end[];
static inline size_t kiln_plat_initrd_embedded(const void** base) {
  size_t n = (size_t)(__kiln_initrd_end - __kiln_initrd_start);
  *base = n ? (const void*)__kiln_initrd_start : NULL;
  return n;
}
