// The kvm platform: from the arch boot code to kiln_boot_main.
//
// Boot protocol: decided by the entry point the loader used (PVH note or
// Multiboot header) and confirmed by the data, never by eax alone: a PVH
// start_info starts with magic 0x336ec578; Multiboot sets eax to
// 0x2badb002. (QEMU microvm's firmware may leave 0x2badb002 in eax on the
// PVH entry, and a loader may use either entry with the other protocol's
// data, so the data decides when the two disagree.)
//
// Command line: split into words by kiln_boot_argv (lib/boot, shared with
// xen); argv[0] is the app name. Multiboot loaders put the kernel's path
// first on the command line (QEMU does); that word is dropped. Words before `--` are Kiln
// options (lib/boot), the rest the app's arguments.
#include "kvm.h"
#include <kiln/arch/cpu.h>
#include <kiln/arch/x86.h>
#include <kiln/config.h>
#include <kiln/init.h>
#include <kiln/option.h>
#include <kiln/plat/console.h>
#include <kiln/plat/exit.h>
#include <kiln/plat/memory.h>
#include <kiln/plat/time.h>
#include <kiln/print.h>
#include <errno.h>

#ifndef KILN_KVM_APP_NAME
#define KILN_KVM_APP_NAME "app"
#endif

namespace kiln::kvm {
namespace {

constinit kiln::bm::BootInfo boot_info = {};
constinit uint64_t tsc_bm_main = 0, tsc_boot_main = 0;  // boot.trace points
constinit char app_name[] = KILN_KVM_APP_NAME;
constinit char empty_cmdline[1] = {};

#ifdef CONFIG_KVM_BOOT_TRACE
constinit bool trace = true;
#else
constinit bool trace = false;
#endif

int set_trace(const char* v) {
  if (v[0] == '1' && !v[1]) trace = true;
  else if (v[0] == '0' && !v[1]) trace = false;
  else return -EINVAL;
  return 0;
}

// The last init before constructors and main().
int trace_report() {
  if (!trace) return 0;
  uint64_t now = kiln::arch::cycles();
  uint64_t cycles = now - kiln_x86_boot_tsc;
  uint64_t hz = tsc_hz();
  kiln_printk(KILN_LOG_INFO, "boot.trace: entry -> long mode + IDT %lu, -> platform ready %lu, -> main %lu cycles",
              static_cast<unsigned long>(tsc_bm_main - kiln_x86_boot_tsc),
              static_cast<unsigned long>(tsc_boot_main - tsc_bm_main), static_cast<unsigned long>(now - tsc_boot_main));
  kiln_printk(KILN_LOG_INFO, "boot.trace: %lu TSC cycles from the first instruction to main (%lu us at %lu kHz, %s)",
              static_cast<unsigned long>(cycles), static_cast<unsigned long>(cycles * 1000000 / hz),
              static_cast<unsigned long>(hz / 1000), clock_source());
  return 0;
}

const char* proto_name(kiln::bm::BootProto p) { return p == kiln::bm::BootProto::pvh ? "PVH" : "Multiboot"; }

// After the options (log.level=info shows it).
int boot_report() {
  const kiln_mem_region* r;
  size_t n = kiln_plat_mem_regions(&r);
  unsigned long kib = 0;
  for (size_t i = 0; i < n; ++i) kib += r[i].len >> 10;
  kiln_info("kvm: booted via %s; %lu KiB free in %zu ranges; %zu page-table pages; initrd %lu bytes",
            proto_name(boot_info.proto), kib, n, kiln::x86::pt_pages_used(),
            static_cast<unsigned long>(boot_info.initrd_len));
  for (size_t i = 0; i < boot_info.nmem; ++i)
    kiln_debug("kvm:   memory map %#lx..%#lx type %u", static_cast<unsigned long>(boot_info.mem[i].base),
               static_cast<unsigned long>(boot_info.mem[i].base + boot_info.mem[i].len), boot_info.mem[i].type);
  return 0;
}

}  // namespace
}  // namespace kiln::kvm

KILN_INIT(plat, 010, kiln::kvm::boot_report);

// The initrd (kiln/plat/initrd.h) is the base's: plat/x86bm/src/memory.cpp.
KILN_OPTION("boot.trace", kiln::kvm::set_trace, "1: print TSC cycles from the first instruction to main");
KILN_INIT(late, 999, kiln::kvm::trace_report);

extern "C" void kiln_x86_bm_main(uint32_t entry, uint32_t info, uint32_t eax) {
  using namespace kiln::kvm;
  using namespace kiln::bm;
  tsc_bm_main = kiln::arch::cycles();
  console_init();
  pic_mask_all();

  // Boot data is read through the boot page tables: the low 4 GiB.
  const PhysView view{0, 0, 1ull << 32};
  const uint32_t* magic = static_cast<const uint32_t*>(info >= 4096 ? view.at(info, 4) : nullptr);
  bool pvh_data = magic && *magic == kPvhMagic;
  bool pvh = entry == KILN_X86_ENTRY_PVH ? !(eax == kMultibootMagic && !pvh_data)
                                         : (pvh_data && eax != kMultibootMagic);
  BootError err = pvh ? parse_pvh(view, info, &boot_info) : parse_multiboot(view, eax, info, &boot_info);
  if (err != BootError::ok) {
    kiln_printk(KILN_LOG_CRIT, "kvm: bad %s boot information at 0x%x (entry %s, eax 0x%x): %s",
                proto_name(boot_info.proto), info, entry == KILN_X86_ENTRY_PVH ? "PVH" : "Multiboot", eax,
                boot_error_str(err));
    kiln_plat_crash();
  }
  acpi_devices(boot_info.rsdp);
  if (!memory_init(boot_info, "kvm")) kiln_plat_crash();

  char* line = boot_info.cmdline ? reinterpret_cast<char*>(boot_info.cmdline) : empty_cmdline;
  take_mmio_devices(line);
  int argc;
  char** argv = kiln_boot_argv(line, app_name, boot_info.proto == BootProto::multiboot, "kvm", &argc);
  tsc_boot_main = kiln::arch::cycles();
  asm volatile("sti" ::: "memory");  // the PIC is masked; the LAPIC comes up with the timer
  kiln_boot_main(argc, argv);
}
