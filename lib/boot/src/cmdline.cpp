// Command-line splitting for platforms that get one string (kvm, xen).
#include <kiln/init.h>
#include <kiln/plat/exit.h>
#include <kiln/print.h>
#include <errno.h>

namespace {
constexpr int kMaxWords = 256;
constinit char* words[kMaxWords + 2] = {};
}  // namespace

extern "C" char** kiln_boot_argv(char* line, char* app_name, int skip_first, const char* plat, int* argc) {
  static char empty[1] = {};
  int n = kiln_cmdline_split(line ? line : empty, words + 1, kMaxWords);
  if (n < 0) {
    kiln_printk(KILN_LOG_CRIT, "%s: cannot split the command line: %s", plat,
                n == -E2BIG ? "more than 256 words" : "unterminated quote");
    kiln_plat_exit(KILN_EXIT_USAGE);
  }
  char** argv = words;
  if (skip_first && n > 0) {
    ++argv;
    --n;
  }
  argv[0] = app_name;
  argv[n + 1] = nullptr;
  *argc = n + 1;
  return argv;
}

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
