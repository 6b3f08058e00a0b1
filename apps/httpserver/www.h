// The files built into the httpserver image (generated www.cpp).
#pragma once
#include <cstddef>

struct WwwFile {
  const char* path;
  const char* type;
  const unsigned char* data;
  size_t size;
};
extern const WwwFile kWwwFiles[];
extern const unsigned kWwwCount;
