/* newlib's <unistd.h>, and what lib/process adds that glibc's declares
 * (Linux programs expect them there). */
#pragma once
#include_next <unistd.h>
#ifdef __cplusplus
extern "C" {
#endif

int getresuid(uid_t* ruid, uid_t* euid, uid_t* suid);
int getresgid(gid_t* rgid, gid_t* egid, gid_t* sgid);
int setresuid(uid_t ruid, uid_t euid, uid_t suid);
int setresgid(gid_t rgid, gid_t egid, gid_t sgid);
int clearenv(void);
int getentropy(void* buf, size_t buflen);  /* lib/random */

#ifdef __cplusplus
}
#endif
