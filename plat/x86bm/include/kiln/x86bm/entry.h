/* The 32-bit entry of the bare-metal x86 platforms, for their entry.S.
 *
 * KILN_BM_ENTER32 is the body of a platform's 32-bit entry stub (PVH or
 * Multiboot): record the TSC (boot.trace), set up the registers the arch
 * boot code takes (kiln/arch/x86.h: esi = entry kind, edi = boot info,
 * ebp = eax at entry), start on the shared boot stack and jump to
 * kiln_x86_boot32. */
#pragma once
#include <kiln/arch/x86.h>

#ifdef __ASSEMBLY__
.macro KILN_BM_ENTER32 kind
	movl %eax, %ebp
	rdtsc
	movl %eax, kiln_x86_boot_tsc
	movl %edx, kiln_x86_boot_tsc + 4
	movl $\kind, %esi
	cli
	cld
	movl %ebx, %edi
	movl $kiln_bm_boot_stack_top, %esp
	jmp kiln_x86_boot32
.endm
#endif
