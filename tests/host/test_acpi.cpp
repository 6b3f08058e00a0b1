// ACPI reading for the kvm platform on hand-made tables: IOAPICs from the
// MADT, virtio-mmio devices from the DSDT, and corrupted tables skipped.
#include <kiln/kvm/acpi.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace kiln::kvm;

namespace {

struct Phys {
  static constexpr uint64_t kPhys = 0xe0000;
  std::vector<uint8_t> bytes = std::vector<uint8_t>(0x40000);
  PhysView view() const { return {reinterpret_cast<uintptr_t>(bytes.data()), kPhys, bytes.size()}; }
  uint8_t* at(uint64_t a) { return &bytes[a - kPhys]; }
  void put(uint64_t a, const std::vector<uint8_t>& v) { std::memcpy(at(a), v.data(), v.size()); }
};

void le32(std::vector<uint8_t>& v, uint32_t x) {
  for (int i = 0; i < 4; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
void le64(std::vector<uint8_t>& v, uint64_t x) {
  le32(v, static_cast<uint32_t>(x));
  le32(v, static_cast<uint32_t>(x >> 32));
}

void fix_sum(std::vector<uint8_t>& t, size_t sum_at, size_t len) {
  t[sum_at] = 0;
  uint8_t s = 0;
  for (size_t i = 0; i < len; ++i) s = static_cast<uint8_t>(s + t[i]);
  t[sum_at] = static_cast<uint8_t>(-s);
}

// A table with a 36-byte header, then body; length and checksum fixed.
std::vector<uint8_t> table(const char* sig, const std::vector<uint8_t>& body) {
  std::vector<uint8_t> t(sig, sig + 4);
  le32(t, 0);
  t.resize(36, 0);
  t.insert(t.end(), body.begin(), body.end());
  uint32_t n = static_cast<uint32_t>(t.size());
  std::memcpy(&t[4], &n, 4);
  fix_sum(t, 9, t.size());
  return t;
}

std::vector<uint8_t> rsdp(uint32_t rsdt, uint64_t xsdt = 0) {
  std::vector<uint8_t> r = {'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ', 0, 'K', 'I', 'L', 'N', '!', '!', static_cast<uint8_t>(xsdt ? 2 : 0)};
  le32(r, rsdt);
  fix_sum(r, 8, 20);
  if (xsdt) {
    le32(r, 36);
    le64(r, xsdt);
    r.resize(36, 0);
    fix_sum(r, 32, 36);
  }
  return r;
}

std::vector<uint8_t> madt() {
  std::vector<uint8_t> b;
  le32(b, 0xfee00000);
  le32(b, 1);
  b.insert(b.end(), {0, 8, 0, 0, 1, 0, 0, 0});  // a local APIC entry
  b.insert(b.end(), {1, 12, 0, 0});             // IOAPIC 0
  le32(b, 0xfec00000);
  le32(b, 0);
  b.insert(b.end(), {1, 12, 1, 0});  // IOAPIC 1
  le32(b, 0xfec10000);
  le32(b, 24);
  b.insert(b.end(), {9, 0});  // a zero-length entry ends the walk
  return table("APIC", b);
}

// AML the way QEMU writes a microvm virtio-mmio device.
void aml_device(std::vector<uint8_t>& b, uint32_t base, uint32_t irq) {
  b.insert(b.end(), {0x5b, 0x82, 0x30, 'V', 'R', '0', '0'});
  b.insert(b.end(), {0x08, '_', 'H', 'I', 'D', 0x0d});
  for (char c : std::string("LNRO0005")) b.push_back(static_cast<uint8_t>(c));
  b.push_back(0);
  b.insert(b.end(), {0x08, '_', 'C', 'R', 'S', 0x11, 0x1a, 0x0a, 0x17});
  b.insert(b.end(), {0x86, 0x09, 0x00, 0x01});
  le32(b, base);
  le32(b, 0x200);
  b.insert(b.end(), {0x89, 0x06, 0x00, 0x09, 0x01});
  le32(b, irq);
  b.insert(b.end(), {0x79, 0x00});
}

std::vector<uint8_t> dsdt() {
  std::vector<uint8_t> b;
  aml_device(b, 0xfeb00000, 40);
  aml_device(b, 0xfeb00200, 41);
  // A device with the id but no resources before the next device.
  b.insert(b.end(), {0x08, '_', 'H', 'I', 'D', 0x0d});
  for (char c : std::string("LNRO0005")) b.push_back(static_cast<uint8_t>(c));
  b.insert(b.end(), {0, 0x5b, 0x82, 0x10});
  return table("DSDT", b);
}

std::vector<uint8_t> facp(uint32_t dsdt_addr) {
  std::vector<uint8_t> b(4, 0);  // FIRMWARE_CTRL
  le32(b, dsdt_addr);            // DSDT at offset 40
  return table("FACP", b);
}

constexpr uint64_t kRsdp = 0xf0000, kRsdt = 0xf1000, kMadt = 0xf2000, kFacp = 0xf3000, kDsdt = 0xf4000,
                   kXsdt = 0xf5000;

Phys machine() {
  Phys p;
  p.put(kRsdp, rsdp(kRsdt));
  std::vector<uint8_t> rb;
  le32(rb, kMadt);
  le32(rb, kFacp);
  le32(rb, 0x7fffffff);  // an entry outside memory: skipped
  p.put(kRsdt, table("RSDT", rb));
  p.put(kMadt, madt());
  p.put(kFacp, facp(kDsdt));
  p.put(kDsdt, dsdt());
  return p;
}

TEST(Acpi, FindsIoApicsAndVirtioMmioDevices) {
  Phys p = machine();
  for (uint64_t hint : {uint64_t{0}, kRsdp}) {  // found by the scan and by the PVH pointer
    AcpiInfo a = acpi_read(p.view(), hint);
    ASSERT_TRUE(a.found);
    ASSERT_EQ(a.nioapic, 2u);
    EXPECT_EQ(a.ioapic[1].addr, 0xfec10000u);
    EXPECT_EQ(a.ioapic[1].gsi_base, 24u);
    ASSERT_EQ(a.nmmio, 2u);
    EXPECT_EQ(a.mmio[0].base, 0xfeb00000u);
    EXPECT_EQ(a.mmio[0].size, 0x200u);
    EXPECT_EQ(a.mmio[1].irq, 41u);
    EXPECT_EQ(a.bad_tables, 0u);
  }
}

TEST(Acpi, XsdtIsPreferredOnRevision2) {
  Phys p = machine();
  std::vector<uint8_t> xb;
  le64(xb, kMadt);
  p.put(kXsdt, table("XSDT", xb));
  p.put(kRsdp, rsdp(kRsdt, kXsdt));
  AcpiInfo a = acpi_read(p.view(), 0);
  ASSERT_TRUE(a.found);
  EXPECT_EQ(a.nioapic, 2u);
  EXPECT_EQ(a.nmmio, 0u);  // the XSDT lists no FACP
}

TEST(Acpi, CorruptTablesAreSkipped) {
  Phys p = machine();
  p.at(kMadt)[50] ^= 0xff;  // MADT checksum now wrong
  uint32_t huge = 0x7fffffff;
  std::memcpy(p.at(kDsdt) + 4, &huge, 4);  // DSDT length absurd
  AcpiInfo a = acpi_read(p.view(), 0);
  EXPECT_TRUE(a.found);
  EXPECT_EQ(a.nioapic, 0u);
  EXPECT_EQ(a.nmmio, 0u);
  EXPECT_EQ(a.bad_tables, 2u);
}

TEST(Acpi, NoRsdpOrBadRootGivesNothing) {
  Phys empty;
  EXPECT_FALSE(acpi_read(empty.view(), 0).found);
  EXPECT_FALSE(acpi_read(empty.view(), 0x12345678).found);  // a hint outside memory
  Phys p = machine();
  p.at(kRsdt)[0] = 'X';  // root signature wrong
  EXPECT_FALSE(acpi_read(p.view(), 0).found);
}

TEST(Acpi, TruncatedDeviceNearTheEndIsIgnored) {
  Phys p = machine();
  std::vector<uint8_t> b;
  aml_device(b, 0xfeb00000, 40);
  b.resize(b.size() - 8);  // the interrupt descriptor cut off
  p.put(kDsdt, table("DSDT", b));
  AcpiInfo a = acpi_read(p.view(), 0);
  EXPECT_EQ(a.nmmio, 0u);
}

}  // namespace

namespace {

// After boot the view checks each read against the page tables: a table
// on an unmapped page is skipped, never read.
bool dsdt_unmapped(uint64_t addr, uint64_t len) { return addr + len <= 0xf4000 || addr >= 0xf5000; }

TEST(Acpi, UnreadablePagesAreNeverRead) {
  Phys p = machine();
  PhysView v = p.view();
  v.readable = dsdt_unmapped;
  AcpiInfo a = acpi_read(v, 0);
  EXPECT_TRUE(a.found);
  EXPECT_EQ(a.nioapic, 2u);
  EXPECT_EQ(a.nmmio, 0u);
}

}  // namespace
