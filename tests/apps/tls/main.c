/* tls: thread-local storage in a Kiln image (issue 14).
 * Every check prints one line; a failure prints "tls: FAIL ..." and makes
 * the exit status 1. The last line counts passes and failures.
 *
 *   ctor         a global constructor (C here, C++ in cxx.cpp) writes
 *                thread-locals of the main thread: main() sees the writes
 *   main         the thread pointer (%fs:0) points at itself; .tdata has
 *                its initial values, .tbss is zero, aligned(64) holds, and
 *                aligned(4096) in .tdata and in .tbss (a page-aligned PT_TLS)
 *   threads      four threads each see the initial values (not main's
 *                writes), their own writes, distinct addresses; they spin
 *                without yielding and check their values all along (the
 *                preemptive image sets interleave them: "interleaved yes")
 *   errno        two threads set errno (directly and by failing calls)
 *                concurrently, each sees only its own
 *   thread_local a C++ object with a constructor and destructor per thread:
 *                destructors run at thread exit, in reverse order, and for
 *                main at exit (cxx.cpp)
 *   oom          with the heap full but for one stack's worth,
 *                pthread_create fails with EAGAIN (the TLS block does not
 *                fit), and works again once memory is back */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

__thread int t_data = 42;  // .tdata
__thread long t_bss;       // .tbss
__thread char t_aligned[8] __attribute__((aligned(64))) = "kiln";
__thread char t_page[8] __attribute__((aligned(4096))) = "page";  // .tdata, page-aligned
__thread char t_page_bss __attribute__((aligned(4096)));          // .tbss, page-aligned

// The page-aligned thread-locals: at page boundaries, with their values.
static void check_page_aligned(const char* who) {
  char what[128];
  snprintf(what, sizeof what, "%s: aligned(4096) thread-locals at %p (\"%s\") and %p (%d)", who, (void*)t_page,
           t_page, (void*)&t_page_bss, t_page_bss);
  tls_check(((uintptr_t)t_page & 4095) == 0 && ((uintptr_t)&t_page_bss & 4095) == 0 &&
                strcmp(t_page, "page") == 0 && t_page_bss == 0,
            what);
}
// A large .tbss: a thread's TLS block is bigger than its stack, which is
// what the out-of-memory check needs to tell the two allocations apart.
#define PAD (160 * 1024)
__thread unsigned char t_pad[PAD];

int tls_failures, tls_passes;
void tls_check(int ok, const char* what) {
  if (ok) {
    tls_passes++;
  } else {
    tls_failures++;
    printf("tls: FAIL %s\n", what);
  }
}

static int ctor_saw;
__attribute__((constructor)) static void c_ctor(void) {
  t_data += 1;
  t_bss = 5;
  ctor_saw = t_data;
}

static uintptr_t thread_pointer(void) {
  uintptr_t p = 0;
#ifdef __x86_64__
  __asm__ volatile("mov %%fs:0, %0" : "=r"(p));
#endif
  return p;
}

/* How the platform installs the thread pointer (kiln/plat/tls.h). */
const char* kiln_plat_tls_method(void);

/* The C++ part (cxx.cpp). */
int cxx_ctor_value(void);
int cxx_thread_part(int id);
void cxx_main_part(void);
void cxx_report(void);

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define NTHREADS 4
static volatile unsigned progress[NTHREADS];
static volatile int interleaved;
static uintptr_t addr_of_data[NTHREADS + 1];

static void* worker(void* arg) {
  int id = (int)(intptr_t)arg;
  char what[96];
  int ok = t_data == 42 && t_bss == 0 && strcmp(t_aligned, "kiln") == 0 && t_pad[0] == 0 && t_pad[PAD - 1] == 0;
  snprintf(what, sizeof what, "thread %d initial values: t_data %d t_bss %ld", id, t_data, t_bss);
  tls_check(ok, what);
  snprintf(what, sizeof what, "thread %d aligned(64) thread-local at %p", id, (void*)t_aligned);
  tls_check(((uintptr_t)t_aligned & 63) == 0, what);
  snprintf(what, sizeof what, "thread %d", id);
  check_page_aligned(what);
  uintptr_t tp = thread_pointer();
  snprintf(what, sizeof what, "thread %d thread pointer %#lx: self pointer, TLS below it", id, (unsigned long)tp);
  tls_check(tp && *(uintptr_t*)tp == tp && (uintptr_t)&t_data < tp && tp - (uintptr_t)&t_data < PAD + 4 * 4096, what);  // PAD, two page-aligned, the rest
  addr_of_data[id + 1] = (uintptr_t)&t_data;
  t_data = 1000 + id;
  t_bss = 7L * id;
  t_pad[100] = (unsigned char)id;
  // Spin without yielding for 60 ms, checking the values all along; under
  // the preemptive scheduler the others' progress shows they ran meanwhile.
  int bad = 0;
  uint64_t end = now_ns() + 60000000;
  unsigned seen[NTHREADS];
  memcpy(seen, (const void*)progress, sizeof seen);
  while (now_ns() < end) {
    for (int k = 0; k < 1000; k++) {
      if (t_data != 1000 + id || t_bss != 7L * id || t_pad[100] != id) bad++;
      progress[id]++;
    }
    for (int o = 0; o < NTHREADS; o++)
      if (o != id && progress[o] != seen[o]) interleaved = 1;
  }
  snprintf(what, sizeof what, "thread %d kept its own values while spinning (%d bad reads)", id, bad);
  tls_check(bad == 0, what);
  sched_yield();
  snprintf(what, sizeof what, "thread %d kept its own values across a yield", id);
  tls_check(t_data == 1000 + id && t_bss == 7L * id && t_pad[100] == id, what);
  tls_check(cxx_thread_part(id), "C++ thread_local in a thread");
  return (void*)(intptr_t)t_data;
}

static void* errno_worker(void* arg) {
  int id = (int)(intptr_t)arg;
  int bad = 0;
  for (int i = 0; i < 3000; i++) {
    if (id == 0) {
      errno = 0;
      if (close(-1) == 0) bad++;  // EBADF
      sched_yield();
      if (errno != EBADF) bad++;
    } else {
      errno = 0;
      (void)strtol("999999999999999999999999999", NULL, 10);  // ERANGE
      sched_yield();
      if (errno != ERANGE) bad++;
    }
    errno = 100 + id;
    for (volatile int k = 0; k < 200; k++) {
    }
    if (errno != 100 + id) bad++;
  }
  return (void*)(intptr_t)bad;
}

static void oom_check(void) {
  // Fill the heap: big blocks, then stack-sized (page-aligned, as the
  // scheduler allocates stacks), then small ones.
  enum { MAXC = 20000 };
  static void* chunks[MAXC];
  int n = 0;
  size_t sizes[] = {1 << 20, 68 * 1024, 16 * 1024, 4096, 256};
  // (-1: no block of that size was left to take; the heap is then already
  // too full for the thread. 0 would free a 1 MiB block.)
  int stack_chunk = -1, small_chunk = -1;
  for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    for (;;) {
      if (n == MAXC) break;
      void* p = NULL;
      if (posix_memalign(&p, 4096, sizes[s]) != 0) break;
      if (sizes[s] == 68 * 1024) stack_chunk = n;
      if (sizes[s] == 16 * 1024) small_chunk = n;
      chunks[n++] = p;
    }
  }
  // Room again for one thread's stack (64 KiB + guard page) and its small
  // allocations, not for its 160 KiB TLS block.
  if (stack_chunk >= 0) {
    free(chunks[stack_chunk]);
    chunks[stack_chunk] = NULL;
  }
  if (small_chunk >= 0) {
    free(chunks[small_chunk]);
    chunks[small_chunk] = NULL;
  }
  pthread_t t;
  int rc = pthread_create(&t, NULL, errno_worker, (void*)(intptr_t)0);
  if (rc == 0) pthread_join(t, NULL);
  for (int i = 0; i < n; i++) free(chunks[i]);
  char what[96];
  snprintf(what, sizeof what, "pthread_create with no room for the TLS block: %s", rc == 0 ? "created" : strerror(rc));
  tls_check(rc == EAGAIN, what);
  printf("tls: oom: pthread_create returned %s (heap filled with %d blocks)\n", rc == EAGAIN ? "EAGAIN" : strerror(rc), n);
  void* r = NULL;
  rc = pthread_create(&t, NULL, worker, (void*)(intptr_t)0);
  if (rc == 0) pthread_join(t, &r);
  tls_check(rc == 0 && (intptr_t)r == 1000, "a thread created after memory came back runs");
}

int main(int argc, char** argv) {
  char what[128];
  // Constructors ran before main on main's TLS block.
  snprintf(what, sizeof what, "C constructor wrote main's t_data: ctor saw %d, main sees %d, t_bss %ld", ctor_saw,
           t_data, t_bss);
  tls_check(ctor_saw == 43 && t_data == 43 && t_bss == 5, what);
  tls_check(cxx_ctor_value() == 7, "C++ global constructor wrote a thread_local");
  if (tls_failures == 0) printf("tls: global constructors wrote main's thread-locals ok\n");
  uintptr_t tp = thread_pointer();
  tls_check(tp && *(uintptr_t*)tp == tp, "main: %fs:0 holds the thread pointer");
  tls_check(((uintptr_t)t_aligned & 63) == 0 && strcmp(t_aligned, "kiln") == 0, "main: aligned(64) thread-local");
  check_page_aligned("main");
  t_page[0] = 'P';  // main's own copy: the threads still see "page"
  t_page_bss = 9;
  tls_check(t_pad[0] == 0 && t_pad[PAD - 1] == 0, "main: .tbss is zero");
  addr_of_data[0] = (uintptr_t)&t_data;
  printf("tls: main thread pointer %#lx, t_data at %#lx, aligned at %#lx\n", (unsigned long)tp,
         (unsigned long)&t_data, (unsigned long)t_aligned);

  int before = tls_failures;
  pthread_t th[NTHREADS];
  for (int i = 0; i < NTHREADS; i++) {
    int rc = pthread_create(&th[i], NULL, worker, (void*)(intptr_t)i);
    tls_check(rc == 0, "pthread_create");
    if (rc) return 1;
  }
  int joined_ok = 1;
  for (int i = 0; i < NTHREADS; i++) {
    void* r;
    pthread_join(th[i], &r);
    if ((intptr_t)r != 1000 + i) joined_ok = 0;
  }
  tls_check(joined_ok, "each thread returned its own t_data");
  int distinct = 1;
  for (int i = 0; i <= NTHREADS; i++)
    for (int j = 0; j < i; j++)
      if (addr_of_data[i] == addr_of_data[j]) distinct = 0;
  tls_check(distinct, "every thread's t_data has its own address");
  tls_check(t_data == 43 && t_bss == 5, "main's values untouched by the threads");
  if (tls_failures == before)
    printf("tls: %d threads saw their own thread-locals ok; interleaved %s\n", NTHREADS, interleaved ? "yes" : "no");
  printf("tls: thread pointer switched by %s\n", kiln_plat_tls_method());

  pthread_t e[2];
  for (int i = 0; i < 2; i++) pthread_create(&e[i], NULL, errno_worker, (void*)(intptr_t)i);
  intptr_t ebad = 0;
  for (int i = 0; i < 2; i++) {
    void* r;
    pthread_join(e[i], &r);
    ebad += (intptr_t)r;
  }
  snprintf(what, sizeof what, "errno per thread (%ld wrong values seen)", (long)ebad);
  tls_check(ebad == 0, what);
  if (ebad == 0) printf("tls: errno per thread ok\n");

  cxx_main_part();
  cxx_report();
  if (argc < 2 || strcmp(argv[1], "nooom") != 0) oom_check();
  printf("tls: %d passed, %d failed\n", tls_passes, tls_failures);
  return tls_failures ? 1 : 0;
}
