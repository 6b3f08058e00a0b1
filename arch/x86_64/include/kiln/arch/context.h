// x86_64 thread contexts for the scheduler.
//
// A context is a saved stack pointer. kiln_arch_context_switch pushes the
// callee-saved registers (rbx, rbp, r12-r15) and the MXCSR / x87 control
// words on the current stack, stores rsp in *from, loads to, pops the same
// from there and returns into the other thread. Call-clobbered registers,
// including all vector registers, need no saving: the switch is a function
// call. Preemption (an interrupt or signal) saves the full register and
// FPU state on the interrupted stack before it reaches the scheduler.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/compiler.h>

KILN_EXTERN_C void kiln_arch_context_switch(uintptr_t* from, uintptr_t to);

// Prepare a new stack [stack, stack + size) so that switching to the
// returned context calls entry(arg) with a clean frame-pointer chain.
// entry must never return.
KILN_EXTERN_C uintptr_t kiln_arch_context_init(void* stack, size_t size,
                                               void (*entry)(void*), void* arg);

// Continue on another stack: set the stack pointer to top (aligned down
// to 16) and call fn, which must never return. The frame-pointer chain
// starts afresh there.
KILN_EXTERN_C KILN_NORETURN void kiln_arch_run_on_stack(uintptr_t top, void (*fn)(void));
