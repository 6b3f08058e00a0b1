// For libc entry points Kiln does not implement: set errno to ENOSYS, log
// one line (the first time each function is called), return -1.
#pragma once
#include <errno.h>
#include <kiln/compiler.h>

KILN_EXTERN_C int kiln_enosys_note(const char* func, int* logged);

#define KILN_ENOSYS()                                   \
  ({                                                    \
    static int _kiln_enosys_logged;                     \
    kiln_enosys_note(__func__, &_kiln_enosys_logged);   \
  })
