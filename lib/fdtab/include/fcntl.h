/* fcntl.h for Kiln: newlib's, plus Linux's open-file-description lock
 * commands, which lib/fdtab's fcntl takes (docs/vfs.md, "Advisory locks"). */
#include_next <fcntl.h>
#if !defined(__GLIBC__) && !defined(F_OFD_GETLK)
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#endif
