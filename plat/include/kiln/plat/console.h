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
// Returns the count, 0 at end of input, or a negative errno.
KILN_EXTERN_C long kiln_plat_console_read(char* buf, size_t n);
