// initstate and setstate: BSD random()'s state arrays. newlib's random()
// keeps one fixed internal state and has neither; here a state array stands
// for a seed: initstate seeds random() from it (srandom), setstate returns
// to an array's seed. The sequences differ from BSD's, as POSIX allows.
#include <stdlib.h>
#include <string.h>

namespace {
constinit char* current = nullptr;
}

extern "C" {

char* initstate(unsigned seed, char* state, size_t size) {
  if (!state || size < sizeof(unsigned)) return nullptr;
  memcpy(state, &seed, sizeof seed);
  char* prev = current;
  current = state;
  srandom(seed);
  return prev ? prev : state;
}

char* setstate(char* state) {
  if (!state) return nullptr;
  unsigned seed;
  memcpy(&seed, state, sizeof seed);
  char* prev = current;
  current = state;
  srandom(seed);
  return prev ? prev : state;
}

}  // extern "C"
