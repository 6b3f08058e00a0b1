/* Kiln uses the host compiler's freestanding C++ headers (<new>,
 * <utility>, <type_traits>, <atomic>, <limits>, ...) with newlib as the C
 * library. Those headers' configuration asks for glibc's <features.h> to
 * check glibc versions; Kiln has no glibc, so no version is new enough. */
#pragma once
#define __GLIBC_PREREQ(maj, min) 0
