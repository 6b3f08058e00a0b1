/* Kiln (lib/vfs): <sys/dirent.h> is <dirent.h> (newlib's is an #error). */
#include <dirent.h>
