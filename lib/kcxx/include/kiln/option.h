// Boot options: `name=value` words given before `--` on the kernel command
// line (kvm, xen) or the process command line (linuxu). A library declares
// its options here; lib/boot parses them before any init runs.
//
//   static int set_heap(const char* v) { ... return 0 or -EINVAL; }
//   KILN_OPTION("heap", set_heap, "heap size, e.g. heap=64M");
#pragma once
#include <kiln/compiler.h>

struct kiln_option {
  const char* name;
  // Applies the value. Returns 0, or a negative errno after which the boot
  // stops with "bad value for option <name>".
  int (*set)(const char* value);
  const char* help;
};

#define KILN_OPTION(name, setter, help)                                  \
  static const struct kiln_option KILN_UNIQUE(_kiln_opt_) KILN_USED     \
      KILN_SECTION(".kiln_options") __attribute__((aligned(8))) = {      \
          name, setter, help}

// Parse a size like 4096, 64K, 16M, 2G. Returns 0 and stores it, or -EINVAL.
KILN_EXTERN_C int kiln_parse_size(const char* s, unsigned long* out);
// Parse a decimal or 0x-prefixed unsigned number. Returns 0 or -EINVAL.
KILN_EXTERN_C int kiln_parse_ulong(const char* s, unsigned long* out);
