/* xen entry: the ELF notes Xen's domain builder reads and the PVH 32-bit
 * entry point (the bare-metal base's KILN_BM_ENTER32, kiln/x86bm/entry.h).
 * The image is linked with the base's plat/x86bm/link.ld (loaded at 1 MiB,
 * notes in their own PT_NOTE segment). */
#include <kiln/config.h>
#include <kiln/x86bm/entry.h>

#define XEN_ELFNOTE_GUEST_OS 6
#define XEN_ELFNOTE_GUEST_VERSION 7
#define XEN_ELFNOTE_XEN_VERSION 5
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define ELFNOTE(type, desc_insns)  \
	.balign 4;                 \
	.long 4;                   \
	.long 2f - 1f;             \
	.long type;                \
	.asciz "Xen";              \
	.balign 4;                 \
1:	desc_insns;                \
2:	.balign 4

	.section .note.Xen, "a", @note
	ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz "Kiln")
	ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz "0")
	ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
	ELFNOTE(XEN_ELFNOTE_PHYS32_ENTRY, .long _kiln_pvh_start)

	.section .text.kiln_entry32, "ax"
	.code32
/* PVH: ebx = hvm_start_info, 32-bit flat protected mode, paging off. */
	.globl _kiln_pvh_start
	.type _kiln_pvh_start, @function
_kiln_pvh_start:
	KILN_BM_ENTER32 KILN_X86_ENTRY_PVH
	.size _kiln_pvh_start, . - _kiln_pvh_start

/* The hypercall page: Xen writes the hypercall stubs here (32 bytes per
 * hypercall) when its physical address is written to the Xen MSR. */
	.section .text.kiln_xen_hypercall_page, "ax"
	.balign 4096
	.globl kiln_xen_hypercall_page
kiln_xen_hypercall_page:
	.fill 4096, 1, 0xcc

	.section .note.GNU-stack, "", @progbits
