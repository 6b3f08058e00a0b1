/* POSIX unnamed semaphores on Kiln (lib/pthread). Named semaphores
 * (sem_open) need a file system and fail with ENOSYS. */
#ifndef _KILN_SEMAPHORE_H_
#define _KILN_SEMAPHORE_H_

#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int initialized;
  int __pad;
  long long __sem[3];
} sem_t;

#define SEM_FAILED ((sem_t*)0)
#define SEM_VALUE_MAX 0x7fffffff

int sem_init(sem_t* s, int pshared, unsigned value);
int sem_destroy(sem_t* s);
int sem_wait(sem_t* s);
int sem_trywait(sem_t* s);
int sem_timedwait(sem_t* s, const struct timespec* abstime);
int sem_post(sem_t* s);
int sem_getvalue(sem_t* s, int* value);
sem_t* sem_open(const char* name, int oflag, ...);
int sem_close(sem_t* s);
int sem_unlink(const char* name);

#ifdef __cplusplus
}
#endif
#endif
