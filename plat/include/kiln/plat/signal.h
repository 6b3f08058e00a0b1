// Platform contract: signals from outside the image.
//
// lib/signal registers one handler; the platform calls it with the signal's
// Linux number when something outside the image sends one, in the same
// context as the timer handler (events masked, may not block): the handler
// only marks the signal pending and wakes a thread; the application's
// handler runs at that thread's next safe point (docs/libc.md, "Signals").
//
//   linuxu:   the host's SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGUSR2 sent to
//             the process (host handlers are installed only once lib/signal
//             registers; until then the host's default actions apply).
//   kvm, xen: none yet (a later change may map the ACPI power button and
//             xen's shutdown request to SIGTERM).
#pragma once
#include <kiln/compiler.h>

KILN_EXTERN_C void kiln_plat_signal_set_handler(void (*handler)(int signo));
