// PCI enumeration, BARs, capabilities and MSI-X (see kiln/pci.h).
#include <kiln/pci.h>
#include <kiln/print.h>
#include <errno.h>

namespace kiln::pci {
namespace {

uint32_t cfg_read(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off) {
  uint32_t v = 0xffffffffu;
  if (kiln_plat_pci_cfg_read(bus, dev, fn, off & ~3u, &v) < 0) return 0xffffffffu;
  return v;
}

void cfg_write(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off, uint32_t v) {
  kiln_plat_pci_cfg_write(bus, dev, fn, off & ~3u, v);
}

// Reads BAR i (and i+1 for a 64-bit one) and sizes it with decoding off.
// Returns how many BAR slots it used.
unsigned read_bar(Device& d, unsigned i) {
  unsigned off = 0x10 + 4 * i;
  uint32_t lo = d.read32(off);
  Bar& b = d.bar[i];
  if (lo & 1) {
    b.io = true;
    b.addr = lo & ~3u;
    d.write32(off, 0xffffffffu);
    uint32_t m = d.read32(off) & ~3u;
    d.write32(off, lo);
    m |= 0xffff0000u;  // I/O BARs decode 16 bits
    b.size = m ? (~m + 1) & 0xffff : 0;
    return 1;
  }
  unsigned type = (lo >> 1) & 3;
  b.mem64 = type == 2 && i < 5;
  uint64_t addr = lo & ~0xfu;
  uint64_t mask = 0;
  d.write32(off, 0xffffffffu);
  mask = d.read32(off) & ~0xfu;
  d.write32(off, lo);
  if (b.mem64) {
    uint32_t hi = d.read32(off + 4);
    addr |= static_cast<uint64_t>(hi) << 32;
    d.write32(off + 4, 0xffffffffu);
    mask |= static_cast<uint64_t>(d.read32(off + 4)) << 32;
    d.write32(off + 4, hi);
  } else {
    mask |= 0xffffffff00000000ull;
  }
  b.addr = addr;
  b.size = mask ? ~mask + 1 : 0;
  return b.mem64 ? 2 : 1;
}

void read_function(Device& d) {
  uint32_t id = d.read32(0);
  d.vendor = id & 0xffff;
  d.device = id >> 16;
  uint32_t cls = d.read32(8);
  d.revision = cls & 0xff;
  d.prog_if = (cls >> 8) & 0xff;
  d.subclass = (cls >> 16) & 0xff;
  d.class_code = cls >> 24;
  uint32_t ss = d.read32(0x2c);
  d.subsys_vendor = ss & 0xffff;
  d.subsys_id = ss >> 16;
  uint32_t irq = d.read32(0x3c);
  d.irq_line = irq & 0xff;
  d.irq_pin = (irq >> 8) & 0xff;
  if ((d.read8(0x0e) & 0x7f) != 0) return;  // bridges: no BARs of interest here
  uint16_t cmd = d.read16(4);
  d.write16(4, cmd & ~(kCmdIo | kCmdMem));  // no decoding while sizing
  for (unsigned i = 0; i < 6;) i += read_bar(d, i);
  d.write16(4, cmd);
}

}  // namespace

uint32_t Device::read32(unsigned off) const { return cfg_read(bus, dev, fn, off); }
uint16_t Device::read16(unsigned off) const { return static_cast<uint16_t>(read32(off) >> (8 * (off & 2))); }
uint8_t Device::read8(unsigned off) const { return static_cast<uint8_t>(read32(off) >> (8 * (off & 3))); }
void Device::write32(unsigned off, uint32_t v) const { cfg_write(bus, dev, fn, off, v); }
void Device::write16(unsigned off, uint16_t v) const {
  unsigned sh = 8 * (off & 2);
  uint32_t old = read32(off);
  write32(off, (old & ~(0xffffu << sh)) | static_cast<uint32_t>(v) << sh);
}
void Device::write8(unsigned off, uint8_t v) const {
  unsigned sh = 8 * (off & 3);
  uint32_t old = read32(off);
  write32(off, (old & ~(0xffu << sh)) | static_cast<uint32_t>(v) << sh);
}

uint8_t Device::find_cap(uint8_t id, uint8_t after) const {
  if (!(read16(6) & (1u << 4))) return 0;  // no capability list
  uint8_t p = after ? read8(after + 1) : read8(0x34);
  for (int n = 0; p >= 0x40 && n < 48; ++n) {
    p &= ~3u;
    if (read8(p) == id) return p;
    p = read8(p + 1);
  }
  return 0;
}

void Device::set_command(uint16_t set, uint16_t clear) const {
  write16(4, static_cast<uint16_t>((read16(4) & ~clear) | set));
}

volatile void* Device::map_bar(unsigned i) const {
  if (i >= 6 || bar[i].io || !bar[i].addr || !bar[i].size) return nullptr;
  return kiln_plat_map_io(bar[i].addr, bar[i].size);
}

size_t for_each(bool (*fn)(Device&, void*), void* ctx) {
  size_t n = 0;
  // Every PC machine has its host bridge at 00:00.0; without it there is
  // no PCI (microvm): no further probing, each probe is two VM exits.
  if ((cfg_read(0, 0, 0, 0) & 0xffff) == 0xffff) return 0;
  for (unsigned bus = 0; bus < 256; ++bus) {
    for (unsigned dev = 0; dev < 32; ++dev) {
      uint32_t id = cfg_read(bus, dev, 0, 0);
      if ((id & 0xffff) == 0xffff) continue;
      bool multi = (cfg_read(bus, dev, 0, 0x0c) >> 16) & 0x80;
      for (unsigned f = 0; f < (multi ? 8u : 1u); ++f) {
        if (f && (cfg_read(bus, dev, f, 0) & 0xffff) == 0xffff) continue;
        Device d;
        d.bus = static_cast<uint8_t>(bus);
        d.dev = static_cast<uint8_t>(dev);
        d.fn = static_cast<uint8_t>(f);
        read_function(d);
        ++n;
        if (!fn(d, ctx)) return n;
      }
    }
    // QEMU's machines put every device on bus 0 unless bridges are
    // added; a bus with no device 0 has none at all.
    if (bus > 0 && (cfg_read(bus, 0, 0, 0) & 0xffff) == 0xffff) break;
  }
  return n;
}

Result<void> msix_enable(Device& d) {
  uint8_t cap = d.find_cap(kCapMsix);
  if (!cap) return Error(ENOENT);
  uint16_t ctl = d.read16(cap + 2);
  uint32_t table = d.read32(cap + 4);
  unsigned bir = table & 7;
  uint64_t off = table & ~7u;
  uint16_t size = (ctl & 0x7ff) + 1;
  if (bir >= 6 || d.bar[bir].io || off + size * 16ull > d.bar[bir].size) return Error(EINVAL);
  auto* base = static_cast<volatile uint8_t*>(d.map_bar(bir));
  if (!base) return Error(ENOMEM);
  d.msix_table = reinterpret_cast<volatile uint32_t*>(base + off);
  d.msix_size = size;
  d.set_command(kCmdMem | kCmdMaster | kCmdIntxOff);
  d.write16(cap + 2, static_cast<uint16_t>(ctl | (1u << 15) | (1u << 14)));  // enable, all masked
  for (unsigned i = 0; i < size; ++i) d.msix_table[i * 4 + 3] = 1;           // each entry masked
  d.write16(cap + 2, static_cast<uint16_t>((ctl | (1u << 15)) & ~(1u << 14)));
  return {};
}

Result<void> msix_set(Device& d, unsigned entry, kiln_irq_fn fn, void* ctx) {
  if (!d.msix_table || entry >= d.msix_size) return Error(EINVAL);
  uint64_t addr;
  uint32_t data;
  int r = kiln_plat_irq_alloc_msi(fn, ctx, &addr, &data);
  if (r < 0) return Error(-r);
  volatile uint32_t* e = d.msix_table + entry * 4;
  e[0] = static_cast<uint32_t>(addr);
  e[1] = static_cast<uint32_t>(addr >> 32);
  e[2] = data;
  e[3] = 0;  // unmasked
  return {};
}

}  // namespace kiln::pci
