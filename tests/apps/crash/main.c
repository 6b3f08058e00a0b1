/* crash: exercises the platform's crash reports and a few CPU features.
 * argv[1] picks what to do:
 *   pagefault  write to address 0          -> report, status 125
 *   div0       integer divide by zero      -> report, status 125
 *   assert     failed assert()             -> report, status 125
 *   panic      kiln_panic()                -> report, status 125
 *   abort      abort()                     -> status 125 (or 134-style, per libc)
 *   stack      unbounded recursion         -> guard page fault, status 125
 *   deep [KIB] uses KIB (768) KiB of main's stack and returns
 *   ud         invalid opcode (ud2)        -> report, status 125
 *   redeliver  (kvm, xen) an interrupt whose interrupted stack is the
 *              interrupts' own IST stack, as when a hypervisor delivers a
 *              vector twice -> report, status 125
 *   float      printf("%.3f") and SSE math -> status 0
 *   clock      monotonic/wall clocks, a 20 ms sleep -> status 0
 *   stdin      reads a line from stdin and echoes it -> status 0
 *   idle       sleeps 1 s (the CPU must rest, not spin) -> status 0
 *   ok         prints ok                   -> status 0 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void kiln_panic(const char* fmt, ...) __attribute__((noreturn));

static volatile int zero = 0;

/* arch/x86_64 bare metal only (weak: absent on linuxu). */
extern char kiln_x86_irq_stack[] __attribute__((weak));

static void redeliver(void) {
  if (!kiln_x86_irq_stack) {
    printf("crash: redeliver needs a bare-metal image (kvm, xen)\n");
    exit(64);
  }
  /* Run on the IRQ stack and raise vector 0xf4 (an interrupt gate on that
   * IST): the entry code finds the interrupted rsp on its own stack. */
  __asm__ volatile("movq %%rsp, %%rbx\n\t"
                   "leaq 128(%0), %%rsp\n\t"
                   "int $0xf4\n\t"
                   "movq %%rbx, %%rsp" ::"r"(kiln_x86_irq_stack) : "rbx", "memory");
}

static volatile int forever = 1;

__attribute__((noinline)) static int recurse(int n) {
  volatile char buf[512];
  buf[0] = (char)n;
  return forever ? recurse(n + 1) + buf[0] : 0;
}

/* Uses about kib KiB of stack, 4 KiB a frame (a deep interpreter, Lua's
 * coroutine tests), then unwinds. */
__attribute__((noinline)) static int deep(int kib) {
  volatile char buf[4000];
  buf[0] = (char)kib;
  buf[sizeof buf - 1] = 1;
  return kib > 4 ? deep(kib - 4) + buf[0] - (char)kib + buf[sizeof buf - 1] - 1 : 0;
}

__attribute__((noinline)) static void do_pagefault(void) {
  *(volatile int*)(unsigned long)zero = 42;
}

__attribute__((noinline)) static int do_div0(int a) { return a / zero; }

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "ok";
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("crash: %s\n", what);
  if (!strcmp(what, "pagefault")) do_pagefault();
  else if (!strcmp(what, "div0")) printf("%d\n", do_div0(7));
  else if (!strcmp(what, "assert")) assert(argc == 42);
  else if (!strcmp(what, "panic")) kiln_panic("deliberate panic (%s)", what);
  else if (!strcmp(what, "abort")) abort();
  else if (!strcmp(what, "stack")) printf("%d\n", recurse(0));
  else if (!strcmp(what, "deep")) {
    int kib = argc > 2 ? atoi(argv[2]) : 768;
    printf("deep: %d KiB of stack %s\n", kib, deep(kib) == 0 ? "ok" : "wrong");
  }
  else if (!strcmp(what, "ud")) __builtin_trap();
  else if (!strcmp(what, "redeliver")) redeliver();
  else if (!strcmp(what, "float")) {
    volatile double x = 3.14159;
    printf("%.3f\n", x * 2);
    volatile float v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    float s = 0;
    for (int i = 0; i < 8; ++i) s += v[i] * 0.5f;
    printf("%.1f %g\n", s, 1e-3 / 3);
  } else if (!strcmp(what, "clock")) {
    struct timespec a, b, w;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_REALTIME, &w);
    printf("wall %lld s since 1970\n", (long long)w.tv_sec);
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 3; ++i) {
      struct timespec d = {0, 20000000};
      nanosleep(&d, NULL);
      clock_gettime(CLOCK_MONOTONIC, &b);
      printf("slept %lld us (asked 20000)\n", (ns(b) - ns(a)) / 1000);
      a = b;
    }
  } else if (!strcmp(what, "stdin")) {
    char line[128];
    if (!fgets(line, sizeof line, stdin)) return 3;
    line[strcspn(line, "\n")] = '\0';
    printf("read: [%s]\n", line);
  } else if (!strcmp(what, "idle")) {
    sleep(1);
  } else if (strcmp(what, "ok")) {
    printf("crash: unknown mode %s\n", what);
    return 64;
  }
  printf("ok\n");
  return 0;
}
