/* The floor for the xen boot benchmark: a PVH domU that powers itself off
 * at its first instructions and prints nothing. Everything a Kiln xen image
 * costs beyond this (from `xl create` to shutdown) is Kiln's.
 *
 * PVH entry: 32-bit flat protected mode, paging off, so addresses are
 * physical (all of it writable). Find Xen's CPUID leaves (0x40000000 + n*0x100, signature
 * "XenVMMXenVMM"), write the hypercall page's address to the MSR of leaf
 * base+2, then SCHEDOP_shutdown(SHUTDOWN_poweroff) through the page. A
 * 32-bit guest passes hypercall arguments in ebx, ecx. Built as a 64-bit
 * ELF like Kiln's image (libxl takes ~0.3 s longer to build a domain from
 * a 32-bit one here), headers and notes in the first page at 1 MiB
 * (support/bench.sh: as --64, ld -m elf_x86_64 -Ttext-segment=0x100000). */
/* Plain `as`, no preprocessor: constants with .equ. */
	.equ XEN_ELFNOTE_PHYS32_ENTRY, 18  /* the only note libxl needs for PVH */
	.equ HYPERVISOR_sched_op, 29
	.equ SCHEDOP_shutdown, 2
	.equ SHUTDOWN_poweroff, 0

	.section .note.Xen, "a", @note
	.balign 4
	.long 4                 /* name size */
	.long 4                 /* descriptor size */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long _start

	.text
	.code32
	.globl _start
_start:
	movl $stack_top, %esp   /* PVH leaves esp undefined; the call needs one */
	movl $0x40000000, %esi
1:	movl %esi, %eax
	cpuid
	cmpl $0x566e6558, %ebx  /* "XenV" */
	jne 2f
	cmpl $0x65584d4d, %ecx  /* "MMXe" */
	jne 2f
	cmpl $0x4d4d566e, %edx  /* "nVMM" */
	je 3f
2:	addl $0x100, %esi
	cmpl $0x40010000, %esi
	jbe 1b
	jmp 9f                  /* not Xen */
3:	leal 2(%esi), %eax
	cpuid                   /* ebx = the hypercall page MSR */
	movl %ebx, %ecx
	movl $hypercall_page, %eax
	xorl %edx, %edx
	wrmsr
	movl $SCHEDOP_shutdown, %ebx
	movl $reason, %ecx
	call hypercall_page + HYPERVISOR_sched_op * 32
9:	cli
	hlt
	jmp 9b

	.balign 4
reason:
	.long SHUTDOWN_poweroff
	.skip 64
stack_top:

	.balign 4096
hypercall_page:
	.fill 4096, 1, 0xcc
