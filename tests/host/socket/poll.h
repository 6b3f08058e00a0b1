/* Kiln's poll.h for the socket-layer host tests (the app-facing values,
 * not glibc's). */
#include "../../../lib/fdtab/include/poll.h"
