// System V IPC within the image (docs/libc.md, "System V IPC"): message
// queues, semaphore sets and shared memory segments as objects of the one
// process, found by key or by id, in the system-call table under Linux's
// names and numbers. All state is under one mutex; a blocked call waits
// on one condition variable that every change broadcasts (few objects,
// few waiters: simple beats clever here), and fails with EINTR when a
// signal handler is due (kiln/sigpoint.h). The process is root (uid 0,
// lib/process), so the permission bits are kept and reported, never
// refused on.
#include <kiln/alloc.h>
#include <kiln/lock.h>
#include <kiln/plat/time.h>
#include <kiln/sigpoint.h>
#include <kiln/sync.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

constexpr int kSlots = 64;  // objects of each kind
kiln::Mutex ipc_lock;
kiln::CondVar ipc_changed;

time_t now() { return static_cast<time_t>(kiln_plat_wall_ns() / 1000000000); }

// What every object has: its permissions (with key and sequence number)
// and whether the slot is in use. An id is seq * kSlots + slot, so an id
// of a removed object does not find the slot's next one.
struct Obj {
  bool used;
  bool removed;  // shm only: IPC_RMID while attached
  struct ipc_perm perm;
  time_t ctime;
};

template <typename T>
T* by_id(T* table, int id) {
  if (id < 0) return nullptr;
  T* t = &table[id % kSlots];
  if (!t->o.used || t->o.removed || t->o.perm.__seq != static_cast<unsigned short>(id / kSlots)) return nullptr;
  return t;
}
template <typename T>
int id_of(T* table, T* t) {
  return static_cast<int>(t->o.perm.__seq) * kSlots + static_cast<int>(t - table);
}

// The get calls' common part: an existing object for key (nullptr and
// *err 0 when a new one is to be made), or an error.
template <typename T>
T* lookup(T* table, key_t key, int flags, long* err) {
  *err = 0;
  if (key != IPC_PRIVATE) {
    for (int i = 0; i < kSlots; ++i) {
      T* t = &table[i];
      if (!t->o.used || t->o.removed || t->o.perm.__key != key) continue;
      if ((flags & IPC_CREAT) && (flags & IPC_EXCL)) *err = -EEXIST;
      return t;
    }
    if (!(flags & IPC_CREAT)) *err = -ENOENT;
  }
  return nullptr;
}
template <typename T>
T* new_slot(T* table, key_t key, int flags) {
  for (int i = 0; i < kSlots; ++i) {
    T* t = &table[i];
    if (t->o.used) continue;
    unsigned short seq = static_cast<unsigned short>((t->o.perm.__seq + 1) % (INT_MAX / kSlots));
    memset(t, 0, sizeof *t);
    t->o.used = true;
    t->o.perm.__key = key;
    t->o.perm.__seq = seq;
    t->o.perm.uid = t->o.perm.cuid = static_cast<uid_t>(geteuid());
    t->o.perm.gid = t->o.perm.cgid = static_cast<gid_t>(getegid());
    t->o.perm.mode = static_cast<mode_t>(flags & 0777);
    t->o.ctime = now();
    return t;
  }
  return nullptr;
}

void set_perm(Obj& o, const struct ipc_perm& p) {
  o.perm.uid = p.uid;
  o.perm.gid = p.gid;
  o.perm.mode = (o.perm.mode & ~0777u) | (p.mode & 0777);
  o.ctime = now();
}

// Wait for a change (the caller holds ipc_lock). 0, -EINTR when a signal
// handler is due, -ETIMEDOUT at the monotonic deadline (0: none).
long wait_change(uint64_t deadline_ns) {
  if (kiln_signal_interrupted()) return -EINTR;
  kiln::Result<void> r = ipc_changed.wait(ipc_lock, deadline_ns);
  if (kiln_signal_interrupted()) return -EINTR;
  return r.is_error() ? -r.error().code() : 0;
}

// ---------------------------------------------------------------- messages
struct Msg {
  Msg* next;
  long type;
  size_t size;
  char data[];
};
struct Queue {
  Obj o;
  Msg* head;
  size_t bytes;  // in the queue's messages
  unsigned long qnum;
  size_t qbytes;  // the limit
  time_t stime, rtime;
  pid_t lspid, lrpid;
};
Queue queues[kSlots];

void free_messages(Queue* q) {
  while (Msg* m = q->head) {
    q->head = m->next;
    kiln_free(m);
  }
  q->bytes = q->qnum = 0;
}

// ---------------------------------------------------------------- semaphores
struct Sem {
  unsigned short val;
  pid_t pid;  // last to change it
  unsigned ncnt, zcnt;  // threads waiting for an increase, for zero
};
struct SemSet {
  Obj o;
  int nsems;
  Sem* sems;
  time_t otime;
};
SemSet sets[kSlots];

// ---------------------------------------------------------------- shared memory
struct Seg {
  Obj o;
  size_t size;
  void* mem;
  unsigned long nattch;
  time_t atime, dtime;
  pid_t cpid, lpid;
};
Seg segs[kSlots];

void free_seg(Seg* s) {
  kiln_free(s->mem);
  s->mem = nullptr;
  s->o.used = false;
  s->o.removed = false;
}

}  // namespace

extern "C" {

long kiln_sys_msgget(key_t key, int flags) {
  kiln::MutexGuard g(ipc_lock);
  long err;
  Queue* q = lookup(queues, key, flags, &err);
  if (err) return err;
  if (q) return id_of(queues, q);
  q = new_slot(queues, key, flags);
  if (!q) return -ENOSPC;
  q->qbytes = MSGMNB;
  return id_of(queues, q);
}
KILN_SYSCALL(msgget);

long kiln_sys_msgsnd(int id, const void* msgp, size_t size, int flags) {
  if (size > MSGMAX) return -EINVAL;
  if (!msgp) return -EFAULT;
  long type;
  memcpy(&type, msgp, sizeof type);
  if (type < 1) return -EINVAL;
  Msg* m = static_cast<Msg*>(kiln_malloc(sizeof(Msg) + size));
  if (!m) return -ENOMEM;
  m->next = nullptr;
  m->type = type;
  m->size = size;
  memcpy(m->data, static_cast<const char*>(msgp) + sizeof(long), size);
  kiln::MutexGuard g(ipc_lock);
  for (;;) {
    Queue* q = by_id(queues, id);
    if (!q) {
      kiln_free(m);
      return -EINVAL;  // also when it was removed while we waited (Linux: EIDRM)
    }
    if (q->bytes + size <= q->qbytes && q->qnum < q->qbytes) {
      Msg** tail = &q->head;
      while (*tail) tail = &(*tail)->next;
      *tail = m;
      q->bytes += size;
      ++q->qnum;
      q->stime = now();
      q->lspid = static_cast<pid_t>(getpid());
      ipc_changed.broadcast();
      return 0;
    }
    long r = (flags & IPC_NOWAIT) ? -EAGAIN : wait_change(0);
    if (r) {
      kiln_free(m);
      return r;
    }
  }
}
KILN_SYSCALL(msgsnd);

long kiln_sys_msgrcv(int id, void* msgp, size_t size, long type, int flags) {
  if (static_cast<long>(size) < 0) return -EINVAL;
  if (!msgp) return -EFAULT;
  kiln::MutexGuard g(ipc_lock);
  for (;;) {
    Queue* q = by_id(queues, id);
    if (!q) return -EINVAL;
    // type 0: the first; > 0: the first of that type (not of it with
    // MSG_EXCEPT); < 0: the first of the lowest type up to -type.
    Msg** pick = nullptr;
    for (Msg** p = &q->head; *p; p = &(*p)->next) {
      long t = (*p)->type;
      bool match = type == 0 || (type > 0 && ((flags & MSG_EXCEPT) ? t != type : t == type)) ||
                   (type < 0 && t <= -type && (!pick || t < (*pick)->type));
      if (!match) continue;
      pick = p;
      if (type >= 0) break;
    }
    if (pick) {
      Msg* m = *pick;
      if (m->size > size && !(flags & MSG_NOERROR)) return -E2BIG;
      size_t n = m->size < size ? m->size : size;
      memcpy(msgp, &m->type, sizeof(long));
      memcpy(static_cast<char*>(msgp) + sizeof(long), m->data, n);
      *pick = m->next;
      q->bytes -= m->size;
      --q->qnum;
      q->rtime = now();
      q->lrpid = static_cast<pid_t>(getpid());
      kiln_free(m);
      ipc_changed.broadcast();
      return static_cast<long>(n);
    }
    if (flags & IPC_NOWAIT) return -ENOMSG;
    if (long r = wait_change(0)) return r;
  }
}
KILN_SYSCALL(msgrcv);

long kiln_sys_msgctl(int id, int cmd, struct msqid_ds* buf) {
  kiln::MutexGuard g(ipc_lock);
  Queue* q = by_id(queues, id);
  if (!q) return -EINVAL;
  switch (cmd) {
    case IPC_STAT:
      if (!buf) return -EFAULT;
      memset(buf, 0, sizeof *buf);
      buf->msg_perm = q->o.perm;
      buf->msg_stime = q->stime;
      buf->msg_rtime = q->rtime;
      buf->msg_ctime = q->o.ctime;
      buf->__msg_cbytes = q->bytes;
      buf->msg_qnum = q->qnum;
      buf->msg_qbytes = q->qbytes;
      buf->msg_lspid = q->lspid;
      buf->msg_lrpid = q->lrpid;
      return 0;
    case IPC_SET:
      if (!buf) return -EFAULT;
      if (buf->msg_qbytes == 0) return -EINVAL;
      set_perm(q->o, buf->msg_perm);
      q->qbytes = buf->msg_qbytes;
      ipc_changed.broadcast();
      return 0;
    case IPC_RMID:
      free_messages(q);
      q->o.used = false;
      ipc_changed.broadcast();  // waiters find it gone
      return 0;
    default:
      return -EINVAL;
  }
}
KILN_SYSCALL(msgctl);

long kiln_sys_semget(key_t key, int nsems, int flags) {
  if (nsems < 0 || nsems > SEMMSL) return -EINVAL;
  kiln::MutexGuard g(ipc_lock);
  long err;
  SemSet* s = lookup(sets, key, flags, &err);
  if (err) return err;
  if (s) return nsems > s->nsems ? -EINVAL : id_of(sets, s);
  if (nsems == 0) return -EINVAL;
  auto* sems = static_cast<Sem*>(kiln_calloc(static_cast<size_t>(nsems), sizeof(Sem)));
  if (!sems) return -ENOMEM;
  s = new_slot(sets, key, flags);
  if (!s) {
    kiln_free(sems);
    return -ENOSPC;
  }
  s->nsems = nsems;
  s->sems = sems;
  return id_of(sets, s);
}
KILN_SYSCALL(semget);

// All of ops at once or none: each pass tries them in order on a copy of
// the values; the first that cannot proceed makes the caller wait (or
// fail with EAGAIN under IPC_NOWAIT) for the next change. SEM_UNDO is
// accepted; its adjustments would apply at process exit, which ends the
// image.
long kiln_sys_semtimedop(int id, struct sembuf* ops, size_t nops, const struct timespec* timeout) {
  if (nops == 0) return -EINVAL;
  if (nops > SEMOPM) return -E2BIG;
  if (!ops) return -EFAULT;
  uint64_t deadline = 0;
  if (timeout) {
    if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000) return -EINVAL;
    deadline = kiln_plat_monotonic_ns() + static_cast<uint64_t>(timeout->tv_sec) * 1000000000u +
               static_cast<uint64_t>(timeout->tv_nsec);
  }
  kiln::MutexGuard g(ipc_lock);
  for (;;) {
    SemSet* s = by_id(sets, id);
    if (!s) return -EINVAL;
    unsigned short vals[SEMMSL];
    for (int i = 0; i < s->nsems; ++i) vals[i] = s->sems[i].val;
    const struct sembuf* blocked = nullptr;
    for (size_t k = 0; k < nops && !blocked; ++k) {
      const struct sembuf& op = ops[k];
      if (op.sem_num >= s->nsems) return -EFBIG;
      int v = vals[op.sem_num];
      if (op.sem_op > 0) {
        if (v + op.sem_op > SEMVMX) return -ERANGE;
        vals[op.sem_num] = static_cast<unsigned short>(v + op.sem_op);
      } else if (op.sem_op < 0) {
        if (v < -op.sem_op) blocked = &op;
        else vals[op.sem_num] = static_cast<unsigned short>(v + op.sem_op);
      } else if (v != 0) {
        blocked = &op;
      }
    }
    if (!blocked) {
      pid_t pid = static_cast<pid_t>(getpid());
      for (size_t k = 0; k < nops; ++k) s->sems[ops[k].sem_num].pid = pid;
      for (int i = 0; i < s->nsems; ++i) s->sems[i].val = vals[i];
      s->otime = now();
      ipc_changed.broadcast();
      return 0;
    }
    if (blocked->sem_flg & IPC_NOWAIT) return -EAGAIN;
    Sem* w = &s->sems[blocked->sem_num];
    unsigned* count = blocked->sem_op < 0 ? &w->ncnt : &w->zcnt;
    ++*count;
    long r = wait_change(deadline);
    // The set may be gone (IPC_RMID frees it): count down only in the same one.
    if (by_id(sets, id) == s) --*count;
    if (r == -ETIMEDOUT) return -EAGAIN;  // Linux's semtimedop
    if (r) return r;
  }
}
KILN_SYSCALL(semtimedop);

long kiln_sys_semop(int id, struct sembuf* ops, size_t nops) { return kiln_sys_semtimedop(id, ops, nops, nullptr); }
KILN_SYSCALL(semop);

// arg is union semun's value: an int (SETVAL), or a pointer (IPC_STAT,
// IPC_SET: struct semid_ds*; GETALL, SETALL: unsigned short*).
long kiln_sys_semctl(int id, int num, int cmd, unsigned long arg) {
  kiln::MutexGuard g(ipc_lock);
  SemSet* s = by_id(sets, id);
  if (!s) return -EINVAL;
  bool one = cmd == GETVAL || cmd == SETVAL || cmd == GETPID || cmd == GETNCNT || cmd == GETZCNT;
  if (one && (num < 0 || num >= s->nsems)) return -EINVAL;
  auto* buf = reinterpret_cast<struct semid_ds*>(arg);
  auto* array = reinterpret_cast<unsigned short*>(arg);
  switch (cmd) {
    case IPC_STAT:
      if (!buf) return -EFAULT;
      memset(buf, 0, sizeof *buf);
      buf->sem_perm = s->o.perm;
      buf->sem_otime = s->otime;
      buf->sem_ctime = s->o.ctime;
      buf->sem_nsems = static_cast<unsigned long>(s->nsems);
      return 0;
    case IPC_SET:
      if (!buf) return -EFAULT;
      set_perm(s->o, buf->sem_perm);
      return 0;
    case IPC_RMID:
      kiln_free(s->sems);
      s->sems = nullptr;
      s->o.used = false;
      ipc_changed.broadcast();
      return 0;
    case GETVAL: return s->sems[num].val;
    case GETPID: return s->sems[num].pid;
    case GETNCNT: return s->sems[num].ncnt;
    case GETZCNT: return s->sems[num].zcnt;
    case SETVAL: {
      int v = static_cast<int>(arg);
      if (v < 0 || v > SEMVMX) return -ERANGE;
      s->sems[num].val = static_cast<unsigned short>(v);
      s->sems[num].pid = static_cast<pid_t>(getpid());
      s->o.ctime = now();
      ipc_changed.broadcast();
      return 0;
    }
    case GETALL:
      if (!array) return -EFAULT;
      for (int i = 0; i < s->nsems; ++i) array[i] = s->sems[i].val;
      return 0;
    case SETALL:
      if (!array) return -EFAULT;
      for (int i = 0; i < s->nsems; ++i)
        if (array[i] > SEMVMX) return -ERANGE;
      for (int i = 0; i < s->nsems; ++i) {
        s->sems[i].val = array[i];
        s->sems[i].pid = static_cast<pid_t>(getpid());
      }
      s->o.ctime = now();
      ipc_changed.broadcast();
      return 0;
    default:
      return -EINVAL;
  }
}
KILN_SYSCALL(semctl);

long kiln_sys_shmget(key_t key, size_t size, int flags) {
  kiln::MutexGuard g(ipc_lock);
  long err;
  Seg* s = lookup(segs, key, flags, &err);
  if (err) return err;
  if (s) return size > s->size ? -EINVAL : id_of(segs, s);
  if (size < 1 || size > (size_t{1} << 40)) return -EINVAL;
  size_t bytes = (size + 4095) & ~size_t{4095};
  void* mem = kiln_memalign(4096, bytes);
  if (!mem) return -ENOMEM;
  memset(mem, 0, bytes);
  s = new_slot(segs, key, flags);
  if (!s) {
    kiln_free(mem);
    return -ENOSPC;
  }
  s->size = size;
  s->mem = mem;
  s->cpid = static_cast<pid_t>(getpid());
  return id_of(segs, s);
}
KILN_SYSCALL(shmget);

// One address space: a segment is at one address, which every shmat
// returns; asking for another fails (EINVAL). SHM_RDONLY is accepted and
// not enforced (no page protections on the heap).
long kiln_sys_shmat(int id, const void* addr, int flags) {
  kiln::MutexGuard g(ipc_lock);
  Seg* s = by_id(segs, id);
  if (!s) return -EINVAL;
  if (addr) {
    uintptr_t a = reinterpret_cast<uintptr_t>(addr);
    if (flags & SHM_RND) a &= ~uintptr_t{SHMLBA - 1};
    if (a != reinterpret_cast<uintptr_t>(s->mem)) return -EINVAL;
  }
  ++s->nattch;
  s->atime = now();
  s->lpid = static_cast<pid_t>(getpid());
  return static_cast<long>(reinterpret_cast<uintptr_t>(s->mem));
}
KILN_SYSCALL(shmat);

long kiln_sys_shmdt(const void* addr) {
  kiln::MutexGuard g(ipc_lock);
  for (Seg& s : segs) {
    if (!s.o.used || s.mem != addr || s.nattch == 0) continue;
    --s.nattch;
    s.dtime = now();
    s.lpid = static_cast<pid_t>(getpid());
    if (s.o.removed && s.nattch == 0) free_seg(&s);
    return 0;
  }
  return -EINVAL;
}
KILN_SYSCALL(shmdt);

long kiln_sys_shmctl(int id, int cmd, struct shmid_ds* buf) {
  kiln::MutexGuard g(ipc_lock);
  Seg* s = by_id(segs, id);
  if (!s) return -EINVAL;
  switch (cmd) {
    case IPC_STAT:
      if (!buf) return -EFAULT;
      memset(buf, 0, sizeof *buf);
      buf->shm_perm = s->o.perm;
      buf->shm_segsz = s->size;
      buf->shm_atime = s->atime;
      buf->shm_dtime = s->dtime;
      buf->shm_ctime = s->o.ctime;
      buf->shm_cpid = s->cpid;
      buf->shm_lpid = s->lpid;
      buf->shm_nattch = s->nattch;
      return 0;
    case IPC_SET:
      if (!buf) return -EFAULT;
      set_perm(s->o, buf->shm_perm);
      return 0;
    case IPC_RMID:
      // The key is gone at once; the memory when the last attachment goes.
      if (s->nattch == 0) free_seg(s);
      else s->o.removed = true;
      return 0;
    default:
      return -EINVAL;
  }
}
KILN_SYSCALL(shmctl);

// The POSIX functions: the table's calls with errno set.
int msgget(key_t key, int flags) { return static_cast<int>(kiln_sys_ret(kiln_sys_msgget(key, flags))); }
int msgsnd(int id, const void* msg, size_t size, int flags) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_msgsnd(id, msg, size, flags)));
}
ssize_t msgrcv(int id, void* msg, size_t size, long type, int flags) {
  return kiln_sys_ret(kiln_sys_msgrcv(id, msg, size, type, flags));
}
int msgctl(int id, int cmd, struct msqid_ds* buf) { return static_cast<int>(kiln_sys_ret(kiln_sys_msgctl(id, cmd, buf))); }
int semget(key_t key, int nsems, int flags) { return static_cast<int>(kiln_sys_ret(kiln_sys_semget(key, nsems, flags))); }
int semop(int id, struct sembuf* ops, size_t nops) { return static_cast<int>(kiln_sys_ret(kiln_sys_semop(id, ops, nops))); }
int semtimedop(int id, struct sembuf* ops, size_t nops, const struct timespec* timeout) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_semtimedop(id, ops, nops, timeout)));
}
int semctl(int id, int num, int cmd, ...) {
  unsigned long arg = 0;
  if (cmd == IPC_STAT || cmd == IPC_SET || cmd == SETVAL || cmd == GETALL || cmd == SETALL) {
    va_list ap;
    va_start(ap, cmd);
    arg = va_arg(ap, unsigned long);  // union semun: one eightbyte, passed as an integer
    va_end(ap);
  }
  return static_cast<int>(kiln_sys_ret(kiln_sys_semctl(id, num, cmd, arg)));
}
int shmget(key_t key, size_t size, int flags) { return static_cast<int>(kiln_sys_ret(kiln_sys_shmget(key, size, flags))); }
void* shmat(int id, const void* addr, int flags) {
  long r = kiln_sys_ret(kiln_sys_shmat(id, addr, flags));
  return r == -1 ? reinterpret_cast<void*>(-1) : reinterpret_cast<void*>(r);
}
int shmdt(const void* addr) { return static_cast<int>(kiln_sys_ret(kiln_sys_shmdt(addr))); }
int shmctl(int id, int cmd, struct shmid_ds* buf) { return static_cast<int>(kiln_sys_ret(kiln_sys_shmctl(id, cmd, buf))); }

// A key from a file's identity and a project byte, as glibc and musl make it.
key_t ftok(const char* path, int id) {
  struct stat st;
  if (stat(path, &st) != 0) return -1;
  return static_cast<key_t>((st.st_ino & 0xffff) | ((st.st_dev & 0xff) << 16) |
                            ((static_cast<unsigned>(id) & 0xffu) << 24));
}

}  // extern "C"
