#include <kiln/init.h>
#include <kiln/ktest.h>
#include <kiln/option.h>
#include <kiln/plat/console.h>
#include <kiln/print.h>
#include <errno.h>
#include <string.h>

extern "C" const kiln_ktest __kiln_tests_start[], __kiln_tests_end[];

namespace {
bool enabled = true;
char filter[64];

void out(const char* fmt, ...) KILN_PRINTF(1, 2);
void out(const char* fmt, ...) {
  char line[384];
  va_list ap;
  va_start(ap, fmt);
  int n = kiln_vsnprintf(line, sizeof line - 1, fmt, ap);
  va_end(ap);
  size_t len = n < 0 ? 0 : static_cast<size_t>(n) < sizeof line - 1 ? static_cast<size_t>(n) : sizeof line - 2;
  line[len++] = '\n';
  kiln_plat_console_write(line, len);
}

int set_enabled(const char* v) {
  if (strcmp(v, "on") == 0 || strcmp(v, "1") == 0) enabled = true;
  else if (strcmp(v, "off") == 0 || strcmp(v, "0") == 0) enabled = false;
  else return -EINVAL;
  return 0;
}
int set_filter(const char* v) {
  if (strlen(v) >= sizeof filter) return -EINVAL;
  strcpy(filter, v);
  return 0;
}

int ktest_init() {
  if (!enabled) return 0;
  int failed = kiln_ktest_run(filter[0] ? filter : nullptr);
  kiln_plat_console_flush();
  if (failed) kiln_boot_exit(1);
  return 0;
}
}  // namespace

KILN_OPTION("ktest", set_enabled, "on|off: run the in-image tests at boot");
KILN_OPTION("ktest.filter", set_filter, "run only tests whose suite.name contains this");
KILN_INIT(late, 990, ktest_init);

extern "C" void kiln_ktest_fail(kiln_ktest_ctx* ctx, const char* what, const char* file, int line) {
  ++ctx->failures;
  out("ktest:   check failed: %s (%s:%d)", what, file, line);
}

extern "C" void kiln_ktest_fail_eq(kiln_ktest_ctx* ctx, const char* a_expr, const char* b_expr,
                                   long long a, long long b, const char* file, int line) {
  ++ctx->failures;
  out("ktest:   check failed: %s == %s (%lld vs %lld) (%s:%d)", a_expr, b_expr, a, b, file, line);
}

extern "C" int kiln_ktest_run(const char* filt) {
  int passed = 0, failed = 0;
  for (const kiln_ktest* t = __kiln_tests_start; t < __kiln_tests_end; ++t) {
    if (filt) {
      char full[128];
      kiln_snprintf(full, sizeof full, "%s.%s", t->suite, t->name);
      if (!strstr(full, filt)) continue;
    }
    kiln_ktest_ctx ctx{0};
    t->fn(&ctx);
    if (ctx.failures) {
      ++failed;
      out("ktest: FAIL %s.%s", t->suite, t->name);
    } else {
      ++passed;
      out("ktest: PASS %s.%s", t->suite, t->name);
    }
  }
  out("ktest: %d passed, %d failed", passed, failed);
  return failed;
}
