// glob() with POSIX's interface over newlib's 4.4BSD one (built as
// __kiln_bsd_glob by support/deps/newlib.sh): GLOB_NOMATCH when nothing
// matched (and no GLOB_NOCHECK), backslash quoting unless GLOB_NOESCAPE.
#include <glob.h>

extern "C" int __kiln_bsd_glob(const char* __restrict pattern, int flags, int (*err)(const char*, int),
                               glob_t* __restrict g);

extern "C" int glob(const char* __restrict pattern, int flags, int (*err)(const char*, int), glob_t* __restrict g) {
  int bsd = flags & ~GLOB_NOESCAPE;
  if (!(flags & GLOB_NOESCAPE)) bsd |= GLOB_QUOTE;
  int before = (flags & GLOB_APPEND) ? g->gl_pathc : 0;  // newlib: int gl_pathc
  int r = __kiln_bsd_glob(pattern, bsd, err, g);
  if (r == 0 && g->gl_pathc == before) return GLOB_NOMATCH;
  return r;
}
