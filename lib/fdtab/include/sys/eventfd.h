/* eventfd() for Kiln apps (lib/fdtab, src/eventfd.cpp): Linux's values
 * and rules; see docs/ipc.md. */
#ifndef _KILN_SYS_EVENTFD_H
#define _KILN_SYS_EVENTFD_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
typedef uint64_t eventfd_t;
#define EFD_SEMAPHORE 0x1
#define EFD_NONBLOCK 0x800   /* Linux's O_NONBLOCK (Kiln maps it) */
#define EFD_CLOEXEC 0x80000  /* accepted: no exec */
int eventfd(unsigned int initval, int flags);
int eventfd_read(int fd, eventfd_t* value);
int eventfd_write(int fd, eventfd_t value);
#ifdef __cplusplus
}
#endif
#endif
