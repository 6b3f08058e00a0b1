// The user and group databases: /etc/passwd and /etc/group when the image
// has them (an initrd or rootfs/ folder), else one built-in user and
// group, root (uid 0, gid 0, home /, shell /bin/sh). The files are read
// at each lookup (they are small; nothing is cached that could go stale).
// The _r forms fill the caller's buffer and fail with ERANGE when it is
// too small; the plain forms use one static buffer, as POSIX allows.
#include <kiln/config.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace {

constexpr size_t kFileMax = 64 * 1024;  // a larger database is cut off here
const char kBuiltinPasswd[] = "root:x:0:0:root:/:/bin/sh\n";
const char kBuiltinGroup[] = "root:x:0:\n";

// The file's text, or the built-in one when it cannot be opened. *owned:
// the caller frees the result.
char* load(const char* path, const char* builtin, size_t* len, bool* owned) {
  *owned = false;
#ifdef CONFIG_LIBVFS
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char* buf = static_cast<char*>(malloc(kFileMax + 1));
    if (buf) {
      size_t n = 0;
      while (n < kFileMax) {
        ssize_t r = read(fd, buf + n, kFileMax - n);
        if (r <= 0) break;
        n += static_cast<size_t>(r);
      }
      close(fd);
      buf[n] = '\0';
      *len = n;
      *owned = true;
      return buf;
    }
    close(fd);
  }
#else
  (void)path;  // no files in this image
#endif
  *len = strlen(builtin);
  return const_cast<char*>(builtin);
}

// Splits a line into at most max fields at ':'; returns the count.
int split(char* line, char** f, int max) {
  int n = 0;
  f[n++] = line;
  for (char* p = line; *p && n < max; ++p) {
    if (*p == ':') {
      *p = '\0';
      f[n++] = p + 1;
    }
  }
  return n;
}

bool parse_id(const char* s, unsigned* out) {
  if (!*s) return false;
  char* end;
  unsigned long v = strtoul(s, &end, 10);
  if (*end || v > 0xffffffffu) return false;
  *out = static_cast<unsigned>(v);
  return true;
}

// Copies s into the caller's buffer; nullptr when it does not fit.
char* put(char** p, char* end, const char* s) {
  size_t n = strlen(s) + 1;
  if (static_cast<size_t>(end - *p) < n) return nullptr;
  char* d = *p;
  memcpy(d, s, n);
  *p += n;
  return d;
}

// Finds the passwd line matching name (or uid when name is null) and fills
// pw with strings in buf. Returns 0 (found or not: *res says), or ERANGE.
// index >= 0: the index-th well-formed line instead (getpwent).
int find_user(const char* name, uid_t uid, long index, struct passwd* pw, char* buf, size_t size,
              struct passwd** res) {
  *res = nullptr;
  size_t len;
  bool owned;
  const char* builtin = kBuiltinPasswd;
  char* text = load("/etc/passwd", builtin, &len, &owned);
  char* copy = owned ? text : strdup(text);
  if (!copy) return ENOMEM;
  int rc = 0;
  for (char *line = copy, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    char* f[7];
    if (split(line, f, 7) != 7) continue;
    unsigned u, g;
    if (!parse_id(f[2], &u) || !parse_id(f[3], &g)) continue;
    if (index >= 0 ? index-- != 0 : name ? strcmp(f[0], name) != 0 : u != uid) continue;
    char *p = buf, *end = buf + size;
    pw->pw_uid = u;
    pw->pw_gid = g;
    if (!(pw->pw_name = put(&p, end, f[0])) || !(pw->pw_passwd = put(&p, end, f[1])) ||
        !(pw->pw_gecos = put(&p, end, f[4])) || !(pw->pw_dir = put(&p, end, f[5])) ||
        !(pw->pw_shell = put(&p, end, f[6]))) {
      rc = ERANGE;
      break;
    }
    pw->pw_comment = pw->pw_gecos;
    *res = pw;
    break;
  }
  free(copy);
  return rc;
}

int find_group(const char* name, gid_t gid, long index, struct group* gr, char* buf, size_t size,
               struct group** res) {
  *res = nullptr;
  size_t len;
  bool owned;
  char* text = load("/etc/group", kBuiltinGroup, &len, &owned);
  char* copy = owned ? text : strdup(text);
  if (!copy) return ENOMEM;
  int rc = 0;
  for (char *line = copy, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    char* f[4];
    if (split(line, f, 4) != 4) continue;
    unsigned g;
    if (!parse_id(f[2], &g)) continue;
    if (index >= 0 ? index-- != 0 : name ? strcmp(f[0], name) != 0 : g != gid) continue;
    // Members: pointers first (aligned), then the strings.
    size_t nmem = 0;
    for (const char* m = f[3]; *m; ++m) nmem += (*m == ',');
    nmem += *f[3] ? 1 : 0;
    uintptr_t a = (reinterpret_cast<uintptr_t>(buf) + alignof(char*) - 1) & ~(alignof(char*) - 1);
    char** mem = reinterpret_cast<char**>(a);
    char* p = reinterpret_cast<char*>(mem + nmem + 1);
    char* end = buf + size;
    if (p > end) {
      rc = ERANGE;
      break;
    }
    gr->gr_gid = g;
    if (!(gr->gr_name = put(&p, end, f[0])) || !(gr->gr_passwd = put(&p, end, f[1]))) {
      rc = ERANGE;
      break;
    }
    size_t i = 0;
    for (char* m = f[3]; *f[3] && i < nmem; ++i) {
      char* comma = strchr(m, ',');
      if (comma) *comma = '\0';
      if (!(mem[i] = put(&p, end, m))) {
        rc = ERANGE;
        break;
      }
      if (!comma) {
        ++i;
        break;
      }
      m = comma + 1;
    }
    if (rc) break;
    mem[i] = nullptr;
    gr->gr_mem = mem;
    *res = gr;
    break;
  }
  free(copy);
  return rc;
}

constexpr size_t kStaticBuf = 1024;
struct passwd g_pw;
char g_pwbuf[kStaticBuf];
struct group g_gr;
char g_grbuf[kStaticBuf];
constinit long g_pwent = 0;  // the next line getpwent returns
constinit long g_grent = 0;

}  // namespace

extern "C" {

int getpwnam_r(const char* name, struct passwd* pw, char* buf, size_t size, struct passwd** res) {
  if (!name || !pw || !buf || !res) return EINVAL;
  return find_user(name, 0, -1, pw, buf, size, res);
}
int getpwuid_r(uid_t uid, struct passwd* pw, char* buf, size_t size, struct passwd** res) {
  if (!pw || !buf || !res) return EINVAL;
  return find_user(nullptr, uid, -1, pw, buf, size, res);
}
struct passwd* getpwnam(const char* name) {
  struct passwd* r;
  int e = getpwnam_r(name, &g_pw, g_pwbuf, sizeof g_pwbuf, &r);
  if (e) errno = e;
  return r;
}
struct passwd* getpwuid(uid_t uid) {
  struct passwd* r;
  int e = getpwuid_r(uid, &g_pw, g_pwbuf, sizeof g_pwbuf, &r);
  if (e) errno = e;
  return r;
}
int getgrnam_r(const char* name, struct group* gr, char* buf, size_t size, struct group** res) {
  if (!name || !gr || !buf || !res) return EINVAL;
  return find_group(name, 0, -1, gr, buf, size, res);
}
int getgrgid_r(gid_t gid, struct group* gr, char* buf, size_t size, struct group** res) {
  if (!gr || !buf || !res) return EINVAL;
  return find_group(nullptr, gid, -1, gr, buf, size, res);
}
struct group* getgrnam(const char* name) {
  struct group* r;
  int e = getgrnam_r(name, &g_gr, g_grbuf, sizeof g_grbuf, &r);
  if (e) errno = e;
  return r;
}
struct group* getgrgid(gid_t gid) {
  struct group* r;
  int e = getgrgid_r(gid, &g_gr, g_grbuf, sizeof g_grbuf, &r);
  if (e) errno = e;
  return r;
}

// The enumerations walk the file's well-formed lines in order.
struct passwd* getpwent(void) {
  struct passwd* r;
  int e = find_user(nullptr, 0, g_pwent, &g_pw, g_pwbuf, sizeof g_pwbuf, &r);
  if (e) errno = e;
  if (r) ++g_pwent;
  return r;
}
void setpwent(void) { g_pwent = 0; }
void endpwent(void) { g_pwent = 0; }
struct group* getgrent(void) {
  struct group* r;
  int e = find_group(nullptr, 0, g_grent, &g_gr, g_grbuf, sizeof g_grbuf, &r);
  if (e) errno = e;
  if (r) ++g_grent;
  return r;
}
void setgrent(void) { g_grent = 0; }
void endgrent(void) { g_grent = 0; }
int initgroups(const char*, gid_t) { return 0; }

char* getlogin(void) {
  struct passwd* pw = getpwuid(getuid());
  return pw ? pw->pw_name : nullptr;
}
int getlogin_r(char* buf, size_t size) {
  struct passwd pw;
  struct passwd* r;
  char tmp[kStaticBuf];
  int e = getpwuid_r(getuid(), &pw, tmp, sizeof tmp, &r);
  if (e) return e;
  if (!r) return ENOENT;
  if (strlen(r->pw_name) >= size) return ERANGE;
  strcpy(buf, r->pw_name);
  return 0;
}

}  // extern "C"
