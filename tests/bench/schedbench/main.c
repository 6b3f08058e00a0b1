/* schedbench: thread create+join, context switch (two threads ping-pong
 * over semaphores), malloc/free of small blocks and the cost of a
 * thread-local access next to a global one. Plain POSIX C: the same
 * source builds for Kiln and for the host (glibc, pthreads), so `make
 * bench` compares them in one run. Prints "result <name> <ns per op>". */
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void* nothing(void* p) { return p; }

static double create_join(int n) {
  double t0 = now_ns();
  for (int i = 0; i < n; i++) {
    pthread_t t;
    if (pthread_create(&t, NULL, nothing, NULL) != 0 || pthread_join(t, NULL) != 0) {
      printf("error: create/join failed\n");
      exit(1);
    }
  }
  return (now_ns() - t0) / n;
}

static sem_t ping, pong;
static int rounds;
static void* ponger(void* p) {
  for (int i = 0; i < rounds; i++) {
    sem_wait(&ping);
    sem_post(&pong);
  }
  return p;
}

/* Nanoseconds per switch: each round trip is two switches. */
static double pingpong(int n) {
  pthread_t t;
  rounds = n;
  sem_init(&ping, 0, 0);
  sem_init(&pong, 0, 0);
  pthread_create(&t, NULL, ponger, NULL);
  double t0 = now_ns();
  for (int i = 0; i < n; i++) {
    sem_post(&ping);
    sem_wait(&pong);
  }
  double dt = now_ns() - t0;
  pthread_join(t, NULL);
  return dt / (2.0 * n);
}

/* Nanoseconds per malloc+free pair, sizes 16..256, 64 live blocks at a time. */
static double malloc_free(int n) {
  void* live[64];
  static const size_t sizes[] = {16, 24, 32, 48, 64, 96, 128, 192, 256};
  double t0 = now_ns();
  int ops = 0;
  while (ops < n) {
    for (int i = 0; i < 64; i++) live[i] = malloc(sizes[(ops + i) % 9]);
    for (int i = 0; i < 64; i++) {
      if (!live[i]) {
        printf("error: malloc failed\n");
        exit(1);
      }
      free(live[(i * 7) % 64]);
    }
    ops += 64;
  }
  return (now_ns() - t0) / ops;
}

/* Nanoseconds per read-modify-write of a counter, a thread-local one
 * (%fs:-offset) or a global one (rip-relative): the compiler barrier makes
 * every iteration load and store it. */
static __thread unsigned long tls_counter;
static unsigned long global_counter;
static double tls_access(int n) {
  double t0 = now_ns();
  for (int i = 0; i < n; i++) {
    tls_counter++;
    __asm__ volatile("" ::: "memory");
  }
  return (now_ns() - t0) / n;
}
static double global_access(int n) {
  double t0 = now_ns();
  for (int i = 0; i < n; i++) {
    global_counter++;
    __asm__ volatile("" ::: "memory");
  }
  return (now_ns() - t0) / n;
}

int main(int argc, char* argv[]) {
  int scale = argc > 1 ? atoi(argv[1]) : 1;
  if (scale < 1) scale = 1;
  printf("result create_join_ns %.1f\n", create_join(2000 * scale));
  printf("result context_switch_ns %.1f\n", pingpong(20000 * scale));
  printf("result malloc_free_ns %.1f\n", malloc_free(400000 * scale));
  printf("result tls_access_ns %.2f\n", tls_access(20000000 * scale));
  printf("result global_access_ns %.2f\n", global_access(20000000 * scale));
  return 0;
}
