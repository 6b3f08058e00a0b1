/* x86_64 string and memory functions: memcpy, memmove, memset, memcmp,
 * strlen (docs/libc.md, "String and memory functions").
 *
 * memcpy, memmove, memset, memcmp and strlen jump through a pointer to one
 * of their variants; select.cpp sets the pointers once at boot from CPUID
 * (KILN_INIT early 001). The pointers start at the SSE2 variants, which
 * every x86_64 CPU runs, so code that runs before that init (the boot,
 * the platform's early setup) gets correct copies.
 *
 * Variants (memcpy is memmove: the overlap test costs one compare on the
 * large path only):
 *   memmove_sse2   sizes up to 128 bytes with overlapping unaligned loads
 *                  (all loads before any store, so overlap is safe),
 *                  larger with a 64-byte loop of aligned stores, forward
 *                  or backward as the overlap requires
 *   memmove_erms   the same, but non-overlapping copies of at least
 *                  kiln_x86_movsb_min bytes with `rep movsb` (ERMS)
 *   memmove_avx2, memmove_avx2_erms   32-byte vectors: up to 256 bytes
 *                  unrolled, 128 bytes per loop step
 *   memset_*       the same four shapes, `rep stosb` from kiln_x86_stosb_min
 *   memcmp_sse2, memcmp_avx2   16 / 32-byte compares; the first
 *                  difference decides, no byte past n is read
 *   strlen_sse2    aligned 16-byte loads (never cross into a page the
 *                  string does not touch), 64 bytes per loop step
 *   strlen_avx2    aligned 32-byte loads, 128 bytes per loop step
 *   memmove_avx512[_erms], memset_avx512[_erms]   64-byte vectors (zmm16+),
 *                  up to 512 bytes unrolled; chosen where glibc would
 *                  choose them too (AVX-512 and AVX-VNNI: no ZMM frequency
 *                  penalty) and the OS enabled the ZMM state
 *
 * SSE and AVX registers are caller-saved in the SysV ABI, and every
 * interrupt entry on kvm and xen saves the whole FPU/SSE/AVX state (xsave,
 * entry.S) before any handler runs, so these functions may use them in
 * kernel code, interrupt handlers and apps alike (docs/libc.md).
 *
 * Built for the host test (tests/host/test_string.cpp) with
 * KILN_STRING_HOST_TEST, the public names get a kiln_host_ prefix so they
 * do not replace the host C library's. */

#ifdef KILN_STRING_HOST_TEST
#define PUBLIC(name) kiln_host_##name
#else
#define PUBLIC(name) name
#endif

#define FUNC(name) \
	.section .text.name, "ax"; \
	.globl name; \
	.type name, @function; \
	.balign 32; \
name:

#define END(name) .size name, . - name

/* ---------------------------------------------------------------------- */
/* The dispatch pointers and thresholds, set by kiln_x86_string_select.    */

	.section .data.kiln_x86_string, "aw"
	.balign 8
	.globl kiln_x86_memmove_impl, kiln_x86_memset_impl, kiln_x86_strlen_impl, kiln_x86_memcmp_impl
	.globl kiln_x86_movsb_min, kiln_x86_stosb_min
kiln_x86_memmove_impl:	.quad kiln_x86_memmove_sse2
kiln_x86_memset_impl:	.quad kiln_x86_memset_sse2
kiln_x86_strlen_impl:	.quad kiln_x86_strlen_sse2
kiln_x86_memcmp_impl:	.quad kiln_x86_memcmp_sse2
/* rep movsb / rep stosb from this many bytes on (the erms variants). */
kiln_x86_movsb_min:	.quad 2048
kiln_x86_stosb_min:	.quad 2048

/* ---------------------------------------------------------------------- */

FUNC(PUBLIC(memcpy))
	jmp *kiln_x86_memmove_impl(%rip)
END(PUBLIC(memcpy))

FUNC(PUBLIC(memmove))
	jmp *kiln_x86_memmove_impl(%rip)
END(PUBLIC(memmove))

FUNC(PUBLIC(memset))
	jmp *kiln_x86_memset_impl(%rip)
END(PUBLIC(memset))

FUNC(PUBLIC(memcmp))
	jmp *kiln_x86_memcmp_impl(%rip)
END(PUBLIC(memcmp))

FUNC(PUBLIC(strlen))
	jmp *kiln_x86_strlen_impl(%rip)
END(PUBLIC(strlen))

/* ---------------------------------------------------------------------- */
/* void* memmove(void* dst [rdi], const void* src [rsi], size_t n [rdx])   */

.macro MEMMOVE name, erms
FUNC(\name)
	movq %rdi, %rax
	cmpq $16, %rdx
	jb .Lm_lt16_\@
	cmpq $32, %rdx
	ja .Lm_gt32_\@
	/* 16..32 */
	movdqu (%rsi), %xmm0
	movdqu -16(%rsi,%rdx), %xmm1
	movdqu %xmm0, (%rdi)
	movdqu %xmm1, -16(%rdi,%rdx)
	ret
.Lm_lt16_\@:
	cmpl $8, %edx
	jb .Lm_lt8_\@
	movq (%rsi), %rcx
	movq -8(%rsi,%rdx), %r8
	movq %rcx, (%rdi)
	movq %r8, -8(%rdi,%rdx)
	ret
.Lm_lt8_\@:
	cmpl $4, %edx
	jb .Lm_lt4_\@
	movl (%rsi), %ecx
	movl -4(%rsi,%rdx), %r8d
	movl %ecx, (%rdi)
	movl %r8d, -4(%rdi,%rdx)
	ret
.Lm_lt4_\@:
	testl %edx, %edx
	jz .Lm_ret_\@
	movzbl (%rsi), %ecx
	cmpl $2, %edx
	jb .Lm_one_\@
	movzwl -2(%rsi,%rdx), %r8d
	movb %cl, (%rdi)
	movw %r8w, -2(%rdi,%rdx)
	ret
.Lm_one_\@:
	movb %cl, (%rdi)
.Lm_ret_\@:
	ret
.Lm_gt32_\@:
	cmpq $64, %rdx
	ja .Lm_gt64_\@
	movdqu (%rsi), %xmm0
	movdqu 16(%rsi), %xmm1
	movdqu -32(%rsi,%rdx), %xmm2
	movdqu -16(%rsi,%rdx), %xmm3
	movdqu %xmm0, (%rdi)
	movdqu %xmm1, 16(%rdi)
	movdqu %xmm2, -32(%rdi,%rdx)
	movdqu %xmm3, -16(%rdi,%rdx)
	ret
.Lm_gt64_\@:
	cmpq $128, %rdx
	ja .Lm_gt128_\@
	movdqu (%rsi), %xmm0
	movdqu 16(%rsi), %xmm1
	movdqu 32(%rsi), %xmm2
	movdqu 48(%rsi), %xmm3
	movdqu -64(%rsi,%rdx), %xmm4
	movdqu -48(%rsi,%rdx), %xmm5
	movdqu -32(%rsi,%rdx), %xmm6
	movdqu -16(%rsi,%rdx), %xmm7
	movdqu %xmm0, (%rdi)
	movdqu %xmm1, 16(%rdi)
	movdqu %xmm2, 32(%rdi)
	movdqu %xmm3, 48(%rdi)
	movdqu %xmm4, -64(%rdi,%rdx)
	movdqu %xmm5, -48(%rdi,%rdx)
	movdqu %xmm6, -32(%rdi,%rdx)
	movdqu %xmm7, -16(%rdi,%rdx)
	ret
.Lm_gt128_\@:
	/* rcx = dst - src: below n (unsigned) means dst lies inside the
	 * source, after its start: copy backward. */
	movq %rdi, %rcx
	subq %rsi, %rcx
	cmpq %rdx, %rcx
	jb .Lm_backward_\@
.if \erms
	cmpq kiln_x86_movsb_min(%rip), %rdx
	jb .Lm_forward_\@
	/* src - dst below n: the source starts inside the destination.
	 * rep movsb is correct then, but slow for close regions: loop. */
	movq %rsi, %rcx
	subq %rdi, %rcx
	cmpq %rdx, %rcx
	jb .Lm_forward_\@
	movq %rdx, %rcx
	rep movsb
	ret
.endif
.Lm_forward_\@:
	/* Head (16) and tail (64) are loaded first and stored last: with an
	 * overlapping source behind the destination the loop overwrites
	 * them. */
	movdqu (%rsi), %xmm8
	movdqu -64(%rsi,%rdx), %xmm4
	movdqu -48(%rsi,%rdx), %xmm5
	movdqu -32(%rsi,%rdx), %xmm6
	movdqu -16(%rsi,%rdx), %xmm7
	leaq -64(%rdi,%rdx), %r9       /* where the tail goes */
	leaq 16(%rdi), %r8
	andq $-16, %r8                 /* first aligned destination after the head */
	movq %rsi, %r10
	subq %rdi, %r10                /* src - dst */
	cmpq %r9, %r8
	jae 2f
1:	movdqu (%r8,%r10), %xmm0
	movdqu 16(%r8,%r10), %xmm1
	movdqu 32(%r8,%r10), %xmm2
	movdqu 48(%r8,%r10), %xmm3
	movdqa %xmm0, (%r8)
	movdqa %xmm1, 16(%r8)
	movdqa %xmm2, 32(%r8)
	movdqa %xmm3, 48(%r8)
	addq $64, %r8
	cmpq %r9, %r8
	jb 1b
2:	movdqu %xmm8, (%rdi)
	movdqu %xmm4, (%r9)
	movdqu %xmm5, 16(%r9)
	movdqu %xmm6, 32(%r9)
	movdqu %xmm7, 48(%r9)
	ret
.Lm_backward_\@:
	/* Mirror image: head (64) and tail (16) first, the loop walks down
	 * from the aligned end. */
	movdqu (%rsi), %xmm4
	movdqu 16(%rsi), %xmm5
	movdqu 32(%rsi), %xmm6
	movdqu 48(%rsi), %xmm7
	movdqu -16(%rsi,%rdx), %xmm8
	leaq -16(%rdi,%rdx), %r9       /* where the tail goes */
	leaq (%rdi,%rdx), %r8
	andq $-16, %r8                 /* aligned end, within 16 of the real end */
	movq %rsi, %r10
	subq %rdi, %r10                /* src - dst */
	leaq 64(%rdi), %r11            /* the head covers below this */
	cmpq %r11, %r8
	jbe 2f
1:	subq $64, %r8
	movdqu 48(%r8,%r10), %xmm3
	movdqu 32(%r8,%r10), %xmm2
	movdqu 16(%r8,%r10), %xmm1
	movdqu (%r8,%r10), %xmm0
	movdqa %xmm3, 48(%r8)
	movdqa %xmm2, 32(%r8)
	movdqa %xmm1, 16(%r8)
	movdqa %xmm0, (%r8)
	cmpq %r11, %r8
	ja 1b
2:	movdqu %xmm8, (%r9)
	movdqu %xmm4, (%rdi)
	movdqu %xmm5, 16(%rdi)
	movdqu %xmm6, 32(%rdi)
	movdqu %xmm7, 48(%rdi)
	ret
END(\name)
.endm

	MEMMOVE kiln_x86_memmove_sse2, 0
	MEMMOVE kiln_x86_memmove_erms, 1

/* ---------------------------------------------------------------------- */
/* void* memset(void* dst [rdi], int c [esi], size_t n [rdx])              */

.macro MEMSET name, erms
FUNC(\name)
	movq %rdi, %rax
	movzbl %sil, %ecx
	movabsq $0x0101010101010101, %r8
	imulq %r8, %rcx                /* c in every byte */
	cmpq $16, %rdx
	jb .Ls_lt16_\@
	movq %rcx, %xmm0
	punpcklqdq %xmm0, %xmm0
	cmpq $32, %rdx
	ja .Ls_gt32_\@
	movdqu %xmm0, (%rdi)
	movdqu %xmm0, -16(%rdi,%rdx)
	ret
.Ls_lt16_\@:
	cmpl $8, %edx
	jb .Ls_lt8_\@
	movq %rcx, (%rdi)
	movq %rcx, -8(%rdi,%rdx)
	ret
.Ls_lt8_\@:
	cmpl $4, %edx
	jb .Ls_lt4_\@
	movl %ecx, (%rdi)
	movl %ecx, -4(%rdi,%rdx)
	ret
.Ls_lt4_\@:
	testl %edx, %edx
	jz .Ls_ret_\@
	movb %cl, (%rdi)
	cmpl $2, %edx
	jb .Ls_ret_\@
	movw %cx, -2(%rdi,%rdx)
.Ls_ret_\@:
	ret
.Ls_gt32_\@:
	cmpq $64, %rdx
	ja .Ls_gt64_\@
	movdqu %xmm0, (%rdi)
	movdqu %xmm0, 16(%rdi)
	movdqu %xmm0, -32(%rdi,%rdx)
	movdqu %xmm0, -16(%rdi,%rdx)
	ret
.Ls_gt64_\@:
	cmpq $128, %rdx
	ja .Ls_gt128_\@
	movdqu %xmm0, (%rdi)
	movdqu %xmm0, 16(%rdi)
	movdqu %xmm0, 32(%rdi)
	movdqu %xmm0, 48(%rdi)
	movdqu %xmm0, -64(%rdi,%rdx)
	movdqu %xmm0, -48(%rdi,%rdx)
	movdqu %xmm0, -32(%rdi,%rdx)
	movdqu %xmm0, -16(%rdi,%rdx)
	ret
.Ls_gt128_\@:
.if \erms
	cmpq kiln_x86_stosb_min(%rip), %rdx
	jb .Ls_loop_\@
	movq %rdi, %r9
	movl %ecx, %eax
	movq %rdx, %rcx
	rep stosb
	movq %r9, %rax
	ret
.endif
.Ls_loop_\@:
	movdqu %xmm0, (%rdi)
	leaq -64(%rdi,%rdx), %r9       /* the tail */
	leaq 16(%rdi), %r8
	andq $-16, %r8
	cmpq %r9, %r8
	jae 2f
1:	movdqa %xmm0, (%r8)
	movdqa %xmm0, 16(%r8)
	movdqa %xmm0, 32(%r8)
	movdqa %xmm0, 48(%r8)
	addq $64, %r8
	cmpq %r9, %r8
	jb 1b
2:	movdqu %xmm0, (%r9)
	movdqu %xmm0, 16(%r9)
	movdqu %xmm0, 32(%r9)
	movdqu %xmm0, 48(%r9)
	ret
END(\name)
.endm

	MEMSET kiln_x86_memset_sse2, 0
	MEMSET kiln_x86_memset_erms, 1

/* ---------------------------------------------------------------------- */
/* int memcmp(const void* a [rdi], const void* b [rsi], size_t n [rdx]):
 * reads only the n bytes of each. */

FUNC(kiln_x86_memcmp_sse2)
	cmpq $16, %rdx
	jb .Lc_lt16
	leaq -16(%rdx), %r8            /* offset of the last 16 */
	xorl %ecx, %ecx
	cmpq $32, %rdx
	ja .Lc_big
	/* 16..32: the first 16, then the last 16 (lowest offset first, so
	 * the first difference decides) */
	movdqu (%rdi), %xmm0
	movdqu (%rsi), %xmm1
	pcmpeqb %xmm1, %xmm0
	pmovmskb %xmm0, %eax
	xorl $0xffff, %eax
	jnz .Lc_diff
	jmp .Lc_last
.Lc_big:
	leaq -32(%rdx), %r9
1:	movdqu (%rdi,%rcx), %xmm0
	movdqu (%rsi,%rcx), %xmm1
	movdqu 16(%rdi,%rcx), %xmm2
	movdqu 16(%rsi,%rcx), %xmm3
	pcmpeqb %xmm1, %xmm0
	pcmpeqb %xmm3, %xmm2
	pmovmskb %xmm0, %eax
	pmovmskb %xmm2, %r10d
	shll $16, %r10d
	orl %r10d, %eax
	xorl $0xffffffff, %eax
	jnz .Lc_diff
	addq $32, %rcx
	cmpq %r9, %rcx
	jb 1b
	/* 1..32 bytes left: 16 from n-32, then 16 from n-16 (overlapping what
	 * is already known equal) */
	movq %r9, %rcx
	movdqu (%rdi,%rcx), %xmm0
	movdqu (%rsi,%rcx), %xmm1
	pcmpeqb %xmm1, %xmm0
	pmovmskb %xmm0, %eax
	xorl $0xffff, %eax
	jnz .Lc_diff
.Lc_last:
	movq %r8, %rcx
	movdqu (%rdi,%rcx), %xmm0
	movdqu (%rsi,%rcx), %xmm1
	pcmpeqb %xmm1, %xmm0
	pmovmskb %xmm0, %eax
	xorl $0xffff, %eax
	jnz .Lc_diff
	xorl %eax, %eax
	ret
.Lc_diff:
	bsfl %eax, %eax
	addq %rcx, %rax
	movzbl (%rdi,%rax), %ecx
	movzbl (%rsi,%rax), %edx
	movl %ecx, %eax
	subl %edx, %eax
	ret
.Lc_lt16:
	cmpl $8, %edx
	jb .Lc_lt8
	movq (%rdi), %r8
	movq (%rsi), %r9
	cmpq %r9, %r8
	jne .Lc_q
	movq -8(%rdi,%rdx), %r8
	movq -8(%rsi,%rdx), %r9
	cmpq %r9, %r8
	jne .Lc_q
	xorl %eax, %eax
	ret
.Lc_q:	/* first differing byte decides: compare big-endian */
	bswapq %r8
	bswapq %r9
	cmpq %r9, %r8
	sbbl %eax, %eax
	orl $1, %eax
	ret
.Lc_lt8:
	cmpl $4, %edx
	jb .Lc_lt4
	movl (%rdi), %r8d
	movl (%rsi), %r9d
	cmpl %r9d, %r8d
	jne .Lc_d
	movl -4(%rdi,%rdx), %r8d
	movl -4(%rsi,%rdx), %r9d
	cmpl %r9d, %r8d
	jne .Lc_d
	xorl %eax, %eax
	ret
.Lc_d:
	bswapl %r8d
	bswapl %r9d
	cmpl %r9d, %r8d
	sbbl %eax, %eax
	orl $1, %eax
	ret
.Lc_lt4:
	xorl %eax, %eax
	testl %edx, %edx
	jz 2f
1:	movzbl (%rdi), %eax
	movzbl (%rsi), %ecx
	subl %ecx, %eax
	jnz 2f
	incq %rdi
	incq %rsi
	decl %edx
	jnz 1b
2:	ret
END(kiln_x86_memcmp_sse2)

/* ---------------------------------------------------------------------- */
/* size_t strlen(const char* s [rdi]): aligned loads only, so no load
 * touches a page the string does not. */

FUNC(kiln_x86_strlen_sse2)
	pxor %xmm0, %xmm0
	movq %rdi, %rax
	andq $-16, %rax
	movdqa (%rax), %xmm1
	pcmpeqb %xmm0, %xmm1
	pmovmskb %xmm1, %edx
	movl %edi, %ecx
	andl $15, %ecx
	shrl %cl, %edx                 /* drop the bytes before s */
	testl %edx, %edx
	jz 1f
	bsfl %edx, %eax
	ret
1:	addq $16, %rax
	/* 16 at a time up to a 64-byte boundary, then 64 at a time */
2:	testl $63, %eax
	jz 3f
	movdqa (%rax), %xmm1
	pcmpeqb %xmm0, %xmm1
	pmovmskb %xmm1, %edx
	testl %edx, %edx
	jnz .Ll_found
	addq $16, %rax
	jmp 2b
3:	movdqa (%rax), %xmm1
	movdqa 16(%rax), %xmm2
	movdqa 32(%rax), %xmm3
	movdqa 48(%rax), %xmm4
	pminub %xmm2, %xmm1
	pminub %xmm4, %xmm3
	pminub %xmm3, %xmm1
	pcmpeqb %xmm0, %xmm1
	pmovmskb %xmm1, %edx
	testl %edx, %edx
	jnz 4f
	addq $64, %rax
	jmp 3b
4:	/* in one of these four: find which */
	movdqa (%rax), %xmm1
	pcmpeqb %xmm0, %xmm1
	pmovmskb %xmm1, %edx
	testl %edx, %edx
	jnz .Ll_found
	addq $16, %rax
	jmp 4b
.Ll_found:
	bsfl %edx, %edx
	addq %rdx, %rax
	subq %rdi, %rax
	ret
END(kiln_x86_strlen_sse2)

FUNC(kiln_x86_strlen_avx2)
	/* The first 16 bytes in SSE registers, so a short string returns
	 * without touching a ymm register (no vzeroupper): from s itself
	 * unless that load would reach into the next page, else the aligned
	 * 16 around s (a shift drops the bytes before s). */
	movl %edi, %ecx
	andl $4095, %ecx
	cmpl $4080, %ecx
	ja 7f
	pxor %xmm0, %xmm0
	movdqu (%rdi), %xmm1
	pcmpeqb %xmm0, %xmm1
	pmovmskb %xmm1, %edx
	testl %edx, %edx
	jz 8f
	bsfl %edx, %eax
	ret
8:	movq %rdi, %rax
	andq $-16, %rax
	jmp 5f
7:	pxor %xmm0, %xmm0
	movq %rdi, %rax
	andq $-16, %rax
	movdqa (%rax), %xmm1
	pcmpeqb %xmm0, %xmm1
	pmovmskb %xmm1, %edx
	movl %edi, %ecx
	andl $15, %ecx
	shrl %cl, %edx
	testl %edx, %edx
	jz 5f
	bsfl %edx, %eax
	ret
5:	/* then the aligned 32 bytes holding the next 16 (s's own 16 again
	 * when they were its lower half: masked below s, no zero after it) */
	vpxor %xmm0, %xmm0, %xmm0
	addq $16, %rax
	andq $-32, %rax
	vpcmpeqb (%rax), %ymm0, %ymm1
	vpmovmskb %ymm1, %edx
	movl %edi, %ecx
	subl %eax, %ecx                /* s - block: negative or 0..15 */
	jle 6f
	shrl %cl, %edx                 /* drop bytes before s */
	shll %cl, %edx
6:	testl %edx, %edx
	jnz .Lv_found
	/* three more aligned 32s, unrolled, then 128-aligned steps */
	vpcmpeqb 32(%rax), %ymm0, %ymm1
	vpmovmskb %ymm1, %edx
	testl %edx, %edx
	jnz .Lv_found32
	vpcmpeqb 64(%rax), %ymm0, %ymm1
	vpmovmskb %ymm1, %edx
	testl %edx, %edx
	jnz .Lv_found64
	vpcmpeqb 96(%rax), %ymm0, %ymm1
	vpmovmskb %ymm1, %edx
	testl %edx, %edx
	jnz .Lv_found96
	/* from the 128-aligned block holding the first unchecked byte (it
	 * belongs to the string, so the block's page does too); up to 96
	 * bytes are checked again */
	subq $-128, %rax
	andq $-128, %rax
	.p2align 4
3:	vmovdqa (%rax), %ymm1
	vpminub 32(%rax), %ymm1, %ymm5
	vmovdqa 64(%rax), %ymm3
	vpminub 96(%rax), %ymm3, %ymm6
	vpminub %ymm6, %ymm5, %ymm5
	vpcmpeqb %ymm0, %ymm5, %ymm5
	vpmovmskb %ymm5, %edx
	subq $-128, %rax
	testl %edx, %edx
	jz 3b
	addq $-128, %rax
	/* which of the four: two 64-bit masks */
	vpcmpeqb %ymm0, %ymm1, %ymm1
	vpcmpeqb 32(%rax), %ymm0, %ymm2
	vpmovmskb %ymm1, %edx
	vpmovmskb %ymm2, %ecx
	shlq $32, %rcx
	orq %rcx, %rdx
	jnz .Lv_found
	vpcmpeqb %ymm0, %ymm3, %ymm3
	vpcmpeqb 96(%rax), %ymm0, %ymm4
	vpmovmskb %ymm3, %edx
	vpmovmskb %ymm4, %ecx
	shlq $32, %rcx
	orq %rcx, %rdx
	addq $64, %rax
	jmp .Lv_found
.Lv_found96:
	addq $32, %rax
.Lv_found64:
	addq $32, %rax
.Lv_found32:
	addq $32, %rax
.Lv_found:
	bsfq %rdx, %rdx
	addq %rdx, %rax
	subq %rdi, %rax
	vzeroupper
	ret
END(kiln_x86_strlen_avx2)


/* ---------------------------------------------------------------------- */
/* AVX2 variants: the same shapes with 32-byte vectors (sizes up to 256
 * unrolled, 128 bytes per loop step). vzeroupper before every return
 * after a ymm register was written, so SSE code after them pays no
 * transition penalty. */

.macro MEMMOVE_AVX2 name, erms
FUNC(\name)
	movq %rdi, %rax
	cmpq $32, %rdx
	jb .La_lt32_\@
	cmpq $64, %rdx
	ja .La_gt64_\@
	vmovdqu (%rsi), %ymm0
	vmovdqu -32(%rsi,%rdx), %ymm1
	vmovdqu %ymm0, (%rdi)
	vmovdqu %ymm1, -32(%rdi,%rdx)
	vzeroupper
	ret
.La_lt32_\@:
	cmpl $16, %edx
	jb .La_lt16_\@
	vmovdqu (%rsi), %xmm0
	vmovdqu -16(%rsi,%rdx), %xmm1
	vmovdqu %xmm0, (%rdi)
	vmovdqu %xmm1, -16(%rdi,%rdx)
	ret
.La_lt16_\@:
	cmpl $8, %edx
	jb .La_lt8_\@
	movq (%rsi), %rcx
	movq -8(%rsi,%rdx), %r8
	movq %rcx, (%rdi)
	movq %r8, -8(%rdi,%rdx)
	ret
.La_lt8_\@:
	cmpl $4, %edx
	jb .La_lt4_\@
	movl (%rsi), %ecx
	movl -4(%rsi,%rdx), %r8d
	movl %ecx, (%rdi)
	movl %r8d, -4(%rdi,%rdx)
	ret
.La_lt4_\@:
	testl %edx, %edx
	jz .La_ret_\@
	movzbl (%rsi), %ecx
	cmpl $2, %edx
	jb .La_one_\@
	movzwl -2(%rsi,%rdx), %r8d
	movb %cl, (%rdi)
	movw %r8w, -2(%rdi,%rdx)
	ret
.La_one_\@:
	movb %cl, (%rdi)
.La_ret_\@:
	ret
.La_gt64_\@:
	cmpq $128, %rdx
	ja .La_gt128_\@
	vmovdqu (%rsi), %ymm0
	vmovdqu 32(%rsi), %ymm1
	vmovdqu -64(%rsi,%rdx), %ymm2
	vmovdqu -32(%rsi,%rdx), %ymm3
	vmovdqu %ymm0, (%rdi)
	vmovdqu %ymm1, 32(%rdi)
	vmovdqu %ymm2, -64(%rdi,%rdx)
	vmovdqu %ymm3, -32(%rdi,%rdx)
	vzeroupper
	ret
.La_gt128_\@:
	cmpq $256, %rdx
	ja .La_gt256_\@
	vmovdqu (%rsi), %ymm0
	vmovdqu 32(%rsi), %ymm1
	vmovdqu 64(%rsi), %ymm2
	vmovdqu 96(%rsi), %ymm3
	vmovdqu -128(%rsi,%rdx), %ymm4
	vmovdqu -96(%rsi,%rdx), %ymm5
	vmovdqu -64(%rsi,%rdx), %ymm6
	vmovdqu -32(%rsi,%rdx), %ymm7
	vmovdqu %ymm0, (%rdi)
	vmovdqu %ymm1, 32(%rdi)
	vmovdqu %ymm2, 64(%rdi)
	vmovdqu %ymm3, 96(%rdi)
	vmovdqu %ymm4, -128(%rdi,%rdx)
	vmovdqu %ymm5, -96(%rdi,%rdx)
	vmovdqu %ymm6, -64(%rdi,%rdx)
	vmovdqu %ymm7, -32(%rdi,%rdx)
	vzeroupper
	ret
.La_gt256_\@:
	movq %rdi, %rcx
	subq %rsi, %rcx
	cmpq %rdx, %rcx
	jb .La_backward_\@
.if \erms
	cmpq kiln_x86_movsb_min(%rip), %rdx
	jb .La_forward_\@
	movq %rsi, %rcx
	subq %rdi, %rcx
	cmpq %rdx, %rcx
	jb .La_forward_\@
	movq %rdx, %rcx
	rep movsb
	ret
.endif
.La_forward_\@:
	vmovdqu (%rsi), %ymm8
	vmovdqu -128(%rsi,%rdx), %ymm4
	vmovdqu -96(%rsi,%rdx), %ymm5
	vmovdqu -64(%rsi,%rdx), %ymm6
	vmovdqu -32(%rsi,%rdx), %ymm7
	leaq -128(%rdi,%rdx), %r9      /* where the tail goes */
	leaq 32(%rdi), %r8
	andq $-32, %r8
	movq %rsi, %r10
	subq %rdi, %r10
1:	vmovdqu (%r8,%r10), %ymm0
	vmovdqu 32(%r8,%r10), %ymm1
	vmovdqu 64(%r8,%r10), %ymm2
	vmovdqu 96(%r8,%r10), %ymm3
	vmovdqa %ymm0, (%r8)
	vmovdqa %ymm1, 32(%r8)
	vmovdqa %ymm2, 64(%r8)
	vmovdqa %ymm3, 96(%r8)
	subq $-128, %r8
	cmpq %r9, %r8
	jb 1b
	vmovdqu %ymm8, (%rdi)
	vmovdqu %ymm4, (%r9)
	vmovdqu %ymm5, 32(%r9)
	vmovdqu %ymm6, 64(%r9)
	vmovdqu %ymm7, 96(%r9)
	vzeroupper
	ret
.La_backward_\@:
	vmovdqu (%rsi), %ymm4
	vmovdqu 32(%rsi), %ymm5
	vmovdqu 64(%rsi), %ymm6
	vmovdqu 96(%rsi), %ymm7
	vmovdqu -32(%rsi,%rdx), %ymm8
	leaq -32(%rdi,%rdx), %r9       /* where the tail goes */
	leaq (%rdi,%rdx), %r8
	andq $-32, %r8
	movq %rsi, %r10
	subq %rdi, %r10
	leaq 128(%rdi), %r11           /* the head covers below this */
1:	subq $128, %r8
	vmovdqu 96(%r8,%r10), %ymm3
	vmovdqu 64(%r8,%r10), %ymm2
	vmovdqu 32(%r8,%r10), %ymm1
	vmovdqu (%r8,%r10), %ymm0
	vmovdqa %ymm3, 96(%r8)
	vmovdqa %ymm2, 64(%r8)
	vmovdqa %ymm1, 32(%r8)
	vmovdqa %ymm0, (%r8)
	cmpq %r11, %r8
	ja 1b
	vmovdqu %ymm8, (%r9)
	vmovdqu %ymm4, (%rdi)
	vmovdqu %ymm5, 32(%rdi)
	vmovdqu %ymm6, 64(%rdi)
	vmovdqu %ymm7, 96(%rdi)
	vzeroupper
	ret
END(\name)
.endm

	MEMMOVE_AVX2 kiln_x86_memmove_avx2, 0
	MEMMOVE_AVX2 kiln_x86_memmove_avx2_erms, 1

.macro MEMSET_AVX2 name, erms
FUNC(\name)
	movq %rdi, %rax
	cmpq $16, %rdx
	jb .Lt_lt16_\@
	vmovd %esi, %xmm0
	vpbroadcastb %xmm0, %ymm0
	cmpq $32, %rdx
	jb .Lt_lt32_\@
	cmpq $64, %rdx
	ja .Lt_gt64_\@
	vmovdqu %ymm0, (%rdi)
	vmovdqu %ymm0, -32(%rdi,%rdx)
	vzeroupper
	ret
.Lt_lt32_\@:
	vmovdqu %xmm0, (%rdi)
	vmovdqu %xmm0, -16(%rdi,%rdx)
	vzeroupper
	ret
.Lt_lt16_\@:
	movzbl %sil, %ecx
	movabsq $0x0101010101010101, %r8
	imulq %r8, %rcx
	cmpl $8, %edx
	jb .Lt_lt8_\@
	movq %rcx, (%rdi)
	movq %rcx, -8(%rdi,%rdx)
	ret
.Lt_lt8_\@:
	cmpl $4, %edx
	jb .Lt_lt4_\@
	movl %ecx, (%rdi)
	movl %ecx, -4(%rdi,%rdx)
	ret
.Lt_lt4_\@:
	testl %edx, %edx
	jz .Lt_ret_\@
	movb %cl, (%rdi)
	cmpl $2, %edx
	jb .Lt_ret_\@
	movw %cx, -2(%rdi,%rdx)
.Lt_ret_\@:
	ret
.Lt_gt64_\@:
	cmpq $128, %rdx
	ja .Lt_gt128_\@
	vmovdqu %ymm0, (%rdi)
	vmovdqu %ymm0, 32(%rdi)
	vmovdqu %ymm0, -64(%rdi,%rdx)
	vmovdqu %ymm0, -32(%rdi,%rdx)
	vzeroupper
	ret
.Lt_gt128_\@:
	cmpq $256, %rdx
	ja .Lt_gt256_\@
	vmovdqu %ymm0, (%rdi)
	vmovdqu %ymm0, 32(%rdi)
	vmovdqu %ymm0, 64(%rdi)
	vmovdqu %ymm0, 96(%rdi)
	vmovdqu %ymm0, -128(%rdi,%rdx)
	vmovdqu %ymm0, -96(%rdi,%rdx)
	vmovdqu %ymm0, -64(%rdi,%rdx)
	vmovdqu %ymm0, -32(%rdi,%rdx)
	vzeroupper
	ret
.Lt_gt256_\@:
.if \erms
	cmpq kiln_x86_stosb_min(%rip), %rdx
	jb .Lt_loop_\@
	vzeroupper
	movq %rdi, %r9
	movzbl %sil, %eax
	movq %rdx, %rcx
	rep stosb
	movq %r9, %rax
	ret
.endif
.Lt_loop_\@:
	vmovdqu %ymm0, (%rdi)
	leaq -128(%rdi,%rdx), %r9      /* the tail */
	leaq 32(%rdi), %r8
	andq $-32, %r8
1:	vmovdqa %ymm0, (%r8)
	vmovdqa %ymm0, 32(%r8)
	vmovdqa %ymm0, 64(%r8)
	vmovdqa %ymm0, 96(%r8)
	subq $-128, %r8
	cmpq %r9, %r8
	jb 1b
	vmovdqu %ymm0, (%r9)
	vmovdqu %ymm0, 32(%r9)
	vmovdqu %ymm0, 64(%r9)
	vmovdqu %ymm0, 96(%r9)
	vzeroupper
	ret
END(\name)
.endm

	MEMSET_AVX2 kiln_x86_memset_avx2, 0
	MEMSET_AVX2 kiln_x86_memset_avx2_erms, 1

/* memcmp, AVX2: up to 32 bytes the SSE2 code; then 64 bytes per step.
 * The equal-mask plus one has its lowest set bit at the first
 * difference. */
FUNC(kiln_x86_memcmp_avx2)
	cmpq $16, %rdx
	jb kiln_x86_memcmp_sse2        /* its general-register code */
	cmpq $32, %rdx
	ja .Lca_gt32
	/* 16..32: both halves at once, SSE registers only */
	movdqu (%rdi), %xmm0
	movdqu (%rsi), %xmm1
	movdqu -16(%rdi,%rdx), %xmm2
	movdqu -16(%rsi,%rdx), %xmm3
	pcmpeqb %xmm1, %xmm0
	pcmpeqb %xmm3, %xmm2
	pmovmskb %xmm0, %eax
	pmovmskb %xmm2, %r8d
	xorl $0xffff, %eax
	jnz 2f
	xorl $0xffff, %r8d
	jnz 1f
	ret                            /* eax is 0 */
1:	bsfl %r8d, %eax
	leaq -16(%rdx,%rax), %rax
	jmp 3f
2:	bsfl %eax, %eax
3:	movzbl (%rdi,%rax), %ecx
	movzbl (%rsi,%rax), %edx
	movl %ecx, %eax
	subl %edx, %eax
	ret
.Lca_gt32:
	xorl %ecx, %ecx
	cmpq $64, %rdx
	jbe .Lca_small
	cmpq $128, %rdx
	jbe .Lca_tail64
	leaq -128(%rdx), %r9
1:	vmovdqu (%rdi,%rcx), %ymm0
	vmovdqu 32(%rdi,%rcx), %ymm1
	vmovdqu 64(%rdi,%rcx), %ymm2
	vmovdqu 96(%rdi,%rcx), %ymm3
	vpcmpeqb (%rsi,%rcx), %ymm0, %ymm0
	vpcmpeqb 32(%rsi,%rcx), %ymm1, %ymm1
	vpcmpeqb 64(%rsi,%rcx), %ymm2, %ymm2
	vpcmpeqb 96(%rsi,%rcx), %ymm3, %ymm3
	vpand %ymm1, %ymm0, %ymm4
	vpand %ymm3, %ymm2, %ymm5
	vpand %ymm5, %ymm4, %ymm5
	vpmovmskb %ymm5, %eax
	incl %eax
	jnz .Lca_diff128
	subq $-128, %rcx
	cmpq %r9, %rcx
	jb 1b
	/* 1..128 left: the last 128 as two 64s, overlapping what is equal */
	movq %r9, %rcx
	vmovdqu (%rdi,%rcx), %ymm0
	vmovdqu 32(%rdi,%rcx), %ymm1
	vpcmpeqb (%rsi,%rcx), %ymm0, %ymm0
	vpcmpeqb 32(%rsi,%rcx), %ymm1, %ymm1
	vpand %ymm1, %ymm0, %ymm2
	vpmovmskb %ymm2, %eax
	incl %eax
	jnz .Lca_diff64
.Lca_tail64:
	/* the last 64 (n in 65..128: the first 64 are compared here first) */
	testq %rcx, %rcx
	jnz 4f
	vmovdqu (%rdi), %ymm0
	vmovdqu 32(%rdi), %ymm1
	vpcmpeqb (%rsi), %ymm0, %ymm0
	vpcmpeqb 32(%rsi), %ymm1, %ymm1
	vpand %ymm1, %ymm0, %ymm2
	vpmovmskb %ymm2, %eax
	incl %eax
	jnz .Lca_diff64
4:	leaq -64(%rdx), %rcx
	vmovdqu (%rdi,%rcx), %ymm0
	vmovdqu 32(%rdi,%rcx), %ymm1
	vpcmpeqb (%rsi,%rcx), %ymm0, %ymm0
	vpcmpeqb 32(%rsi,%rcx), %ymm1, %ymm1
	vpand %ymm1, %ymm0, %ymm2
	vpmovmskb %ymm2, %eax
	incl %eax
	jnz .Lca_diff64
	xorl %eax, %eax
	vzeroupper
	ret
.Lca_small:
	/* 33..64: the first 32, then the last 32 */
	vmovdqu (%rdi), %ymm0
	vpcmpeqb (%rsi), %ymm0, %ymm0
	vpmovmskb %ymm0, %eax
	incl %eax
	jnz .Lca_found
	leaq -32(%rdx), %rcx
	vmovdqu (%rdi,%rcx), %ymm0
	vpcmpeqb (%rsi,%rcx), %ymm0, %ymm0
	vpmovmskb %ymm0, %eax
	incl %eax
	jnz .Lca_found
	xorl %eax, %eax
	vzeroupper
	ret
.Lca_diff128:
	vpand %ymm1, %ymm0, %ymm4
	vpmovmskb %ymm4, %eax
	incl %eax
	jnz .Lca_diff64
	addq $64, %rcx
	vmovdqa %ymm2, %ymm0
	vmovdqa %ymm3, %ymm1
.Lca_diff64:
	vpmovmskb %ymm0, %eax
	incl %eax
	jnz .Lca_found
	vpmovmskb %ymm1, %eax
	incl %eax
	addq $32, %rcx
.Lca_found:
	bsfl %eax, %eax
	addq %rcx, %rax
	movzbl (%rdi,%rax), %ecx
	movzbl (%rsi,%rax), %edx
	movl %ecx, %eax
	subl %edx, %eax
	vzeroupper
	ret
END(kiln_x86_memcmp_avx2)

/* ---------------------------------------------------------------------- */
/* AVX-512 variants of memmove and memset (AVX512F/BW/VL): 64-byte vectors,
 * up to 512 bytes unrolled, 256 bytes per loop step. They write only
 * zmm16-zmm31 / ymm16-ymm31, which have no legacy-SSE alias, so no
 * vzeroupper is needed. */

FUNC(kiln_x86_memmove_avx512)
	movq %rdi, %rax
	cmpq $32, %rdx
	jb .Lz_lt32_kiln_x86_memmove_avx512
	cmpq $64, %rdx
	ja .Lz_gt64_kiln_x86_memmove_avx512
	vmovdqu64 (%rsi), %ymm16
	vmovdqu64 -32(%rsi,%rdx), %ymm17
	vmovdqu64 %ymm16, (%rdi)
	vmovdqu64 %ymm17, -32(%rdi,%rdx)
	ret
.Lz_lt32_kiln_x86_memmove_avx512:
	cmpl $16, %edx
	jb .Lz_lt16_kiln_x86_memmove_avx512
	vmovdqu64 (%rsi), %xmm16
	vmovdqu64 -16(%rsi,%rdx), %xmm17
	vmovdqu64 %xmm16, (%rdi)
	vmovdqu64 %xmm17, -16(%rdi,%rdx)
	ret
.Lz_lt16_kiln_x86_memmove_avx512:
	cmpl $8, %edx
	jb .Lz_lt8_kiln_x86_memmove_avx512
	movq (%rsi), %rcx
	movq -8(%rsi,%rdx), %r8
	movq %rcx, (%rdi)
	movq %r8, -8(%rdi,%rdx)
	ret
.Lz_lt8_kiln_x86_memmove_avx512:
	cmpl $4, %edx
	jb .Lz_lt4_kiln_x86_memmove_avx512
	movl (%rsi), %ecx
	movl -4(%rsi,%rdx), %r8d
	movl %ecx, (%rdi)
	movl %r8d, -4(%rdi,%rdx)
	ret
.Lz_lt4_kiln_x86_memmove_avx512:
	testl %edx, %edx
	jz .Lz_ret_kiln_x86_memmove_avx512
	movzbl (%rsi), %ecx
	cmpl $2, %edx
	jb .Lz_one_kiln_x86_memmove_avx512
	movzwl -2(%rsi,%rdx), %r8d
	movb %cl, (%rdi)
	movw %r8w, -2(%rdi,%rdx)
	ret
.Lz_one_kiln_x86_memmove_avx512:
	movb %cl, (%rdi)
.Lz_ret_kiln_x86_memmove_avx512:
	ret
.Lz_gt64_kiln_x86_memmove_avx512:
	cmpq $128, %rdx
	ja .Lz_gt128_kiln_x86_memmove_avx512
	vmovdqu64 (%rsi), %zmm16
	vmovdqu64 -64(%rsi,%rdx), %zmm17
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm17, -64(%rdi,%rdx)
	ret
.Lz_gt128_kiln_x86_memmove_avx512:
	cmpq $256, %rdx
	ja .Lz_gt256_kiln_x86_memmove_avx512
	vmovdqu64 (%rsi), %zmm16
	vmovdqu64 64(%rsi), %zmm17
	vmovdqu64 -128(%rsi,%rdx), %zmm18
	vmovdqu64 -64(%rsi,%rdx), %zmm19
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm17, 64(%rdi)
	vmovdqu64 %zmm18, -128(%rdi,%rdx)
	vmovdqu64 %zmm19, -64(%rdi,%rdx)
	ret
.Lz_gt256_kiln_x86_memmove_avx512:
	cmpq $512, %rdx
	ja .Lz_gt512_kiln_x86_memmove_avx512
	vmovdqu64 (%rsi), %zmm16
	vmovdqu64 64(%rsi), %zmm17
	vmovdqu64 128(%rsi), %zmm18
	vmovdqu64 192(%rsi), %zmm19
	vmovdqu64 -256(%rsi,%rdx), %zmm20
	vmovdqu64 -192(%rsi,%rdx), %zmm21
	vmovdqu64 -128(%rsi,%rdx), %zmm22
	vmovdqu64 -64(%rsi,%rdx), %zmm23
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm17, 64(%rdi)
	vmovdqu64 %zmm18, 128(%rdi)
	vmovdqu64 %zmm19, 192(%rdi)
	vmovdqu64 %zmm20, -256(%rdi,%rdx)
	vmovdqu64 %zmm21, -192(%rdi,%rdx)
	vmovdqu64 %zmm22, -128(%rdi,%rdx)
	vmovdqu64 %zmm23, -64(%rdi,%rdx)
	ret
.Lz_gt512_kiln_x86_memmove_avx512:
	movq %rdi, %rcx
	subq %rsi, %rcx
	cmpq %rdx, %rcx
	jb .Lz_backward_kiln_x86_memmove_avx512
.Lz_forward_kiln_x86_memmove_avx512:
	vmovdqu64 (%rsi), %zmm24
	vmovdqu64 -256(%rsi,%rdx), %zmm20
	vmovdqu64 -192(%rsi,%rdx), %zmm21
	vmovdqu64 -128(%rsi,%rdx), %zmm22
	vmovdqu64 -64(%rsi,%rdx), %zmm23
	leaq -256(%rdi,%rdx), %r9      /* where the tail goes */
	leaq 64(%rdi), %r8
	andq $-64, %r8
	movq %rsi, %r10
	subq %rdi, %r10
1:	vmovdqu64 (%r8,%r10), %zmm16
	vmovdqu64 64(%r8,%r10), %zmm17
	vmovdqu64 128(%r8,%r10), %zmm18
	vmovdqu64 192(%r8,%r10), %zmm19
	vmovdqa64 %zmm16, (%r8)
	vmovdqa64 %zmm17, 64(%r8)
	vmovdqa64 %zmm18, 128(%r8)
	vmovdqa64 %zmm19, 192(%r8)
	addq $256, %r8
	cmpq %r9, %r8
	jb 1b
	vmovdqu64 %zmm24, (%rdi)
	vmovdqu64 %zmm20, (%r9)
	vmovdqu64 %zmm21, 64(%r9)
	vmovdqu64 %zmm22, 128(%r9)
	vmovdqu64 %zmm23, 192(%r9)
	ret
.Lz_backward_kiln_x86_memmove_avx512:
	vmovdqu64 (%rsi), %zmm20
	vmovdqu64 64(%rsi), %zmm21
	vmovdqu64 128(%rsi), %zmm22
	vmovdqu64 192(%rsi), %zmm23
	vmovdqu64 -64(%rsi,%rdx), %zmm24
	leaq -64(%rdi,%rdx), %r9       /* where the tail goes */
	leaq (%rdi,%rdx), %r8
	andq $-64, %r8
	movq %rsi, %r10
	subq %rdi, %r10
	leaq 256(%rdi), %r11           /* the head covers below this */
1:	subq $256, %r8
	vmovdqu64 192(%r8,%r10), %zmm19
	vmovdqu64 128(%r8,%r10), %zmm18
	vmovdqu64 64(%r8,%r10), %zmm17
	vmovdqu64 (%r8,%r10), %zmm16
	vmovdqa64 %zmm19, 192(%r8)
	vmovdqa64 %zmm18, 128(%r8)
	vmovdqa64 %zmm17, 64(%r8)
	vmovdqa64 %zmm16, (%r8)
	cmpq %r11, %r8
	ja 1b
	vmovdqu64 %zmm24, (%r9)
	vmovdqu64 %zmm20, (%rdi)
	vmovdqu64 %zmm21, 64(%rdi)
	vmovdqu64 %zmm22, 128(%rdi)
	vmovdqu64 %zmm23, 192(%rdi)
	ret
END(kiln_x86_memmove_avx512)

FUNC(kiln_x86_memmove_avx512_erms)
	movq %rdi, %rax
	cmpq $32, %rdx
	jb .Lz_lt32_kiln_x86_memmove_avx512_erms
	cmpq $64, %rdx
	ja .Lz_gt64_kiln_x86_memmove_avx512_erms
	vmovdqu64 (%rsi), %ymm16
	vmovdqu64 -32(%rsi,%rdx), %ymm17
	vmovdqu64 %ymm16, (%rdi)
	vmovdqu64 %ymm17, -32(%rdi,%rdx)
	ret
.Lz_lt32_kiln_x86_memmove_avx512_erms:
	cmpl $16, %edx
	jb .Lz_lt16_kiln_x86_memmove_avx512_erms
	vmovdqu64 (%rsi), %xmm16
	vmovdqu64 -16(%rsi,%rdx), %xmm17
	vmovdqu64 %xmm16, (%rdi)
	vmovdqu64 %xmm17, -16(%rdi,%rdx)
	ret
.Lz_lt16_kiln_x86_memmove_avx512_erms:
	cmpl $8, %edx
	jb .Lz_lt8_kiln_x86_memmove_avx512_erms
	movq (%rsi), %rcx
	movq -8(%rsi,%rdx), %r8
	movq %rcx, (%rdi)
	movq %r8, -8(%rdi,%rdx)
	ret
.Lz_lt8_kiln_x86_memmove_avx512_erms:
	cmpl $4, %edx
	jb .Lz_lt4_kiln_x86_memmove_avx512_erms
	movl (%rsi), %ecx
	movl -4(%rsi,%rdx), %r8d
	movl %ecx, (%rdi)
	movl %r8d, -4(%rdi,%rdx)
	ret
.Lz_lt4_kiln_x86_memmove_avx512_erms:
	testl %edx, %edx
	jz .Lz_ret_kiln_x86_memmove_avx512_erms
	movzbl (%rsi), %ecx
	cmpl $2, %edx
	jb .Lz_one_kiln_x86_memmove_avx512_erms
	movzwl -2(%rsi,%rdx), %r8d
	movb %cl, (%rdi)
	movw %r8w, -2(%rdi,%rdx)
	ret
.Lz_one_kiln_x86_memmove_avx512_erms:
	movb %cl, (%rdi)
.Lz_ret_kiln_x86_memmove_avx512_erms:
	ret
.Lz_gt64_kiln_x86_memmove_avx512_erms:
	cmpq $128, %rdx
	ja .Lz_gt128_kiln_x86_memmove_avx512_erms
	vmovdqu64 (%rsi), %zmm16
	vmovdqu64 -64(%rsi,%rdx), %zmm17
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm17, -64(%rdi,%rdx)
	ret
.Lz_gt128_kiln_x86_memmove_avx512_erms:
	cmpq $256, %rdx
	ja .Lz_gt256_kiln_x86_memmove_avx512_erms
	vmovdqu64 (%rsi), %zmm16
	vmovdqu64 64(%rsi), %zmm17
	vmovdqu64 -128(%rsi,%rdx), %zmm18
	vmovdqu64 -64(%rsi,%rdx), %zmm19
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm17, 64(%rdi)
	vmovdqu64 %zmm18, -128(%rdi,%rdx)
	vmovdqu64 %zmm19, -64(%rdi,%rdx)
	ret
.Lz_gt256_kiln_x86_memmove_avx512_erms:
	cmpq $512, %rdx
	ja .Lz_gt512_kiln_x86_memmove_avx512_erms
	vmovdqu64 (%rsi), %zmm16
	vmovdqu64 64(%rsi), %zmm17
	vmovdqu64 128(%rsi), %zmm18
	vmovdqu64 192(%rsi), %zmm19
	vmovdqu64 -256(%rsi,%rdx), %zmm20
	vmovdqu64 -192(%rsi,%rdx), %zmm21
	vmovdqu64 -128(%rsi,%rdx), %zmm22
	vmovdqu64 -64(%rsi,%rdx), %zmm23
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm17, 64(%rdi)
	vmovdqu64 %zmm18, 128(%rdi)
	vmovdqu64 %zmm19, 192(%rdi)
	vmovdqu64 %zmm20, -256(%rdi,%rdx)
	vmovdqu64 %zmm21, -192(%rdi,%rdx)
	vmovdqu64 %zmm22, -128(%rdi,%rdx)
	vmovdqu64 %zmm23, -64(%rdi,%rdx)
	ret
.Lz_gt512_kiln_x86_memmove_avx512_erms:
	movq %rdi, %rcx
	subq %rsi, %rcx
	cmpq %rdx, %rcx
	jb .Lz_backward_kiln_x86_memmove_avx512_erms
	cmpq kiln_x86_movsb_min(%rip), %rdx
	jb .Lz_forward_kiln_x86_memmove_avx512_erms
	movq %rsi, %rcx
	subq %rdi, %rcx
	cmpq %rdx, %rcx
	jb .Lz_forward_kiln_x86_memmove_avx512_erms
	movq %rdx, %rcx
	rep movsb
	ret
.Lz_forward_kiln_x86_memmove_avx512_erms:
	vmovdqu64 (%rsi), %zmm24
	vmovdqu64 -256(%rsi,%rdx), %zmm20
	vmovdqu64 -192(%rsi,%rdx), %zmm21
	vmovdqu64 -128(%rsi,%rdx), %zmm22
	vmovdqu64 -64(%rsi,%rdx), %zmm23
	leaq -256(%rdi,%rdx), %r9      /* where the tail goes */
	leaq 64(%rdi), %r8
	andq $-64, %r8
	movq %rsi, %r10
	subq %rdi, %r10
1:	vmovdqu64 (%r8,%r10), %zmm16
	vmovdqu64 64(%r8,%r10), %zmm17
	vmovdqu64 128(%r8,%r10), %zmm18
	vmovdqu64 192(%r8,%r10), %zmm19
	vmovdqa64 %zmm16, (%r8)
	vmovdqa64 %zmm17, 64(%r8)
	vmovdqa64 %zmm18, 128(%r8)
	vmovdqa64 %zmm19, 192(%r8)
	addq $256, %r8
	cmpq %r9, %r8
	jb 1b
	vmovdqu64 %zmm24, (%rdi)
	vmovdqu64 %zmm20, (%r9)
	vmovdqu64 %zmm21, 64(%r9)
	vmovdqu64 %zmm22, 128(%r9)
	vmovdqu64 %zmm23, 192(%r9)
	ret
.Lz_backward_kiln_x86_memmove_avx512_erms:
	vmovdqu64 (%rsi), %zmm20
	vmovdqu64 64(%rsi), %zmm21
	vmovdqu64 128(%rsi), %zmm22
	vmovdqu64 192(%rsi), %zmm23
	vmovdqu64 -64(%rsi,%rdx), %zmm24
	leaq -64(%rdi,%rdx), %r9       /* where the tail goes */
	leaq (%rdi,%rdx), %r8
	andq $-64, %r8
	movq %rsi, %r10
	subq %rdi, %r10
	leaq 256(%rdi), %r11           /* the head covers below this */
1:	subq $256, %r8
	vmovdqu64 192(%r8,%r10), %zmm19
	vmovdqu64 128(%r8,%r10), %zmm18
	vmovdqu64 64(%r8,%r10), %zmm17
	vmovdqu64 (%r8,%r10), %zmm16
	vmovdqa64 %zmm19, 192(%r8)
	vmovdqa64 %zmm18, 128(%r8)
	vmovdqa64 %zmm17, 64(%r8)
	vmovdqa64 %zmm16, (%r8)
	cmpq %r11, %r8
	ja 1b
	vmovdqu64 %zmm24, (%r9)
	vmovdqu64 %zmm20, (%rdi)
	vmovdqu64 %zmm21, 64(%rdi)
	vmovdqu64 %zmm22, 128(%rdi)
	vmovdqu64 %zmm23, 192(%rdi)
	ret
END(kiln_x86_memmove_avx512_erms)

FUNC(kiln_x86_memset_avx512)
	movq %rdi, %rax
	cmpq $16, %rdx
	jb .Lw_lt16_kiln_x86_memset_avx512
	vpbroadcastb %esi, %zmm16
	cmpq $32, %rdx
	jae .Lw_ge32_kiln_x86_memset_avx512
	vmovdqu64 %xmm16, (%rdi)
	vmovdqu64 %xmm16, -16(%rdi,%rdx)
	ret
.Lw_lt16_kiln_x86_memset_avx512:
	movzbl %sil, %ecx
	movabsq $0x0101010101010101, %r8
	imulq %r8, %rcx
	cmpl $8, %edx
	jb .Lw_lt8_kiln_x86_memset_avx512
	movq %rcx, (%rdi)
	movq %rcx, -8(%rdi,%rdx)
	ret
.Lw_lt8_kiln_x86_memset_avx512:
	cmpl $4, %edx
	jb .Lw_lt4_kiln_x86_memset_avx512
	movl %ecx, (%rdi)
	movl %ecx, -4(%rdi,%rdx)
	ret
.Lw_lt4_kiln_x86_memset_avx512:
	testl %edx, %edx
	jz .Lw_ret_kiln_x86_memset_avx512
	movb %cl, (%rdi)
	cmpl $2, %edx
	jb .Lw_ret_kiln_x86_memset_avx512
	movw %cx, -2(%rdi,%rdx)
.Lw_ret_kiln_x86_memset_avx512:
	ret
.Lw_ge32_kiln_x86_memset_avx512:
	cmpq $64, %rdx
	ja .Lw_gt64_kiln_x86_memset_avx512
	vmovdqu64 %ymm16, (%rdi)
	vmovdqu64 %ymm16, -32(%rdi,%rdx)
	ret
.Lw_gt64_kiln_x86_memset_avx512:
	cmpq $128, %rdx
	ja .Lw_gt128_kiln_x86_memset_avx512
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm16, -64(%rdi,%rdx)
	ret
.Lw_gt128_kiln_x86_memset_avx512:
	cmpq $256, %rdx
	ja .Lw_gt256_kiln_x86_memset_avx512
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm16, 64(%rdi)
	vmovdqu64 %zmm16, -128(%rdi,%rdx)
	vmovdqu64 %zmm16, -64(%rdi,%rdx)
	ret
.Lw_gt256_kiln_x86_memset_avx512:
	cmpq $512, %rdx
	ja .Lw_gt512_kiln_x86_memset_avx512
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm16, 64(%rdi)
	vmovdqu64 %zmm16, 128(%rdi)
	vmovdqu64 %zmm16, 192(%rdi)
	vmovdqu64 %zmm16, -256(%rdi,%rdx)
	vmovdqu64 %zmm16, -192(%rdi,%rdx)
	vmovdqu64 %zmm16, -128(%rdi,%rdx)
	vmovdqu64 %zmm16, -64(%rdi,%rdx)
	ret
.Lw_gt512_kiln_x86_memset_avx512:
.Lw_loop_kiln_x86_memset_avx512:
	vmovdqu64 %zmm16, (%rdi)
	leaq -256(%rdi,%rdx), %r9      /* the tail */
	leaq 64(%rdi), %r8
	andq $-64, %r8
1:	vmovdqa64 %zmm16, (%r8)
	vmovdqa64 %zmm16, 64(%r8)
	vmovdqa64 %zmm16, 128(%r8)
	vmovdqa64 %zmm16, 192(%r8)
	addq $256, %r8
	cmpq %r9, %r8
	jb 1b
	vmovdqu64 %zmm16, (%r9)
	vmovdqu64 %zmm16, 64(%r9)
	vmovdqu64 %zmm16, 128(%r9)
	vmovdqu64 %zmm16, 192(%r9)
	ret
END(kiln_x86_memset_avx512)

FUNC(kiln_x86_memset_avx512_erms)
	movq %rdi, %rax
	cmpq $16, %rdx
	jb .Lw_lt16_kiln_x86_memset_avx512_erms
	vpbroadcastb %esi, %zmm16
	cmpq $32, %rdx
	jae .Lw_ge32_kiln_x86_memset_avx512_erms
	vmovdqu64 %xmm16, (%rdi)
	vmovdqu64 %xmm16, -16(%rdi,%rdx)
	ret
.Lw_lt16_kiln_x86_memset_avx512_erms:
	movzbl %sil, %ecx
	movabsq $0x0101010101010101, %r8
	imulq %r8, %rcx
	cmpl $8, %edx
	jb .Lw_lt8_kiln_x86_memset_avx512_erms
	movq %rcx, (%rdi)
	movq %rcx, -8(%rdi,%rdx)
	ret
.Lw_lt8_kiln_x86_memset_avx512_erms:
	cmpl $4, %edx
	jb .Lw_lt4_kiln_x86_memset_avx512_erms
	movl %ecx, (%rdi)
	movl %ecx, -4(%rdi,%rdx)
	ret
.Lw_lt4_kiln_x86_memset_avx512_erms:
	testl %edx, %edx
	jz .Lw_ret_kiln_x86_memset_avx512_erms
	movb %cl, (%rdi)
	cmpl $2, %edx
	jb .Lw_ret_kiln_x86_memset_avx512_erms
	movw %cx, -2(%rdi,%rdx)
.Lw_ret_kiln_x86_memset_avx512_erms:
	ret
.Lw_ge32_kiln_x86_memset_avx512_erms:
	cmpq $64, %rdx
	ja .Lw_gt64_kiln_x86_memset_avx512_erms
	vmovdqu64 %ymm16, (%rdi)
	vmovdqu64 %ymm16, -32(%rdi,%rdx)
	ret
.Lw_gt64_kiln_x86_memset_avx512_erms:
	cmpq $128, %rdx
	ja .Lw_gt128_kiln_x86_memset_avx512_erms
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm16, -64(%rdi,%rdx)
	ret
.Lw_gt128_kiln_x86_memset_avx512_erms:
	cmpq $256, %rdx
	ja .Lw_gt256_kiln_x86_memset_avx512_erms
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm16, 64(%rdi)
	vmovdqu64 %zmm16, -128(%rdi,%rdx)
	vmovdqu64 %zmm16, -64(%rdi,%rdx)
	ret
.Lw_gt256_kiln_x86_memset_avx512_erms:
	cmpq $512, %rdx
	ja .Lw_gt512_kiln_x86_memset_avx512_erms
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm16, 64(%rdi)
	vmovdqu64 %zmm16, 128(%rdi)
	vmovdqu64 %zmm16, 192(%rdi)
	vmovdqu64 %zmm16, -256(%rdi,%rdx)
	vmovdqu64 %zmm16, -192(%rdi,%rdx)
	vmovdqu64 %zmm16, -128(%rdi,%rdx)
	vmovdqu64 %zmm16, -64(%rdi,%rdx)
	ret
.Lw_gt512_kiln_x86_memset_avx512_erms:
	cmpq kiln_x86_stosb_min(%rip), %rdx
	jb .Lw_loop_kiln_x86_memset_avx512_erms
	movq %rdi, %r9
	movzbl %sil, %eax
	movq %rdx, %rcx
	rep stosb
	movq %r9, %rax
	ret
.Lw_loop_kiln_x86_memset_avx512_erms:
	vmovdqu64 %zmm16, (%rdi)
	leaq -256(%rdi,%rdx), %r9      /* the tail */
	leaq 64(%rdi), %r8
	andq $-64, %r8
1:	vmovdqa64 %zmm16, (%r8)
	vmovdqa64 %zmm16, 64(%r8)
	vmovdqa64 %zmm16, 128(%r8)
	vmovdqa64 %zmm16, 192(%r8)
	addq $256, %r8
	cmpq %r9, %r8
	jb 1b
	vmovdqu64 %zmm16, (%r9)
	vmovdqu64 %zmm16, 64(%r9)
	vmovdqu64 %zmm16, 128(%r9)
	vmovdqu64 %zmm16, 192(%r9)
	ret
END(kiln_x86_memset_avx512_erms)

	.section .note.GNU-stack, "", @progbits
