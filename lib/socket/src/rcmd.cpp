// The BSD remote-login helpers (rsh/rlogin's trust files and privileged
// ports). A Kiln image is nobody's rshd: nobody is trusted (ruserok,
// iruserok: -1), and rresvport, which only a login daemon needs, fails with
// ENOSYS and one log line.
#include <kiln/enosys.h>
#include <unistd.h>

extern "C" {

int ruserok(const char*, int, const char*, const char*) { return -1; }
int iruserok(unsigned long, int, const char*, const char*) { return -1; }
int rresvport(int*) { return KILN_ENOSYS(); }

}  // extern "C"
