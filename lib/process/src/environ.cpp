// environ for main(): built before the app's constructors from, in order,
//   1. the configuration (CONFIG_LIBPROCESS_ENV, NAME=value words),
//   2. on linuxu with env.host=1, the host process's environment,
//   3. env=NAME=value boot options, once per variable,
// a later NAME replacing an earlier one. putenv and getenv are newlib's
// and work on this array (newlib's _setenv_r copies it to the heap the
// first time it grows it); setenv and unsetenv check the name as POSIX
// asks (EINVAL for an empty name or one with '=', which newlib accepts)
// and call newlib's; clearenv is here.
#include <kiln/alloc.h>
#include <kiln/config.h>
#include <kiln/init.h>
#include <kiln/option.h>
#include <kiln/plat/hostenv.h>
#include <kiln/print.h>
#include <errno.h>
#include <reent.h>
#include <stdlib.h>
#include <string.h>

extern char** environ;

namespace {

constexpr int kMaxOptions = 128;
constinit const char* g_opts[kMaxOptions];
constinit int g_nopts = 0;
constinit bool g_host = false;

bool valid_pair(const char* v) {
  const char* eq = strchr(v, '=');
  return eq && eq != v;
}

int env_option(const char* v) {
  if (!valid_pair(v)) return -EINVAL;
  if (g_nopts == kMaxOptions) {
    kiln_err("env: at most %d env= options", kMaxOptions);
    return -E2BIG;
  }
  g_opts[g_nopts++] = v;  // the command line's words live as long as the image
  return 0;
}
KILN_OPTION("env", env_option, "NAME=value: add a variable to the environment (once per variable)");

int env_host_option(const char* v) {
  if (strcmp(v, "1") == 0)
    g_host = true;
  else if (strcmp(v, "0") == 0)
    g_host = false;
  else
    return -EINVAL;
  return 0;
}
KILN_OPTION("env.host", env_host_option, "1: start from the host's environment (linuxu only)");

size_t name_len(const char* s) {
  const char* eq = strchr(s, '=');
  return eq ? static_cast<size_t>(eq - s) : strlen(s);
}

// Adds or replaces s (NAME=value) in env[0..n); returns the new count.
size_t put(char** env, size_t n, char* s) {
  size_t len = name_len(s);
  for (size_t i = 0; i < n; ++i) {
    if (name_len(env[i]) == len && memcmp(env[i], s, len) == 0) {
      env[i] = s;
      return n;
    }
  }
  env[n] = s;
  return n + 1;
}

int build_environ() {
  static char config[] = CONFIG_LIBPROCESS_ENV;  // split in place into words
  size_t words = 0;
  for (char* p = config; *p;) {
    while (*p == ' ') ++p;
    if (!*p) break;
    ++words;
    while (*p && *p != ' ') ++p;
  }
  char** host = g_host ? kiln_plat_host_environ() : nullptr;
  if (g_host && !host) kiln_warn("env.host=1: this platform has no host environment");
  size_t nhost = 0;
  while (host && host[nhost]) ++nhost;
  size_t cap = words + nhost + static_cast<size_t>(g_nopts) + 1;
  auto env = static_cast<char**>(malloc(cap * sizeof(char*)));
  if (!env) {
    kiln_err("env: out of memory for %zu variables", cap - 1);
    return -ENOMEM;
  }
  size_t n = 0;
  for (char* p = config; *p;) {
    while (*p == ' ') *p++ = '\0';
    if (!*p) break;
    char* w = p;
    while (*p && *p != ' ') ++p;
    if (*p) *p++ = '\0';
    if (!valid_pair(w)) {
      kiln_err("env: '%s' in CONFIG_LIBPROCESS_ENV is not NAME=value", w);
      free(env);
      return -EINVAL;
    }
    n = put(env, n, w);
  }
  for (size_t i = 0; i < nhost; ++i)
    if (valid_pair(host[i])) n = put(env, n, host[i]);
  for (int i = 0; i < g_nopts; ++i) n = put(env, n, const_cast<char*>(g_opts[i]));
  env[n] = nullptr;
  environ = env;
  return 0;
}
// After the heap (lib level) and before the app's constructors.
KILN_INIT(sys, 100, build_environ);

}  // namespace

namespace {
bool bad_name(const char* name) { return !name || !*name || strchr(name, '='); }
}  // namespace

extern "C" int setenv(const char* name, const char* value, int overwrite) {
  if (bad_name(name) || !value) {
    errno = EINVAL;
    return -1;
  }
  return _setenv_r(_REENT, name, value, overwrite);
}

extern "C" int unsetenv(const char* name) {
  if (bad_name(name)) {
    errno = EINVAL;
    return -1;
  }
  return _unsetenv_r(_REENT, name);
}

extern "C" int clearenv(void) {
  static char* empty[1] = {nullptr};
  environ = empty;
  return 0;
}
