/* sys/file.h for Kiln: newlib's (LOCK_SH LOCK_EX LOCK_NB LOCK_UN), plus
 * flock(), which lib/fdtab implements (docs/vfs.md, "Advisory locks"). */
#include_next <sys/file.h>
#if !defined(__GLIBC__) && !defined(_KILN_SYS_FILE_H)
#define _KILN_SYS_FILE_H
#ifndef LOCK_SH
#define LOCK_SH 0x01
#define LOCK_EX 0x02
#define LOCK_NB 0x04
#define LOCK_UN 0x08
#endif
#ifdef __cplusplus
extern "C" {
#endif
int flock(int fd, int operation);
#ifdef __cplusplus
}
#endif
#endif
