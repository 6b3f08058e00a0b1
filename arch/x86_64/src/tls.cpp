// x86_64 thread-local storage blocks (kiln/arch/tls.h): TLS variant II.
#include <kiln/arch/tls.h>
#include <string.h>

// support/ld/kiln-tls.ld and kiln-tls-main.ld. The sizes and the
// alignment are absolute symbols: their addresses are the values.
extern "C" char __kiln_tls_start[], __kiln_tls_file_size[], __kiln_tls_mem_size[], __kiln_tls_align[],
    __kiln_tls_main_block[];

namespace {

constexpr size_t kTcb = 64;  // self pointer; the rest zero (where glibc keeps its stack canary, %fs:0x28)

size_t tls_align() { return reinterpret_cast<uintptr_t>(__kiln_tls_align); }
// The TLS image rounded up to its alignment: the offset of the thread
// pointer from the block's start (what the linker's %fs:-offsets assume).
size_t tls_offset() {
  size_t a = tls_align();
  return (reinterpret_cast<uintptr_t>(__kiln_tls_mem_size) + a - 1) & ~(a - 1);
}

}  // namespace

extern "C" size_t kiln_arch_tls_block_size(void) { return tls_offset() + kTcb; }
extern "C" size_t kiln_arch_tls_block_align(void) { return tls_align() < 16 ? 16 : tls_align(); }

extern "C" uintptr_t kiln_arch_tls_init(void* block) {
  auto* b = static_cast<char*>(block);
  size_t file = reinterpret_cast<uintptr_t>(__kiln_tls_file_size);
  size_t off = tls_offset();
  memcpy(b, __kiln_tls_start, file);
  memset(b + file, 0, off - file + kTcb);
  auto tp = reinterpret_cast<uintptr_t>(b + off);
  *reinterpret_cast<uintptr_t*>(tp) = tp;
  return tp;
}

extern "C" void* kiln_arch_tls_main_block(void) { return __kiln_tls_main_block; }

extern "C" uintptr_t kiln_arch_tls_pointer(void) {
  // The TCB's self pointer; a CPU with a zero FS base would fault here,
  // so callers ask only once a pointer is installed (boot does it first).
  uintptr_t tp;
  asm volatile("mov %%fs:0, %0" : "=r"(tp));
  return tp;
}
