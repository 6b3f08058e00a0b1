/* Configuration for host unit tests (kernel code compiled for the host). */
#pragma once
#define CONFIG_LIBDEBUG_LOG_LEVEL 2
#define CONFIG_LIBDEBUG_LOG_MAX 4
#define CONFIG_LIBFDTAB_MAX 16
