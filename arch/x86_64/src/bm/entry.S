/* x86_64 bare metal: exception and interrupt entry stubs.
 *
 * Every stub is 16 bytes, so vector v's stub is at table + 16 * v (cpu.cpp
 * fills the IDT from that). Each pushes a zero error code where the CPU
 * pushes none, then the vector, then jumps to a common part that pushes
 * the general registers (struct kiln_x86_frame in kiln/arch/x86.h).
 *
 * Exceptions (0..31) are fatal: they run on an IST stack and never return.
 * Interrupts (32..255) arrive on a small IST stack; the common part moves
 * the CPU's frame to the interrupted stack 128 bytes below its stack
 * pointer (the red zone, which host-built libgcc code may use, stays
 * intact) and runs there: it saves the full FPU
 * state (xsave when the CPU has it, else fxsave) because all code may use
 * SSE, call the registered handler (which may switch threads), restore
 * and return with iretq. */

#include <kiln/arch/x86.h>

#define SAVE_GPRS \
	pushq %rax; pushq %rbx; pushq %rcx; pushq %rdx; pushq %rsi; pushq %rdi; pushq %rbp; \
	pushq %r8; pushq %r9; pushq %r10; pushq %r11; pushq %r12; pushq %r13; pushq %r14; pushq %r15
#define RESTORE_GPRS \
	popq %r15; popq %r14; popq %r13; popq %r12; popq %r11; popq %r10; popq %r9; popq %r8; \
	popq %rbp; popq %rdi; popq %rsi; popq %rdx; popq %rcx; popq %rbx; popq %rax

	.section .text.kiln_x86_vectors, "ax"
	.balign 16
	.globl kiln_x86_exc_stubs
kiln_x86_exc_stubs:
	vec = 0
	.rept 32
	.balign 16
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp kiln_x86_exc_common
	vec = vec + 1
	.endr

	.balign 16
	.globl kiln_x86_irq_stubs
kiln_x86_irq_stubs:
	vec = 32
	.rept 224
	.balign 16
	pushq $0
	pushq $vec
	jmp kiln_x86_irq_common
	vec = vec + 1
	.endr

	.type kiln_x86_exc_common, @function
kiln_x86_exc_common:
	SAVE_GPRS
	cld
	movq %rsp, %rdi
	/* A frame record pointing at the faulting code, so a backtrace
	 * taken inside the handler continues into it. */
	pushq 17*8(%rdi)
	pushq 8*8(%rdi)
	movq %rsp, %rbp
	andq $-16, %rsp
	call kiln_x86_exception
	ud2
	.size kiln_x86_exc_common, . - kiln_x86_exc_common

	/* Report a redelivered interrupt as a fatal exception (its vector is
	 * >= 32, which kiln_x86_exception names), on the exception stack. */
	.type kiln_x86_irq_redelivered, @function
kiln_x86_irq_redelivered:
	popq %rcx
	popq %rax
	movq %rsp, %rax
	leaq kiln_x86_exc_stack+KILN_X86_EXC_STACK_SIZE(%rip), %rsp
	pushq 48(%rax); pushq 40(%rax); pushq 32(%rax); pushq 24(%rax)
	pushq 16(%rax); pushq 8(%rax); pushq 0(%rax)
	jmp kiln_x86_exc_common
	.size kiln_x86_irq_redelivered, . - kiln_x86_irq_redelivered

	.type kiln_x86_irq_common, @function
kiln_x86_irq_common:
	/* On the IST stack: vector, error, rip, cs, rflags, rsp, ss. Move these
	 * seven words (and rax, rcx, saved to have two registers) below the
	 * interrupted code's red zone, 16-byte aligned as the CPU would. */
	pushq %rax
	pushq %rcx
	movq 56(%rsp), %rax            /* interrupted rsp */
	/* Interrupted code on this IST stack: the vector was delivered again
	 * before its stub ran (interrupts were off, so only a hypervisor that
	 * re-injects does that), and the second delivery has overwritten the
	 * first one's frame. Nothing to return to: report it. */
	leaq kiln_x86_irq_stack(%rip), %rcx
	cmpq %rcx, %rax
	jb 1f
	addq $KILN_X86_IRQ_STACK_SIZE, %rcx
	cmpq %rcx, %rax
	jbe kiln_x86_irq_redelivered
1:	subq $128, %rax
	andq $-16, %rax
	subq $72, %rax
	movq 0(%rsp), %rcx;  movq %rcx, 0(%rax)
	movq 8(%rsp), %rcx;  movq %rcx, 8(%rax)
	movq 16(%rsp), %rcx; movq %rcx, 16(%rax)
	movq 24(%rsp), %rcx; movq %rcx, 24(%rax)
	movq 32(%rsp), %rcx; movq %rcx, 32(%rax)
	movq 40(%rsp), %rcx; movq %rcx, 40(%rax)
	movq 48(%rsp), %rcx; movq %rcx, 48(%rax)
	movq 56(%rsp), %rcx; movq %rcx, 56(%rax)
	movq 64(%rsp), %rcx; movq %rcx, 64(%rax)
	movq %rax, %rsp
	popq %rcx
	popq %rax
	SAVE_GPRS
	cld
	movq %rsp, %rbx                /* the frame; rbx survives calls and switches */
	pushq 17*8(%rbx)               /* frame record: interrupted rip, rbp */
	pushq 8*8(%rbx)
	movq %rsp, %rbp
	movl kiln_x86_fpu_size(%rip), %eax
	subq %rax, %rsp
	andq $-64, %rsp
	cmpb $0, kiln_x86_use_xsave(%rip)
	je 1f
	/* xsave writes only the XSTATE_BV bits of enabled components and
	 * nothing else of the header; xrstor faults unless the rest (other
	 * XSTATE_BV bits, XCOMP_BV, reserved) is zero. The area is fresh
	 * stack, so clear the header. */
	xorl %eax, %eax
	movq %rax, 512(%rsp)
	movq %rax, 520(%rsp)
	movq %rax, 528(%rsp)
	movq %rax, 536(%rsp)
	movq %rax, 544(%rsp)
	movq %rax, 552(%rsp)
	movq %rax, 560(%rsp)
	movq %rax, 568(%rsp)
	movl $-1, %eax
	movl $-1, %edx
	xsave64 (%rsp)
	jmp 2f
1:	fxsave64 (%rsp)
2:	movq %rbx, %rdi
	call kiln_x86_irq_dispatch
	cmpb $0, kiln_x86_use_xsave(%rip)
	je 3f
	movl $-1, %eax
	movl $-1, %edx
	xrstor64 (%rsp)
	jmp 4f
3:	fxrstor64 (%rsp)
4:	movq %rbx, %rsp
	RESTORE_GPRS
	addq $16, %rsp                 /* vector, error code */
	iretq
	.size kiln_x86_irq_common, . - kiln_x86_irq_common

	.section .note.GNU-stack, "", @progbits
