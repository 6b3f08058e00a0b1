/* Configuration for host unit tests (kernel code compiled for the host). */
#pragma once
#define CONFIG_LIBDEBUG_LOG_LEVEL 2
#define CONFIG_LIBDEBUG_LOG_MAX 4
#define CONFIG_LIBFDTAB_MAX 16
#define CONFIG_SCHED_PREEMPT 1
#define CONFIG_SCHED_TIMESLICE_US 10000
