/* Thread context switch for x86_64 (see kiln/arch/context.h). */
	.section .text.kiln_arch_context_switch, "ax"
	.globl kiln_arch_context_switch
	.type kiln_arch_context_switch, @function
/* void kiln_arch_context_switch(uintptr_t* from [rdi], uintptr_t to [rsi]) */
kiln_arch_context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size kiln_arch_context_switch, . - kiln_arch_context_switch

/* First code of a new thread: entry(arg) from r12 / r13. */
	.section .text.kiln_arch_context_start, "ax"
	.type kiln_arch_context_start, @function
kiln_arch_context_start:
	xorl %ebp, %ebp            /* ends backtraces */
	movq %r13, %rdi
	callq *%r12
	ud2                        /* entry must not return */
	.size kiln_arch_context_start, . - kiln_arch_context_start

	.section .text.kiln_arch_context_init, "ax"
	.globl kiln_arch_context_init
	.type kiln_arch_context_init, @function
/* uintptr_t kiln_arch_context_init(void* stack [rdi], size_t size [rsi],
 *                                  void (*entry)(void*) [rdx], void* arg [rcx]) */
kiln_arch_context_init:
	leaq (%rdi, %rsi), %rax
	andq $-16, %rax
	subq $8, %rax              /* as if called: rsp % 16 == 8 at entry */
	leaq kiln_arch_context_start(%rip), %r8
	movq %r8, (%rax)           /* return address of the first switch */
	subq $56, %rax
	movq $0, 48(%rax)          /* rbp */
	movq $0, 40(%rax)          /* rbx */
	movq %rdx, 32(%rax)        /* r12 = entry */
	movq %rcx, 24(%rax)        /* r13 = arg */
	movq $0, 16(%rax)          /* r14 */
	movq $0, 8(%rax)           /* r15 */
	movl $0x1f80, (%rax)       /* MXCSR default */
	movl $0x037f, 4(%rax)      /* x87 control word default */
	ret
	.size kiln_arch_context_init, . - kiln_arch_context_init

	.section .note.GNU-stack, "", @progbits

/* void kiln_arch_run_on_stack(uintptr_t top [rdi], void (*fn)(void) [rsi]):
 * continue on a new stack; fn must not return. */
	.section .text.kiln_arch_run_on_stack, "ax"
	.globl kiln_arch_run_on_stack
	.type kiln_arch_run_on_stack, @function
kiln_arch_run_on_stack:
	andq $-16, %rdi
	movq %rdi, %rsp
	xorl %ebp, %ebp            /* ends backtraces */
	callq *%rsi
	ud2
	.size kiln_arch_run_on_stack, . - kiln_arch_run_on_stack
