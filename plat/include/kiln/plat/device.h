// Platform contract: what device drivers (lib/pci, lib/virtio) need from a
// platform with devices (kvm today): interrupts, MMIO mappings, DMA
// addresses and, where the machine has one, PCI configuration space.
//
//   int r = kiln_plat_irq_attach_line(12, on_irq, dev);    // an IOAPIC line
//   uint64_t a; uint32_t d;
//   r = kiln_plat_irq_alloc_msi(on_irq, dev, &a, &d);       // an MSI vector
//   volatile void* regs = kiln_plat_map_io(0xfeb00e00, 512);
//
// Interrupt handlers run in event context: events masked, on the
// interrupted thread's stack or the idle loop; they must not block and may
// wake threads (Semaphore::up, WaitQueue::wake_*). A level-triggered line
// stays masked from the interrupt until its handler has returned, so the
// handler must quiet the device (e.g. read its interrupt status).
//
// Platforms without devices (linuxu, xen) do not implement these; a driver
// library is only linked into images of platforms that do (PLATFORMS in
// its CMakeLists.txt).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/compiler.h>

typedef void (*kiln_irq_fn)(void* ctx);

// Route interrupt line `line` (kvm: an IOAPIC GSI, level-triggered, active
// high) to fn. 0, -EINVAL (no such line), -EBUSY (line taken) or -ENOSPC
// (no vector left).
KILN_EXTERN_C int kiln_plat_irq_attach_line(unsigned line, kiln_irq_fn fn, void* ctx);
// A message-signalled interrupt for fn: the device writes *data to *addr.
// 0 or -ENOSPC.
KILN_EXTERN_C int kiln_plat_irq_alloc_msi(kiln_irq_fn fn, void* ctx, uint64_t* addr, uint32_t* data);

// Map [phys, phys + len) uncached for MMIO; returns its address, or NULL
// (after a log line) when the tables cannot be extended.
KILN_EXTERN_C volatile void* kiln_plat_map_io(uint64_t phys, size_t len);
// Bus address of kernel memory for DMA (identity on kvm).
KILN_EXTERN_C uint64_t kiln_plat_dma_addr(const void* p);

// PCI configuration space, 32-bit accesses at 4-byte aligned offsets
// (0..255). -ENODEV when the platform has no PCI configuration mechanism.
KILN_EXTERN_C int kiln_plat_pci_cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t* out);
KILN_EXTERN_C int kiln_plat_pci_cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t v);

// virtio-mmio devices the machine announced (kvm: QEMU microvm appends
// `virtio_mmio.device=<size>@<base>:<irq>` words to the command line; the
// platform takes them out before the options are read).
struct kiln_mmio_device {
  uint64_t base;
  uint64_t size;
  unsigned irq;
};
KILN_EXTERN_C size_t kiln_plat_virtio_mmio_devices(const struct kiln_mmio_device** out);
