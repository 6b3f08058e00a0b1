// The user and group database: one built-in user, root (uid 0, gid 0, home
// "/", shell "/bin/sh"), the identity getuid() and friends report
// (syscalls.cpp). /etc/passwd and /etc/group are not read yet
// (docs/libc.md). glob's "~" expansion is the first user of these.
#include <errno.h>
#include <stdio.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

namespace {

char kRoot[] = "root", kNoPass[] = "x", kHome[] = "/", kShell[] = "/bin/sh", kEmpty[] = "";
char* kNoMembers[] = {nullptr};
constinit passwd root_pw = {kRoot, kNoPass, 0, 0, kEmpty, kRoot, kHome, kShell};
constinit group root_gr = {kRoot, kNoPass, 0, kNoMembers};
constinit bool pw_read = false, gr_read = false;  // getpwent/getgrent: the one entry given out

// The _r forms copy the strings into the caller's buffer; ERANGE when it is short.
char* put(char** buf, size_t* left, const char* s) {
  size_t n = strlen(s) + 1;
  if (n > *left) return nullptr;
  char* d = static_cast<char*>(memcpy(*buf, s, n));
  *buf += n;
  *left -= n;
  return d;
}

int copy_pw(passwd* pw, char* buf, size_t len, passwd** result) {
  *result = nullptr;
  passwd p = root_pw;
  if (!(p.pw_name = put(&buf, &len, kRoot)) || !(p.pw_passwd = put(&buf, &len, kNoPass)) ||
      !(p.pw_comment = put(&buf, &len, kEmpty)) || !(p.pw_gecos = put(&buf, &len, kRoot)) ||
      !(p.pw_dir = put(&buf, &len, kHome)) || !(p.pw_shell = put(&buf, &len, kShell)))
    return ERANGE;
  *pw = p;
  *result = pw;
  return 0;
}

int copy_gr(group* gr, char* buf, size_t len, group** result) {
  *result = nullptr;
  // The member list (one null pointer) first, aligned for a pointer.
  size_t pad = (alignof(char*) - reinterpret_cast<uintptr_t>(buf) % alignof(char*)) % alignof(char*);
  if (len < pad + sizeof(char*)) return ERANGE;
  char** mem = reinterpret_cast<char**>(buf + pad);
  mem[0] = nullptr;
  buf += pad + sizeof(char*);
  len -= pad + sizeof(char*);
  group g = {nullptr, nullptr, 0, mem};
  if (!(g.gr_name = put(&buf, &len, kRoot)) || !(g.gr_passwd = put(&buf, &len, kNoPass))) return ERANGE;
  *gr = g;
  *result = gr;
  return 0;
}

}  // namespace

extern "C" {

passwd* getpwnam(const char* name) { return strcmp(name, kRoot) == 0 ? &root_pw : nullptr; }
passwd* getpwuid(uid_t uid) { return uid == 0 ? &root_pw : nullptr; }
int getpwnam_r(const char* name, passwd* pw, char* buf, size_t len, passwd** result) {
  if (strcmp(name, kRoot) != 0) return *result = nullptr, 0;
  return copy_pw(pw, buf, len, result);
}
int getpwuid_r(uid_t uid, passwd* pw, char* buf, size_t len, passwd** result) {
  if (uid != 0) return *result = nullptr, 0;
  return copy_pw(pw, buf, len, result);
}
passwd* getpwent(void) { return pw_read ? nullptr : (pw_read = true, &root_pw); }
void setpwent(void) { pw_read = false; }
void endpwent(void) { pw_read = false; }

group* getgrnam(const char* name) { return strcmp(name, kRoot) == 0 ? &root_gr : nullptr; }
group* getgrgid(gid_t gid) { return gid == 0 ? &root_gr : nullptr; }
int getgrnam_r(const char* name, group* gr, char* buf, size_t len, group** result) {
  if (strcmp(name, kRoot) != 0) return *result = nullptr, 0;
  return copy_gr(gr, buf, len, result);
}
int getgrgid_r(gid_t gid, group* gr, char* buf, size_t len, group** result) {
  if (gid != 0) return *result = nullptr, 0;
  return copy_gr(gr, buf, len, result);
}
group* getgrent(void) { return gr_read ? nullptr : (gr_read = true, &root_gr); }
void setgrent(void) { gr_read = false; }
void endgrent(void) { gr_read = false; }
int initgroups(const char*, gid_t) { return 0; }

char* getlogin(void) { return kRoot; }
// L_cuserid bytes at most, or a static buffer for NULL.
char* cuserid(char* buf) {
  static char own[16];
  char* d = buf ? buf : own;
  memcpy(d, kRoot, sizeof kRoot);
  return d;
}
int setpassent(int) { return 1; }
// The shells list (/etc/shells): the one shell root's entry names.
constinit bool shell_read = false;
char* getusershell(void) { return shell_read ? nullptr : (shell_read = true, kShell); }
void setusershell(void) { shell_read = false; }
void endusershell(void) { shell_read = false; }
int getlogin_r(char* buf, size_t len) {
  if (len < sizeof kRoot) return ERANGE;
  memcpy(buf, kRoot, sizeof kRoot);
  return 0;
}
// No set-user-ID programs: the image runs with the identity it started with.
int issetugid(void) { return 0; }

}  // extern "C"
