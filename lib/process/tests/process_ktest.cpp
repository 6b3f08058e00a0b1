// In-image tests of lib/process: identity, limits, sysconf, the built-in
// user database, the environment's configured defaults.
#include <kiln/config.h>
#include <kiln/file.h>
#include <kiln/ktest.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <pwd.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

extern "C" long syscall(long nr, ...);

KILN_TEST(process, uname_names_kiln_its_version_and_arch) {
  struct utsname u;
  KTEST_ASSERT(uname(&u) == 0);
  KTEST_EXPECT(strcmp(u.sysname, "Kiln") == 0);
  KTEST_EXPECT(strcmp(u.machine, CONFIG_ARCH) == 0);
  KTEST_EXPECT(u.release[0] >= '0' && u.release[0] <= '9');
  KTEST_EXPECT(strcmp(u.nodename, CONFIG_LIBPROCESS_HOSTNAME) == 0);
  errno = 0;
  KTEST_EXPECT_EQ(uname(nullptr), -1);
  KTEST_EXPECT_EQ(errno, EFAULT);
}

KILN_TEST(process, hostname_set_and_read_back) {
  char buf[80];
  KTEST_ASSERT(gethostname(buf, sizeof buf) == 0);
  KTEST_EXPECT(strcmp(buf, CONFIG_LIBPROCESS_HOSTNAME) == 0);
  KTEST_ASSERT(sethostname("box-7", 5) == 0);
  KTEST_ASSERT(gethostname(buf, sizeof buf) == 0);
  KTEST_EXPECT(strcmp(buf, "box-7") == 0);
  struct utsname u;
  KTEST_ASSERT(uname(&u) == 0);
  KTEST_EXPECT(strcmp(u.nodename, "box-7") == 0);
  errno = 0;
  KTEST_EXPECT_EQ(gethostname(buf, 3), -1);
  KTEST_EXPECT_EQ(errno, ENAMETOOLONG);
  char longname[70];
  memset(longname, 'a', sizeof longname);
  errno = 0;
  KTEST_EXPECT_EQ(sethostname(longname, sizeof longname), -1);
  KTEST_EXPECT_EQ(errno, EINVAL);
  KTEST_ASSERT(sethostname(CONFIG_LIBPROCESS_HOSTNAME, strlen(CONFIG_LIBPROCESS_HOSTNAME)) == 0);
}

KILN_TEST(process, ids_are_kept_when_dropped) {
  KTEST_EXPECT_EQ(getpid(), 1);
  KTEST_EXPECT_EQ(syscall(KILN_NR_getpid), 1L);
  KTEST_EXPECT_EQ(getuid(), 0);
  KTEST_ASSERT(setgid(65534) == 0);
  KTEST_ASSERT(setuid(65534) == 0);
  KTEST_EXPECT_EQ(getuid(), 65534);
  KTEST_EXPECT_EQ(geteuid(), 65534);
  KTEST_EXPECT_EQ(getegid(), 65534);
  uid_t r, e, s;
  KTEST_ASSERT(getresuid(&r, &e, &s) == 0);
  KTEST_EXPECT(r == 65534 && e == 65534 && s == 65534);
  KTEST_ASSERT(setresuid(0, 0, 0) == 0 && setresgid(0, 0, 0) == 0);
  KTEST_EXPECT_EQ(geteuid(), 0);
}

KILN_TEST(process, nofile_limit_is_the_descriptor_table) {
  struct rlimit l;
  KTEST_ASSERT(getrlimit(RLIMIT_NOFILE, &l) == 0);
  KTEST_EXPECT_EQ(static_cast<long>(l.rlim_cur), static_cast<long>(kiln::fd_limit()));
  KTEST_EXPECT_EQ(static_cast<long>(l.rlim_max), static_cast<long>(CONFIG_LIBFDTAB_MAX));
  KTEST_EXPECT_EQ(sysconf(_SC_OPEN_MAX), static_cast<long>(l.rlim_cur));
  struct rlimit old = l;
  struct rlimit low = {8, l.rlim_max};
  KTEST_ASSERT(setrlimit(RLIMIT_NOFILE, &low) == 0);
  KTEST_EXPECT_EQ(sysconf(_SC_OPEN_MAX), 8L);
  int fds[8], n = 0;
  for (; n < 8; ++n) {
    fds[n] = dup(1);
    if (fds[n] < 0) break;
  }
  KTEST_EXPECT(n < 8);  // 0..2 are taken: at most 5 more
  KTEST_EXPECT_EQ(errno, EMFILE);
  for (int i = 0; i < n; ++i) close(fds[i]);
  struct rlimit bad = {16, 8};
  errno = 0;
  KTEST_EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &bad), -1);
  KTEST_EXPECT_EQ(errno, EINVAL);
  struct rlimit raise = {8, l.rlim_max + 1};
  errno = 0;
  KTEST_EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &raise), -1);
  KTEST_EXPECT_EQ(errno, EPERM);
  KTEST_ASSERT(setrlimit(RLIMIT_NOFILE, &old) == 0);
  errno = 0;
  KTEST_EXPECT_EQ(getrlimit(RLIMIT_NLIMITS, &l), -1);
  KTEST_EXPECT_EQ(errno, EINVAL);
  KTEST_ASSERT(getrlimit(RLIMIT_CORE, &l) == 0);
  KTEST_EXPECT_EQ(static_cast<long>(l.rlim_cur), 0L);
  KTEST_ASSERT(getrlimit(RLIMIT_STACK, &l) == 0);
  KTEST_EXPECT(l.rlim_cur >= 64 * 1024);
}

KILN_TEST(process, getrusage_answers) {
  struct rusage u;
  KTEST_ASSERT(getrusage(RUSAGE_SELF, &u) == 0);
  KTEST_EXPECT(u.ru_maxrss > 0);
  KTEST_ASSERT(getrusage(RUSAGE_CHILDREN, &u) == 0);
  KTEST_EXPECT(u.ru_utime.tv_sec == 0 && u.ru_utime.tv_usec == 0 && u.ru_maxrss == 0);
  errno = 0;
  KTEST_EXPECT_EQ(getrusage(7, &u), -1);
  KTEST_EXPECT_EQ(errno, EINVAL);
}

// Every _SC_ name newlib's <unistd.h> defines has an answer (a value, or
// -1 with errno unchanged); only a non-name is EINVAL.
KILN_TEST(process, sysconf_answers_every_name) {
  static const int names[] = {
#define N(x) x,
#include "sc_names.inc"
#undef N
  };
  for (int name : names) {
    errno = 0;
    long v = sysconf(name);
    KTEST_EXPECT(v != -1 || errno == 0);
  }
  KTEST_EXPECT(sizeof names / sizeof names[0] >= 140);
  KTEST_EXPECT_EQ(sysconf(_SC_PAGESIZE), 4096L);
  KTEST_EXPECT(sysconf(_SC_PHYS_PAGES) > 0);
  KTEST_EXPECT(sysconf(_SC_THREADS) == 200809L || sysconf(_SC_THREADS) > 0);
  errno = 0;
  KTEST_EXPECT_EQ(sysconf(99999), -1L);
  KTEST_EXPECT_EQ(errno, EINVAL);
}

KILN_TEST(process, builtin_root_without_etc_passwd) {
#ifndef CONFIG_LIBVFS
  struct passwd* pw = getpwnam("root");
  KTEST_ASSERT(pw != nullptr);
  KTEST_EXPECT(pw->pw_uid == 0 && pw->pw_gid == 0);
  KTEST_EXPECT(strcmp(pw->pw_dir, "/") == 0);
  KTEST_EXPECT(getpwuid(0) != nullptr);
  KTEST_EXPECT(getpwnam("nobody") == nullptr);
  struct group* gr = getgrgid(0);
  KTEST_ASSERT(gr != nullptr);
  KTEST_EXPECT(strcmp(gr->gr_name, "root") == 0 && gr->gr_mem[0] == nullptr);
  char small[8];
  struct passwd p;
  struct passwd* res;
  KTEST_EXPECT_EQ(getpwnam_r("root", &p, small, sizeof small, &res), ERANGE);
  KTEST_EXPECT(getlogin() != nullptr && strcmp(getlogin(), "root") == 0);
#endif
}

KILN_TEST(process, environment_has_the_configured_defaults) {
  const char* path = getenv("PATH");
  KTEST_ASSERT(path != nullptr);
  KTEST_EXPECT(strstr(CONFIG_LIBPROCESS_ENV, path) != nullptr);
  KTEST_ASSERT(setenv("KILN_KTEST_VAR", "1", 1) == 0);
  KTEST_EXPECT(getenv("KILN_KTEST_VAR") && strcmp(getenv("KILN_KTEST_VAR"), "1") == 0);
  KTEST_ASSERT(unsetenv("KILN_KTEST_VAR") == 0);
  KTEST_EXPECT(getenv("KILN_KTEST_VAR") == nullptr);
}
