// virtio_mmio.device= words: parsing and taking them out of the command
// line wherever QEMU put them.
#include <kiln/kvm/mmio_cmdline.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

using namespace kiln::kvm;

namespace {

bool parse(const char* v, kiln_mmio_device* d) { return parse_virtio_mmio(v, std::strlen(v), d); }

TEST(MmioCmdline, ParsesQemuAndLinuxForms) {
  kiln_mmio_device d{};
  ASSERT_TRUE(parse("512@0xfeb00e00:12", &d));
  EXPECT_EQ(d.base, 0xfeb00e00u);
  EXPECT_EQ(d.size, 512u);
  EXPECT_EQ(d.irq, 12u);
  ASSERT_TRUE(parse("4K@0x10000000:5:3", &d));
  EXPECT_EQ(d.size, 4096u);
  EXPECT_EQ(d.irq, 5u);
  ASSERT_TRUE(parse("1M@4096:40", &d));
  EXPECT_EQ(d.size, 1u << 20);
  EXPECT_EQ(d.base, 4096u);
}

TEST(MmioCmdline, RejectsMalformedValues) {
  kiln_mmio_device d{};
  for (const char* bad : {"", "512", "512@", "512@0xfeb00e00", "512@0xfeb00e00:", "@0x1000:1", "0@0x1000:1",
                          "512@0x1000:1x", "512@0x1000:1:", "512@0xffffffffffffffff:1", "99999999999999999999@0:1",
                          "512@0x1000:70000", "512Q@0x1000:1", "0x@0x1000:1", "17179869184G@0:1"})
    EXPECT_FALSE(parse(bad, &d)) << bad;
}

TEST(MmioCmdline, TakesWordsAnywhereAndKeepsTheRest) {
  char line[] = "net.ip=10.0.2.15/24 -- 8080 virtio_mmio.device=512@0xfeb00e00:12 virtio_mmio.device=512@0xfeb01000:13";
  kiln_mmio_device d[4];
  MmioTake t = take_virtio_mmio(line, d, 4);
  EXPECT_EQ(t.count, 2u);
  EXPECT_EQ(t.malformed, 0u);
  EXPECT_EQ(d[1].base, 0xfeb01000u);
  EXPECT_EQ(d[1].irq, 13u);
  std::string rest(line);
  EXPECT_EQ(rest.find("virtio"), std::string::npos);
  EXPECT_EQ(rest.substr(0, 28), "net.ip=10.0.2.15/24 -- 8080 ");
}

TEST(MmioCmdline, QuotedWordsAreTheAppsAndMalformedOnesAreCounted) {
  char line[] = "-- 'virtio_mmio.device=512@0x1000:1' virtio_mmio.device=junk virtio_mmio.device=512@0x2000:2";
  kiln_mmio_device d[1];
  MmioTake t = take_virtio_mmio(line, d, 1);
  EXPECT_EQ(t.count, 1u);
  EXPECT_EQ(t.malformed, 1u);
  EXPECT_EQ(d[0].base, 0x2000u);
  EXPECT_NE(std::string(line).find("'virtio_mmio.device=512@0x1000:1'"), std::string::npos);
  char many[] = "virtio_mmio.device=1@1:1 virtio_mmio.device=1@2:1";
  t = take_virtio_mmio(many, d, 1);
  EXPECT_EQ(t.count, 1u);
  EXPECT_EQ(t.dropped, 1u);
  char empty[] = "";
  EXPECT_EQ(take_virtio_mmio(empty, d, 1).count, 0u);
}

}  // namespace
