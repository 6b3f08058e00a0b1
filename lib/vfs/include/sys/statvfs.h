/* statvfs (Kiln, lib/vfs): Linux's x86_64 layout. */
#ifndef _KILN_SYS_STATVFS_H
#define _KILN_SYS_STATVFS_H
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif
struct statvfs {
  unsigned long f_bsize;   /* block size */
  unsigned long f_frsize;  /* fragment size (= f_bsize) */
  unsigned long f_blocks;  /* size in f_frsize units */
  unsigned long f_bfree;
  unsigned long f_bavail;
  unsigned long f_files;   /* inodes */
  unsigned long f_ffree;
  unsigned long f_favail;
  unsigned long f_fsid;
  unsigned long f_flag;
  unsigned long f_namemax;
  int __f_spare[6];
};
#define ST_RDONLY 1
#define ST_NOSUID 2
int statvfs(const char* __restrict path, struct statvfs* __restrict buf);
int fstatvfs(int fd, struct statvfs* buf);
#ifdef __cplusplus
}
#endif
#endif
