// Ordered init tables. Each entry runs once at boot, level by level, and
// within a level by priority (000 first, 999 last), then by name. Order
// never depends on link order or on static constructors.
//
//   static int virtio_init() { ...; return 0; }   // or -errno
//   KILN_INIT(lib, 500, virtio_init);
//
// Levels: early (console, logging) < plat (memory map, clocks, irqs)
//       < lib (allocators first, then libraries) < rootfs < sys < late.
// An init returning non-zero stops the boot: "kiln: init <name> failed".
#pragma once
#include <stdint.h>
#include <kiln/compiler.h>

#define KILN_INIT_LEVEL_early 0
#define KILN_INIT_LEVEL_plat 1
#define KILN_INIT_LEVEL_lib 2
#define KILN_INIT_LEVEL_rootfs 3
#define KILN_INIT_LEVEL_sys 4
#define KILN_INIT_LEVEL_late 5

struct kiln_init_entry {
  int (*fn)(void);
  const char* name;
  uint16_t level;
  uint16_t prio;
};

// prio must be written with exactly three digits (e.g. 050): the linker
// sorts the section names as text. Checked at compile time.
#define KILN_INIT_(level, prio, fn, id)                                           \
  KILN_STATIC_ASSERT(sizeof(#prio) == 4, "KILN_INIT priority must have three digits"); \
  static const struct kiln_init_entry id KILN_USED __attribute__((aligned(8)))    \
      KILN_SECTION(".kiln_init." KILN_STR(KILN_INIT_LEVEL_##level) "." #prio) =   \
          {fn, #fn, KILN_INIT_LEVEL_##level, (1##prio) - 1000}
#define KILN_INIT(level, prio, fn) KILN_INIT_(level, prio, fn, KILN_UNIQUE(_kiln_init_))

// Teardown hooks run at exit (after atexit handlers), in reverse order of
// registration level, before the platform ends the image.
struct kiln_teardown_entry {
  void (*fn)(int status);
  const char* name;
};
#define KILN_TEARDOWN(fn)                                                        \
  static const struct kiln_teardown_entry KILN_UNIQUE(_kiln_td_) KILN_USED        \
      __attribute__((aligned(8))) KILN_SECTION(".kiln_teardown") = {fn, #fn}

// How the app's exit status leaves main(): the C library registers its
// exit() (atexit handlers, C++ destructors, stdio flush) with
// KILN_APP_EXIT; without one, kiln_boot_exit. At most one may be linked.
struct kiln_app_exit_entry {
  void (*fn)(int status);  // does not return
  const char* name;
};
#define KILN_APP_EXIT(fn)                                                        \
  static const struct kiln_app_exit_entry KILN_UNIQUE(_kiln_exit_) KILN_USED     \
      __attribute__((aligned(8))) KILN_SECTION(".kiln_app_exit") = {fn, #fn}
// Ends the app with status: the registered exit or kiln_boot_exit.
KILN_EXTERN_C KILN_NORETURN void kiln_app_exit(int status);

// Runs entries [begin, end) in order. Returns 0, or the first failure's
// code after printing which init failed. -EINVAL if the table is out of
// order (a broken linker script).
KILN_EXTERN_C int kiln_run_inits(const struct kiln_init_entry* begin,
                                 const struct kiln_init_entry* end);

// Entered by the platform once the CPU, memory and console are usable.
// argv holds the words of the command line, argv[0] the image name.
// Splits options from app arguments at "--", applies options, runs the
// init tables, constructors and main(), then exits through kiln_boot_exit.
KILN_EXTERN_C KILN_NORETURN void kiln_boot_main(int argc, char** argv);
// Run teardown hooks and end the image (called by exit/_exit).
KILN_EXTERN_C KILN_NORETURN void kiln_boot_exit(int status);
// Apply one "name=value" option. Returns 0 or a negative errno, after
// printing a one-line error.
KILN_EXTERN_C int kiln_option_apply(const char* word);
// Split a command line into words in place (spaces separate words; single
// and double quotes group; backslash escapes). Returns the word count, or
// -E2BIG if more than max words, -EINVAL on an unterminated quote.
KILN_EXTERN_C int kiln_cmdline_split(char* line, char** argv, int max);
// For platforms that get the command line as one string (kvm, xen): split
// it in place (at most 256 words) into argv for kiln_boot_main, with
// argv[0] = app_name; skip_first drops the first word (the kernel path a
// Multiboot loader puts there). A line that cannot be split ends the image
// with a one-line error naming plat, and status KILN_EXIT_USAGE.
KILN_EXTERN_C char** kiln_boot_argv(char* line, char* app_name, int skip_first, const char* plat, int* argc);
