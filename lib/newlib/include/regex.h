/* Kiln: newlib's <regex.h> uses off_t and size_t without defining them;
 * POSIX has <regex.h> stand alone. */
#include <sys/types.h>
#include_next <regex.h>
