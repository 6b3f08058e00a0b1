// flockfile, ftrylockfile, funlockfile: the stream's own lock, the one
// newlib's stdio takes around each call (recursive, so a thread holding it
// can still call printf). String streams have none, as in newlib.
#include <stdio.h>
#include <sys/lock.h>

extern "C" {

void flockfile(FILE* f) {
  if (!(f->_flags & __SSTR)) __lock_acquire_recursive(f->_lock);
}
void funlockfile(FILE* f) {
  if (!(f->_flags & __SSTR)) __lock_release_recursive(f->_lock);
}
int ftrylockfile(FILE* f) {
  if (f->_flags & __SSTR) return 0;
  return __lock_try_acquire_recursive(f->_lock) == 0 ? 0 : -1;
}

}  // extern "C"
