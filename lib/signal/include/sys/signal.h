/* Kiln's <sys/signal.h>: everything is in Kiln's <signal.h> (Linux's numbers). */
#include <signal.h>
