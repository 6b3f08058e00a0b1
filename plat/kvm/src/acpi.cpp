// ACPI reading for the kvm platform (see kiln/kvm/acpi.h).
#include <kiln/kvm/acpi.h>

namespace kiln::kvm {
namespace {

constexpr size_t kMaxTableLen = 1u << 20;

bool sum_ok(const uint8_t* p, size_t n) {
  uint8_t s = 0;
  for (size_t i = 0; i < n; ++i) s = static_cast<uint8_t>(s + p[i]);
  return s == 0;
}

uint32_t le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }
uint64_t le64(const uint8_t* p) { return le32(p) | static_cast<uint64_t>(le32(p + 4)) << 32; }

bool sig(const uint8_t* p, const char* s) {
  for (int i = 0; i < 4; ++i)
    if (p[i] != static_cast<uint8_t>(s[i])) return false;
  return true;
}

// A whole table with a valid length and checksum, or nullptr.
const uint8_t* table(const PhysView& m, uint64_t addr, AcpiInfo* out, uint32_t* len) {
  auto* h = static_cast<const uint8_t*>(m.at(addr, 36));
  if (!h) return nullptr;
  uint32_t n = le32(h + 4);
  if (n < 36 || n > kMaxTableLen) {
    ++out->bad_tables;
    return nullptr;
  }
  auto* t = static_cast<const uint8_t*>(m.at(addr, n));
  if (!t || !sum_ok(t, n)) {
    ++out->bad_tables;
    return nullptr;
  }
  *len = n;
  return t;
}

const uint8_t* find_rsdp(const PhysView& m, uint64_t hint) {
  if (hint) {
    auto* p = static_cast<const uint8_t*>(m.at(hint, 20));
    if (p && sig(p, "RSD ") && sig(p + 4, "PTR ") && sum_ok(p, 20)) return p;
  }
  for (uint64_t a = 0xe0000; a < 0x100000; a += 16) {
    auto* p = static_cast<const uint8_t*>(m.at(a, 20));
    if (p && sig(p, "RSD ") && sig(p + 4, "PTR ") && sum_ok(p, 20)) return p;
  }
  return nullptr;
}

void read_madt(const uint8_t* t, uint32_t len, AcpiInfo* out) {
  for (uint32_t off = 44; off + 2 <= len;) {
    uint8_t type = t[off], n = t[off + 1];
    if (n < 2 || off + n > len) break;
    if (type == 1 && n >= 12 && out->nioapic < AcpiInfo::kMaxIoApics)
      out->ioapic[out->nioapic++] = AcpiIoApic{le32(t + off + 4), le32(t + off + 8)};
    off += n;
  }
}

// virtio-mmio devices: after each "LNRO0005" string, within the next 96
// bytes, a Memory32Fixed (0x86, length 9) and an Extended Interrupt
// (0x89, at least one interrupt) descriptor.
void read_dsdt(const uint8_t* t, uint32_t len, AcpiInfo* out) {
  static const char kHid[] = "LNRO0005";
  for (uint32_t i = 36; i + 9 <= len; ++i) {
    bool match = true;
    for (int k = 0; k < 9 && match; ++k) match = t[i + k] == static_cast<uint8_t>(kHid[k]);
    if (!match) continue;
    uint32_t end = i + 9 + 96 < len ? i + 9 + 96 : len;
    uint64_t base = 0, size = 0;
    bool have_mem = false, have_irq = false;
    unsigned irq = 0;
    for (uint32_t j = i + 9; j + 3 <= end; ++j) {
      if (!have_mem && t[j] == 0x86 && t[j + 1] == 9 && t[j + 2] == 0 && j + 12 <= end) {
        base = le32(t + j + 4);
        size = le32(t + j + 8);
        have_mem = true;
        j += 11;
      } else if (have_mem && t[j] == 0x89 && t[j + 2] == 0 && t[j + 1] >= 6 && j + 9 <= end && t[j + 4] >= 1) {
        irq = le32(t + j + 5);
        have_irq = true;
        break;
      } else if (t[j] == 0x5b && j + 1 < end && t[j + 1] == 0x82) {
        break;  // the next Device(): this one had no resources
      }
    }
    if (have_mem && have_irq && size && irq <= 0xffff && out->nmmio < AcpiInfo::kMaxMmio)
      out->mmio[out->nmmio++] = kiln_mmio_device{base, size, irq};
    i += 8;
  }
}

}  // namespace

AcpiInfo acpi_read(const PhysView& m, uint64_t rsdp_hint) {
  AcpiInfo out;
  const uint8_t* rsdp = find_rsdp(m, rsdp_hint);
  if (!rsdp) return out;
  uint8_t rev = rsdp[15];
  uint64_t root = le32(rsdp + 16);
  unsigned entry = 4;
  if (rev >= 2) {
    auto* x = static_cast<const uint8_t*>(m.at(reinterpret_cast<uintptr_t>(rsdp) - m.base + m.phys, 36));
    if (x && sum_ok(x, 36) && le64(x + 24)) {
      root = le64(x + 24);
      entry = 8;
    }
  }
  uint32_t rlen;
  const uint8_t* rt = table(m, root, &out, &rlen);
  if (!rt || !(sig(rt, entry == 8 ? "XSDT" : "RSDT"))) return out;
  out.found = true;
  for (uint32_t off = 36; off + entry <= rlen; off += entry) {
    uint64_t a = entry == 8 ? le64(rt + off) : le32(rt + off);
    uint32_t len;
    const uint8_t* t = table(m, a, &out, &len);
    if (!t) continue;
    if (sig(t, "APIC")) {
      read_madt(t, len, &out);
    } else if (sig(t, "FACP") && len >= 44) {
      uint64_t dsdt = le32(t + 40);
      if (len >= 148 && le64(t + 140)) dsdt = le64(t + 140);
      uint32_t dlen;
      const uint8_t* d = table(m, dsdt, &out, &dlen);
      if (d && sig(d, "DSDT")) read_dsdt(d, dlen, &out);
    }
  }
  return out;
}

}  // namespace kiln::kvm
