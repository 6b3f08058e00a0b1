// In-image tests of newlib over Kiln's system calls.
#include <kiln/config.h>
#include <kiln/ktest.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

KILN_TEST(newlib, formatting_and_floats) {
  char buf[96];
  snprintf(buf, sizeof buf, "%d|%5.2f|%.3f|%e|%s|%llx", -17, 3.14159, 2 * 3.14159, 1234.5, "ok",
           0x1234abcdULL);
  KTEST_EXPECT(strcmp(buf, "-17| 3.14|6.283|1.234500e+03|ok|1234abcd") == 0);
  KTEST_EXPECT(strtod("2.5e3", nullptr) == 2500.0);
  int v[] = {5, 3, 9, 1};
  qsort(v, 4, sizeof v[0], [](const void* a, const void* b) {
    return *static_cast<const int*>(a) - *static_cast<const int*>(b);
  });
  KTEST_EXPECT(v[0] == 1 && v[1] == 3 && v[2] == 5 && v[3] == 9);
}

KILN_TEST(newlib, unimplemented_calls_fail_with_enosys) {
  errno = 0;
  KTEST_EXPECT_EQ(fork(), -1);
  KTEST_EXPECT_EQ(errno, ENOSYS);
#ifndef CONFIG_LIBVFS
  // Without the vfs the file calls are ENOSYS stubs (lib/newlib/src/nofs.cpp);
  // with it they work (tests/apps/files).
  errno = 0;
  KTEST_EXPECT_EQ(open("/etc/hosts", O_RDONLY), -1);
  KTEST_EXPECT_EQ(errno, ENOSYS);
  errno = 0;
  KTEST_EXPECT(fopen("/tmp/x", "w") == nullptr);
  KTEST_EXPECT_EQ(errno, ENOSYS);
  errno = 0;
  KTEST_EXPECT_EQ(unlink("/tmp/x"), -1);
  KTEST_EXPECT_EQ(errno, ENOSYS);
#else
  // With the vfs, a call Kiln does not implement still fails cleanly.
  errno = 0;
  char* const args[] = {const_cast<char*>("sh"), nullptr};
  KTEST_EXPECT_EQ(execve("/bin/sh", args, nullptr), -1);
  KTEST_EXPECT_EQ(errno, ENOSYS);
#endif
}

KILN_TEST(newlib, descriptors) {
  KTEST_EXPECT_EQ(write(1, "", 0), 0);
  errno = 0;
  KTEST_EXPECT_EQ(write(77, "x", 1), -1);
  KTEST_EXPECT_EQ(errno, EBADF);
  errno = 0;
  KTEST_EXPECT_EQ(close(77), -1);
  KTEST_EXPECT_EQ(errno, EBADF);
  KTEST_EXPECT_EQ(isatty(1), 1);
  struct stat st;
  KTEST_EXPECT_EQ(fstat(1, &st), 0);
  KTEST_EXPECT(S_ISCHR(st.st_mode));
  int fd = dup(1);
  KTEST_ASSERT(fd >= 3);
  KTEST_EXPECT_EQ(write(fd, "ktest: (written through a dup'd fd)\n", 36), 36);
  KTEST_EXPECT_EQ(close(fd), 0);
  KTEST_EXPECT_EQ(write(fd, "x", 1), -1);
  errno = 0;
  KTEST_EXPECT_EQ(lseek(1, 0, SEEK_SET), -1);
  KTEST_EXPECT_EQ(errno, ESPIPE);
  KTEST_EXPECT_EQ(getpid(), 1);
}

KILN_TEST(newlib, clocks) {
  struct timespec a, b, wall;
  KTEST_EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
  KTEST_EXPECT_EQ(clock_gettime(CLOCK_REALTIME, &wall), 0);
  KTEST_EXPECT(wall.tv_sec > 1600000000);  // after 2020: a real wall clock
  KTEST_EXPECT(time(nullptr) > 1600000000);
  // nanosleep sleeps at least as long as asked.
  struct timespec d = {0, 2000000};
  KTEST_EXPECT_EQ(nanosleep(&d, nullptr), 0);
  KTEST_EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
  long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  KTEST_EXPECT(ns >= 2000000);
  errno = 0;
  KTEST_EXPECT_EQ(clock_gettime(static_cast<clockid_t>(999), &a), -1);
  KTEST_EXPECT_EQ(errno, EINVAL);
  struct timespec bad = {0, 2000000000};
  KTEST_EXPECT_EQ(nanosleep(&bad, nullptr), -1);
}

KILN_TEST(newlib, strerror_and_environment) {
  KTEST_EXPECT(strcmp(strerror(ENOSYS), "Function not implemented") == 0);
  KTEST_EXPECT(getenv("NO_SUCH_VARIABLE") == nullptr);
}

// Implemented by Kiln; newlib's <time.h> declares it only where
// _POSIX_CLOCK_SELECTION is set (lib/pthread's pthread.h declares it too).
extern "C" int clock_nanosleep(clockid_t, int, const struct timespec*, struct timespec*);

namespace {
uint64_t mono_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}
}  // namespace

// clock() counts in CLOCKS_PER_SEC and times() in sysconf(_SC_CLK_TCK):
// a 200 ms busy loop measures about 200 ms with both (bounds, not timing:
// it must not come out ten times short, nor wildly long).
KILN_TEST(newlib, clock_and_times_count_in_their_units) {
  struct tms t0, t1;
  clock_t c0 = clock();
  clock_t k0 = times(&t0);
  uint64_t start = mono_ns();
  while (mono_ns() - start < 200000000u) asm volatile("");
  clock_t c1 = clock();
  clock_t k1 = times(&t1);
  uint64_t ms = (mono_ns() - start) / 1000000u;
  long clock_ms = static_cast<long>((c1 - c0) * 1000 / CLOCKS_PER_SEC);
  long ticks = sysconf(_SC_CLK_TCK);
  KTEST_ASSERT(ticks > 0);
  long times_ms = static_cast<long>((k1 - k0) * 1000 / ticks);
  long utime_ms = static_cast<long>((t1.tms_utime - t0.tms_utime) * 1000 / ticks);
  printf("ktest: %llu ms busy: clock() %ld ms, times() %ld ms (utime %ld ms), CLK_TCK %ld\n",
         static_cast<unsigned long long>(ms), clock_ms, times_ms, utime_ms, ticks);
  KTEST_EXPECT(ms >= 200);
  KTEST_EXPECT(clock_ms >= 150 && clock_ms <= 1000);
  KTEST_EXPECT(times_ms >= 150 && times_ms <= 1000);
  KTEST_EXPECT(utime_ms >= 150 && utime_ms <= 1000);
  KTEST_EXPECT_EQ(ticks, CLK_TCK);
  KTEST_EXPECT(c1 >= 0);
}

// clock_nanosleep: relative and TIMER_ABSTIME, on CLOCK_MONOTONIC and
// CLOCK_REALTIME; errors are returned, not put in errno.
KILN_TEST(newlib, clock_nanosleep) {
  struct timespec d = {0, 3000000};
  uint64_t a = mono_ns();
  KTEST_EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &d, nullptr), 0);
  KTEST_EXPECT(mono_ns() - a >= 3000000u);
  struct timespec abs;
  clock_gettime(CLOCK_MONOTONIC, &abs);
  abs.tv_nsec += 3000000;
  if (abs.tv_nsec >= 1000000000) {
    abs.tv_nsec -= 1000000000;
    abs.tv_sec++;
  }
  KTEST_EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, nullptr), 0);
  uint64_t target = static_cast<uint64_t>(abs.tv_sec) * 1000000000u + static_cast<uint64_t>(abs.tv_nsec);
  KTEST_EXPECT(mono_ns() >= target);
  struct timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  wall.tv_sec -= 10;  // in the past: returns at once
  a = mono_ns();
  KTEST_EXPECT_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &wall, nullptr), 0);
  KTEST_EXPECT(mono_ns() - a < 1000000000u);
  KTEST_EXPECT_EQ(clock_nanosleep(CLOCK_REALTIME, 0, &d, nullptr), 0);
  struct timespec bad = {0, 1000000000};
  KTEST_EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, nullptr), EINVAL);
  KTEST_EXPECT_EQ(clock_nanosleep(static_cast<clockid_t>(999), 0, &d, nullptr), EINVAL);
}
