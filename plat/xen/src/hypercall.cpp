// Xen detection, the hypercall page and shared_info.
//
// Xen is found through its CPUID leaves: the first of 0x40000000,
// 0x40000100, ... 0x40010000 whose signature is "XenVMMXenVMM" (Xen may
// present Viridian leaves first). Leaf base+2 gives the MSR through which
// the guest asks Xen to write the hypercall stubs into a page of its own.
// shared_info is placed over a page of .bss with XENMEM_add_to_physmap.
#include "xen.h"
#include <kiln/arch/x86.h>
#include <kiln/plat/console.h>
#include <kiln/print.h>

namespace kiln::xen {
namespace {

constinit bool hc_ready = false;
alignas(4096) constinit char shared_page[4096] = {};
constinit SharedInfo* shinfo = nullptr;

}  // namespace

bool hypercall_init() {
  using kiln::x86::cpuid;
  if (!(cpuid(1).c & (1u << 31))) return false;  // no hypervisor
  for (uint32_t base = 0x40000000; base <= 0x40010000; base += 0x100) {
    auto s = cpuid(base);
    if (s.b == 0x566e6558 && s.c == 0x65584d4d && s.d == 0x4d4d566e && s.a - base >= 2) {  // XenVMMXenVMM
      auto l2 = cpuid(base + 2);
      if (l2.a < 1) return false;
      kiln::x86::wrmsr(l2.b, reinterpret_cast<uint64_t>(kiln_xen_hypercall_page));
      hc_ready = static_cast<unsigned char>(kiln_xen_hypercall_page[0]) != 0xcc;
      return hc_ready;
    }
  }
  return false;
}

bool ready() { return hc_ready; }

long hvm_get_param(unsigned index, uint64_t* value) {
  HvmParam p{kDomidSelf, index, 0};
  long r = hypercall(kHcHvmOp, kHvmGetParam, &p);
  if (r == 0) *value = p.value;
  return r;
}

long hvm_set_param(unsigned index, uint64_t value) {
  HvmParam p{kDomidSelf, index, value};
  return hypercall(kHcHvmOp, kHvmSetParam, &p);
}

long evtchn_send(uint32_t port) {
  uint32_t p = port;
  return hypercall(kHcEventChannelOp, kEvtchnSend, &p);
}

bool map_shared_info() {
  AddToPhysmap x{kDomidSelf, 0, kMapSpaceSharedInfo, 0, reinterpret_cast<uint64_t>(shared_page) >> 12};
  long r = hypercall(kHcMemoryOp, kXenmemAddToPhysmap, &x);
  if (r) {
    kiln_warn("xen: cannot map shared_info (XENMEM_add_to_physmap: %ld)", r);
    return false;
  }
  shinfo = reinterpret_cast<SharedInfo*>(shared_page);
  // Masked until events_init sets up the callback vector.
  shinfo->vcpu_info[0].evtchn_upcall_mask = 1;
  return true;
}

SharedInfo* shared_info() { return shinfo; }

void shutdown(unsigned reason) {
  kiln_plat_console_flush();
  if (hc_ready) {
    unsigned r = reason;
    hypercall(kHcSchedOp, kSchedShutdown, &r);
  }
  for (;;) asm volatile("cli; hlt");
}

}  // namespace kiln::xen
