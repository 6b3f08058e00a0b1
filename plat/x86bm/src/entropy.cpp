// Bare-metal x86 (kvm, xen): entropy from the CPU's random number instructions
// (kiln/plat/entropy.h): RDSEED when CPUID has it (entropy meant for
// seeding), else RDRAND, else none (-ENOSYS).
#include <kiln/arch/cpu.h>
#include <kiln/plat/entropy.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

namespace {
enum class Source : uint8_t { Unknown, None, Rdseed, Rdrand };
constinit Source source = Source::Unknown;

Source detect() {
  if (source == Source::Unknown) {
    source = kiln::arch::has_rdseed()   ? Source::Rdseed
             : kiln::arch::has_rdrand() ? Source::Rdrand
                                        : Source::None;
  }
  return source;
}
}  // namespace

extern "C" long kiln_plat_entropy(void* buf, size_t n) {
  Source s = detect();
  if (s == Source::None) return -ENOSYS;
  auto* p = static_cast<uint8_t*>(buf);
  for (size_t done = 0; done < n;) {
    uint64_t v;
    bool ok = s == Source::Rdseed ? kiln::arch::rdseed64(&v) : kiln::arch::rdrand64(&v);
    if (!ok) return -EIO;  // the unit kept failing after the recommended retries
    size_t k = n - done < sizeof v ? n - done : sizeof v;
    memcpy(p + done, &v, k);
    done += k;
  }
  return static_cast<long>(n);
}

extern "C" kiln_plat_entropy_info kiln_plat_entropy_source(void) {
  switch (detect()) {
    case Source::Rdseed: return {"rdseed", 1};
    case Source::Rdrand: return {"rdrand", 1};
    default: return {nullptr, 0};
  }
}
