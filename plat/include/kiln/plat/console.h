// Platform contract: the console (serial line, PV console ring, or the host
// process's stdout/stdin). Implemented once per platform.
#pragma once
#include <stddef.h>
#include <kiln/compiler.h>

// Queue n bytes for output. Platforms batch output (each device write can
// be a VM exit) and flush at a newline-free boundary, on flush, and at exit.
KILN_EXTERN_C void kiln_plat_console_write(const char* s, size_t n);
// Write everything queued so far.
KILN_EXTERN_C void kiln_plat_console_flush(void);
// Read up to n bytes of input; blocks until at least one byte is there.
// Returns the count, 0 at end of input, or a negative errno. The wait
// sleeps (kiln/plat/wait.h: other threads run, or the CPU idles) until the
// input interrupt; it never spins.
KILN_EXTERN_C long kiln_plat_console_read(char* buf, size_t n);

// Input readiness, for poll/select on the console:
//
//   unsigned long m = kiln_plat_irq_save();
//   if (!kiln_plat_console_readable()) {
//     int armed = kiln_plat_console_arm();   // wake-up promised from here on
//     kiln_plat_wait_event(armed == 0 ? deadline : soon);
//   }
//   kiln_plat_irq_restore(m);
//
// 1 when kiln_plat_console_read would not block (a byte is waiting, the
// input has ended, or it would fail), 0 when it would.
KILN_EXTERN_C int kiln_plat_console_readable(void);
// Call with events masked, after kiln_plat_console_readable() returned 0:
// the next input byte (or the end of input) calls kiln_plat_wake_event
// once at least. 0, or a negative errno when the platform cannot promise
// a wake-up (no interrupt for the input): the caller re-checks
// readability itself every few milliseconds.
KILN_EXTERN_C int kiln_plat_console_arm(void);
