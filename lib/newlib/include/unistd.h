/* Kiln (lib/newlib/src/sysinfo.cpp): newlib's <unistd.h> plus confstr's
 * _CS_PATH, which newlib defines only for Cygwin (Linux's value). */
#include_next <unistd.h>
#ifndef _CS_PATH
#define _CS_PATH 0
#endif
