/* Configuration for the ipc host tests (test_ipc.cpp). */
#pragma once
#define CONFIG_LIBDEBUG_LOG_LEVEL 2
#define CONFIG_LIBDEBUG_LOG_MAX 4
#define CONFIG_LIBFDTAB_MAX 8192
#define CONFIG_LIBFDTAB_PIPE_SIZE 65536
