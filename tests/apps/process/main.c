/* lib/process as an application uses it: prints what it sees, one line
 * per fact, for tests/images.cmake to check. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char** environ;

int main(void) {
  struct utsname u;
  if (uname(&u) != 0) return 1;
  printf("process: uname %s %s %s %s\n", u.sysname, u.release, u.machine, u.nodename);
  char host[65];
  if (gethostname(host, sizeof host) != 0) return 2;
  printf("process: hostname %s\n", host);
  const char* names[] = {"GREETING", "HOME", "PATH", "KILN_FROM_HOST"};
  for (unsigned i = 0; i < sizeof names / sizeof names[0]; ++i) {
    const char* v = getenv(names[i]);
    printf("process: env %s=%s\n", names[i], v ? v : "(unset)");
  }
  int n = 0;
  for (char** e = environ; *e; ++e) ++n;
  printf("process: environ has %d variables\n", n);
  struct rlimit l;
  if (getrlimit(RLIMIT_NOFILE, &l) != 0) return 3;
  printf("process: nofile %lu\n", (unsigned long)l.rlim_cur);
  printf("process: pid %ld uid %ld\n", syscall(SYS_getpid), (long)getuid());
  struct passwd* pw = getpwnam("www");
  if (pw) printf("process: getpwnam www uid=%d gid=%d dir=%s shell=%s\n", (int)pw->pw_uid, (int)pw->pw_gid,
                 pw->pw_dir, pw->pw_shell);
  else printf("process: getpwnam www: none\n");
  pw = getpwuid(1000);
  printf("process: getpwuid 1000 %s\n", pw ? pw->pw_name : "none");
  struct group* gr = getgrnam("www");
  if (gr) {
    printf("process: getgrnam www gid=%d members", (int)gr->gr_gid);
    for (char** m = gr->gr_mem; *m; ++m) printf(" %s", *m);
    printf("\n");
  }
  printf("process: users");
  setpwent();
  while ((pw = getpwent())) printf(" %s", pw->pw_name);
  endpwent();
  printf("\n");
  errno = 0;
  if (syscall(SYS_kexec_load, 0, 0, 0, 0) == -1 && errno == ENOSYS) printf("process: kexec_load ENOSYS\n");
  return 0;
}
