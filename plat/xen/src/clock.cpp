// xen clocks.
//
// Monotonic: Xen system time (ns since the host booted) from vCPU 0's
// time info in shared_info (pvclock: system_time + scaled TSC delta,
// read under its version counter). Wall clock: shared_info's wc_sec /
// wc_nsec (wall time at system time 0, under wc_version) plus system time.
// Without shared_info (mapping failed, reported at boot) the TSC is read
// at an assumed 1 GHz.
#include "xen.h"
#include <kiln/arch/cpu.h>
#include <kiln/plat/time.h>

namespace kiln::xen {

uint64_t system_time_ns() {
  SharedInfo* s = shared_info();
  if (!s) return 0;
  const volatile VcpuTimeInfo& t = s->vcpu_info[0].time;
  uint32_t v;
  uint64_t sys, tsc_ts, now;
  uint32_t mul;
  int8_t shift;
  do {
    v = t.version;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    sys = t.system_time;
    tsc_ts = t.tsc_timestamp;
    mul = t.tsc_to_system_mul;
    shift = t.tsc_shift;
    now = kiln::arch::cycles();
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
  } while ((v & 1) || v != t.version);
  uint64_t d = now > tsc_ts ? now - tsc_ts : 0;
  d = shift >= 0 ? d << shift : d >> -shift;
  return sys + static_cast<uint64_t>((static_cast<unsigned __int128>(d) * mul) >> 32);
}

}  // namespace kiln::xen

namespace {
constinit uint64_t start_ns = 0;
}

// Xen system time when the platform's boot first could read it (right
// after shared_info is mapped): a pvclock read, no calibration.
void kiln::xen::mark_start() { start_ns = kiln_plat_monotonic_ns(); }

extern "C" uint64_t kiln_plat_start_ns(void) { return start_ns; }

extern "C" uint64_t kiln_plat_monotonic_ns(void) {
  uint64_t t = kiln::xen::system_time_ns();
  return t ? t : kiln::arch::cycles();
}

extern "C" int64_t kiln_plat_wall_ns(void) {
  kiln::xen::SharedInfo* s = kiln::xen::shared_info();
  if (!s) return static_cast<int64_t>(kiln_plat_monotonic_ns());
  const volatile kiln::xen::SharedInfo* vs = s;
  uint32_t v, sec, nsec, hi;
  do {
    v = vs->wc_version;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    sec = vs->wc_sec;
    nsec = vs->wc_nsec;
    hi = vs->wc_sec_hi;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
  } while ((v & 1) || v != vs->wc_version);
  int64_t wc = static_cast<int64_t>((static_cast<uint64_t>(hi) << 32) | sec) * 1000000000 + nsec;
  return wc + static_cast<int64_t>(kiln::xen::system_time_ns());
}
