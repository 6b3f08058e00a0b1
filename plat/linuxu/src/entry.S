/* linuxu entry: the kernel starts us with argc, argv, envp on the stack. */
	.section .text._start, "ax"
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp          /* ends the frame-pointer chain for backtraces */
	mov %rsp, %rdi          /* &argc */
	and $-16, %rsp
	call kiln_linuxu_start
	hlt
	.size _start, . - _start

	/* Signal return trampoline (sa_restorer). */
	.section .text.kiln_linuxu_sigreturn, "ax"
	.globl kiln_linuxu_sigreturn
kiln_linuxu_sigreturn:
	mov $15, %eax           /* rt_sigreturn */
	syscall
	hlt

	.section .note.GNU-stack, "", @progbits

/* Preemption stub (see events.cpp): entered with the interrupted rip on the
 * stack, as if called. Saves everything the interrupted code may be using,
 * runs the pending timer work (which may switch threads), restores. */
	.section .text.kiln_linuxu_preempt, "ax"
	.globl kiln_linuxu_preempt
	.type kiln_linuxu_preempt, @function
kiln_linuxu_preempt:
	pushfq
	cld                        /* the ABI wants DF clear */
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbp
	movq %rsp, %rbp
	andq $-16, %rsp
	subq $512, %rsp
	fxsave64 (%rsp)
	call kiln_linuxu_run_pending
	fxrstor64 (%rsp)
	movq %rbp, %rsp
	popq %rbp
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	popfq
	ret $128                   /* back to the interrupted code, over the red zone */
	.size kiln_linuxu_preempt, . - kiln_linuxu_preempt
	.section .note.GNU-stack, "", @progbits
