/* uname(2) for Kiln (lib/process): Linux's layout. */
#pragma once
#ifdef __cplusplus
extern "C" {
#endif

#define _UTSNAME_LENGTH 65

struct utsname {
  char sysname[_UTSNAME_LENGTH];   /* "Kiln" */
  char nodename[_UTSNAME_LENGTH];  /* the host name */
  char release[_UTSNAME_LENGTH];   /* Kiln's version */
  char version[_UTSNAME_LENGTH];   /* the platform the image runs on */
  char machine[_UTSNAME_LENGTH];   /* the architecture, e.g. x86_64 */
  char domainname[_UTSNAME_LENGTH];
};

int uname(struct utsname* buf);

#ifdef __cplusplus
}
#endif
