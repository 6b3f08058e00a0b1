// kiln/plat/hostenv.h on the bare CPU: a guest has no host environment.
#include <kiln/plat/hostenv.h>

extern "C" char** kiln_plat_host_environ(void) { return nullptr; }
