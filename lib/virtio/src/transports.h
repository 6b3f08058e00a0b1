// lib/virtio internals: each transport's bus scan.
#pragma once

namespace kiln::virtio {
void mmio_scan();  // devices from kiln_plat_virtio_mmio_devices()
void pci_scan();   // virtio functions on the PCI bus (vendor 0x1af4)
}  // namespace kiln::virtio
