// Kiln's system-call table (docs/libc.md, "The system-call table").
//
// Every OS-level call is implemented once, by the library that owns it, as
//
//   extern "C" long kiln_sys_<linux name>(<the argument types Linux gives it>)
//
// returning what the Linux system call returns: the result, or a negative
// errno. It is registered under Linux's number for that name on the
// configured architecture (kiln/arch/syscall_nr.h):
//
//   extern "C" long kiln_sys_getpid() { return 1; }
//   KILN_SYSCALL(getpid);
//
// The libc entry point the application calls is a thin wrapper that calls
// the function directly (no trap, no table lookup) and sets errno:
//
//   pid_t getpid(void) { return kiln_sys_ret(kiln_sys_getpid()); }
//
// kiln_syscall(nr, ...) dispatches by number through the table: the libc's
// syscall(2), and later the binary-compatibility mode's `syscall`
// instruction. A number nobody registered returns -ENOSYS and logs its
// name once. Two libraries registering one number stop the boot.
#pragma once
#include <errno.h>
#include <stdint.h>
#include <kiln/compiler.h>
#include <kiln/sigpoint.h>
#include <kiln/arch/syscall_nr.h>
#include <kiln/sys_calls.h>

typedef long (*kiln_syscall_fn)(long, long, long, long, long, long);

struct kiln_syscall_entry {
  kiln_syscall_fn fn;
  const char* name;
  uint32_t nr;
};

// Dispatch by number (Linux's arguments, Linux's return convention).
KILN_EXTERN_C long kiln_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

// The name of a system-call number, or NULL for a number Linux does not define.
KILN_EXTERN_C const char* kiln_syscall_name(long nr);

// The entry registered for nr, or NULL (tests, diagnostics).
KILN_EXTERN_C const struct kiln_syscall_entry* kiln_syscall_entry_for(long nr);

// For a call the table has no implementation of: -ENOSYS and one log line
// naming it (the first time).
KILN_EXTERN_C long kiln_sys_enosys(long nr);

// The libc side of the convention: a negative errno becomes -1 and errno.
// A call interrupted by a signal runs its handler here, on the way out
// (the safe point of kiln/sigpoint.h), before errno is set.
static inline long kiln_sys_ret(long r) {
  if (kiln_unlikely(r < 0 && r > -4096)) {
    if (r == -EINTR) kiln_signal_deliver();
    errno = (int)-r;
    return -1;
  }
  return r;
}

#ifdef __cplusplus
#include <kiln/result.h>
#include <type_traits>
#include <utility>

namespace kiln::sys {

// A Result as a system call's return: the value, or the negative errno.
template <typename T>
inline long ret(const Result<T>& r) {
  if (r.is_error()) return -static_cast<long>(r.error().code());
  if constexpr (std::is_void_v<T>)
    return 0;
  else
    return static_cast<long>(r.value());
}

// A register-sized argument as the parameter type the implementation takes.
template <typename T>
inline T arg(long v) {
  if constexpr (std::is_pointer_v<T>)
    return reinterpret_cast<T>(v);
  else
    return static_cast<T>(v);
}

template <auto F>
struct Thunk;

// Adapts `long f(A...)` to the table's six-register signature.
template <typename... A, long (*F)(A...)>
struct Thunk<F> {
  static_assert(sizeof...(A) <= 6, "a system call takes at most six arguments");
  static long call(long a0, long a1, long a2, long a3, long a4, long a5) {
    const long a[6] = {a0, a1, a2, a3, a4, a5};
    return [&]<size_t... I>(std::index_sequence<I...>) { return F(arg<A>(a[I])...); }(std::index_sequence_for<A...>{});
  }
};

}  // namespace kiln::sys

// The entry's symbol is global, so two libraries registering one name is a
// link error ("multiple definition of kiln_sysent_<name>"). The section is
// named as a C identifier and left to the linker (no KEEP): the entries,
// and the implementations only they reach, stay in an image only when
// something dispatches by number (kiln_syscall refers to
// __start_kiln_syscalls), so an image that calls write() directly does not
// carry every system call.
// Unwrap a Result in a kiln_sys_* function; on error return its negative errno.
#define KILN_TRY_SYS(expr)                                   \
  ({                                                         \
    auto _kiln_try_sys = (expr);                             \
    if (_kiln_try_sys.is_error()) [[unlikely]]               \
      return -static_cast<long>(_kiln_try_sys.error().code()); \
    _kiln_try_sys.release_value();                           \
  })

#define KILN_SYSCALL(name)                                                                          \
  extern "C" const struct kiln_syscall_entry kiln_sysent_##name;                                    \
  extern "C" const struct kiln_syscall_entry kiln_sysent_##name KILN_USED                           \
      KILN_SECTION("kiln_syscalls") __attribute__((aligned(8))) = {                                \
          &::kiln::sys::Thunk<&kiln_sys_##name>::call, #name, KILN_NR_##name}
#endif
