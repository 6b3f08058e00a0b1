// Who the process is: uname, the host name, process and user/group ids.
// A unikernel is one process (pid 1, parent 0) of one user. The ids are
// kept so that programs which drop privileges (nginx's setuid to nobody)
// see the change; nothing is enforced by them.
#include <kiln/config.h>
#include <kiln/option.h>
#include <kiln/process.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

namespace {

constexpr size_t kHostMax = 64;  // HOST_NAME_MAX
constinit char g_hostname[kHostMax + 1] = CONFIG_LIBPROCESS_HOSTNAME;
static_assert(sizeof(CONFIG_LIBPROCESS_HOSTNAME) <= kHostMax + 1, "LIBPROCESS_HOSTNAME is longer than 64 bytes");

long set_name(const char* name, size_t len) {
  if (len > kHostMax) return -EINVAL;
  memcpy(g_hostname, name, len);
  g_hostname[len] = '\0';
  return 0;
}

int hostname_option(const char* v) { return static_cast<int>(set_name(v, strlen(v))); }
KILN_OPTION("hostname", hostname_option, "the host name, at most 64 bytes (default " CONFIG_LIBPROCESS_HOSTNAME ")");

// Real, effective and saved ids (setresuid's three).
struct Ids {
  uid_t r, e, s;
};
constinit Ids g_uid{0, 0, 0};
constinit Ids g_gid{0, 0, 0};

void copy_field(char* dst, const char* src) {
  size_t n = strlen(src);
  if (n >= _UTSNAME_LENGTH) n = _UTSNAME_LENGTH - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

// Linux's rule for setresuid without privilege is moot here (one user,
// root): any value is accepted; -1 keeps a field.
long set_ids(Ids& ids, long r, long e, long s) {
  if (r < -1 || e < -1 || s < -1) return -EINVAL;
  if (r != -1) ids.r = static_cast<uid_t>(r);
  if (e != -1) ids.e = static_cast<uid_t>(e);
  if (s != -1) ids.s = static_cast<uid_t>(s);
  return 0;
}

}  // namespace

extern "C" {

const char* kiln_hostname(void) { return g_hostname; }

long kiln_sys_uname(struct utsname* u) {
  if (!u) return -EFAULT;
  memset(u, 0, sizeof *u);
  copy_field(u->sysname, "Kiln");
  copy_field(u->nodename, g_hostname);
  copy_field(u->release, KILN_VERSION);
  copy_field(u->version, "Kiln " KILN_VERSION);
  copy_field(u->machine, KILN_ARCH_NAME);
  copy_field(u->domainname, "(none)");
  return 0;
}
KILN_SYSCALL(uname);

long kiln_sys_sethostname(const char* name, size_t len) {
  if (!name && len) return -EFAULT;
  return set_name(name, len);
}
KILN_SYSCALL(sethostname);

long kiln_sys_getpid() { return 1; }
KILN_SYSCALL(getpid);
long kiln_sys_getppid() { return 0; }
KILN_SYSCALL(getppid);
long kiln_sys_gettid() { return 1; }  // lib/pthread's threads have no kernel ids
KILN_SYSCALL(gettid);
long kiln_sys_getpgrp() { return 1; }
KILN_SYSCALL(getpgrp);
long kiln_sys_getpgid(pid_t pid) { return (pid == 0 || pid == 1) ? 1 : -ESRCH; }
KILN_SYSCALL(getpgid);
long kiln_sys_getsid(pid_t pid) { return (pid == 0 || pid == 1) ? 1 : -ESRCH; }
KILN_SYSCALL(getsid);
long kiln_sys_setsid() { return -EPERM; }  // already the group leader, as Linux answers pid 1
KILN_SYSCALL(setsid);
long kiln_sys_setpgid(pid_t pid, pid_t pgid) {
  if ((pid != 0 && pid != 1) || (pgid != 0 && pgid != 1)) return pid == 0 || pid == 1 ? -EPERM : -ESRCH;
  return 0;
}
KILN_SYSCALL(setpgid);

long kiln_sys_getuid() { return g_uid.r; }
KILN_SYSCALL(getuid);
long kiln_sys_geteuid() { return g_uid.e; }
KILN_SYSCALL(geteuid);
long kiln_sys_getgid() { return g_gid.r; }
KILN_SYSCALL(getgid);
long kiln_sys_getegid() { return g_gid.e; }
KILN_SYSCALL(getegid);
long kiln_sys_setuid(uid_t u) { return set_ids(g_uid, static_cast<long>(u), static_cast<long>(u), static_cast<long>(u)); }
KILN_SYSCALL(setuid);
long kiln_sys_setgid(gid_t g) { return set_ids(g_gid, static_cast<long>(g), static_cast<long>(g), static_cast<long>(g)); }
KILN_SYSCALL(setgid);
long kiln_sys_setreuid(uid_t r, uid_t e) { return set_ids(g_uid, static_cast<int>(r), static_cast<int>(e), -1); }
KILN_SYSCALL(setreuid);
long kiln_sys_setregid(gid_t r, gid_t e) { return set_ids(g_gid, static_cast<int>(r), static_cast<int>(e), -1); }
KILN_SYSCALL(setregid);
long kiln_sys_setresuid(uid_t r, uid_t e, uid_t s) {
  return set_ids(g_uid, static_cast<int>(r), static_cast<int>(e), static_cast<int>(s));
}
KILN_SYSCALL(setresuid);
long kiln_sys_setresgid(gid_t r, gid_t e, gid_t s) {
  return set_ids(g_gid, static_cast<int>(r), static_cast<int>(e), static_cast<int>(s));
}
KILN_SYSCALL(setresgid);
long kiln_sys_getresuid(uid_t* r, uid_t* e, uid_t* s) {
  if (!r || !e || !s) return -EFAULT;
  *r = g_uid.r, *e = g_uid.e, *s = g_uid.s;
  return 0;
}
KILN_SYSCALL(getresuid);
long kiln_sys_getresgid(gid_t* r, gid_t* e, gid_t* s) {
  if (!r || !e || !s) return -EFAULT;
  *r = g_gid.r, *e = g_gid.e, *s = g_gid.s;
  return 0;
}
KILN_SYSCALL(getresgid);
// No supplementary groups.
long kiln_sys_getgroups(int n, gid_t* list) {
  if (n < 0) return -EINVAL;
  (void)list;
  return 0;
}
KILN_SYSCALL(getgroups);
long kiln_sys_setgroups(size_t n, const gid_t* list) {
  (void)list;
  return n > 65536 ? -EINVAL : 0;
}
KILN_SYSCALL(setgroups);

// The libc names.
int uname(struct utsname* u) { return static_cast<int>(kiln_sys_ret(kiln_sys_uname(u))); }
int gethostname(char* name, size_t len) {
  size_t n = strlen(g_hostname);
  if (!name || len <= n) {  // POSIX leaves truncation open; glibc says ENAMETOOLONG
    errno = len <= n ? ENAMETOOLONG : EFAULT;
    return -1;
  }
  memcpy(name, g_hostname, n + 1);
  return 0;
}
int sethostname(const char* name, size_t len) { return static_cast<int>(kiln_sys_ret(kiln_sys_sethostname(name, len))); }
int _getpid(void) { return 1; }
pid_t getpid(void) { return 1; }
pid_t getppid(void) { return 0; }
pid_t getpgrp(void) { return 1; }
pid_t getpgid(pid_t pid) { return static_cast<pid_t>(kiln_sys_ret(kiln_sys_getpgid(pid))); }
pid_t getsid(pid_t pid) { return static_cast<pid_t>(kiln_sys_ret(kiln_sys_getsid(pid))); }
pid_t setsid(void) { return static_cast<pid_t>(kiln_sys_ret(kiln_sys_setsid())); }
int setpgid(pid_t pid, pid_t pgid) { return static_cast<int>(kiln_sys_ret(kiln_sys_setpgid(pid, pgid))); }
uid_t getuid(void) { return g_uid.r; }
uid_t geteuid(void) { return g_uid.e; }
gid_t getgid(void) { return g_gid.r; }
gid_t getegid(void) { return g_gid.e; }
int setuid(uid_t u) { return static_cast<int>(kiln_sys_ret(kiln_sys_setuid(u))); }
int setgid(gid_t g) { return static_cast<int>(kiln_sys_ret(kiln_sys_setgid(g))); }
int seteuid(uid_t u) { return static_cast<int>(kiln_sys_ret(set_ids(g_uid, -1, static_cast<long>(u), -1))); }
int setegid(gid_t g) { return static_cast<int>(kiln_sys_ret(set_ids(g_gid, -1, static_cast<long>(g), -1))); }
int setreuid(uid_t r, uid_t e) { return static_cast<int>(kiln_sys_ret(kiln_sys_setreuid(r, e))); }
int setregid(gid_t r, gid_t e) { return static_cast<int>(kiln_sys_ret(kiln_sys_setregid(r, e))); }
int setresuid(uid_t r, uid_t e, uid_t s) { return static_cast<int>(kiln_sys_ret(kiln_sys_setresuid(r, e, s))); }
int setresgid(gid_t r, gid_t e, gid_t s) { return static_cast<int>(kiln_sys_ret(kiln_sys_setresgid(r, e, s))); }
int getresuid(uid_t* r, uid_t* e, uid_t* s) { return static_cast<int>(kiln_sys_ret(kiln_sys_getresuid(r, e, s))); }
int getresgid(gid_t* r, gid_t* e, gid_t* s) { return static_cast<int>(kiln_sys_ret(kiln_sys_getresgid(r, e, s))); }
int getgroups(int n, gid_t* list) { return static_cast<int>(kiln_sys_ret(kiln_sys_getgroups(n, list))); }
int setgroups(int n, const gid_t* list) {
  if (n < 0) return static_cast<int>(kiln_sys_ret(-EINVAL));
  return static_cast<int>(kiln_sys_ret(kiln_sys_setgroups(static_cast<size_t>(n), list)));
}

}  // extern "C"

// BSD and glibc names around the identity.
extern "C" {

int getdomainname(char* name, size_t len) {
  static const char kNone[] = "(none)";  // Linux's answer without a NIS domain
  if (!name || len < sizeof kNone) {
    errno = name ? EINVAL : EFAULT;
    return -1;
  }
  memcpy(name, kNone, sizeof kNone);
  return 0;
}

// A stable 32-bit id from the host name (glibc derives it from the
// host's address; there is no /etc/hostid).
long gethostid(void) {
  uint32_t h = 2166136261u;
  for (const char* p = g_hostname; *p; ++p) h = (h ^ static_cast<uint8_t>(*p)) * 16777619u;
  return static_cast<long>(h & 0x7fffffff);
}

int setpgrp(void) { return setpgid(0, 0); }

// No set-user-ID programs: the environment is as trusted as it ever is.
char* secure_getenv(const char* name) { return getenv(name); }

}  // extern "C"
