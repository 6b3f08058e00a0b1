/* Kiln's <setjmp.h>: newlib's, plus sigjmp_buf, sigsetjmp and siglongjmp
 * (newlib has none for x86_64-elf), which save and restore the signal mask
 * (lib/signal; docs/libc.md, "Signals"). */
#ifndef _KILN_SETJMP_H
#define _KILN_SETJMP_H
#include_next <setjmp.h>
#include <sys/_sigset.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct __kiln_sigjmp {
  jmp_buf __jb;
  int __saved;        /* sigsetjmp's savemask */
  __sigset_t __mask;  /* the mask then, when __saved */
} sigjmp_buf[1];

/* Records the mask (when savemask) and returns env's jmp_buf. */
_JBTYPE* __kiln_sigsetjmp_prepare(struct __kiln_sigjmp* env, int savemask);
/* A macro, so that setjmp saves the caller's frame: sigsetjmp cannot be a
 * function that returns before the jump comes back. */
#define sigsetjmp(env, savemask) setjmp(__kiln_sigsetjmp_prepare((env), (savemask)))
void siglongjmp(sigjmp_buf env, int val) __attribute__((__noreturn__));

/* BSD's _setjmp/_longjmp: setjmp/longjmp that leave the signal mask alone,
 * which newlib's setjmp/longjmp already do (Lua's POSIX build uses them). */
#ifndef _setjmp
#define _setjmp(env) setjmp(env)
#endif
#ifndef _longjmp
#define _longjmp(env, val) longjmp((env), (val))
#endif

#ifdef __cplusplus
}
#endif
#endif
