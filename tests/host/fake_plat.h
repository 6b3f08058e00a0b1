// Host-side stand-ins for the platform contract (kiln/plat/*.h): the
// console is captured in a string, exit throws so tests can observe it.
#pragma once
#include <string>

namespace fake {
std::string& console();        // everything written to the console
struct Exit { int status; };   // thrown by kiln_plat_exit / kiln_plat_crash
}  // namespace fake
