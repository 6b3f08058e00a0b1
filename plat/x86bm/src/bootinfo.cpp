// Bare-metal x86 boot information parsing (see kiln/x86bm/bootinfo.h). Host-compilable:
// no kernel headers, no libc beyond what the compiler provides.
#include <kiln/x86bm/bootinfo.h>

namespace kiln::bm {
namespace {

template <typename T>
bool read(const PhysView& m, uint64_t addr, T* out) {
  const void* p = m.at(addr, sizeof(T));
  if (!p) return false;
  __builtin_memcpy(out, p, sizeof(T));
  return true;
}

bool add_reserved(BootInfo* bi, uint64_t base, uint64_t len) {
  if (!len) return true;
  if (bi->nreserved == BootInfo::kMaxReserved) return false;
  bi->reserved[bi->nreserved++] = MemRange{base, len, static_cast<uint32_t>(MemType::reserved)};
  return true;
}

void add_mem(BootInfo* bi, uint64_t base, uint64_t len, uint32_t type) {
  if (!len) return;
  if (bi->nmem == BootInfo::kMaxMem) {
    bi->mem_truncated = true;
    return;
  }
  bi->mem[bi->nmem++] = MemRange{base, len, type};
}

// Finds the NUL ending the string at addr; its length in *len.
BootError cmdline_at(const PhysView& m, uint64_t addr, uint64_t* len) {
  for (uint64_t i = 0; i < kMaxCmdline; ++i) {
    const char* c = static_cast<const char*>(m.at(addr + i, 1));
    if (!c) return BootError::cmdline_out_of_bounds;
    if (!*c) {
      *len = i;
      return BootError::ok;
    }
  }
  return BootError::cmdline_unterminated;
}

BootError set_cmdline(const PhysView& m, uint64_t addr, BootInfo* out) {
  if (!addr) return BootError::ok;
  uint64_t len = 0;
  if (BootError e = cmdline_at(m, addr, &len); e != BootError::ok) return e;
  out->cmdline = addr;
  out->cmdline_len = len;
  return add_reserved(out, addr, len + 1) ? BootError::ok : BootError::too_many_reserved;
}

BootError set_module(uint64_t start, uint64_t end, BootInfo* out) {
  if (end < start) return BootError::module_bad_range;
  out->initrd = start;
  out->initrd_len = end - start;
  return BootError::ok;
}

}  // namespace

const char* boot_error_str(BootError e) {
  switch (e) {
    case BootError::ok: return "ok";
    case BootError::no_info: return "no boot information (null pointer)";
    case BootError::info_out_of_bounds: return "boot information block outside mapped memory";
    case BootError::bad_magic: return "bad boot information magic";
    case BootError::bad_version: return "PVH start_info version 0 has no memory map";
    case BootError::no_memmap: return "no memory map";
    case BootError::memmap_out_of_bounds: return "memory map outside mapped memory";
    case BootError::memmap_bad_entry: return "malformed memory map entry";
    case BootError::cmdline_out_of_bounds: return "command line outside mapped memory";
    case BootError::cmdline_unterminated: return "command line not NUL-terminated within 64 KiB";
    case BootError::module_out_of_bounds: return "module list outside mapped memory";
    case BootError::module_bad_range: return "module ends before it starts";
    case BootError::too_many_reserved: return "too many boot data ranges";
  }
  return "unknown error";
}

BootError parse_pvh(const PhysView& m, uint64_t info, BootInfo* out) {
  *out = BootInfo{};
  out->proto = BootProto::pvh;
  if (!info) return BootError::no_info;
  struct [[gnu::packed]] StartInfo {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
    uint64_t memmap_paddr;  // version >= 1
    uint32_t memmap_entries, reserved;
  };
  static_assert(sizeof(StartInfo) == 56);
  StartInfo si{};
  if (!read(m, info, reinterpret_cast<char(*)[40]>(&si))) return BootError::info_out_of_bounds;
  if (si.magic != kPvhMagic) return BootError::bad_magic;
  if (si.version < 1) return BootError::bad_version;
  if (!read(m, info, &si)) return BootError::info_out_of_bounds;
  add_reserved(out, info, sizeof si);
  out->rsdp = si.rsdp_paddr;

  if (!si.memmap_paddr || !si.memmap_entries) return BootError::no_memmap;
  struct [[gnu::packed]] MemmapEntry {
    uint64_t addr, size;
    uint32_t type, reserved;
  };
  static_assert(sizeof(MemmapEntry) == 24);
  const uint64_t table_len = static_cast<uint64_t>(si.memmap_entries) * sizeof(MemmapEntry);
  if (!m.at(si.memmap_paddr, table_len)) return BootError::memmap_out_of_bounds;
  for (uint32_t i = 0; i < si.memmap_entries; ++i) {
    MemmapEntry e{};
    read(m, si.memmap_paddr + i * sizeof e, &e);
    add_mem(out, e.addr, e.size, e.type);
  }
  if (!add_reserved(out, si.memmap_paddr, table_len)) return BootError::too_many_reserved;

  if (BootError e = set_cmdline(m, si.cmdline_paddr, out); e != BootError::ok) return e;

  if (si.nr_modules) {
    struct [[gnu::packed]] Module {
      uint64_t paddr, size, cmdline_paddr, reserved;
    };
    Module mod;
    if (!si.modlist_paddr || !read(m, si.modlist_paddr, &mod)) return BootError::module_out_of_bounds;
    if (mod.paddr + mod.size < mod.paddr) return BootError::module_bad_range;
    if (BootError e = set_module(mod.paddr, mod.paddr + mod.size, out); e != BootError::ok) return e;
    if (!add_reserved(out, si.modlist_paddr, sizeof(Module) * si.nr_modules)) return BootError::too_many_reserved;
  }
  return BootError::ok;
}

BootError parse_multiboot(const PhysView& m, uint32_t magic, uint64_t info, BootInfo* out) {
  *out = BootInfo{};
  out->proto = BootProto::multiboot;
  if (magic != kMultibootMagic) return BootError::bad_magic;
  if (!info) return BootError::no_info;
  struct [[gnu::packed]] Mbi {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
  };
  static_assert(sizeof(Mbi) == 52);
  Mbi mb;
  if (!read(m, info, &mb)) return BootError::info_out_of_bounds;
  add_reserved(out, info, sizeof mb);

  if (mb.flags & (1u << 6)) {
    if (!m.at(mb.mmap_addr, mb.mmap_length)) return BootError::memmap_out_of_bounds;
    uint64_t p = mb.mmap_addr, end = static_cast<uint64_t>(mb.mmap_addr) + mb.mmap_length;
    while (p < end) {
      struct [[gnu::packed]] Entry {
        uint32_t size;
        uint64_t addr, len;
        uint32_t type;
      } e;
      static_assert(sizeof(Entry) == 24);
      if (end - p < sizeof e || !read(m, p, &e)) return BootError::memmap_bad_entry;
      if (e.size < 20 || e.size > end - p - 4) return BootError::memmap_bad_entry;
      add_mem(out, e.addr, e.len, e.type);
      p += static_cast<uint64_t>(e.size) + 4;
    }
    if (!add_reserved(out, mb.mmap_addr, mb.mmap_length)) return BootError::too_many_reserved;
  } else if (mb.flags & 1u) {
    // Only the basic counts: conventional memory and the block at 1 MiB.
    add_mem(out, 0, static_cast<uint64_t>(mb.mem_lower) << 10, static_cast<uint32_t>(MemType::ram));
    add_mem(out, 1 << 20, static_cast<uint64_t>(mb.mem_upper) << 10, static_cast<uint32_t>(MemType::ram));
  }
  if (!out->nmem) return BootError::no_memmap;

  if (mb.flags & (1u << 2)) {
    if (BootError e = set_cmdline(m, mb.cmdline, out); e != BootError::ok) return e;
  }
  if ((mb.flags & (1u << 3)) && mb.mods_count) {
    struct [[gnu::packed]] Module {
      uint32_t start, end, string, reserved;
    } mod;
    if (!read(m, mb.mods_addr, &mod)) return BootError::module_out_of_bounds;
    if (BootError e = set_module(mod.start, mod.end, out); e != BootError::ok) return e;
    if (!add_reserved(out, mb.mods_addr, static_cast<uint64_t>(sizeof mod) * mb.mods_count))
      return BootError::too_many_reserved;
  }
  return BootError::ok;
}

size_t free_ranges(const MemRange* ram, size_t nram, const MemRange* reserved, size_t nreserved,
                   MemRange* out, size_t max, bool* truncated) {
  constexpr uint64_t kPage = 4096;
  constexpr size_t kWork = 160;
  struct R {
    uint64_t start, end;  // end exclusive
  };
  R work[kWork];
  size_t n = 0;
  bool lost = false;
  auto end_of = [](uint64_t base, uint64_t len) { return len > ~0ull - base ? ~0ull : base + len; };

  // RAM ranges, sorted by start (insertion sort: the lists are short).
  for (size_t i = 0; i < nram; ++i) {
    if (ram[i].type != static_cast<uint32_t>(MemType::ram) || !ram[i].len) continue;
    R r{ram[i].base, end_of(ram[i].base, ram[i].len)};
    if (n == kWork) {
      lost = true;
      break;
    }
    size_t j = n++;
    while (j > 0 && work[j - 1].start > r.start) {
      work[j] = work[j - 1];
      --j;
    }
    work[j] = r;
  }
  // Merge overlapping or touching ranges.
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    if (m && work[i].start <= work[m - 1].end) {
      if (work[i].end > work[m - 1].end) work[m - 1].end = work[i].end;
    } else {
      work[m++] = work[i];
    }
  }
  n = m;
  // Cut out each reserved range (widened to whole pages).
  for (size_t k = 0; k < nreserved; ++k) {
    if (!reserved[k].len) continue;
    uint64_t rs = reserved[k].base & ~(kPage - 1);
    uint64_t re = end_of(reserved[k].base, reserved[k].len);
    re = re > ~0ull - (kPage - 1) ? ~0ull : (re + kPage - 1) & ~(kPage - 1);
    for (size_t i = 0; i < n; ++i) {
      R& w = work[i];
      if (re <= w.start || rs >= w.end) continue;
      if (rs <= w.start && re >= w.end) {  // covered: drop
        for (size_t j = i + 1; j < n; ++j) work[j - 1] = work[j];
        --n;
        --i;
      } else if (rs <= w.start) {
        w.start = re;
      } else if (re >= w.end) {
        w.end = rs;
      } else {  // in the middle: split in two
        if (n == kWork) {
          lost = true;
          w.end = rs;
          continue;
        }
        for (size_t j = n; j > i + 1; --j) work[j] = work[j - 1];
        work[i + 1] = R{re, w.end};
        w.end = rs;
        ++n;
        ++i;
      }
    }
  }
  size_t count = 0;
  for (size_t i = 0; i < n; ++i) {
    uint64_t s = work[i].start > ~0ull - (kPage - 1) ? ~0ull : (work[i].start + kPage - 1) & ~(kPage - 1);
    uint64_t e = work[i].end & ~(kPage - 1);
    if (e <= s) continue;
    if (count == max) {
      lost = true;
      break;
    }
    out[count++] = MemRange{s, e - s, static_cast<uint32_t>(MemType::ram)};
  }
  if (truncated) *truncated = lost;
  return count;
}

}  // namespace kiln::bm
