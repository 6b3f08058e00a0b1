/* Kiln (lib/sysvipc): System V semaphore sets. */
#ifndef _SYS_SEM_H
#define _SYS_SEM_H
#include <sys/ipc.h>
#include <time.h>

struct sembuf {
  unsigned short sem_num;
  short sem_op;
  short sem_flg;
};

struct semid_ds {
  struct ipc_perm sem_perm;
  time_t sem_otime; /* last semop */
  time_t sem_ctime; /* last change */
  unsigned long sem_nsems;
};

#define SEM_UNDO 0x1000
#define GETPID 11
#define GETVAL 12
#define GETALL 13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL 16
#define SETALL 17
#define SEMMSL 250   /* semaphores per set */
#define SEMOPM 500   /* operations per semop */
#define SEMVMX 32767 /* largest value */

#ifdef __cplusplus
extern "C" {
#endif
int semget(key_t key, int nsems, int flags);
int semop(int id, struct sembuf* ops, size_t nops);
int semtimedop(int id, struct sembuf* ops, size_t nops, const struct timespec* timeout);
int semctl(int id, int num, int cmd, ...);
#ifdef __cplusplus
}
#endif
#endif
