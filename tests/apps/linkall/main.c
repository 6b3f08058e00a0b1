/* linkall: the libc link test (docs/libc.md). Takes the address of every
 * function in tests/compile/libc_names.txt, so the image links only if each
 * of them is defined; names.h is generated from that list
 * (tests/tools/libc_names.py source).
 * The names in tests/compile/libc_pending.txt (parts of issue 14 that other
 * work brings) are referenced weakly: the image links without them, and
 * prints which of them are there now (those can move off the pending
 * list). A weak reference does not pull a member out of an archive, so a
 * pending name only libc.a defines shows as missing. */
#include "names.h"

#define STR(x) #x
#define P(f) _Pragma(STR(weak f))
LINKALL_PENDING
#undef P

typedef void (*fn)(void);

#define N(f) (fn)&f,
static fn const names[] = {LINKALL_NAMES};
#undef N

struct pending {
  const char* name;
  fn addr;
};
#define P(f) {#f, (fn)&f},
static const struct pending pending[] = {LINKALL_PENDING};
#undef P

int main(void) {
  int linked = 0;
  for (unsigned i = 0; i < sizeof names / sizeof *names; i++) linked += names[i] != 0;
  printf("linkall: %d names link\n", linked);
  int there = 0, missing = 0;
  for (unsigned i = 0; i < sizeof pending / sizeof *pending; i++) {
    if (pending[i].addr) {
      if (!there++) printf("linkall: pending names that link now (move them to libc_names.txt):");
      printf(" %s", pending[i].name);
    }
  }
  if (there) printf("\n");
  for (unsigned i = 0; i < sizeof pending / sizeof *pending; i++) missing += !pending[i].addr;
  printf("linkall: %d pending names, %d still missing\n", (int)(sizeof pending / sizeof *pending), missing);
  return linked == (int)(sizeof names / sizeof *names) ? 0 : 1;
}
