// x86_64: which string-function variants this CPU runs (string.S), chosen
// once at boot from CPUID. Until this init runs the SSE2 variants are in
// place (string.S's initial pointers), which every x86_64 CPU has.
#include <errno.h>
#include <kiln/init.h>
#include <kiln/option.h>
#include <kiln/print.h>
#include <kiln/string_fns.h>
#include <stdint.h>

extern "C" {
// string.S: the dispatch pointers, thresholds and variants.
extern void* kiln_x86_memmove_impl;
extern void* kiln_x86_memset_impl;
extern void* kiln_x86_strlen_impl;
extern void* kiln_x86_memcmp_impl;
extern uint64_t kiln_x86_movsb_min;
extern uint64_t kiln_x86_stosb_min;
void kiln_x86_memmove_sse2();
void kiln_x86_memmove_erms();
void kiln_x86_memset_sse2();
void kiln_x86_memset_erms();
void kiln_x86_strlen_sse2();
void kiln_x86_strlen_avx2();
void kiln_x86_memmove_avx2();
void kiln_x86_memmove_avx2_erms();
void kiln_x86_memset_avx2();
void kiln_x86_memset_avx2_erms();
void kiln_x86_memcmp_avx2();
void kiln_x86_memmove_avx512();
void kiln_x86_memmove_avx512_erms();
void kiln_x86_memset_avx512();
void kiln_x86_memset_avx512_erms();
}

namespace {

constinit const char* variant = "sse2 (not selected yet)";

// string.variant=: what the CPU may use, for measuring and testing the
// variants (auto: everything it has).
enum Cap : unsigned { kErms = 1, kAvx2 = 2, kAvx512 = 4, kAll = 7 };
constinit unsigned allowed = kAll;
constinit bool forced = false;

bool eq(const char* a, const char* b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

int set_variant(const char* v) {
  static constexpr struct { const char* name; unsigned caps; } names[] = {
      {"auto", kAll}, {"sse2", 0}, {"erms", kErms}, {"avx2", kAvx2}, {"avx2-erms", kAvx2 | kErms},
      {"avx512", kAvx2 | kAvx512}, {"avx512-erms", kAvx2 | kAvx512 | kErms}};
  for (const auto& n : names)
    if (eq(v, n.name)) {
      allowed = n.caps;
      forced = !eq(v, "auto");
      return 0;
    }
  return -EINVAL;
}
KILN_OPTION("string.variant", set_variant,
            "auto|sse2|erms|avx2|avx2-erms|avx512|avx512-erms: string functions' variant (auto: by CPUID; a feature the "
            "CPU lacks is not used)");

void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
  asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

int string_select() {
  uint32_t r[4];
  cpuid(0, 0, r);
  uint32_t max_leaf = r[0];
  cpuid(1, 0, r);
  uint32_t ecx1 = r[2];
  uint32_t ebx7 = 0, edx7 = 0, eax7_1 = 0;
  if (max_leaf >= 7) {
    cpuid(7, 0, r);
    ebx7 = r[1];
    edx7 = r[3];
    if (r[0] >= 1) {
      cpuid(7, 1, r);
      eax7_1 = r[0];
    }
  }
  bool erms = ebx7 & (1u << 9);
  bool fsrm = edx7 & (1u << 4);
  // AVX2 only when the OS (boot.S on the bare-metal platforms, the host
  // kernel on linuxu) enabled the YMM state: OSXSAVE and XCR0 bits 1-2.
  // AVX-512 (F, BW, VL) only with the opmask and ZMM state enabled too
  // (XCR0 bits 5-7; boot.S does not enable them, so on kvm and xen this is
  // linuxu-only for now), and, as glibc decides, only on CPUs with AVX-VNNI,
  // which run ZMM loads and stores without lowering the clock.
  bool avx2 = false, avx512 = false;
  if ((ebx7 & (1u << 5)) && (ecx1 & (1u << 27)) && (ecx1 & (1u << 28))) {
    uint32_t lo, hi;
    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    avx2 = (lo & 6) == 6;
    constexpr uint32_t f_bw_vl = (1u << 16) | (1u << 30) | (1u << 31);
    avx512 = avx2 && (lo & 0xe6) == 0xe6 && (ebx7 & f_bw_vl) == f_bw_vl && (eax7_1 & (1u << 4));
  }
  // QEMU's TCG (CPUID hypervisor leaf "TCGTCGTCGTCG") runs rep movsb/stosb
  // one byte at a time (6-20x slower than the vector loops there), and an
  // image with the AVX2 memmove/memset did not boot under QEMU 7.2 TCG here
  // (not understood yet; they pass every host test): under TCG only SSE2
  // is used unless string.variant= asks for more.
  bool tcg = false;
  if (ecx1 & (1u << 31)) {
    cpuid(0x40000000, 0, r);
    tcg = r[1] == 0x54474354 && r[2] == 0x43544743 && r[3] == 0x47435447;  // "TCGTCGTCGTCG"
  }
  if (tcg && !forced) erms = avx2 = false;
  if (!(allowed & kErms)) erms = false;
  if (!(allowed & kAvx2)) avx2 = false;
  if (!(allowed & kAvx512) || !avx2) avx512 = false;
  // rep movsb/stosb start slowly (tens of cycles) and, without FSRM (fast
  // short rep movsb), win only from ~2 KiB on over the vector loops.
  uint64_t rep_min = fsrm ? 1024 : 2048;
  kiln_x86_movsb_min = rep_min;
  kiln_x86_stosb_min = rep_min;
  auto set = [](void*& slot, void (*fn)()) { slot = reinterpret_cast<void*>(fn); };
  if (avx512) {
    set(kiln_x86_memmove_impl, erms ? &kiln_x86_memmove_avx512_erms : &kiln_x86_memmove_avx512);
    set(kiln_x86_memset_impl, erms ? &kiln_x86_memset_avx512_erms : &kiln_x86_memset_avx512);
    set(kiln_x86_memcmp_impl, &kiln_x86_memcmp_avx2);
    set(kiln_x86_strlen_impl, &kiln_x86_strlen_avx2);
  } else if (avx2) {
    set(kiln_x86_memmove_impl, erms ? &kiln_x86_memmove_avx2_erms : &kiln_x86_memmove_avx2);
    set(kiln_x86_memset_impl, erms ? &kiln_x86_memset_avx2_erms : &kiln_x86_memset_avx2);
    set(kiln_x86_memcmp_impl, &kiln_x86_memcmp_avx2);
    set(kiln_x86_strlen_impl, &kiln_x86_strlen_avx2);
  } else if (erms) {
    set(kiln_x86_memmove_impl, &kiln_x86_memmove_erms);
    set(kiln_x86_memset_impl, &kiln_x86_memset_erms);
  }
  variant = avx512 ? (erms ? (fsrm ? "avx512, erms, fsrm" : "avx512, erms") : "avx512")
          : avx2 ? (erms ? (fsrm ? "avx2, erms, fsrm" : "avx2, erms") : "avx2")
                 : (erms ? (fsrm ? "sse2, erms, fsrm" : "sse2, erms") : "sse2");
  kiln_info("string functions: %s%s", variant, tcg ? " (QEMU TCG: no rep movsb/stosb)" : "");
  return 0;
}

}  // namespace

// Early: before the allocator and the platform drivers copy anything big.
KILN_INIT(early, 001, string_select);

const char* kiln_string_variant() { return variant; }
