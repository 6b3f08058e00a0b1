/* The floor for boot benchmarks: a PVH guest whose first instruction ends
 * it through isa-debug-exit (QEMU exit status 1). Everything a Kiln image
 * costs beyond this is Kiln's. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4                 /* name size */
	.long 4                 /* descriptor size */
	.long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long _start

	.text
	.code32
	.globl _start
_start:
	xorl %eax, %eax
	movw $0xf4, %dx
	outl %eax, %dx
1:	hlt
	jmp 1b
