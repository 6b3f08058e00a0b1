/* Directory streams (Kiln, lib/vfs). Replaces newlib's <dirent.h>, which
 * is an #error on targets without one. struct dirent has Linux's layout. */
#ifndef _KILN_DIRENT_H
#define _KILN_DIRENT_H
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif
struct dirent {
  ino_t d_ino;
  off_t d_off;              /* telldir() value of the next entry */
  unsigned short d_reclen;
  unsigned char d_type;     /* DT_* */
  char d_name[256];
};
#define _DIRENT_HAVE_D_TYPE 1
#define _DIRENT_HAVE_D_OFF 1
#define _DIRENT_HAVE_D_RECLEN 1
enum { DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12,
       DT_WHT = 14 };
#define DT_UNKNOWN DT_UNKNOWN
#define DT_FIFO DT_FIFO
#define DT_CHR DT_CHR
#define DT_DIR DT_DIR
#define DT_BLK DT_BLK
#define DT_REG DT_REG
#define DT_LNK DT_LNK
#define DT_SOCK DT_SOCK
#define IFTODT(mode) (((mode) & 0170000) >> 12)
#define DTTOIF(type) ((type) << 12)
#ifndef MAXNAMLEN
#define MAXNAMLEN 255
#endif
typedef struct __kiln_dir DIR;
DIR* opendir(const char* path);
DIR* fdopendir(int fd);
struct dirent* readdir(DIR* d);
int readdir_r(DIR* __restrict d, struct dirent* __restrict entry, struct dirent** __restrict result);
void rewinddir(DIR* d);
long telldir(DIR* d);
void seekdir(DIR* d, long loc);
int closedir(DIR* d);
int dirfd(DIR* d);
int scandir(const char* path, struct dirent*** list, int (*filter)(const struct dirent*),
            int (*compar)(const struct dirent**, const struct dirent**));
int alphasort(const struct dirent** a, const struct dirent** b);
#ifdef __cplusplus
}
#endif
#endif
