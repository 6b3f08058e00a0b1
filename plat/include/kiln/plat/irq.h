// Platform contract: masking asynchronous events (interrupts on kvm/xen,
// timer signals on linuxu) for short critical sections.
#pragma once
#include <kiln/compiler.h>

// Mask events and return the previous state for kiln_plat_irq_restore.
KILN_EXTERN_C unsigned long kiln_plat_irq_save(void);
KILN_EXTERN_C void kiln_plat_irq_restore(unsigned long state);
