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
// A platform that implements this header selects PLAT_HAS_DEVICES in its
// Kconfig and PROVIDES `devices` in its CMakeLists.txt; driver libraries
// `depends on PLAT_HAS_DEVICES` and REQUIRE `devices`, so they are linked
// only into images of platforms that have them. Drivers include this
// header, kiln/arch/cpu.h (pause) and nothing platform- or arch-specific.
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

// I/O regions: a device's register window, in port space (an x86 I/O BAR)
// or memory space (an MMIO BAR), accessed through one interface so a
// driver never names the CPU's I/O instructions. kiln_plat_io_open checks
// the range (-EINVAL: empty, wraps, or a port range past 0xffff; -ENOTSUP:
// no port space on this machine; -ENOMEM: cannot be mapped). Accesses are
// 1, 2 or 4 bytes wide at an offset inside the region; any other access
// reads all ones and writes nothing (a driver bug, logged once).
struct kiln_io_region {
  uint64_t base;  // port number or physical address
  uint64_t size;
  volatile uint8_t* mmio;  // memory regions: the uncached mapping
  int port;  // 1: port space
};
KILN_EXTERN_C int kiln_plat_io_open(uint64_t base, uint64_t size, int port, struct kiln_io_region* out);
KILN_EXTERN_C uint32_t kiln_plat_io_read(const struct kiln_io_region* r, uint64_t off, unsigned width);
KILN_EXTERN_C void kiln_plat_io_write(const struct kiln_io_region* r, uint64_t off, unsigned width, uint32_t v);

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
