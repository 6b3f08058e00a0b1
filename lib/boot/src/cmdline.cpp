// Command-line splitting for platforms that get one string (kvm, xen).
#include <kiln/init.h>
#include <errno.h>

extern "C" int kiln_cmdline_split(char* line, char** argv, int max) {
  int argc = 0;
  char* in = line;
  char* out = line;  // words are rewritten in place, never longer
  for (;;) {
    while (*in == ' ' || *in == '\t' || *in == '\n') ++in;
    if (!*in) break;
    if (argc == max) return -E2BIG;
    argv[argc++] = out;
    char quote = 0;
    for (; *in; ++in) {
      if (quote) {
        if (*in == quote) quote = 0;
        else if (*in == '\\' && quote == '"' && in[1]) *out++ = *++in;
        else *out++ = *in;
      } else if (*in == '"' || *in == '\'') {
        quote = *in;
      } else if (*in == '\\' && in[1]) {
        *out++ = *++in;
      } else if (*in == ' ' || *in == '\t' || *in == '\n') {
        break;
      } else {
        *out++ = *in;
      }
    }
    if (quote) return -EINVAL;
    bool more = *in != '\0';
    *out++ = '\0';
    if (more) ++in;
  }
  if (argc < max) argv[argc] = nullptr;
  return argc;
}
