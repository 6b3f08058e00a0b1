// Errors as values. Result<T> holds a T or an errno-compatible Error;
// KILN_TRY(expr) unwraps a Result or returns its error from the caller.
//
//   kiln::Result<size_t> read_some(int fd, void* buf, size_t n);
//   kiln::Result<void> f() {
//     size_t got = KILN_TRY(read_some(0, buf, sizeof buf));
//     if (got == 0) return kiln::Error(EIO);
//     return {};
//   }
//
// Rules (docs/libraries.md, "kcxx"):
// - A Result of an integral type (int, size_t, off_t, uint32_t, bool, ...)
//   is made from a value only explicitly: `return kiln::Ok(n);` or
//   `Result<int>(n)`. So the POSIX habit `return -EINVAL;` in a function
//   returning Result<int> does not compile instead of returning "success,
//   value -22". Other types convert implicitly (`return thread;`).
// - value()/release_value() of an error, and error() of a value, are
//   checked: they panic naming the caller's file and line.
// - Result<T> is trivially copyable (and destructible) when T is, so it is
//   returned in registers and may sit in constinit globals.
#pragma once

#include <errno.h>
#include <kiln/check.h>
#include <new>
#include <type_traits>
#include <utility>

namespace kiln {

class [[nodiscard]] Error {
 public:
  // code is a positive errno value (ENOMEM, EINVAL, ...).
  constexpr explicit Error(int code) : code_(code) {}
  constexpr int code() const { return code_; }
  // For the POSIX layer: the -errno convention of system calls.
  constexpr long as_negative() const { return -static_cast<long>(code_); }
  constexpr bool operator==(const Error&) const = default;

 private:
  int code_;
};

// A success value, spelled out: `return kiln::Ok(fd);`. Converts to any
// Result<T> whose T can be made from it; required for integral T.
template <typename T>
struct Ok {
  T value;
};
template <typename T>
Ok(T) -> Ok<T>;

namespace result_detail {
// The caller's place, taken by the checked accessors' default argument.
struct Where {
  const char* file;
  int line;
  const char* func;
  static constexpr Where here(const char* f = __builtin_FILE(), int l = __builtin_LINE(),
                              const char* fn = __builtin_FUNCTION()) {
    return {f, l, fn};
  }
};
[[noreturn]] inline void misuse(const char* what, Where w) { kiln_assert_fail(what, w.file, w.line, w.func); }
}  // namespace result_detail

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T>, "Result<T&>: use a pointer");
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "Result<Error>: ambiguous");
  using Where = result_detail::Where;
  // Which special members may be the compiler's (trivial) ones.
  static constexpr bool kTrivialDtor = std::is_trivially_destructible_v<T>;
  static constexpr bool kTrivialCopy = std::is_trivially_copy_constructible_v<T>;
  static constexpr bool kTrivialMove = std::is_trivially_move_constructible_v<T>;
  static constexpr bool kTrivialCopyAssign =
      kTrivialDtor && kTrivialCopy && std::is_trivially_copy_assignable_v<T>;
  static constexpr bool kTrivialMoveAssign =
      kTrivialDtor && kTrivialMove && std::is_trivially_move_assignable_v<T>;

 public:
  using ValueType = T;
  // Explicit for integral T: see the rules above.
  constexpr explicit(std::is_integral_v<T>) Result(const T& v) : ok_(true), value_(v) {}
  constexpr explicit(std::is_integral_v<T>) Result(T&& v) : ok_(true), value_(std::move(v)) {}
  template <typename U>
    requires std::is_constructible_v<T, U&&>
  constexpr Result(Ok<U> v) : ok_(true), value_(std::move(v.value)) {}
  constexpr Result(Error e) : ok_(false), error_(e) {}

  constexpr Result(const Result&) requires kTrivialCopy = default;
  Result(const Result& o) requires(!kTrivialCopy) : ok_(o.ok_) {
    if (ok_) construct(o.value_);
    else construct_error(o.error_);
  }
  constexpr Result(Result&&) requires kTrivialMove = default;
  Result(Result&& o) requires(!kTrivialMove) : ok_(o.ok_) {
    if (ok_) construct(std::move(o.value_));
    else construct_error(o.error_);
  }
  constexpr Result& operator=(const Result&) requires kTrivialCopyAssign = default;
  Result& operator=(const Result& o) requires(!kTrivialCopyAssign) {
    if (this != &o) {
      destroy();
      if (o.ok_) construct(o.value_);
      else construct_error(o.error_);
      ok_ = o.ok_;
    }
    return *this;
  }
  constexpr Result& operator=(Result&&) requires kTrivialMoveAssign = default;
  Result& operator=(Result&& o) requires(!kTrivialMoveAssign) {
    if (this != &o) {
      destroy();
      if (o.ok_) construct(std::move(o.value_));
      else construct_error(o.error_);
      ok_ = o.ok_;
    }
    return *this;
  }
  constexpr ~Result() requires kTrivialDtor = default;
  ~Result() requires(!kTrivialDtor) { destroy(); }

  constexpr bool is_error() const { return !ok_; }
  constexpr bool ok() const { return ok_; }
  constexpr Error error(Where w = Where::here()) const {
    if (ok_) [[unlikely]] result_detail::misuse("kiln::Result: error() of a value", w);
    return error_;
  }
  constexpr T& value(Where w = Where::here()) {
    if (!ok_) [[unlikely]] result_detail::misuse("kiln::Result: value() of an error", w);
    return value_;
  }
  constexpr const T& value(Where w = Where::here()) const {
    if (!ok_) [[unlikely]] result_detail::misuse("kiln::Result: value() of an error", w);
    return value_;
  }
  constexpr T release_value(Where w = Where::here()) {
    if (!ok_) [[unlikely]] result_detail::misuse("kiln::Result: release_value() of an error", w);
    return std::move(value_);
  }
  constexpr T value_or(T fallback) const { return ok_ ? value_ : fallback; }

 private:
  // For the non-trivial members only: start the lifetime of one member.
  template <typename A>
  void construct(A&& a) {
    ::new (static_cast<void*>(&value_)) T(std::forward<A>(a));
  }
  void construct_error(Error e) { ::new (static_cast<void*>(&error_)) Error(e); }
  void destroy() {
    if (ok_) value_.~T();
  }

  bool ok_;
  union {
    T value_;
    Error error_;
  };
};

template <>
class [[nodiscard]] Result<void> {
  using Where = result_detail::Where;

 public:
  using ValueType = void;
  constexpr Result() = default;
  constexpr Result(Error e) : ok_(false), error_(e) {}
  constexpr bool is_error() const { return !ok_; }
  constexpr bool ok() const { return ok_; }
  constexpr Error error(Where w = Where::here()) const {
    if (ok_) [[unlikely]] result_detail::misuse("kiln::Result: error() of a success", w);
    return error_;
  }
  constexpr void release_value() {}

 private:
  bool ok_ = true;
  Error error_{0};
};

static_assert(std::is_trivially_copyable_v<Result<int>> && std::is_trivially_destructible_v<Result<int>>);
static_assert(std::is_trivially_copyable_v<Result<void*>> && std::is_trivially_copyable_v<Result<void>>);
static_assert(!std::is_convertible_v<int, Result<int>>, "return -EINVAL; must not compile as success");

}  // namespace kiln

// Evaluate a Result; on error return the error from the enclosing function,
// otherwise yield the value (GNU statement expression).
#define KILN_TRY(expr)                                   \
  ({                                                     \
    auto _kiln_try_result = (expr);                      \
    if (_kiln_try_result.is_error()) [[unlikely]]        \
      return _kiln_try_result.error();                   \
    _kiln_try_result.release_value();                    \
  })
