/* Included before every libext2fs source (lib/extfs/CMakeLists.txt). */
#pragma once
#define HAVE_CONFIG_H 1
