/* kvm entry: the boot headers QEMU's -kernel looks for, and the 32-bit
 * entry points. Both are the bare-metal base's entry (KILN_BM_ENTER32,
 * kiln/x86bm/entry.h): record the TSC (boot.trace), start on the shared
 * boot stack, hand over to the arch code (kiln_x86_boot32). */
#include <kiln/config.h>
#include <kiln/x86bm/entry.h>

#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010003   /* page-aligned modules, memory info, a.out kludge */

/* Multiboot 1 header, within the first 8 KiB of the file (link.ld puts it
 * first). The a.out kludge (flags bit 16) gives the load addresses, so
 * loaders take the file as a flat image from load_addr and do not parse
 * the (64-bit) ELF: file offsets of .text..data are linear in link.ld. */
	.section .kiln_multiboot, "a"
	.balign 4
kiln_kvm_mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long kiln_kvm_mb_header      /* header_addr */
	.long __kiln_image_start      /* load_addr */
	.long __kiln_load_end         /* load_end_addr: end of .data */
	.long _end                    /* bss_end_addr */
	.long _kiln_multiboot_start   /* entry_addr */

/* PVH: XEN_ELFNOTE_PHYS32_ENTRY (18), name "Xen": the 32-bit entry. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4
	.long 4
	.long 18
	.asciz "Xen"
	.balign 4
	.long _kiln_pvh_start

	.section .text.kiln_entry32, "ax"
	.code32
/* PVH: ebx = hvm_start_info, 32-bit flat protected mode, paging off. */
	.globl _kiln_pvh_start
	.type _kiln_pvh_start, @function
_kiln_pvh_start:
	KILN_BM_ENTER32 KILN_X86_ENTRY_PVH
	.size _kiln_pvh_start, . - _kiln_pvh_start

/* Multiboot 1: eax = 0x2badb002, ebx = multiboot_info. */
	.globl _kiln_multiboot_start
	.type _kiln_multiboot_start, @function
_kiln_multiboot_start:
	KILN_BM_ENTER32 KILN_X86_ENTRY_MULTIBOOT
	.size _kiln_multiboot_start, . - _kiln_multiboot_start

	.section .note.GNU-stack, "", @progbits
