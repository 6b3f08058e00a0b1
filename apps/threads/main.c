/* threads: Kiln's pthreads in one small program.
 *
 *   threads              a producer/consumer pipeline over a bounded queue
 *                        (mutex + two condition variables), a worker pool
 *                        summing with a shared counter, thread-specific
 *                        data and a timed wait; prints what each part did.
 *   threads overflow     recurse on a small thread stack until it hits the
 *                        guard page (a crash report, status 125).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QUEUE 16
#define ITEMS 2000
#define PRODUCERS 3
#define CONSUMERS 3

static struct {
  pthread_mutex_t lock;
  pthread_cond_t not_empty, not_full;
  int items[QUEUE];
  int head, count, done_producers;
} q = {.lock = PTHREAD_MUTEX_INITIALIZER, .not_empty = PTHREAD_COND_INITIALIZER,
       .not_full = PTHREAD_COND_INITIALIZER};

static void* producer(void* arg) {
  int base = (int)(intptr_t)arg * ITEMS;
  for (int i = 1; i <= ITEMS; i++) {
    pthread_mutex_lock(&q.lock);
    while (q.count == QUEUE) pthread_cond_wait(&q.not_full, &q.lock);
    q.items[(q.head + q.count++) % QUEUE] = base + i;
    pthread_cond_signal(&q.not_empty);
    pthread_mutex_unlock(&q.lock);
  }
  pthread_mutex_lock(&q.lock);
  q.done_producers++;
  pthread_cond_broadcast(&q.not_empty);
  pthread_mutex_unlock(&q.lock);
  return NULL;
}

static void* consumer(void* arg) {
  long long sum = 0;
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&q.lock);
    while (q.count == 0 && q.done_producers < PRODUCERS) pthread_cond_wait(&q.not_empty, &q.lock);
    if (q.count == 0) {
      pthread_mutex_unlock(&q.lock);
      break;
    }
    sum += q.items[q.head];
    q.head = (q.head + 1) % QUEUE;
    q.count--;
    pthread_cond_signal(&q.not_full);
    pthread_mutex_unlock(&q.lock);
  }
  long long* out = malloc(sizeof *out);
  *out = sum;
  return out;
}

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static void* worker(void* arg) {
  (void)arg;
  for (int i = 0; i < 100000; i++) {
    pthread_mutex_lock(&counter_lock);
    counter++;
    pthread_mutex_unlock(&counter_lock);
  }
  return NULL;
}

static pthread_key_t name_key;
static void* named(void* arg) {
  pthread_setspecific(name_key, arg);
  usleep(1000);
  return pthread_getspecific(name_key);
}

static int depth(int n) {
  volatile char pad[512];
  memset((char*)pad, n, sizeof pad);
  return n == 0 ? 0 : depth(n - 1) + pad[7];
}
static void* overflow(void* arg) {
  (void)arg;
  printf("overflow: recursing on a 16 KiB stack\n");
  fflush(stdout);
  return (void*)(intptr_t)depth(1 << 20);
}

int main(int argc, char* argv[]) {
  if (argc > 1 && strcmp(argv[1], "overflow") == 0) {
    pthread_attr_t a;
    pthread_t t;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 16 * 1024);
    pthread_create(&t, &a, overflow, NULL);
    pthread_join(t, NULL);
    printf("overflow: not reached\n");
    return 1;
  }

  pthread_t p[PRODUCERS], c[CONSUMERS];
  for (int i = 0; i < CONSUMERS; i++) pthread_create(&c[i], NULL, consumer, NULL);
  for (int i = 0; i < PRODUCERS; i++) pthread_create(&p[i], NULL, producer, (void*)(intptr_t)i);
  for (int i = 0; i < PRODUCERS; i++) pthread_join(p[i], NULL);
  long long total = 0;
  for (int i = 0; i < CONSUMERS; i++) {
    long long* s;
    pthread_join(c[i], (void**)&s);
    total += *s;
    free(s);
  }
  long long n = (long long)PRODUCERS * ITEMS;
  printf("pipeline: %d producers, %d consumers, %lld items, sum %lld (%s)\n", PRODUCERS, CONSUMERS, n,
         total, total == n * (n + 1) / 2 ? "exact" : "WRONG");

  pthread_t w[4];
  for (int i = 0; i < 4; i++) pthread_create(&w[i], NULL, worker, NULL);
  for (int i = 0; i < 4; i++) pthread_join(w[i], NULL);
  printf("counter: 4 workers x 100000 increments = %ld (%s)\n", counter,
         counter == 400000 ? "exact" : "WRONG");

  pthread_key_create(&name_key, NULL);
  pthread_t a, b;
  void *ra, *rb;
  pthread_create(&a, NULL, named, "alpha");
  pthread_create(&b, NULL, named, "beta");
  pthread_join(a, &ra);
  pthread_join(b, &rb);
  printf("keys: %s %s\n", (char*)ra, (char*)rb);

  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
  struct timespec start, until, end;
  clock_gettime(CLOCK_REALTIME, &start);
  until = start;
  until.tv_nsec += 20 * 1000 * 1000;
  if (until.tv_nsec >= 1000000000) until.tv_sec++, until.tv_nsec -= 1000000000;
  pthread_mutex_lock(&m);
  int rc = pthread_cond_timedwait(&cv, &m, &until);
  pthread_mutex_unlock(&m);
  clock_gettime(CLOCK_REALTIME, &end);
  long waited_ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
  printf("timedwait: %s after %s20 ms\n", rc == ETIMEDOUT ? "ETIMEDOUT" : "WRONG",
         waited_ms >= 19 ? ">= " : "< ");
  return total == n * (n + 1) / 2 && counter == 400000 ? 0 : 1;
}
