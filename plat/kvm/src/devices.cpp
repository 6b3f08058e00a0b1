// kvm device support: interrupts from IOAPIC lines and MSI, MMIO
// mappings, PCI configuration space and the virtio-mmio device list.
//
// Vectors 0x40..0x7f are device slots. An interrupt masks its IOAPIC pin
// (level-triggered lines), sends the LAPIC EOI and marks the slot pending;
// the handler then runs at once, or, when the CPU was halted in
// kiln_plat_idle_until or events were masked, when the masked section
// ends (the bare-metal event core, kiln/x86bm/events.h) — the same rule
// as the timer. After the handler the pin is unmasked; a device still
// asserting the line interrupts again.
//
// IOAPICs: from the ACPI MADT; without ACPI, the one at 0xfec00000
// (every PC machine; GSIs from 0) and, on microvm, the second at
// 0xfec10000 (GSIs after the first's), each recognised by its version
// register before use.
//
// virtio-mmio devices: from the ACPI DSDT (microvm with ACPI, QEMU's
// default) and from virtio_mmio.device= words on the command line
// (microvm with acpi=off); the same base address is taken once.
#include "kvm.h"
#include <kiln/x86bm/events.h>
#include <kiln/arch/cpu.h>
#include <kiln/arch/x86.h>
#include <kiln/kvm/acpi.h>
#include <kiln/kvm/mmio_cmdline.h>
#include <kiln/plat/device.h>
#include <kiln/plat/irq.h>
#include <kiln/print.h>
#include <errno.h>

namespace kiln::kvm {
namespace {

constexpr unsigned kVectorBase = 0x40, kSlots = 64;

struct Slot {
  kiln_irq_fn fn;
  void* ctx;
  int ioapic;  // -1: MSI
  unsigned pin;
};

struct IoApic {
  uintptr_t base;
  unsigned gsi_base;
  unsigned pins;
};

constinit Slot slots[kSlots] = {};
constinit unsigned nslots = 0;
constinit volatile uint64_t pending_mask = 0;
constinit IoApic ioapics[AcpiInfo::kMaxIoApics] = {};
constinit unsigned nioapics = 0;
constinit bool ioapics_probed = false;
constinit AcpiIoApic acpi_ioapics[AcpiInfo::kMaxIoApics] = {};
constinit size_t nacpi_ioapics = 0;

constexpr size_t kMaxMmio = AcpiInfo::kMaxMmio;
constinit uint64_t acpi_rsdp = 0;
constinit bool acpi_done = false;
constinit kiln_mmio_device cmdline_devs[kMaxMmio] = {};
constinit size_t ncmdline = 0;
constinit kiln_mmio_device mmio_devs[kMaxMmio] = {};
constinit size_t nmmio = 0;

uint32_t ioapic_read(const IoApic& a, uint32_t reg) {
  *reinterpret_cast<volatile uint32_t*>(a.base) = reg;
  return *reinterpret_cast<volatile uint32_t*>(a.base + 0x10);
}

void ioapic_write(const IoApic& a, uint32_t reg, uint32_t v) {
  *reinterpret_cast<volatile uint32_t*>(a.base) = reg;
  *reinterpret_cast<volatile uint32_t*>(a.base + 0x10) = v;
}

bool mapped(uint64_t addr, uint64_t len) {
  for (uint64_t p = addr & ~0xfffull; p < addr + len; p += 4096)
    if (!kiln::x86::pt_readable(p)) return false;
  return true;
}

// ACPI is read on first use (a driver asking for devices or for an IOAPIC
// line): images without device drivers never pay for it (about 0.5 ms
// under TCG). The final page tables map what the memory map lists, so
// every read is checked against them.
void ensure_acpi() {
  if (acpi_done) return;
  acpi_done = true;
  AcpiInfo a = acpi_read(PhysView{0, 0, 1ull << 32, mapped}, acpi_rsdp);
  for (size_t i = 0; i < a.nioapic; ++i) acpi_ioapics[i] = a.ioapic[i];
  nacpi_ioapics = a.nioapic;
  for (size_t i = 0; i < a.nmmio && nmmio < kMaxMmio; ++i) mmio_devs[nmmio++] = a.mmio[i];
  size_t dropped = 0;
  for (size_t i = 0; i < ncmdline; ++i) {
    bool dup = false;
    for (size_t k = 0; k < nmmio; ++k) dup |= mmio_devs[k].base == cmdline_devs[i].base;
    if (dup) continue;
    if (nmmio < kMaxMmio) mmio_devs[nmmio++] = cmdline_devs[i];
    else ++dropped;
  }
  if (dropped) kiln_warn("kvm: more than %zu virtio-mmio devices; ignored %zu", kMaxMmio, dropped);
  if (a.bad_tables) kiln_warn("kvm: ACPI: skipped %u table(s) with a bad length or checksum", a.bad_tables);
  kiln_debug("kvm: ACPI %s: %zu IOAPIC(s); %zu virtio-mmio device(s) in all", a.found ? "found" : "absent",
             nacpi_ioapics, nmmio);
}

void probe_ioapics() {
  if (ioapics_probed) return;
  ioapics_probed = true;
  ensure_acpi();
  AcpiIoApic probe[2] = {{0xfec00000, 0}, {0xfec10000, ~0u}};  // inside the mapped device window
  const AcpiIoApic* list = nacpi_ioapics ? acpi_ioapics : probe;
  size_t n = nacpi_ioapics ? nacpi_ioapics : 2;
  unsigned gsi = 0;
  for (size_t i = 0; i < n; ++i) {
    uint64_t b = list[i].addr;
    if (b < 0xfe000000 || b >= (1ull << 32) - 0x20) {
      kiln_warn("kvm: IOAPIC at %#lx is outside the device window; ignored", static_cast<unsigned long>(b));
      continue;
    }
    IoApic a{static_cast<uintptr_t>(b), list[i].gsi_base == ~0u ? gsi : list[i].gsi_base, 0};
    uint32_t ver = ioapic_read(a, 1);
    uint8_t v = ver & 0xff;
    if (ver == 0xffffffffu || (v != 0x11 && v != 0x20)) {
      if (nacpi_ioapics) kiln_warn("kvm: no IOAPIC answers at %#lx", static_cast<unsigned long>(b));
      continue;
    }
    a.pins = ((ver >> 16) & 0xff) + 1;
    for (unsigned p = 0; p < a.pins; ++p) ioapic_write(a, 0x10 + 2 * p, 1u << 16);  // masked
    ioapics[nioapics++] = a;
    gsi = a.gsi_base + a.pins;
    kiln_debug("kvm: IOAPIC at %#lx: GSIs %u..%u", static_cast<unsigned long>(b), a.gsi_base, gsi - 1);
  }
}

void set_pin_mask(const Slot& s, bool masked) {
  const IoApic& a = ioapics[s.ioapic];
  uint32_t lo = ioapic_read(a, 0x10 + 2 * s.pin);
  lo = masked ? (lo | (1u << 16)) : (lo & ~(1u << 16));
  ioapic_write(a, 0x10 + 2 * s.pin, lo);
}

void on_device(kiln_x86_frame* f) {
  unsigned s = static_cast<unsigned>(f->vector) - kVectorBase;
  if (s < nslots && slots[s].ioapic >= 0) set_pin_mask(slots[s], true);
  apic_eoi();
  if (s >= nslots) return;
  __atomic_or_fetch(&pending_mask, 1ull << s, __ATOMIC_RELAXED);
  kiln::bm::after_interrupt();
}

// A new slot (events masked by the caller), or -ENOSPC.
int new_slot(kiln_irq_fn fn, void* ctx, int ioapic, unsigned pin) {
  if (nslots >= kSlots) return -ENOSPC;
  unsigned s = nslots++;
  slots[s] = Slot{fn, ctx, ioapic, pin};
  kiln_x86_set_irq_handler(kVectorBase + s, on_device);
  return static_cast<int>(s);
}

}  // namespace

bool device_irqs_pending() { return pending_mask != 0; }

void run_device_irqs() {
  uint64_t m = __atomic_exchange_n(&pending_mask, 0, __ATOMIC_RELAXED);
  while (m) {
    unsigned s = static_cast<unsigned>(__builtin_ctzll(m));
    m &= m - 1;
    slots[s].fn(slots[s].ctx);
    if (slots[s].ioapic >= 0) set_pin_mask(slots[s], false);
  }
}

void acpi_devices(uint64_t rsdp) { acpi_rsdp = rsdp; }

void take_mmio_devices(char* cmdline) {
  MmioTake t = take_virtio_mmio(cmdline, cmdline_devs, kMaxMmio);
  ncmdline = t.count;
  if (t.malformed) kiln_warn("kvm: ignored %zu malformed virtio_mmio.device= word(s)", t.malformed);
  if (t.dropped) kiln_warn("kvm: more than %zu virtio-mmio devices; ignored %zu", kMaxMmio, t.dropped);
}

}  // namespace kiln::kvm

using namespace kiln::kvm;

extern "C" int kiln_plat_irq_attach_line(unsigned line, kiln_irq_fn fn, void* ctx) {
  if (!fn) return -EINVAL;
  unsigned long f = kiln_plat_irq_save();
  apic_init();
  probe_ioapics();
  int r = -EINVAL;
  for (unsigned i = 0; i < nioapics; ++i) {
    const IoApic& a = ioapics[i];
    if (line < a.gsi_base || line >= a.gsi_base + a.pins) continue;
    unsigned pin = line - a.gsi_base;
    bool taken = false;
    for (unsigned s = 0; s < nslots; ++s) taken |= slots[s].ioapic == static_cast<int>(i) && slots[s].pin == pin;
    if (taken) {
      r = -EBUSY;
      break;
    }
    r = new_slot(fn, ctx, static_cast<int>(i), pin);
    if (r < 0) break;
    // Fixed delivery, physical destination, active high, level-triggered.
    ioapic_write(a, 0x11 + 2 * pin, apic_id() << 24);
    ioapic_write(a, 0x10 + 2 * pin, (1u << 15) | (kVectorBase + static_cast<unsigned>(r)));
    r = 0;
    break;
  }
  kiln_plat_irq_restore(f);
  return r;
}

extern "C" int kiln_plat_irq_alloc_msi(kiln_irq_fn fn, void* ctx, uint64_t* addr, uint32_t* data) {
  if (!fn) return -EINVAL;
  unsigned long f = kiln_plat_irq_save();
  apic_init();
  int s = new_slot(fn, ctx, -1, 0);
  if (s >= 0) {
    *addr = 0xfee00000u | (apic_id() & 0xff) << 12;
    *data = kVectorBase + static_cast<unsigned>(s);  // fixed, edge
  }
  kiln_plat_irq_restore(f);
  return s < 0 ? s : 0;
}

extern "C" volatile void* kiln_plat_map_io(uint64_t phys, size_t len) {
  if (!len || phys + len < phys || phys + len > (1ull << 46)) {
    kiln_err("kvm: cannot map device memory %#lx+%#zx", static_cast<unsigned long>(phys), len);
    return nullptr;
  }
  constexpr uint64_t kDevLo = 0xfe000000, kDevHi = 1ull << 32;
  if (phys >= kDevLo && phys + len <= kDevHi) return reinterpret_cast<volatile void*>(phys);  // mapped at boot
  unsigned long f = kiln_plat_irq_save();
  bool ok = kiln::x86::pt_set(phys, phys + len, kiln::x86::kProtRead | kiln::x86::kProtWrite | kiln::x86::kProtDevice);
  kiln::x86::pt_activate();
  kiln_plat_irq_restore(f);
  if (!ok) {
    kiln_err("kvm: no page-table memory to map device memory at %#lx", static_cast<unsigned long>(phys));
    return nullptr;
  }
  return reinterpret_cast<volatile void*>(phys);
}

extern "C" uint64_t kiln_plat_dma_addr(const void* p) { return reinterpret_cast<uint64_t>(p); }

extern "C" int kiln_plat_io_open(uint64_t base, uint64_t size, int port, kiln_io_region* out) {
  if (!size || base + size < base) return -EINVAL;
  *out = kiln_io_region{base, size, nullptr, port ? 1 : 0};
  if (port) return base + size <= 0x10000 ? 0 : -EINVAL;
  out->mmio = static_cast<volatile uint8_t*>(kiln_plat_map_io(base, static_cast<size_t>(size)));
  return out->mmio ? 0 : -ENOMEM;
}

namespace {
bool io_ok(const kiln_io_region* r, uint64_t off, unsigned width) {
  if ((width == 1 || width == 2 || width == 4) && off < r->size && width <= r->size - off) return true;
  static bool logged;
  if (!logged) {
    logged = true;
    kiln_err("kvm: I/O access of %u bytes at offset %#lx outside a %#lx-byte region at %#lx (driver bug; ignored)",
             width, static_cast<unsigned long>(off), static_cast<unsigned long>(r->size),
             static_cast<unsigned long>(r->base));
  }
  return false;
}
}  // namespace

extern "C" uint32_t kiln_plat_io_read(const kiln_io_region* r, uint64_t off, unsigned width) {
  if (!io_ok(r, off, width)) return 0xffffffffu;
  if (r->port) {
    auto p = static_cast<uint16_t>(r->base + off);
    return width == 1 ? kiln::arch::inb(p) : width == 2 ? kiln::arch::inw(p) : kiln::arch::inl(p);
  }
  volatile uint8_t* a = r->mmio + off;
  return width == 1 ? *a : width == 2 ? *reinterpret_cast<volatile uint16_t*>(a) : *reinterpret_cast<volatile uint32_t*>(a);
}

extern "C" void kiln_plat_io_write(const kiln_io_region* r, uint64_t off, unsigned width, uint32_t v) {
  if (!io_ok(r, off, width)) return;
  if (r->port) {
    auto p = static_cast<uint16_t>(r->base + off);
    if (width == 1) kiln::arch::outb(p, static_cast<uint8_t>(v));
    else if (width == 2) kiln::arch::outw(p, static_cast<uint16_t>(v));
    else kiln::arch::outl(p, v);
    return;
  }
  volatile uint8_t* a = r->mmio + off;
  if (width == 1) *a = static_cast<uint8_t>(v);
  else if (width == 2) *reinterpret_cast<volatile uint16_t*>(a) = static_cast<uint16_t>(v);
  else *reinterpret_cast<volatile uint32_t*>(a) = v;
}

// Configuration mechanism #1 (ports 0xcf8/0xcfc): pc and q35.
extern "C" int kiln_plat_pci_cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t* out) {
  if (bus > 255 || dev > 31 || fn > 7 || off > 252 || (off & 3)) return -EINVAL;
  unsigned long f = kiln_plat_irq_save();
  kiln::arch::outl(0xcf8, 0x80000000u | bus << 16 | dev << 11 | fn << 8 | off);
  *out = kiln::arch::inl(0xcfc);
  kiln_plat_irq_restore(f);
  return 0;
}

extern "C" int kiln_plat_pci_cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t v) {
  if (bus > 255 || dev > 31 || fn > 7 || off > 252 || (off & 3)) return -EINVAL;
  unsigned long f = kiln_plat_irq_save();
  kiln::arch::outl(0xcf8, 0x80000000u | bus << 16 | dev << 11 | fn << 8 | off);
  kiln::arch::outl(0xcfc, v);
  kiln_plat_irq_restore(f);
  return 0;
}

extern "C" size_t kiln_plat_virtio_mmio_devices(const kiln_mmio_device** out) {
  ensure_acpi();
  *out = mmio_devs;
  return nmmio;
}
