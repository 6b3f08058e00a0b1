/* For lib/sched's in-image test sched.red_zone_survives_preemption (every
 * arch provides kiln_test_redzone_spin in arch/<arch>/tests/): a leaf function
 * that keeps data in the 128-byte red zone below its stack pointer (as
 * host-built libgcc code may) and spins, checking it, while the timer
 * preempts. Returns the number of corrupted checks. */
	.section .text.kiln_test_redzone_spin, "ax"
	.globl kiln_test_redzone_spin
	.type kiln_test_redzone_spin, @function
/* long kiln_test_redzone_spin(long iterations [rdi]) */
kiln_test_redzone_spin:
	xorl %eax, %eax
	movq $0x5a5a5a5a5a5a5a5a, %rdx
	movq $-128, %rcx
1:	movq %rdx, (%rsp, %rcx)
	addq $8, %rcx
	jnz 1b
2:	movq $-128, %rcx
3:	cmpq %rdx, (%rsp, %rcx)
	je 4f
	incq %rax
	movq %rdx, (%rsp, %rcx)
4:	addq $8, %rcx
	jnz 3b
	decq %rdi
	jnz 2b
	ret
	.size kiln_test_redzone_spin, . - kiln_test_redzone_spin
	.section .note.GNU-stack, "", @progbits
