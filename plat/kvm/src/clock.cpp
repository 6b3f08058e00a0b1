// kvm clocks.
//
// Monotonic: the TSC, scaled to nanoseconds. Its frequency is found on the
// first clock use (an app that never reads the clock pays nothing), from,
// in order:
//   1. the hypervisor timing leaf CPUID 0x40000010 (EAX = TSC kHz), when
//      the hypervisor's max leaf (CPUID 0x40000000 EAX) reaches it (KVM
//      with `-cpu ...,vmware-cpuid-freq=on,invtsc=on`);
//   2. kvmclock (pvclock), under KVM when CPUID 0x40000001 advertises it;
//   3. CPUID 0x15 (crystal ratio) or 0x16 (base MHz) when they hold values;
//   4. the PIT: ~5 ms against channel 0 (logged, since it costs boot time);
//      if no PIT counts, a 1 GHz guess with a warning.
// Wall clock: kvmclock's wall time when present, else the CMOS RTC (read
// once, on first use), advanced by the monotonic clock.
#include "kvm.h"
#include <kiln/arch/cpu.h>
#include <kiln/arch/x86.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>
#include <kiln/print.h>

namespace kiln::kvm {
namespace {

using kiln::arch::inb;
using kiln::arch::outb;
using kiln::x86::cpuid;

struct PvclockTime {
  uint32_t version, pad0;
  uint64_t tsc_timestamp, system_time;
  uint32_t tsc_to_system_mul;
  int8_t tsc_shift;
  uint8_t flags, pad[2];
};
struct PvclockWall {
  uint32_t version, sec, nsec;
};

alignas(64) constinit PvclockTime pvti = {};
alignas(64) constinit PvclockWall pvwall = {};
constinit bool have_kvmclock = false;

constinit uint64_t hz = 0;
constinit uint64_t tsc_ns_mul = 0;  // ns = tsc * mul >> 32
constinit uint64_t ns_tsc_mul = 0;  // tsc = ns * mul >> 32
constinit const char* source = "none";
constinit bool wall_known = false;
constinit int64_t wall_offset = 0;  // wall_ns - monotonic_ns

bool is_kvm() {
  auto h = cpuid(0x40000000);
  return h.b == 0x4b4d564b && h.c == 0x564b4d56 && h.d == 0x4d;  // "KVMKVMKVM\0\0\0"
}

uint64_t from_hypervisor_leaf() {
  if (!(cpuid(1).c & (1u << 31))) return 0;  // no hypervisor
  auto h = cpuid(0x40000000);
  if (h.a < 0x40000010 || h.a > 0x400000ff) return 0;
  return static_cast<uint64_t>(cpuid(0x40000010).a) * 1000;
}

uint64_t from_kvmclock() {
  if (!(cpuid(1).c & (1u << 31)) || !is_kvm()) return 0;
  if (!(cpuid(0x40000001).a & (1u << 3))) return 0;  // KVM_FEATURE_CLOCKSOURCE2
  kiln::x86::wrmsr(0x4b564d01, reinterpret_cast<uint64_t>(&pvti) | 1);
  kiln::x86::wrmsr(0x4b564d00, reinterpret_cast<uint64_t>(&pvwall));
  uint32_t mul;
  int8_t shift;
  uint32_t v;
  do {
    v = __atomic_load_n(&pvti.version, __ATOMIC_ACQUIRE);
    mul = pvti.tsc_to_system_mul;
    shift = pvti.tsc_shift;
  } while ((v & 1) || v != __atomic_load_n(&pvti.version, __ATOMIC_ACQUIRE));
  if (!mul) return 0;
  have_kvmclock = true;
  unsigned __int128 f = static_cast<unsigned __int128>(1000000000ull) << 32;
  if (shift >= 0) return static_cast<uint64_t>(f / mul >> shift);
  return static_cast<uint64_t>((f << -shift) / mul);
}

uint64_t from_cpuid_15_16() {
  uint32_t max = cpuid(0).a;
  if (max >= 0x15) {
    auto c = cpuid(0x15);
    if (c.a && c.b && c.c) return static_cast<uint64_t>(c.c) * c.b / c.a;
  }
  if (max >= 0x16) {
    auto c = cpuid(0x16);
    if (c.a & 0xffff) return static_cast<uint64_t>(c.a & 0xffff) * 1000000;
  }
  return 0;
}

uint16_t pit_read() {
  outb(0x43, 0x00);  // latch channel 0
  uint8_t lo = inb(0x40);
  uint8_t hi = inb(0x40);
  return static_cast<uint16_t>(lo | hi << 8);
}

// Counts TSC cycles over ~5 ms of PIT channel 0 (mode 0, from 0xffff).
uint64_t from_pit() {
  constexpr uint32_t kPitHz = 1193182, kTicks = 5966;
  outb(0x43, 0x30);
  outb(0x40, 0xff);
  outb(0x40, 0xff);
  uint16_t c0 = pit_read();
  uint64_t t0 = kiln::arch::cycles();
  // Wait for the first change so the start is on a tick edge.
  for (uint32_t spins = 0; pit_read() == c0; ++spins)
    if (spins > 10000) return 0;  // no PIT (or it does not count): it ticks every 838 ns
  c0 = pit_read();
  t0 = kiln::arch::cycles();
  uint16_t c;
  do c = pit_read();
  while (static_cast<uint16_t>(c0 - c) < kTicks && c <= c0);
  uint64_t t1 = kiln::arch::cycles();
  uint32_t ticks = static_cast<uint16_t>(c0 - c);
  if (!ticks) return 0;
  return (t1 - t0) * kPitHz / ticks;
}

void calibrate() {
  uint64_t f;
  if ((f = from_hypervisor_leaf())) source = "cpuid 0x40000010";
  else if ((f = from_kvmclock())) source = "kvmclock";
  else if ((f = from_cpuid_15_16())) source = "cpuid 0x15/0x16";
  else if ((f = from_pit())) {
    source = "PIT calibration";
    kiln_info("kvm: TSC frequency %lu kHz from PIT calibration (no hypervisor timing leaf)",
              static_cast<unsigned long>(f / 1000));
  } else {
    f = 1000000000;
    source = "guess";
    kiln_warn("kvm: cannot find the TSC frequency (no timing CPUID leaf, kvmclock or PIT); assuming 1 GHz");
  }
  tsc_ns_mul = static_cast<uint64_t>((static_cast<unsigned __int128>(1000000000ull) << 32) / f);
  ns_tsc_mul = static_cast<uint64_t>((static_cast<unsigned __int128>(f) << 32) / 1000000000ull);
  __atomic_store_n(&hz, f, __ATOMIC_RELEASE);
}

void ensure() {
  if (__builtin_expect(__atomic_load_n(&hz, __ATOMIC_ACQUIRE) != 0, 1)) return;
  unsigned long fl = kiln_plat_irq_save();
  if (!hz) calibrate();
  kiln_plat_irq_restore(fl);
}

uint8_t cmos(uint8_t reg) {
  outb(0x70, reg);
  return inb(0x71);
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t rtc_seconds() {
  // Wait out an update in progress, then read until two reads agree.
  uint8_t r[7], prev[7];
  for (int tries = 0; tries < 8; ++tries) {
    for (uint32_t spins = 0; (cmos(0x0a) & 0x80) && spins < 1000000; ++spins) kiln::arch::pause();
    const uint8_t regs[7] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32};
    for (int i = 0; i < 7; ++i) r[i] = cmos(regs[i]);
    if (tries && __builtin_memcmp(r, prev, sizeof r) == 0) break;
    __builtin_memcpy(prev, r, sizeof r);
  }
  uint8_t b = cmos(0x0b);
  if (b == 0xff && r[0] == 0xff && r[4] == 0xff) {
    kiln_warn("kvm: no CMOS RTC; the wall clock starts at 1970-01-01");
    return 0;
  }
  bool pm = r[2] & 0x80;
  r[2] &= 0x7f;
  if (!(b & 0x04)) {  // BCD
    for (int i = 0; i < 7; ++i) r[i] = static_cast<uint8_t>((r[i] & 0x0f) + (r[i] >> 4) * 10);
  }
  if (!(b & 0x02)) {  // 12-hour clock
    r[2] %= 12;
    if (pm) r[2] += 12;
  }
  int64_t year = r[6] >= 19 && r[6] <= 21 ? r[6] * 100 + r[5] : 2000 + r[5];
  if (r[4] < 1 || r[4] > 12 || r[3] < 1 || r[3] > 31) {
    kiln_warn("kvm: the CMOS RTC holds no valid date; the wall clock starts at 1970-01-01");
    return 0;
  }
  return days_from_civil(year, r[4], r[3]) * 86400 + r[2] * 3600 + r[1] * 60 + r[0];
}

}  // namespace

uint64_t tsc_hz() {
  ensure();
  return hz;
}

uint64_t tsc_to_ns(uint64_t tsc) {
  ensure();
  return static_cast<uint64_t>((static_cast<unsigned __int128>(tsc) * tsc_ns_mul) >> 32);
}

uint64_t ns_to_tsc(uint64_t ns) {
  ensure();
  return static_cast<uint64_t>((static_cast<unsigned __int128>(ns) * ns_tsc_mul) >> 32);
}

const char* clock_source() { return source; }

}  // namespace kiln::kvm

extern "C" uint64_t kiln_plat_monotonic_ns(void) { return kiln::kvm::tsc_to_ns(kiln::arch::cycles()); }

// The TSC the entry recorded (boot.trace's first point), converted when
// someone asks: no clock work at boot.
extern "C" uint64_t kiln_plat_start_ns(void) { return kiln::kvm::tsc_to_ns(kiln_x86_boot_tsc); }

extern "C" int64_t kiln_plat_wall_ns(void) {
  using namespace kiln::kvm;
  if (!__atomic_load_n(&wall_known, __ATOMIC_ACQUIRE)) {
    unsigned long f = kiln_plat_irq_save();
    if (!wall_known) {
      int64_t wall;
      if (have_kvmclock && pvwall.sec) {
        // Wall time at kvmclock 0 plus kvmclock now (pvclock scaling).
        uint64_t d = kiln::arch::cycles() - pvti.tsc_timestamp;
        d = pvti.tsc_shift >= 0 ? d << pvti.tsc_shift : d >> -pvti.tsc_shift;
        uint64_t sys = pvti.system_time + static_cast<uint64_t>((static_cast<unsigned __int128>(d) * pvti.tsc_to_system_mul) >> 32);
        wall = static_cast<int64_t>(pvwall.sec) * 1000000000 + pvwall.nsec + static_cast<int64_t>(sys);
      } else {
        wall = rtc_seconds() * 1000000000;
      }
      wall_offset = wall - static_cast<int64_t>(kiln_plat_monotonic_ns());
      __atomic_store_n(&wall_known, true, __ATOMIC_RELEASE);
    }
    kiln_plat_irq_restore(f);
  }
  return static_cast<int64_t>(kiln_plat_monotonic_ns()) + wall_offset;
}
