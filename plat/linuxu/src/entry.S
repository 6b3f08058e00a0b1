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
