/* lwIP OS port for Kiln: semaphores, mutexes, mailboxes and threads are
 * Kiln objects behind opaque pointers (lib/lwip/src/sys_arch.cpp). */
#ifndef KILN_LWIP_ARCH_SYS_ARCH_H
#define KILN_LWIP_ARCH_SYS_ARCH_H

struct kiln_lwip_sem;
struct kiln_lwip_mutex;
struct kiln_lwip_mbox;
typedef struct kiln_lwip_sem* sys_sem_t;
typedef struct kiln_lwip_mutex* sys_mutex_t;
typedef struct kiln_lwip_mbox* sys_mbox_t;
typedef void* sys_thread_t;
typedef unsigned long sys_prot_t;

#define sys_sem_valid(s) ((s) != NULL && *(s) != NULL)
#define sys_sem_set_invalid(s) do { if (s) *(s) = NULL; } while (0)
#define sys_mutex_valid(m) ((m) != NULL && *(m) != NULL)
#define sys_mutex_set_invalid(m) do { if (m) *(m) = NULL; } while (0)
#define sys_mbox_valid(m) ((m) != NULL && *(m) != NULL)
#define sys_mbox_set_invalid(m) do { if (m) *(m) = NULL; } while (0)

#endif
