// lwIP's OS layer (NO_SYS=0) over Kiln: semaphores, mutexes, mailboxes,
// threads, time and the light-weight protection (events masked).
#include <kiln/alloc.h>
#include <kiln/arch/cpu.h>
#include <kiln/assert.h>
#include <kiln/lock.h>
#include <kiln/random.h>
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>
#include <kiln/print.h>
#include <kiln/sched.h>
#include <kiln/sync.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <new>

extern "C" {
#include "lwip/sys.h"
}

struct kiln_lwip_sem {
  kiln::Semaphore sem;
  explicit kiln_lwip_sem(unsigned n) : sem(n) {}
};
struct kiln_lwip_mutex {
  kiln::Mutex m;
};
// A bounded ring of messages. Masking events is the lock (one CPU); the
// two wait queues hold readers waiting for a message and writers waiting
// for room.
struct kiln_lwip_mbox {
  void** ring = nullptr;
  unsigned size = 0, head = 0, count = 0;
  kiln::WaitQueue readers, writers;
};

namespace {

constexpr unsigned kDefaultMbox = 128;

uint64_t deadline_ms(u32_t timeout_ms) {
  return timeout_ms ? kiln_plat_monotonic_ns() + uint64_t{timeout_ms} * 1000000u : 0;
}

u32_t elapsed_ms(uint64_t start) {
  uint64_t ms = (kiln_plat_monotonic_ns() - start) / 1000000u;
  return ms >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : static_cast<u32_t>(ms);
}

struct ThreadStart {
  lwip_thread_fn fn;
  void* arg;
};

void* thread_trampoline(void* p) {
  ThreadStart s = *static_cast<ThreadStart*>(p);
  delete static_cast<ThreadStart*>(p);
  s.fn(s.arg);
  return nullptr;
}

}  // namespace

extern "C" {

void sys_init(void) {}

u32_t sys_now(void) { return static_cast<u32_t>(kiln_plat_monotonic_ns() / 1000000u); }
u32_t sys_jiffies(void) { return sys_now(); }

sys_prot_t sys_arch_protect(void) { return kiln_plat_irq_save(); }
void sys_arch_unprotect(sys_prot_t pval) { kiln_plat_irq_restore(pval); }

err_t sys_sem_new(sys_sem_t* sem, u8_t count) {
  *sem = new (std::nothrow) kiln_lwip_sem(count);
  return *sem ? ERR_OK : ERR_MEM;
}
void sys_sem_free(sys_sem_t* sem) {
  delete *sem;
  *sem = nullptr;
}
void sys_sem_signal(sys_sem_t* sem) { (*sem)->sem.up(); }
u32_t sys_arch_sem_wait(sys_sem_t* sem, u32_t timeout) {
  uint64_t start = kiln_plat_monotonic_ns();
  if ((*sem)->sem.down(deadline_ms(timeout)).is_error()) return SYS_ARCH_TIMEOUT;
  return elapsed_ms(start);
}

err_t sys_mutex_new(sys_mutex_t* m) {
  *m = new (std::nothrow) kiln_lwip_mutex;
  return *m ? ERR_OK : ERR_MEM;
}
void sys_mutex_free(sys_mutex_t* m) {
  delete *m;
  *m = nullptr;
}
void sys_mutex_lock(sys_mutex_t* m) {
  auto r = (*m)->m.lock();
  KILN_ASSERT(!r.is_error());
}
void sys_mutex_unlock(sys_mutex_t* m) {
  auto r = (*m)->m.unlock();
  KILN_ASSERT(!r.is_error());
}

err_t sys_mbox_new(sys_mbox_t* mbox, int size) {
  auto* b = new (std::nothrow) kiln_lwip_mbox;
  if (!b) return ERR_MEM;
  b->size = size > 0 ? static_cast<unsigned>(size) : kDefaultMbox;
  b->ring = new (std::nothrow) void*[b->size];
  if (!b->ring) {
    delete b;
    return ERR_MEM;
  }
  *mbox = b;
  return ERR_OK;
}
void sys_mbox_free(sys_mbox_t* mbox) {
  auto* b = *mbox;
  if (b->count) kiln_warn("lwip: mailbox freed with %u messages in it", b->count);
  delete[] b->ring;
  delete b;
  *mbox = nullptr;
}

namespace {
// Masked.
void put(kiln_lwip_mbox* b, void* msg) {
  b->ring[(b->head + b->count) % b->size] = msg;
  ++b->count;
  b->readers.wake_one();
}
void* take(kiln_lwip_mbox* b) {
  void* m = b->ring[b->head];
  b->head = (b->head + 1) % b->size;
  --b->count;
  b->writers.wake_one();
  return m;
}
}  // namespace

void sys_mbox_post(sys_mbox_t* mbox, void* msg) {
  kiln::IrqGuard g;
  auto* b = *mbox;
  while (b->count == b->size) b->writers.wait();
  put(b, msg);
}
err_t sys_mbox_trypost(sys_mbox_t* mbox, void* msg) {
  kiln::IrqGuard g;
  auto* b = *mbox;
  if (b->count == b->size) return ERR_MEM;
  put(b, msg);
  return ERR_OK;
}
err_t sys_mbox_trypost_fromisr(sys_mbox_t* mbox, void* msg) { return sys_mbox_trypost(mbox, msg); }

u32_t sys_arch_mbox_fetch(sys_mbox_t* mbox, void** msg, u32_t timeout) {
  uint64_t start = kiln_plat_monotonic_ns();
  uint64_t deadline = deadline_ms(timeout);
  kiln::IrqGuard g;
  auto* b = *mbox;
  while (b->count == 0) {
    if (!b->readers.wait(deadline) && b->count == 0) return SYS_ARCH_TIMEOUT;
  }
  void* m = take(b);
  if (msg) *msg = m;
  return elapsed_ms(start);
}
u32_t sys_arch_mbox_tryfetch(sys_mbox_t* mbox, void** msg) {
  kiln::IrqGuard g;
  auto* b = *mbox;
  if (b->count == 0) return SYS_MBOX_EMPTY;
  void* m = take(b);
  if (msg) *msg = m;
  return 0;
}

sys_thread_t sys_thread_new(const char* name, lwip_thread_fn fn, void* arg, int stacksize, int) {
  auto* s = new (std::nothrow) ThreadStart{fn, arg};
  if (!s) kiln_panic("lwip: no memory for thread %s", name);
  auto t = kiln::thread_create(name, thread_trampoline, s, stacksize > 0 ? static_cast<size_t>(stacksize) : 0);
  if (t.is_error()) kiln_panic("lwip: cannot create thread %s (errno %d)", name, t.error().code());
  (void)kiln::thread_detach(t.value());
  return t.value();
}

void kiln_lwip_diag(const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  size_t n = strlen(buf);
  while (n && buf[n - 1] == '\n') buf[--n] = 0;
  kiln_info("lwip: %s", buf);
}

void kiln_lwip_assert(const char* msg, const char* file, int line) {
  kiln_panic("lwip assertion failed: %s (%s:%d)", msg, file, line);
}

// TCP initial sequence numbers, ports, DNS ids, DHCP transaction ids:
// guessable ones let an off-path attacker inject into connections or
// poison DNS answers. From the kernel's seeded generator (kiln/random.h).
uint32_t kiln_lwip_rand(void) { return kiln_random_u32(); }

}  // extern "C"
