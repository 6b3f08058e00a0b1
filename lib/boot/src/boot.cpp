// From the platform's entry to main() and back out.
#include <kiln/arch/context.h>
#include <kiln/arch/tls.h>
#include <kiln/init.h>
#include <kiln/plat/memory.h>
#include <kiln/option.h>
#include <kiln/plat/console.h>
#include <kiln/plat/exit.h>
#include <kiln/plat/tls.h>
#include <kiln/print.h>
#include <string.h>

extern "C" {
extern const kiln_init_entry __kiln_init_start[], __kiln_init_end[];
extern const kiln_teardown_entry __kiln_teardown_start[], __kiln_teardown_end[];
extern void (*__preinit_array_start[])(int, char**, char**);
extern void (*__preinit_array_end[])(int, char**, char**);
extern void (*__init_array_start[])(int, char**, char**);
extern void (*__init_array_end[])(int, char**, char**);
int main(int argc, char** argv);
// newlib's environ.o defines it when getenv & co. are linked; this weak
// definition only stands in for images that never touch the environment.
char** environ __attribute__((weak));
extern const kiln_app_exit_entry __kiln_app_exit_start[], __kiln_app_exit_end[];
}

namespace {
constexpr int kMaxArgs = 128;
char* app_argv[kMaxArgs + 1];
char* empty_env[1];
int app_argc = 0;

// Constructors and main(), on the stack the platform gives main.
[[noreturn]] void enter_main() {
  for (auto f = __preinit_array_start; f < __preinit_array_end; ++f) (*f)(app_argc, app_argv, environ);
  for (auto f = __init_array_start; f < __init_array_end; ++f) (*f)(app_argc, app_argv, environ);
  kiln_app_exit(main(app_argc, app_argv));
}
}  // namespace

extern "C" void kiln_app_exit(int status) {
  if (+__kiln_app_exit_start < +__kiln_app_exit_end) __kiln_app_exit_start->fn(status);
  kiln_boot_exit(status);
}

extern "C" void kiln_boot_exit(int status) {
  for (const kiln_teardown_entry* t = __kiln_teardown_end; t > __kiln_teardown_start;) {
    --t;
    t->fn(status);
  }
  kiln_plat_exit(status);
}

extern "C" void kiln_boot_main(int argc, char** argv) {
  // The main thread's thread-local storage, first: option setters, every
  // KILN_INIT and every constructor may touch a thread-local (and errno).
  kiln_plat_tls_set(kiln_arch_tls_init(kiln_arch_tls_main_block()));
  // Words before "--" are Kiln options; without "--" every word is the app's.
  int sep = -1;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--") == 0) {
      sep = i;
      break;
    }
  }
  for (int i = 1; i < sep; ++i) {
    if (kiln_option_apply(argv[i]) < 0) kiln_plat_exit(KILN_EXIT_USAGE);
  }
  app_argv[app_argc++] = argc > 0 ? argv[0] : const_cast<char*>("app");
  for (int i = sep < 0 ? 1 : sep + 1; i < argc; ++i) {
    if (app_argc == kMaxArgs) {
      kiln_err("too many arguments (at most %d)", kMaxArgs);
      kiln_plat_exit(KILN_EXIT_USAGE);
    }
    app_argv[app_argc++] = argv[i];
  }
  app_argv[app_argc] = nullptr;
  if (!environ) environ = empty_env;
  if (__kiln_app_exit_end - __kiln_app_exit_start > 1) {
    kiln_crit("boot: two exit paths are linked (%s, %s): only one C library may register one",
              __kiln_app_exit_start[0].name, __kiln_app_exit_start[1].name);
    kiln_plat_crash();
  }

  if (kiln_run_inits(__kiln_init_start, __kiln_init_end) != 0) {
    kiln_plat_console_flush();
    kiln_plat_crash();
  }
  if (uintptr_t top = kiln_plat_main_stack()) kiln_arch_run_on_stack(top, enter_main);
  enter_main();
}
