// kvm boot information parsing (PVH hvm_start_info, Multiboot 1) on
// hand-made and malformed structures: errors, never a bad read.
#include <kiln/x86bm/bootinfo.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace kiln::bm;

namespace {

// A fake piece of physical memory at physical address kPhys.
struct Phys {
  static constexpr uint64_t kPhys = 0x10000;
  std::vector<unsigned char> bytes = std::vector<unsigned char>(64 * 1024);
  PhysView view() const { return {reinterpret_cast<uintptr_t>(bytes.data()), kPhys, bytes.size()}; }
  template <typename T>
  void put(uint64_t addr, const T& v) {
    std::memcpy(&bytes[addr - kPhys], &v, sizeof v);
  }
  void put_str(uint64_t addr, const std::string& s) { std::memcpy(&bytes[addr - kPhys], s.c_str(), s.size() + 1); }
};

struct __attribute__((packed)) StartInfo {
  uint32_t magic, version, flags, nr_modules;
  uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
  uint32_t memmap_entries, reserved;
};
struct __attribute__((packed)) PvhMem {
  uint64_t addr, size;
  uint32_t type, reserved;
};
struct __attribute__((packed)) PvhMod {
  uint64_t paddr, size, cmdline, reserved;
};

constexpr uint64_t kInfo = 0x10000, kMap = 0x10100, kCmd = 0x10200, kMods = 0x10300;

Phys good_pvh() {
  Phys p;
  p.put(kInfo, StartInfo{kPvhMagic, 1, 0, 1, kMods, kCmd, 0, kMap, 2, 0});
  p.put(kMap, PvhMem{0, 0x9fc00, 1, 0});
  p.put(kMap + sizeof(PvhMem), PvhMem{0x100000, 0x3f00000, 1, 0});
  p.put_str(kCmd, "log.level=info -- a b");
  p.put(kMods, PvhMod{0x2000000, 0x1234, 0, 0});
  return p;
}

TEST(BootInfo, PvhParsesMapCommandLineAndInitrd) {
  Phys p = good_pvh();
  BootInfo bi;
  ASSERT_EQ(parse_pvh(p.view(), kInfo, &bi), BootError::ok);
  EXPECT_EQ(bi.proto, BootProto::pvh);
  ASSERT_EQ(bi.nmem, 2u);
  EXPECT_EQ(bi.mem[1].base, 0x100000u);
  EXPECT_EQ(bi.mem[1].len, 0x3f00000u);
  EXPECT_EQ(bi.cmdline, kCmd);
  EXPECT_EQ(bi.cmdline_len, std::strlen("log.level=info -- a b"));
  EXPECT_EQ(bi.initrd, 0x2000000u);
  EXPECT_EQ(bi.initrd_len, 0x1234u);
  EXPECT_GE(bi.nreserved, 3u);  // info block, memory map, module list
}

TEST(BootInfo, PvhMalformed) {
  BootInfo bi;
  {
    Phys p = good_pvh();
    EXPECT_EQ(parse_pvh(p.view(), 0, &bi), BootError::no_info);
    EXPECT_EQ(parse_pvh(p.view(), 0x999999, &bi), BootError::info_out_of_bounds);
    EXPECT_EQ(parse_pvh(p.view(), Phys::kPhys + p.bytes.size() - 20, &bi), BootError::info_out_of_bounds);
  }
  {
    Phys p = good_pvh();
    p.put(kInfo, uint32_t{0x12345678});
    EXPECT_EQ(parse_pvh(p.view(), kInfo, &bi), BootError::bad_magic);
  }
  {
    Phys p = good_pvh();
    p.put(kInfo + 4, uint32_t{0});
    EXPECT_EQ(parse_pvh(p.view(), kInfo, &bi), BootError::bad_version);
  }
  {
    Phys p = good_pvh();
    p.put(kInfo + offsetof(StartInfo, memmap_entries), uint32_t{0x7fffffff});
    EXPECT_EQ(parse_pvh(p.view(), kInfo, &bi), BootError::memmap_out_of_bounds);
  }
  {
    Phys p = good_pvh();
    p.put(kInfo + offsetof(StartInfo, memmap_entries), uint32_t{0});
    EXPECT_EQ(parse_pvh(p.view(), kInfo, &bi), BootError::no_memmap);
  }
  {
    Phys p = good_pvh();
    p.put(kInfo + offsetof(StartInfo, cmdline_paddr), uint64_t{0xdead0000});
    EXPECT_EQ(parse_pvh(p.view(), kInfo, &bi), BootError::cmdline_out_of_bounds);
  }
  {
    Phys p = good_pvh();  // a command line that runs off the end of memory
    uint64_t last = Phys::kPhys + p.bytes.size() - 8;
    std::memset(&p.bytes[last - Phys::kPhys], 'x', 8);
    p.put(kInfo + offsetof(StartInfo, cmdline_paddr), last);
    BootError e = parse_pvh(p.view(), kInfo, &bi);
    EXPECT_TRUE(e == BootError::cmdline_out_of_bounds || e == BootError::cmdline_unterminated)
        << boot_error_str(e);
  }
  {
    Phys p = good_pvh();
    p.put(kMods, PvhMod{~0ull - 10, 100, 0, 0});
    EXPECT_EQ(parse_pvh(p.view(), kInfo, &bi), BootError::module_bad_range);
  }
  {
    Phys p = good_pvh();
    p.put(kInfo + offsetof(StartInfo, modlist_paddr), uint64_t{0x7777777});
    EXPECT_EQ(parse_pvh(p.view(), kInfo, &bi), BootError::module_out_of_bounds);
  }
  for (int e = 0; e <= static_cast<int>(BootError::too_many_reserved); ++e)
    EXPECT_NE(std::string(boot_error_str(static_cast<BootError>(e))), "");
}

struct __attribute__((packed)) Mbi {
  uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
  uint32_t syms[4];
  uint32_t mmap_length, mmap_addr;
};
struct __attribute__((packed)) MbMem {
  uint32_t size;
  uint64_t addr, len;
  uint32_t type;
};
struct __attribute__((packed)) MbMod {
  uint32_t start, end, string, reserved;
};

Phys good_mb() {
  Phys p;
  Mbi m{};
  m.flags = (1u << 6) | (1u << 2) | (1u << 3) | 1u;
  m.mem_lower = 639;
  m.mem_upper = 64 * 1024;
  m.cmdline = kCmd;
  m.mods_count = 1;
  m.mods_addr = kMods;
  m.mmap_length = 2 * sizeof(MbMem);
  m.mmap_addr = kMap;
  p.put(kInfo, m);
  p.put(kMap, MbMem{20, 0, 0x9fc00, 1});
  p.put(kMap + sizeof(MbMem), MbMem{20, 0x100000, 0x3f00000, 1});
  p.put_str(kCmd, "-- hello");
  p.put(kMods, MbMod{0x3000000, 0x3001000, 0, 0});
  return p;
}

TEST(BootInfo, MultibootParsesMapCommandLineAndModule) {
  Phys p = good_mb();
  BootInfo bi;
  ASSERT_EQ(parse_multiboot(p.view(), kMultibootMagic, kInfo, &bi), BootError::ok);
  ASSERT_EQ(bi.nmem, 2u);
  EXPECT_EQ(bi.mem[1].len, 0x3f00000u);
  EXPECT_EQ(bi.cmdline, kCmd);
  EXPECT_EQ(bi.initrd, 0x3000000u);
  EXPECT_EQ(bi.initrd_len, 0x1000u);
}

TEST(BootInfo, MultibootMalformed) {
  BootInfo bi;
  {
    Phys p = good_mb();
    EXPECT_EQ(parse_multiboot(p.view(), 0x2badb003, kInfo, &bi), BootError::bad_magic);
    EXPECT_EQ(parse_multiboot(p.view(), kMultibootMagic, 0, &bi), BootError::no_info);
  }
  {
    Phys p = good_mb();
    p.put(kMap, MbMem{4, 0, 0x9fc00, 1});  // entry size below 20
    EXPECT_EQ(parse_multiboot(p.view(), kMultibootMagic, kInfo, &bi), BootError::memmap_bad_entry);
  }
  {
    Phys p = good_mb();
    p.put(kMap, MbMem{0xffffff00, 0, 0x9fc00, 1});  // entry overruns the map
    EXPECT_EQ(parse_multiboot(p.view(), kMultibootMagic, kInfo, &bi), BootError::memmap_bad_entry);
  }
  {
    Phys p = good_mb();
    p.put(kInfo + offsetof(Mbi, mmap_length), uint32_t{0x100000});
    EXPECT_EQ(parse_multiboot(p.view(), kMultibootMagic, kInfo, &bi), BootError::memmap_out_of_bounds);
  }
  {
    Phys p = good_mb();
    p.put(kMods, MbMod{0x3001000, 0x3000000, 0, 0});  // end before start
    EXPECT_EQ(parse_multiboot(p.view(), kMultibootMagic, kInfo, &bi), BootError::module_bad_range);
  }
  {
    Phys p = good_mb();  // no memory map, only the basic counts
    p.put(kInfo, uint32_t{1});
    ASSERT_EQ(parse_multiboot(p.view(), kMultibootMagic, kInfo, &bi), BootError::ok);
    ASSERT_EQ(bi.nmem, 2u);
    EXPECT_EQ(bi.mem[1].len, 64u * 1024 * 1024);
    p.put(kInfo, uint32_t{0});
    EXPECT_EQ(parse_multiboot(p.view(), kMultibootMagic, kInfo, &bi), BootError::no_memmap);
  }
}

TEST(BootInfo, RandomBytesNeverCrash) {
  std::mt19937 rng(99);
  for (int round = 0; round < 2000; ++round) {
    Phys p;
    for (auto& b : p.bytes) b = static_cast<unsigned char>(rng());
    if (round % 2) p.put(kInfo, kPvhMagic);  // get past the magic check half the time
    BootInfo bi;
    uint64_t at = kInfo + (rng() % 4096);
    (void)parse_pvh(p.view(), at, &bi);
    (void)parse_multiboot(p.view(), kMultibootMagic, at, &bi);
    EXPECT_LE(bi.nmem, BootInfo::kMaxMem);
    EXPECT_LE(bi.nreserved, BootInfo::kMaxReserved);
  }
}

TEST(BootInfo, FreeRangesSubtractReservedAndAlign) {
  MemRange ram[] = {{0x100000, 0x3f00000, 1}, {0, 0x9fc00, 1}, {0xfee00000, 0x1000, 2}};
  MemRange reserved[] = {{0x100000, 0x80000, 1}, {0x200123, 0x100, 1}};
  MemRange out[8];
  bool truncated = true;
  size_t n = free_ranges(ram, 3, reserved, 2, out, 8, &truncated);
  EXPECT_FALSE(truncated);
  ASSERT_EQ(n, 3u);
  EXPECT_EQ(out[0].base, 0u);  // sorted by address
  EXPECT_EQ(out[0].len, 0x9f000u);  // end rounded down to a page
  EXPECT_EQ(out[1].base, 0x180000u);
  EXPECT_EQ(out[1].base + out[1].len, 0x200000u);  // stops before the page holding 0x200123
  EXPECT_EQ(out[2].base, 0x201000u);  // resumes after it
  EXPECT_EQ(out[2].base + out[2].len, 0x4000000u);
  n = free_ranges(ram, 3, reserved, 2, out, 1, &truncated);
  EXPECT_EQ(n, 1u);
  EXPECT_TRUE(truncated);
}

}  // namespace
