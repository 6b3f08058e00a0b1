/* Configuration for the socket-layer host tests (test_socket_poll.cpp):
 * a descriptor table larger than glibc's FD_SETSIZE (1024). */
#pragma once
#define CONFIG_LIBDEBUG_LOG_LEVEL 2
#define CONFIG_LIBDEBUG_LOG_MAX 4
#define CONFIG_LIBFDTAB_MAX 4096
