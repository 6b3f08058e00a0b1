// The page size, as sysconf(_SC_PAGESIZE) (lib/newlib) reports it.
#include <unistd.h>

extern "C" int getpagesize(void) { return 4096; }
