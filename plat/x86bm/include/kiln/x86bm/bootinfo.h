// Bare-metal x86 boot information (kvm, xen): one view of what PVH or Multiboot 1 handed over.
//
// Pure parsing, no kernel dependencies: it compiles on the host too, so
// tests can feed it hand-made (and malformed) structures. All boot data
// is read through a PhysView, which maps physical addresses to bytes and
// bounds-checks every access; a malformed structure gives an error code
// (boot_error_str() describes it), never an out-of-bounds read.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace kiln::bm {

// A window of physical memory: physical address `phys` .. phys + size is
// readable at `base` in this address space. In the guest, base ==
// phys == 0 and size covers what the boot page tables map (identity).
struct PhysView {
  uintptr_t base;
  uint64_t phys;
  uint64_t size;
  // Optional: a further check that [addr, addr + len) can be read (after
  // boot, where the page tables map only part of the low 4 GiB).
  bool (*readable)(uint64_t addr, uint64_t len) = nullptr;

  // Pointer to [addr, addr + len) or nullptr when any of it is outside.
  const void* at(uint64_t addr, uint64_t len) const {
    if (addr < phys || len > size || addr - phys > size - len) return nullptr;
    if (readable && !readable(addr, len)) return nullptr;
    return reinterpret_cast<const void*>(base + static_cast<uintptr_t>(addr - phys));
  }
};

enum class MemType : uint32_t { ram = 1, reserved = 2, acpi = 3, nvs = 4, unusable = 5 };

struct MemRange {
  uint64_t base;
  uint64_t len;
  uint32_t type;  // MemType value as given (E820 numbering; others kept)
};

enum class BootProto : uint8_t { none, pvh, multiboot };

struct BootInfo {
  static constexpr size_t kMaxMem = 64;
  static constexpr size_t kMaxReserved = 8;

  BootProto proto = BootProto::none;
  // The memory map in the order given (not merged or sorted).
  MemRange mem[kMaxMem] = {};
  size_t nmem = 0;
  bool mem_truncated = false;  // more entries than kMaxMem: the rest dropped
  // Command line (NUL-terminated at cmdline + cmdline_len), 0 if none.
  uint64_t cmdline = 0;
  uint64_t cmdline_len = 0;
  // First module (PVH modlist[0] / Multiboot mods[0]), 0 if none.
  uint64_t initrd = 0;
  uint64_t initrd_len = 0;
  // ACPI RSDP (PVH rsdp_paddr), 0 when the loader gave none.
  uint64_t rsdp = 0;
  // Memory holding boot structures (info block, memory map, module list,
  // command line): keep it out of the allocator.
  MemRange reserved[kMaxReserved] = {};
  size_t nreserved = 0;
};

enum class BootError {
  ok,
  no_info,              // info pointer is 0
  info_out_of_bounds,   // info block not inside the view
  bad_magic,            // PVH magic / Multiboot eax magic wrong
  bad_version,          // PVH start_info version 0 without a memory map
  no_memmap,            // neither a memory map nor usable fallbacks
  memmap_out_of_bounds, // memory map entries outside the view
  memmap_bad_entry,     // Multiboot mmap entry size < 20 or overrunning
  cmdline_out_of_bounds,
  cmdline_unterminated, // no NUL within kMaxCmdline bytes
  module_out_of_bounds, // module list outside the view
  module_bad_range,     // module end < start, or wraps
  too_many_reserved,
};

constexpr uint64_t kMaxCmdline = 65536;
constexpr uint32_t kPvhMagic = 0x336ec578;
constexpr uint32_t kMultibootMagic = 0x2badb002;  // in eax at entry

const char* boot_error_str(BootError e);

// hvm_start_info at `info` (PVH, Xen's arch-x86/hvm/start_info.h).
BootError parse_pvh(const PhysView& mem, uint64_t info, BootInfo* out);
// Multiboot 1 information at `info`; `magic` is eax at entry.
BootError parse_multiboot(const PhysView& mem, uint32_t magic, uint64_t info, BootInfo* out);

// Free memory: RAM ranges minus every reserved range, page aligned
// (bases rounded up, ends down), sorted by address, overlaps in `ram`
// merged. Ranges shorter than a page are dropped. Returns the count
// written to out (at most max; `*truncated` set when more existed).
size_t free_ranges(const MemRange* ram, size_t nram, const MemRange* reserved, size_t nreserved,
                   MemRange* out, size_t max, bool* truncated);

}  // namespace kiln::bm
