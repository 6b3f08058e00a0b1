// Platform contract: ending the image.
#pragma once
#include <kiln/compiler.h>

// Exit statuses Kiln itself uses (apps use 0..127 freely; see docs/running.md, "Exit statuses").
#define KILN_EXIT_USAGE 64   // bad kernel command line / image options
#define KILN_EXIT_CRASH 125  // panic, failed assertion, CPU exception

// Flush the console and end the image with this status.
KILN_EXTERN_C KILN_NORETURN void kiln_plat_exit(int status);
// End the image as crashed: status KILN_EXIT_CRASH (and the platform's own
// crash signal where it has one, e.g. Xen's crash shutdown).
KILN_EXTERN_C KILN_NORETURN void kiln_plat_crash(void);
