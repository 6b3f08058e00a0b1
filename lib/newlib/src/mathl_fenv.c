// Kiln: <fenv.h> for x86-64, x87 and SSE together (replaces newlib's x86-64
// fenv in its libm machine directory, whose flag functions refuse bits outside
// FE_ALL_EXCEPT with EINVAL where C99 7.6.2 says they are ignored, and
// whose default environment is never initialised outside Cygwin). The
// layout of fenv_t is newlib's (fnstenv's 28 bytes, then MXCSR).
#include <fenv.h>
#include <stdint.h>

// GNU extensions newlib's x86-64 fenv defines and its <fenv.h> does not declare
int feenableexcept(int excepts);
int fedisableexcept(int excepts);
int fegetexcept(void);

#define KL_SSE_MASK_SHIFT 7
#define KL_RC_X87 10
#define KL_RC_SSE 13

static const fenv_t kl_dfl_env = {{0x37f, 0, 0xffff, 0, 0, 0, 0}, 0x1f80};
static const fenv_t kl_nomask_env = {{0x37f & ~FE_ALL_EXCEPT, 0, 0xffff, 0, 0, 0, 0},
                                     0x1f80 & ~(FE_ALL_EXCEPT << KL_SSE_MASK_SHIFT)};
const fenv_t* _fe_dfl_env = &kl_dfl_env;
const fenv_t* _fe_nomask_env = &kl_nomask_env;

static inline uint16_t x87_sw(void) { uint16_t sw; __asm__ volatile("fnstsw %0" : "=am"(sw)); return sw; }
static inline uint16_t x87_cw(void) { uint16_t cw; __asm__ volatile("fnstcw %0" : "=m"(cw)); return cw; }
static inline void x87_set_cw(uint16_t cw) { __asm__ volatile("fldcw %0" : : "m"(cw)); }
static inline uint32_t mxcsr(void) { uint32_t m; __asm__ volatile("stmxcsr %0" : "=m"(m)); return m; }
static inline void set_mxcsr(uint32_t m) { __asm__ volatile("ldmxcsr %0" : : "m"(m)); }

int feclearexcept(int excepts) {
  excepts &= FE_ALL_EXCEPT;
  fenv_t env;
  __asm__ volatile("fnstenv %0" : "=m"(env._fpu));
  env._fpu._fpu_sw &= ~(unsigned)excepts;
  __asm__ volatile("fldenv %0" : : "m"(env._fpu));
  set_mxcsr(mxcsr() & ~(uint32_t)excepts);
  return 0;
}

int fetestexcept(int excepts) {
  return (int)((x87_sw() | mxcsr()) & (unsigned)excepts & FE_ALL_EXCEPT);
}

// By operations, in C99's order, so that traps (if unmasked) are taken.
int feraiseexcept(int excepts) {
  excepts &= FE_ALL_EXCEPT;
  if (excepts & FE_INVALID) { volatile double z = 0.0; z = z / z; }
  if (excepts & FE_DIVBYZERO) { volatile double z = 0.0, o = 1.0; o = o / z; }
  if (excepts & (FE_OVERFLOW | FE_UNDERFLOW | FE_INEXACT)) {
    // set in the SSE status as an operation would (overflow and underflow
    // come with inexact from an operation; set only what was asked)
    set_mxcsr(mxcsr() | (uint32_t)(excepts & (FE_OVERFLOW | FE_UNDERFLOW | FE_INEXACT)));
  }
  return 0;
}

int fegetexceptflag(fexcept_t* flagp, int excepts) {
  *flagp = (fexcept_t)((x87_sw() | mxcsr()) & (unsigned)excepts & FE_ALL_EXCEPT);
  return 0;
}

int fesetexceptflag(const fexcept_t* flagp, int excepts) {
  excepts &= FE_ALL_EXCEPT;
  feclearexcept(excepts);
  set_mxcsr(mxcsr() | (*flagp & (unsigned)excepts));
  return 0;
}

int fegetround(void) { return (x87_cw() >> KL_RC_X87) & 3; }

int fesetround(int round) {
  if (round & ~3) return 1;
  x87_set_cw((uint16_t)((x87_cw() & ~(3 << KL_RC_X87)) | (round << KL_RC_X87)));
  set_mxcsr((mxcsr() & ~(3u << KL_RC_SSE)) | ((uint32_t)round << KL_RC_SSE));
  return 0;
}

int fegetenv(fenv_t* envp) {
  __asm__ volatile("fnstenv %0" : "=m"(envp->_fpu));
  __asm__ volatile("fldenv %0" : : "m"(envp->_fpu));  // fnstenv masked every exception
  envp->_sse_mxcsr = mxcsr();
  return 0;
}

int fesetenv(const fenv_t* envp) {
  fenv_t e = *envp;
  __asm__ volatile("fldenv %0" : : "m"(e._fpu));
  set_mxcsr(e._sse_mxcsr);
  return 0;
}

int feholdexcept(fenv_t* envp) {
  fegetenv(envp);
  fenv_t e = *envp;
  e._fpu._fpu_sw &= ~(unsigned)FE_ALL_EXCEPT;
  e._fpu._fpu_cw |= FE_ALL_EXCEPT;
  e._sse_mxcsr = (e._sse_mxcsr & ~(uint32_t)FE_ALL_EXCEPT) | (FE_ALL_EXCEPT << KL_SSE_MASK_SHIFT);
  fesetenv(&e);
  return 0;
}

int feupdateenv(const fenv_t* envp) {
  int raised = fetestexcept(FE_ALL_EXCEPT);
  fesetenv(envp);
  feraiseexcept(raised);
  return 0;
}

// GNU extensions newlib declares: trap enables (a set bit unmasks)
int feenableexcept(int excepts) {
  excepts &= FE_ALL_EXCEPT;
  int old = fegetexcept();
  x87_set_cw((uint16_t)(x87_cw() & ~excepts));
  set_mxcsr(mxcsr() & ~((uint32_t)excepts << KL_SSE_MASK_SHIFT));
  return old;
}
int fedisableexcept(int excepts) {
  excepts &= FE_ALL_EXCEPT;
  int old = fegetexcept();
  x87_set_cw((uint16_t)(x87_cw() | excepts));
  set_mxcsr(mxcsr() | ((uint32_t)excepts << KL_SSE_MASK_SHIFT));
  return old;
}
int fegetexcept(void) { return ~x87_cw() & FE_ALL_EXCEPT; }
