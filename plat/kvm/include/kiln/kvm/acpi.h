// The ACPI facts the kvm platform needs: IOAPICs from the MADT and
// virtio-mmio devices from the DSDT (QEMU microvm with ACPI on describes
// them there instead of on the command line: devices with _HID
// "LNRO0005" and a _CRS of Memory32Fixed + Interrupt).
//
// Pure code over a PhysView (bounds-checked reads, checksums verified),
// so host tests feed it hand-made and corrupted tables. The DSDT is not
// interpreted as AML: the reader looks for the _HID string and the two
// resource descriptors in the bytes that follow it, which is how QEMU
// lays those devices out.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/x86bm/bootinfo.h>
#include <kiln/plat/device.h>

namespace kiln::kvm {

using kiln::bm::PhysView;

struct AcpiIoApic {
  uint64_t addr;
  uint32_t gsi_base;
};

struct AcpiInfo {
  static constexpr size_t kMaxIoApics = 4, kMaxMmio = 32;
  bool found = false;  // an RSDP with a valid root table
  AcpiIoApic ioapic[kMaxIoApics] = {};
  size_t nioapic = 0;
  kiln_mmio_device mmio[kMaxMmio] = {};
  size_t nmmio = 0;
  unsigned bad_tables = 0;  // tables skipped for a bad length or checksum
};

// rsdp: the loader's pointer, or 0 to search the BIOS area
// (0xe0000..0xfffff) for "RSD PTR ".
AcpiInfo acpi_read(const PhysView& m, uint64_t rsdp);

}  // namespace kiln::kvm
