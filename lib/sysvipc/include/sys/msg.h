/* Kiln (lib/sysvipc): System V message queues. */
#ifndef _SYS_MSG_H
#define _SYS_MSG_H
#include <sys/ipc.h>
#include <time.h>

typedef unsigned long msgqnum_t;
typedef unsigned long msglen_t;

struct msqid_ds {
  struct ipc_perm msg_perm;
  time_t msg_stime; /* last msgsnd */
  time_t msg_rtime; /* last msgrcv */
  time_t msg_ctime; /* last change */
  unsigned long __msg_cbytes;
  msgqnum_t msg_qnum;
  msglen_t msg_qbytes;
  pid_t msg_lspid;
  pid_t msg_lrpid;
};

#define MSG_NOERROR 010000
#define MSG_EXCEPT 020000
#define MSGMAX 8192  /* largest message */
#define MSGMNB 16384 /* default bytes per queue */

#ifdef __cplusplus
extern "C" {
#endif
int msgget(key_t key, int flags);
int msgsnd(int id, const void* msg, size_t size, int flags);
ssize_t msgrcv(int id, void* msg, size_t size, long type, int flags);
int msgctl(int id, int cmd, struct msqid_ds* buf);
#ifdef __cplusplus
}
#endif
#endif
