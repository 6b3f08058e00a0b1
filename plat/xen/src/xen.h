// xen platform internals: the Xen ABI subset Kiln uses (from Xen's public
// headers, x86_64 layout, checked with static_assert) and the functions
// its source files share.
#pragma once
#include <stddef.h>
#include <stdint.h>

extern "C" char kiln_xen_hypercall_page[4096];

namespace kiln::xen {

// Hypercall numbers (xen.h) and sub-ops.
enum : unsigned {
  kHcMemoryOp = 12, kHcConsoleIo = 18, kHcXenVersion = 17, kHcGrantTableOp = 20, kHcSchedOp = 29,
  kHcEventChannelOp = 32, kHcHvmOp = 34, kHcVcpuOp = 24,
};
enum : unsigned { kSchedYield = 0, kSchedBlock = 1, kSchedShutdown = 2, kSchedPoll = 3 };
enum : unsigned { kShutdownPoweroff = 0, kShutdownReboot = 1, kShutdownCrash = 3 };
enum : unsigned {
  kEvtchnBindInterdomain = 0, kEvtchnBindVirq = 1, kEvtchnClose = 3, kEvtchnSend = 4, kEvtchnAllocUnbound = 6,
  kEvtchnUnmask = 9,
};
enum : unsigned { kVcpuStopPeriodicTimer = 7, kVcpuSetSingleshotTimer = 8, kVcpuStopSingleshotTimer = 9 };
enum : unsigned { kGnttabCopy = 5, kGnttabQuerySize = 6 };
constexpr uint32_t kVirqTimer = 0;
enum : unsigned { kHvmSetParam = 0, kHvmGetParam = 1 };
enum : unsigned {
  kParamCallbackIrq = 0, kParamStorePfn = 1, kParamStoreEvtchn = 2, kParamConsolePfn = 17, kParamConsoleEvtchn = 18,
};
enum : unsigned { kXenmemAddToPhysmap = 7, kMapSpaceSharedInfo = 0, kMapSpaceGrantTable = 1 };
constexpr uint16_t kDomidSelf = 0x7ff0;

struct HvmParam {
  uint16_t domid;
  uint32_t index;
  uint64_t value;
};
static_assert(sizeof(HvmParam) == 16 && offsetof(HvmParam, index) == 4 && offsetof(HvmParam, value) == 8);

struct AddToPhysmap {
  uint16_t domid;
  uint16_t size;
  uint32_t space;
  uint64_t idx;
  uint64_t gpfn;
};
static_assert(sizeof(AddToPhysmap) == 24 && offsetof(AddToPhysmap, idx) == 8 && offsetof(AddToPhysmap, gpfn) == 16);

struct SchedPoll {
  uint32_t* ports;
  uint32_t nr_ports;
  uint64_t timeout;  // absolute Xen system time (ns), 0 = none
};
static_assert(sizeof(SchedPoll) == 24 && offsetof(SchedPoll, timeout) == 16);

struct VcpuTimeInfo {
  uint32_t version, pad0;
  uint64_t tsc_timestamp;
  uint64_t system_time;
  uint32_t tsc_to_system_mul;
  int8_t tsc_shift;
  uint8_t flags;
  uint8_t pad1[2];
};
static_assert(sizeof(VcpuTimeInfo) == 32);

struct VcpuInfo {
  uint8_t evtchn_upcall_pending;
  uint8_t evtchn_upcall_mask;
  uint8_t pad[6];
  uint64_t evtchn_pending_sel;
  uint64_t cr2, arch_pad;
  VcpuTimeInfo time;
};
static_assert(sizeof(VcpuInfo) == 64 && offsetof(VcpuInfo, time) == 32);

struct SharedInfo {
  VcpuInfo vcpu_info[32];
  uint64_t evtchn_pending[64];
  uint64_t evtchn_mask[64];
  uint32_t wc_version, wc_sec, wc_nsec, wc_sec_hi;
};
static_assert(offsetof(SharedInfo, evtchn_pending) == 2048 && offsetof(SharedInfo, evtchn_mask) == 2560 &&
              offsetof(SharedInfo, wc_version) == 3072 && offsetof(SharedInfo, wc_sec_hi) == 3084);

struct SingleshotTimer {
  uint64_t timeout_abs_ns;  // Xen system time
  uint32_t flags;
};
static_assert(sizeof(SingleshotTimer) == 16);

struct EvtchnBindVirq {
  uint32_t virq, vcpu, port;
};
struct EvtchnAllocUnbound {
  uint16_t dom, remote_dom;
  uint32_t port;
};
static_assert(sizeof(EvtchnAllocUnbound) == 8 && offsetof(EvtchnAllocUnbound, port) == 4);
struct EvtchnBindInterdomain {
  uint16_t remote_dom;
  uint32_t remote_port;
  uint32_t local_port;
};
static_assert(sizeof(EvtchnBindInterdomain) == 12 && offsetof(EvtchnBindInterdomain, remote_port) == 4);

struct GnttabQuerySize {
  uint16_t dom;
  uint32_t nr_frames, max_nr_frames;
  int16_t status;
};
static_assert(sizeof(GnttabQuerySize) == 16 && offsetof(GnttabQuerySize, status) == 12);

// Hypercalls through the hypercall page (64-bit ABI: rdi rsi rdx r10 r8).
inline long hypercall(unsigned nr, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
  long ret;
  register uint64_t r10 asm("r10") = 0;
  register uint64_t r8 asm("r8") = 0;
  asm volatile("call *%[fn]"
               : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
               : [fn] "r"(kiln_xen_hypercall_page + nr * 32)
               : "memory", "rcx", "r11");
  return ret;
}
template <typename T>
inline long hypercall(unsigned nr, uint64_t a1, T* arg) {
  return hypercall(nr, a1, reinterpret_cast<uint64_t>(arg));
}

// hypercall.cpp: true when running on Xen and the hypercall page is set up.
bool hypercall_init();
bool ready();  // hypercalls usable
long hvm_get_param(unsigned index, uint64_t* value);
long hvm_set_param(unsigned index, uint64_t value);
long evtchn_send(uint32_t port);
SharedInfo* shared_info();       // nullptr until mapped
bool map_shared_info();
[[noreturn]] void shutdown(unsigned reason);

// console.cpp
void console_init();   // PV console ring (after the hypercall page)
void e9_write(const char* s, size_t n);

// clock.cpp
uint64_t system_time_ns();  // Xen system time (pvclock), 0 if shared_info is not mapped
void mark_start();  // records kiln_plat_start_ns (clock.cpp)

// xenstore.cpp (the API is in kiln/xen/xenstore.h).
int xenstore_init();         // 0 or -errno
void xenstore_exiting();     // from here on: polled waits only (exit path)

// events.cpp (the API is in kiln/xen/evtchn.h).
bool events_init();  // callback vector, VIRQ_TIMER; false: no upcalls
bool events_ready();
// Block the vCPU until the port is pending or the Xen system time reaches
// deadline (0 = none), with SCHEDOP_poll (works with events masked);
// clears the port's pending bit.
void poll_port(uint32_t port, uint64_t deadline_sys_ns);

}  // namespace kiln::xen
