// PCI: the functions of the machine, their BARs and capabilities, MSI-X.
//
//   kiln::pci::for_each([](kiln::pci::Device& d, void*) {
//     if (d.vendor == 0x1af4) ...            // virtio
//     return true;                            // go on
//   }, nullptr);
//   uint8_t cap = d.find_cap(kiln::pci::kCapVendor);
//   volatile void* bar = d.map_bar(4);       // memory BAR mapped uncached
//   KILN_TRY(kiln::pci::msix_enable(d, 1)); KILN_TRY(kiln::pci::msix_set(d, 0, on_irq, ctx));
//
// Configuration space is read through the platform (kiln/plat/device.h).
// BARs are as the firmware assigned them; a BAR with address 0 is
// treated as unassigned.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/plat/device.h>
#include <kiln/result.h>

namespace kiln::pci {

enum : uint8_t { kCapMsi = 0x05, kCapVendor = 0x09, kCapMsix = 0x11 };
enum : uint16_t { kCmdIo = 1, kCmdMem = 2, kCmdMaster = 4, kCmdIntxOff = 1u << 10 };

struct Bar {
  uint64_t addr = 0;  // bus address (0: absent or unassigned)
  uint64_t size = 0;
  bool io = false;
  bool mem64 = false;
};

struct Device {
  uint8_t bus = 0, dev = 0, fn = 0;
  uint16_t vendor = 0, device = 0;
  uint16_t subsys_vendor = 0, subsys_id = 0;
  uint8_t revision = 0, class_code = 0, subclass = 0, prog_if = 0;
  uint8_t irq_line = 0, irq_pin = 0;
  Bar bar[6];
  // MSI-X, after msix_enable.
  volatile uint32_t* msix_table = nullptr;
  uint16_t msix_size = 0;

  uint32_t read32(unsigned off) const;
  uint16_t read16(unsigned off) const;
  uint8_t read8(unsigned off) const;
  void write32(unsigned off, uint32_t v) const;
  void write16(unsigned off, uint16_t v) const;
  void write8(unsigned off, uint8_t v) const;

  // Offset of the first capability with this id after `after` (0: from
  // the start), or 0 when there is none. Walks at most 48 entries, so a
  // looping list ends.
  uint8_t find_cap(uint8_t id, uint8_t after = 0) const;
  void set_command(uint16_t set, uint16_t clear = 0) const;
  // Memory BAR i mapped uncached, or nullptr (I/O BAR, absent, or no
  // page-table memory).
  volatile void* map_bar(unsigned i) const;
};

// Calls fn(device, ctx) for every function on every bus; fn returns false
// to stop. Returns how many functions were visited.
size_t for_each(bool (*fn)(Device&, void*), void* ctx);

// Turns MSI-X on with every vector masked and INTx off. ENOENT when the
// function has no MSI-X capability, EINVAL for a table outside its BAR.
Result<void> msix_enable(Device& d);
// Points MSI-X table entry `entry` at a new platform vector running fn,
// and unmasks it.
Result<void> msix_set(Device& d, unsigned entry, kiln_irq_fn fn, void* ctx);

}  // namespace kiln::pci
