/* Kiln (lib/vfs): newlib's <sys/stat.h> plus what it leaves out on this
 * target: lstat, and Linux's UTIME_NOW / UTIME_OMIT for utimensat. */
#include_next <sys/stat.h>
#ifndef _KILN_SYS_STAT_H
#define _KILN_SYS_STAT_H
#ifdef __cplusplus
extern "C" {
#endif
int lstat(const char* __restrict path, struct stat* __restrict st);
int lchown(const char* path, uid_t uid, gid_t gid);
#ifndef UTIME_NOW
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
#endif
#ifdef __cplusplus
}
#endif
#endif
