// Compile-fail cases for kiln::Result (tests/CMakeLists.txt, compile.*).
// Compiled once per CASE: CASE=0, the control, must compile cleanly; every
// other case must be rejected with an error at its own `#line` (so a case
// cannot pass by failing for an unrelated reason).
#include <kiln/result.h>
#include <stddef.h>
#include <sys/types.h>

using kiln::Error;
using kiln::Ok;
using kiln::Result;

// What the control shows compiles: the spelled-out successes and errors.
Result<int> ok_int() { return Ok(5); }
Result<size_t> ok_size(size_t n) { return Ok(n); }
Result<off_t> ok_off() { return Result<off_t>(0); }
Result<int> err_int() { return Error(EINVAL); }
Result<int*> ok_ptr(int* p) { return p; }  // non-integral: implicit is fine
Result<int> tried() { return Ok(KILN_TRY(ok_int()) + 1); }

#if CASE == 1
// The POSIX habit in a function returning Result<int>.
#line 1001 "misuse"
Result<int> f() { return -EINVAL; }
#elif CASE == 2
// The same into an unsigned result (it would be a huge "success").
#line 1002 "misuse"
Result<size_t> f() { return -EINVAL; }
#elif CASE == 3
#line 1003 "misuse"
Result<off_t> f() { return -1; }
#elif CASE == 4
// Assigning a plain integer to a Result.
Result<int> f() {
  Result<int> r = Error(EIO);
#line 1004 "misuse"
  r = -EINVAL;
  return r;
}
#elif CASE == 5
#line 1005 "misuse"
Result<bool> f() { return -EINVAL; }
#endif
