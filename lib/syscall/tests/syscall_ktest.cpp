// In-image tests of the system-call table (kiln/syscall.h).
#include <kiln/ktest.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

extern "C" const kiln_syscall_entry __start_kiln_syscalls[], __stop_kiln_syscalls[];
extern "C" long syscall(long nr, ...);

KILN_TEST(syscall, dispatch_by_number_reaches_the_implementation) {
  const char msg[] = "ktest: (written through syscall(KILN_NR_write))\n";
  KTEST_EXPECT_EQ(syscall(KILN_NR_write, 1, msg, sizeof msg - 1), static_cast<long>(sizeof msg - 1));
  // The table returns Linux's convention; syscall(2) turns it into errno.
  KTEST_EXPECT_EQ(kiln_syscall(KILN_NR_read, -1, 0, 0, 0, 0, 0), -EBADF);
  errno = 0;
  KTEST_EXPECT_EQ(syscall(KILN_NR_close, 12345), -1);
  KTEST_EXPECT_EQ(errno, EBADF);
  // The direct call and the dispatched one are the same function.
  int fd = static_cast<int>(kiln_syscall(KILN_NR_dup, 1, 0, 0, 0, 0, 0));
  KTEST_ASSERT(fd >= 3);
  KTEST_EXPECT_EQ(kiln_sys_close(fd), 0L);
  KTEST_EXPECT_EQ(kiln_sys_close(fd), static_cast<long>(-EBADF));
}

KILN_TEST(syscall, unregistered_numbers_fail_with_enosys) {
  // kexec_load has a number and no implementation in a unikernel.
  KTEST_EXPECT(kiln_syscall_entry_for(KILN_NR_kexec_load) == nullptr);
  KTEST_EXPECT_EQ(kiln_syscall(KILN_NR_kexec_load, 0, 0, 0, 0, 0, 0), static_cast<long>(-ENOSYS));
  errno = 0;
  KTEST_EXPECT_EQ(syscall(KILN_NR_kexec_load, 0, 0, 0), -1);
  KTEST_EXPECT_EQ(errno, ENOSYS);
  KTEST_EXPECT_EQ(kiln_syscall(-1, 0, 0, 0, 0, 0, 0), static_cast<long>(-ENOSYS));
  KTEST_EXPECT_EQ(kiln_syscall(100000, 0, 0, 0, 0, 0, 0), static_cast<long>(-ENOSYS));
}

KILN_TEST(syscall, every_entry_is_named_and_numbered_as_linux) {
  int n = 0;
  for (auto e = __start_kiln_syscalls; e < __stop_kiln_syscalls; ++e, ++n) {
    const char* name = kiln_syscall_name(e->nr);
    KTEST_ASSERT(name != nullptr);
    KTEST_EXPECT(strcmp(name, e->name) == 0);
    KTEST_EXPECT(kiln_syscall_entry_for(e->nr) == e);  // one entry per number
  }
  KTEST_EXPECT(n >= 9);  // at least the descriptor calls (lib/fdtab)
  KTEST_EXPECT(strcmp(kiln_syscall_name(0), "read") == 0);
  KTEST_EXPECT(kiln_syscall_name(KILN_NR_COUNT) == nullptr);
}
