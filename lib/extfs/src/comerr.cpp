// What libext2fs needs of e2fsprogs' com_err library, for Kiln: error_message() for
// libext2fs' own table (the generated ext2_err table) and errno values, and
// com_err() as one kiln log line. No threads, no dynamic tables.
#include <kiln/print.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct error_table {
  const char* const* msgs;
  long base;
  int n_msgs;
};
struct et_list;

extern "C" {
extern const struct error_table et_ext2_error_table;
struct et_list* _et_list = nullptr;  // the generated table's initialize function refers to it; never used

const char* error_message(long code) {
  const error_table& t = et_ext2_error_table;
  if (code >= t.base && code < t.base + t.n_msgs) return t.msgs[code - t.base];
  if (code > 0 && code < 4096) return strerror(static_cast<int>(code));
  return "unknown libext2fs error";
}

void com_err(const char* whoami, long code, const char* fmt, ...) {
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt ? fmt : "", ap);
  va_end(ap);
  kiln_warn("extfs: libext2fs: %s%s%s %s", whoami ? whoami : "", whoami ? ": " : "", code ? error_message(code) : "",
            msg);
}
}
