// lib/process's kernel-side interface (the POSIX side is <unistd.h>,
// <sys/utsname.h>, <sys/resource.h>, <pwd.h>, <grp.h>).
#pragma once
#include <kiln/compiler.h>

// The host name (NUL-terminated, at most 64 bytes).
KILN_EXTERN_C const char* kiln_hostname(void);
