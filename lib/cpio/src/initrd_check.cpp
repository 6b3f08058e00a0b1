// The boot-time check of the initrd (Kconfig LIBCPIO_INITRD_CHECK): the
// archive the platform has (kiln/plat/initrd.h) is walked once before
// main(), so a malformed one fails the boot with one line naming the
// offset and the reason instead of surfacing later as missing files.
#include <kiln/cpio.h>
#include <kiln/init.h>
#include <kiln/plat/initrd.h>
#include <kiln/print.h>

namespace {

int initrd_check() {
  const void* base;
  size_t size = kiln_plat_initrd(&base);
  if (!size) return 0;
  kiln::cpio::Fault fault;
  kiln::Result<size_t> n = kiln::cpio::validate(base, size, &fault);
  if (n.is_error()) {
    kiln_err("initrd: offset %zu: %s", fault.offset, fault.reason);
    return -n.error().code();
  }
  kiln_info("initrd: %zu entries, %zu bytes (%s)", n.value(), size, kiln_plat_initrd_source());
  return 0;
}

}  // namespace

KILN_INIT(rootfs, 000, initrd_check);
