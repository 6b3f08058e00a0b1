// Thread-local storage: the arch contract (every arch provides
// kiln/arch/tls.h with these names). The layout of one thread's TLS block
// is the arch ABI's; the image's TLS template (PT_TLS: .tdata then .tbss)
// comes from the linker script (support/ld/kiln-tls.ld).
//
// x86_64 uses the ABI's variant II: the thread pointer (the %fs base)
// points at a thread control block whose first word holds the thread
// pointer itself (`mov %fs:0, %reg` reads it), and the TLS image lies just
// below it, ending at the thread pointer: local-exec code reads a
// thread-local at %fs:-offset. A block is
//
//   block                                         tp = block + round_up(memsz, align)
//   [ .tdata copy | .tbss zeros | pad to align ][ TCB: self pointer, 56 zero bytes ]
//
// Installing the thread pointer on the CPU is the platform's
// (kiln/plat/tls.h: FS base MSR, wrfsbase or arch_prctl).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/compiler.h>

// Bytes and alignment of one thread's block (the TLS image and the TCB).
KILN_EXTERN_C size_t kiln_arch_tls_block_size(void);
KILN_EXTERN_C size_t kiln_arch_tls_block_align(void);
// Fill a block of kiln_arch_tls_block_size() bytes, aligned to
// kiln_arch_tls_block_align(): the initial values, zeros, the TCB.
// Returns the thread pointer of the block.
KILN_EXTERN_C uintptr_t kiln_arch_tls_init(void* block);
// The main thread's block, reserved by the linker script (no allocation:
// it is set up before the heap and before any constructor).
KILN_EXTERN_C void* kiln_arch_tls_main_block(void);
// The calling thread's thread pointer (read through the TCB; only once boot
// has installed the main thread's).
KILN_EXTERN_C uintptr_t kiln_arch_tls_pointer(void);
