/* x86_64 bare metal: from the platform's 32-bit entry to long mode.
 * See kiln/arch/x86.h for the register contract. */
#include <kiln/arch/x86.h>

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define CR4_OSXSAVE (1 << 18)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

	.section .text.kiln_x86_boot32, "ax"
	.code32
	.globl kiln_x86_boot32
	.type kiln_x86_boot32, @function
/* In: esi entry kind, edi boot info, ebp eax at entry, esp stack top.
 * Interrupts off, paging off, flat 32-bit segments (PVH and Multiboot
 * both guarantee this). Only esi, edi, ebp and esp survive. */
kiln_x86_boot32:
	/* Boot page tables: identity map of the low 4 GiB, enough for the
	 * image, the boot info and the page-table builder: four 1 GiB pages
	 * when the CPU has them, else 2048 2 MiB pages. They live in .bss,
	 * which both loaders zero. */
	movl $(kiln_x86_boot_pdpt + 3), kiln_x86_boot_pml4
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 26), %edx         /* 1 GiB pages */
	jz 0f
	movl $0x83, kiln_x86_boot_pdpt
	movl $0x40000083, kiln_x86_boot_pdpt + 8
	movl $0x80000083, kiln_x86_boot_pdpt + 16
	movl $0xc0000083, kiln_x86_boot_pdpt + 24
	jmp 9f
0:	movl $(kiln_x86_boot_pd + 3), %eax
	xorl %ecx, %ecx
1:	movl %eax, kiln_x86_boot_pdpt(, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jb 1b
	xorl %ecx, %ecx
	movl $0x83, %eax               /* present, writable, 2 MiB */
2:	movl %eax, kiln_x86_boot_pd(, %ecx, 8)
	addl $0x200000, %eax
	incl %ecx
	cmpl $2048, %ecx
	jb 2b
9:
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $kiln_x86_boot_pml4, %eax
	movl %eax, %cr3

	/* EFER: long mode, and NX when the CPU has it. */
	movl $0x80000001, %eax
	cpuid
	movl $EFER_LME, %ebx
	testl $(1 << 20), %edx
	jz 3f
	orl $EFER_NXE, %ebx
	movb $1, kiln_x86_has_nx
3:	testl $(1 << 26), %edx
	jz 4f
	movb $1, kiln_x86_has_1g
4:	movl $MSR_EFER, %ecx
	rdmsr
	orl %ebx, %eax
	wrmsr

	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP | CR0_PE), %eax
	movl %eax, %cr0
	lgdt kiln_x86_boot_gdt_desc
	ljmp $0x08, $5f

	.code64
5:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movl %esp, %esp                /* zero-extends into rsp */

	/* FPU, SSE, and AVX where present: all compiled code may use them. */
	movq %cr0, %rax
	andq $~(CR0_EM | CR0_TS), %rax
	orq $(CR0_MP | CR0_NE), %rax
	movq %rax, %cr0
	movl $1, %eax
	cpuid
	movl %ecx, %r8d                /* feature flags, leaf 1 ecx */
	movq %cr4, %rax
	orq $(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	testl $(1 << 26), %r8d         /* XSAVE */
	jz 6f
	orq $CR4_OSXSAVE, %rax
6:	movq %rax, %cr4
	fninit
	ldmxcsr kiln_x86_mxcsr_default(%rip)
	testl $(1 << 26), %r8d
	jz 8f
	/* XCR0 = x87 | SSE, plus AVX when leaf 1 and leaf 0xd both say so. */
	movl $0xd, %eax
	xorl %ecx, %ecx
	cpuid
	movl %eax, %r9d                /* XCR0 bits the CPU supports */
	movl $3, %eax
	testl $(1 << 28), %r8d         /* AVX */
	jz 7f
	testl $4, %r9d
	jz 7f
	orl $4, %eax
7:	xorl %edx, %edx
	xorl %ecx, %ecx
	xsetbv
	movl $0xd, %eax
	xorl %ecx, %ecx
	cpuid                          /* ebx: XSAVE area size for XCR0 */
	addl $63, %ebx
	andl $-64, %ebx
	movl %ebx, kiln_x86_fpu_size(%rip)
	movb $1, kiln_x86_use_xsave(%rip)
8:
	/* kiln_x86_start64(entry kind, info, eax at entry) */
	movl %esi, %eax
	movl %edi, %esi
	movl %eax, %edi
	movl %ebp, %edx
	xorl %ebp, %ebp                /* ends backtraces */
	andq $-16, %rsp
	call kiln_x86_start64
	ud2
	.size kiln_x86_boot32, . - kiln_x86_boot32

	.section .rodata.kiln_x86_boot_gdt, "a"
	.balign 16
kiln_x86_boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff       /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff       /* 0x10: data */
kiln_x86_boot_gdt_end:
	.balign 8
kiln_x86_boot_gdt_desc:
	.word kiln_x86_boot_gdt_end - kiln_x86_boot_gdt - 1
	.long kiln_x86_boot_gdt
	.long 0
kiln_x86_mxcsr_default:
	.long 0x1f80

	.section .data.kiln_x86_boot_vars, "aw"
	.balign 8
	.globl kiln_x86_boot_tsc, kiln_x86_fpu_size, kiln_x86_use_xsave
	.globl kiln_x86_has_nx, kiln_x86_has_1g
kiln_x86_boot_tsc:
	.quad 0
kiln_x86_fpu_size:
	.long 512                      /* fxsave area unless XSAVE is on */
kiln_x86_use_xsave:
	.byte 0
kiln_x86_has_nx:
	.byte 0
kiln_x86_has_1g:
	.byte 0

	.section .bss.kiln_x86_boot_pt, "aw", @nobits
	.balign 4096
	.globl kiln_x86_boot_pml4
kiln_x86_boot_pml4:
	.skip 4096
kiln_x86_boot_pdpt:
	.skip 4096
kiln_x86_boot_pd:
	.skip 4 * 4096

	.section .note.GNU-stack, "", @progbits
