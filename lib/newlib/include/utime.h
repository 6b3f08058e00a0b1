/* Kiln: newlib's <utime.h> uses time_t without defining it; POSIX has
 * <utime.h> stand alone. */
#include <sys/types.h>
#include_next <utime.h>
