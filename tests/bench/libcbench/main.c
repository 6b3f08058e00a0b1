/* libcbench: the C library's string and memory functions, per call.
 * Plain C: the same source builds for Kiln (newlib + lib/string) and for
 * the host (glibc), so `make bench BENCH=libc` compares them in one run.
 *
 *   libcbench [min_ms]      (default 20: each measurement is 15 batches of at least min_ms / 10)
 *
 * memcpy, memset, strlen and memcmp (equal buffers) at 16 B, 256 B, 4 KiB,
 * 64 KiB and 1 MiB on 64-byte aligned buffers that stay in the caches
 * between calls; memmove with the destination 64 bytes above the source
 * (overlapping from 128 B on: a backward copy). The functions are called
 * by name, as a program calls them (on the host through the PLT to
 * glibc's CPU-specific variant, on Kiln through lib/string's dispatch),
 * with the size read from a volatile so the compiler cannot inline them.
 * Prints "result <fn>_<size> <ns per call>".
 *
 * Then what else of the C library a program pays for per call: a __thread
 * variable's access (read-modify-write through a function the compiler
 * may not inline, so the thread pointer is read each time: result
 * tls_access_ns), and getrandom(2) into a 4 KiB buffer (result
 * getrandom_4KiB_MBps; on the host a system call into the kernel's
 * generator, on Kiln the image's own ChaCha generator). */
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile size_t sink;

enum { MAXN = 1 << 20 };
static unsigned char* src;
static unsigned char* dst;

static volatile size_t size_now;

static __thread unsigned long tls_counter = 1;
static size_t getrandom_short;

__attribute__((noinline)) static unsigned long tls_bump(void) {
  __asm__ volatile("" ::: "memory");
  return ++tls_counter;
}

static void run(int fn, long iters) {
  size_t acc = 0, n = size_now;
  switch (fn) {
    case 0:
      for (long i = 0; i < iters; i++) memcpy(dst, src, n);
      break;
    case 1:
      for (long i = 0; i < iters; i++) memmove(src + 64, src, n);
      break;
    case 2:
      for (long i = 0; i < iters; i++) memset(dst, (int)i, n);
      break;
    case 3:
      /* (the barrier: strlen and memcmp are pure, the loop must not be
       * reduced to one call) */
      for (long i = 0; i < iters; i++) {
        acc += strlen((const char*)dst);
        __asm__ volatile("" ::: "memory");
      }
      break;
    case 4:
      for (long i = 0; i < iters; i++) {
        acc += (size_t)memcmp(dst, src, n);
        __asm__ volatile("" ::: "memory");
      }
      break;
    case 5:
      for (long i = 0; i < iters; i++) acc += tls_bump();
      break;
    case 6:
      for (long i = 0; i < iters; i++)
        if (getrandom(dst, n, 0) != (ssize_t)n) acc++;
      getrandom_short += acc;
      break;
  }
  sink = acc;
}

/* ns per call: iterations doubled until one batch runs min_ms / 10, then
 * the fastest of 15 such batches (on a shared machine the fastest batch
 * is the one nobody preempted). */
static double measure(int fn, size_t n, double min_ms) {
  if (fn == 3) {
    memset(dst, 'a', n - 1);
    dst[n - 1] = 0;
  } else if (fn == 4) {
    memset(dst, 'b', n);
    memset(src, 'b', n);
  }
  size_now = n;
  long iters = 1;
  double t;
  for (;;) {
    double t0 = now_ns();
    run(fn, iters);
    t = now_ns() - t0;
    if (t >= min_ms * 1e5 || iters >= (1L << 34)) break;  /* (a clock that does not move) */
    iters *= 2;
  }
  double best = t;
  for (int k = 0; k < 14; k++) {
    double t0 = now_ns();
    run(fn, iters);
    t = now_ns() - t0;
    if (t < best) best = t;
  }
  return best / (double)iters;
}

int main(int argc, char** argv) {
  double min_ms = argc > 1 ? atof(argv[1]) : 20;
  unsigned char* a = malloc(MAXN + 4096);
  unsigned char* b = malloc(MAXN + 4096);
  if (!a || !b) {
    printf("error: out of memory\n");
    return 1;
  }
  src = (unsigned char*)(((uintptr_t)a + 63) & ~(uintptr_t)63);
  dst = (unsigned char*)(((uintptr_t)b + 63) & ~(uintptr_t)63);
  for (size_t i = 0; i < MAXN + 64; i++) src[i] = (unsigned char)(i * 7 + 1);
  memset(dst, 1, MAXN);
  static const char* names[] = {"memcpy", "memmove", "memset", "strlen", "memcmp"};
  static const size_t sizes[] = {16, 256, 4096, 65536, MAXN};
  static const char* size_names[] = {"16B", "256B", "4KiB", "64KiB", "1MiB"};
  for (int fn = 0; fn < 5; fn++)
    for (int s = 0; s < 5; s++)
      printf("result %s_%s %.2f\n", names[fn], size_names[s], measure(fn, sizes[s], min_ms));
  printf("result tls_access_ns %.2f\n", measure(5, 1, min_ms));
  double rnd = measure(6, 4096, min_ms);
  if (getrandom_short) {
    printf("error: getrandom returned fewer bytes than asked\n");
    return 1;
  }
  printf("result getrandom_4KiB_MBps %.1f\n", 4096.0 / rnd * 1e3);
  free(a);
  free(b);
  return 0;
}
