// Platform contract: the environment of the host process the image runs
// in, for lib/process's env.host=1.
//
//   linuxu     the process's envp (as the host kernel passed it)
//   kvm, xen   NULL: a guest has no host environment
#pragma once
#include <kiln/compiler.h>

KILN_EXTERN_C char** kiln_plat_host_environ(void);
