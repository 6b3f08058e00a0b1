/* Kiln (lib/sysvipc): System V shared memory (one address space: a
 * segment has one address, every shmat returns it). */
#ifndef _SYS_SHM_H
#define _SYS_SHM_H
#include <sys/ipc.h>
#include <time.h>

typedef unsigned long shmatt_t;

struct shmid_ds {
  struct ipc_perm shm_perm;
  size_t shm_segsz;
  time_t shm_atime; /* last shmat */
  time_t shm_dtime; /* last shmdt */
  time_t shm_ctime; /* last change */
  pid_t shm_cpid;
  pid_t shm_lpid;
  shmatt_t shm_nattch;
};

#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHMLBA 4096

#ifdef __cplusplus
extern "C" {
#endif
int shmget(key_t key, size_t size, int flags);
void* shmat(int id, const void* addr, int flags);
int shmdt(const void* addr);
int shmctl(int id, int cmd, struct shmid_ds* buf);
#ifdef __cplusplus
}
#endif
#endif
