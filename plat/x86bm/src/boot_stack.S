/* The boot stack of the bare-metal x86 platforms: the platform's 32-bit
 * entry (KILN_BM_ENTER32, kiln/x86bm/entry.h) starts on it; the init
 * tables run on it; main() runs on its own stack (main_stack.cpp). The
 * page below it is unmapped (memory.cpp), so an overflow is a page fault
 * the crash report names. */
#include <kiln/config.h>

	.section .bss.kiln_bm_boot_stack, "aw", @nobits
	.balign 4096
	.globl kiln_bm_boot_stack_guard
	.globl kiln_bm_boot_stack_top
kiln_bm_boot_stack_guard:
	.skip 4096
	.skip CONFIG_X86BM_BOOT_STACK_KB * 1024
kiln_bm_boot_stack_top:

	.section .note.GNU-stack, "", @progbits
