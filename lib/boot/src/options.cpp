// Boot options: "name=value" words before "--" on the command line.
#include <kiln/init.h>
#include <kiln/option.h>
#include <kiln/print.h>
#include <kiln/plat/exit.h>
#include <errno.h>
#include <string.h>

extern "C" const kiln_option __kiln_options_start[], __kiln_options_end[];

extern "C" int kiln_parse_ulong(const char* s, unsigned long* out) {
  unsigned base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
  }
  if (!*s) return -EINVAL;
  unsigned long v = 0;
  for (; *s; ++s) {
    unsigned d;
    if (*s >= '0' && *s <= '9') d = *s - '0';
    else if (base == 16 && *s >= 'a' && *s <= 'f') d = *s - 'a' + 10;
    else if (base == 16 && *s >= 'A' && *s <= 'F') d = *s - 'A' + 10;
    else return -EINVAL;
    if (v > (~0UL - d) / base) return -EINVAL;  // overflow
    v = v * base + d;
  }
  *out = v;
  return 0;
}

extern "C" int kiln_parse_size(const char* s, unsigned long* out) {
  char num[32];
  size_t n = strlen(s);
  if (n == 0 || n >= sizeof num) return -EINVAL;
  memcpy(num, s, n + 1);
  unsigned shift = 0;
  switch (num[n - 1]) {
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    default: break;
  }
  if (shift) num[n - 1] = '\0';
  unsigned long v;
  if (kiln_parse_ulong(num, &v) < 0) return -EINVAL;
  if (shift && v > (~0UL >> shift)) return -EINVAL;
  *out = v << shift;
  return 0;
}

namespace {
void print_help() {
  kiln_puts("kiln: options (give them before `--`, e.g. `log.level=info -- app args`):\n");
  for (const kiln_option* o = __kiln_options_start; o < __kiln_options_end; ++o) {
    char line[160];
    kiln_snprintf(line, sizeof line, "  %-14s %s\n", o->name, o->help);
    kiln_puts(line);
  }
}
}  // namespace

extern "C" int kiln_option_apply(const char* word) {
  if (strcmp(word, "help") == 0) {
    print_help();
    kiln_plat_exit(0);
  }
  const char* eq = strchr(word, '=');
  if (!eq) {
    kiln_err("bad option '%s': expected name=value (or `help`); app arguments go after `--`", word);
    return -EINVAL;
  }
  size_t nlen = static_cast<size_t>(eq - word);
  for (const kiln_option* o = __kiln_options_start; o < __kiln_options_end; ++o) {
    if (strlen(o->name) == nlen && memcmp(o->name, word, nlen) == 0) {
      int rc = o->set(eq + 1);
      if (rc < 0) kiln_err("bad value for option %s: '%s' (%s)", o->name, eq + 1, o->help);
      return rc;
    }
  }
  kiln_err("unknown option '%.*s' (give `help` before `--` for the list)", static_cast<int>(nlen), word);
  return -ENOENT;
}
