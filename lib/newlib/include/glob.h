/* Kiln (lib/newlib/src/glob.cpp): newlib's <glob.h> with POSIX's glob().
 * newlib's is 4.4BSD's: no match is success with no paths, and backslash
 * quotes only with GLOB_QUOTE. Kiln's glob() returns GLOB_NOMATCH and
 * quotes unless GLOB_NOESCAPE, as POSIX says. */
#include_next <glob.h>
#ifndef _KILN_GLOB_H
#define _KILN_GLOB_H
#define GLOB_NOESCAPE 0x2000 /* a bit newlib's glob does not use */
#define GLOB_NOMATCH (-3)
#define GLOB_ABORTED GLOB_ABEND
#define GLOB_NOSYS (-4)
#endif
