/* Kiln's pthread types (replacing newlib's 32-bit handle types). Objects
 * hold Kiln's lock structures inline; a zeroed object is a valid default
 * one, so the static initialisers need no pointers. */
#ifndef _SYS__PTHREADTYPES_H_
#define _SYS__PTHREADTYPES_H_

#include <sys/_types.h>

typedef unsigned long pthread_t;

typedef struct {
  int is_initialized;
  int detachstate;
  __SIZE_TYPE__ stacksize;
  void* stackaddr;
  int inheritsched;
  int schedpolicy;
  int contentionscope;
  int sched_priority;
} pthread_attr_t;

typedef struct {
  int type;        /* PTHREAD_MUTEX_NORMAL, _ERRORCHECK, _RECURSIVE, _DEFAULT */
  int initialized; /* the inline lock has been constructed */
  long long __lock[5];
  int robust;      /* PTHREAD_MUTEX_ROBUST */
  int __state;     /* robust: consistent, owner died, not recoverable */
  void* __robust_next; /* robust: in its owner's list of held robust mutexes */
  void* __robust_prev;
} pthread_mutex_t;

typedef struct {
  int is_initialized;
  int type;
  int pshared;
  int protocol;
  int robust;
} pthread_mutexattr_t;

typedef struct {
  int initialized;
  int clock; /* clock of absolute timeouts */
  long long __cond[3];
} pthread_cond_t;

typedef struct {
  int is_initialized;
  int clock;
  int pshared;
} pthread_condattr_t;

typedef struct {
  int initialized;
  int __pad;
  long long __rw[8];
} pthread_rwlock_t;

typedef struct {
  int is_initialized;
  int pshared;
} pthread_rwlockattr_t;

typedef struct {
  int initialized;
  unsigned count; /* threads to wait for */
  long long __bar[12];
} pthread_barrier_t;

typedef struct {
  int is_initialized;
  int pshared;
} pthread_barrierattr_t;

/* 0: free, 1: held (a thread that finds it held yields: one CPU). */
typedef volatile int pthread_spinlock_t;

typedef unsigned int pthread_key_t;

typedef struct {
  int state; /* 0 not run, 1 running, 2 done */
} pthread_once_t;

#endif
