/* For lib/string's in-image test string.vector_registers_survive_preemption
 * (every arch provides kiln_test_vector_regs_spin in arch/<arch>/tests/):
 * fills xmm0-xmm15 with known values and spins, checking them, while the
 * timer preempts it and another thread runs the vector string functions.
 * Interrupt entry saves the FPU/SSE/AVX state (entry.S, xsave/fxsave) and a
 * thread switch happens only inside it or at a call (where these registers
 * are caller-saved), so none may change. Returns the number of corrupted
 * register halves seen (SSE2 only). */
	.section .text.kiln_test_vector_regs_spin, "ax"
	.globl kiln_test_vector_regs_spin
	.type kiln_test_vector_regs_spin, @function
/* long kiln_test_vector_regs_spin(long iterations [rdi]) */
kiln_test_vector_regs_spin:
	xorl %esi, %esi                /* corrupted halves so far */
	xorl %r8d, %r8d
	movabsq $0x8141211109050300, %rax
	movq %rax, %xmm0
	punpcklqdq %xmm0, %xmm0
	movabsq $0x824222120a060003, %rax
	movq %rax, %xmm1
	punpcklqdq %xmm1, %xmm1
	movabsq $0x834323130b070102, %rax
	movq %rax, %xmm2
	punpcklqdq %xmm2, %xmm2
	movabsq $0x844424140c000605, %rax
	movq %rax, %xmm3
	punpcklqdq %xmm3, %xmm3
	movabsq $0x854525150d010704, %rax
	movq %rax, %xmm4
	punpcklqdq %xmm4, %xmm4
	movabsq $0x864626160e020407, %rax
	movq %rax, %xmm5
	punpcklqdq %xmm5, %xmm5
	movabsq $0x874727170f030506, %rax
	movq %rax, %xmm6
	punpcklqdq %xmm6, %xmm6
	movabsq $0x88482818000c0a09, %rax
	movq %rax, %xmm7
	punpcklqdq %xmm7, %xmm7
	movabsq $0x89492919010d0b08, %rax
	movq %rax, %xmm8
	punpcklqdq %xmm8, %xmm8
	movabsq $0x8a4a2a1a020e080b, %rax
	movq %rax, %xmm9
	punpcklqdq %xmm9, %xmm9
	movabsq $0x8b4b2b1b030f090a, %rax
	movq %rax, %xmm10
	punpcklqdq %xmm10, %xmm10
	movabsq $0x8c4c2c1c04080e0d, %rax
	movq %rax, %xmm11
	punpcklqdq %xmm11, %xmm11
	movabsq $0x8d4d2d1d05090f0c, %rax
	movq %rax, %xmm12
	punpcklqdq %xmm12, %xmm12
	movabsq $0x8e4e2e1e060a0c0f, %rax
	movq %rax, %xmm13
	punpcklqdq %xmm13, %xmm13
	movabsq $0x8f4f2f1f070b0d0e, %rax
	movq %rax, %xmm14
	punpcklqdq %xmm14, %xmm14
	movabsq $0x9050300018141211, %rax
	movq %rax, %xmm15
	punpcklqdq %xmm15, %xmm15
1:	xorl %eax, %eax
	movabsq $0x8141211109050300, %rcx
	movq %xmm0, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm0, %xmm0   /* swap halves (again below) */
	movq %xmm0, %rdx
	pshufd $0x4e, %xmm0, %xmm0
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x824222120a060003, %rcx
	movq %xmm1, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm1, %xmm1   /* swap halves (again below) */
	movq %xmm1, %rdx
	pshufd $0x4e, %xmm1, %xmm1
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x834323130b070102, %rcx
	movq %xmm2, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm2, %xmm2   /* swap halves (again below) */
	movq %xmm2, %rdx
	pshufd $0x4e, %xmm2, %xmm2
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x844424140c000605, %rcx
	movq %xmm3, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm3, %xmm3   /* swap halves (again below) */
	movq %xmm3, %rdx
	pshufd $0x4e, %xmm3, %xmm3
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x854525150d010704, %rcx
	movq %xmm4, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm4, %xmm4   /* swap halves (again below) */
	movq %xmm4, %rdx
	pshufd $0x4e, %xmm4, %xmm4
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x864626160e020407, %rcx
	movq %xmm5, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm5, %xmm5   /* swap halves (again below) */
	movq %xmm5, %rdx
	pshufd $0x4e, %xmm5, %xmm5
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x874727170f030506, %rcx
	movq %xmm6, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm6, %xmm6   /* swap halves (again below) */
	movq %xmm6, %rdx
	pshufd $0x4e, %xmm6, %xmm6
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x88482818000c0a09, %rcx
	movq %xmm7, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm7, %xmm7   /* swap halves (again below) */
	movq %xmm7, %rdx
	pshufd $0x4e, %xmm7, %xmm7
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x89492919010d0b08, %rcx
	movq %xmm8, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm8, %xmm8   /* swap halves (again below) */
	movq %xmm8, %rdx
	pshufd $0x4e, %xmm8, %xmm8
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x8a4a2a1a020e080b, %rcx
	movq %xmm9, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm9, %xmm9   /* swap halves (again below) */
	movq %xmm9, %rdx
	pshufd $0x4e, %xmm9, %xmm9
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x8b4b2b1b030f090a, %rcx
	movq %xmm10, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm10, %xmm10   /* swap halves (again below) */
	movq %xmm10, %rdx
	pshufd $0x4e, %xmm10, %xmm10
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x8c4c2c1c04080e0d, %rcx
	movq %xmm11, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm11, %xmm11   /* swap halves (again below) */
	movq %xmm11, %rdx
	pshufd $0x4e, %xmm11, %xmm11
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x8d4d2d1d05090f0c, %rcx
	movq %xmm12, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm12, %xmm12   /* swap halves (again below) */
	movq %xmm12, %rdx
	pshufd $0x4e, %xmm12, %xmm12
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x8e4e2e1e060a0c0f, %rcx
	movq %xmm13, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm13, %xmm13   /* swap halves (again below) */
	movq %xmm13, %rdx
	pshufd $0x4e, %xmm13, %xmm13
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x8f4f2f1f070b0d0e, %rcx
	movq %xmm14, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm14, %xmm14   /* swap halves (again below) */
	movq %xmm14, %rdx
	pshufd $0x4e, %xmm14, %xmm14
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	movabsq $0x9050300018141211, %rcx
	movq %xmm15, %rdx
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	pshufd $0x4e, %xmm15, %xmm15   /* swap halves (again below) */
	movq %xmm15, %rdx
	pshufd $0x4e, %xmm15, %xmm15
	cmpq %rcx, %rdx
	setne %r8b
	addq %r8, %rax
	addq %rax, %rsi
	decq %rdi
	jnz 1b
	movq %rsi, %rax
	ret
	.size kiln_test_vector_regs_spin, . - kiln_test_vector_regs_spin
	.section .note.GNU-stack, "", @progbits
