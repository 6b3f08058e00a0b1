// Errors as values. Result<T> holds a T or an errno-compatible Error;
// KILN_TRY(expr) unwraps a Result or returns its error from the caller.
//
//   kiln::Result<size_t> read_some(int fd, void* buf, size_t n);
//   kiln::Result<void> f() {
//     size_t got = KILN_TRY(read_some(0, buf, sizeof buf));
//     if (got == 0) return kiln::Error(EIO);
//     return {};
//   }
#pragma once

#include <errno.h>
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

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T>, "Result<T&>: use a pointer");

 public:
  using ValueType = T;
  Result(const T& v) : ok_(true) { new (&value_) T(v); }
  Result(T&& v) : ok_(true) { new (&value_) T(std::move(v)); }
  Result(Error e) : ok_(false), error_(e) {}
  Result(const Result& o) : ok_(o.ok_), error_(o.error_) {
    if (ok_) new (&value_) T(o.value_);
  }
  Result(Result&& o) : ok_(o.ok_), error_(o.error_) {
    if (ok_) new (&value_) T(std::move(o.value_));
  }
  Result& operator=(Result o) {
    this->~Result();
    new (this) Result(std::move(o));
    return *this;
  }
  ~Result() {
    if (ok_) value_.~T();
  }

  bool is_error() const { return !ok_; }
  bool ok() const { return ok_; }
  Error error() const { return error_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T release_value() { return std::move(value_); }
  T value_or(T fallback) const { return ok_ ? value_ : fallback; }

 private:
  bool ok_;
  Error error_{0};
  union {
    T value_;
  };
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using ValueType = void;
  Result() = default;
  Result(Error e) : ok_(false), error_(e) {}
  bool is_error() const { return !ok_; }
  bool ok() const { return ok_; }
  Error error() const { return error_; }
  void release_value() {}

 private:
  bool ok_ = true;
  Error error_{0};
};

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
