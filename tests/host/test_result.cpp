#include <kiln/result.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <type_traits>

using kiln::Error;
using kiln::Ok;
using kiln::Result;

// Trivially copyable (and destructible) where T is: returned in registers,
// usable in constinit globals.
static_assert(std::is_trivially_copyable_v<Result<int>>);
static_assert(std::is_trivially_destructible_v<Result<int>>);
static_assert(std::is_trivially_copyable_v<Result<size_t>>);
static_assert(std::is_trivially_copyable_v<Result<void*>>);
static_assert(std::is_trivially_copyable_v<Result<void>>);
static_assert(!std::is_trivially_copyable_v<Result<std::string>>);
static_assert(!std::is_trivially_destructible_v<Result<std::string>>);
static_assert(std::is_copy_constructible_v<Result<std::string>>);
static_assert(std::is_nothrow_move_constructible_v<Result<int>>);

// Integral values convert only explicitly: `return -EINVAL;` must not
// compile as success (tests/compile has the compile-fail case).
static_assert(!std::is_convertible_v<int, Result<int>>);
static_assert(!std::is_convertible_v<int, Result<size_t>>);
static_assert(!std::is_convertible_v<long, Result<long>>);
static_assert(!std::is_convertible_v<int, Result<bool>>);
static_assert(std::is_constructible_v<Result<int>, int>);
static_assert(std::is_convertible_v<Ok<int>, Result<int>>);
static_assert(std::is_convertible_v<Ok<int>, Result<long>>);
static_assert(std::is_convertible_v<Error, Result<int>>);
// Non-integral values still convert implicitly.
static_assert(std::is_convertible_v<int*, Result<int*>>);
static_assert(std::is_convertible_v<std::string, Result<std::string>>);

// A constinit global holding a Result (the kernel's rule for globals).
constinit Result<int> g_result = Error(ENOENT);
constinit Result<int> g_value = Ok(3);

namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return Error(EINVAL);
  return Ok(c - '0');
}

Result<int> sum_digits(const char* s) {
  int total = 0;
  for (; *s; ++s) total += KILN_TRY(parse_digit(*s));
  return Ok(total);
}

Result<void> must_be_even(int v) {
  if (v % 2) return Error(EDOM);
  return {};
}

Result<int> half_of_even(int v) {
  KILN_TRY(must_be_even(v));
  return Ok(v / 2);
}

Result<size_t> length_of(const char* s) {
  if (!s) return Error(EFAULT);
  return Result<size_t>(__builtin_strlen(s));  // the other explicit spelling
}

TEST(Result, ValueAndError) {
  Result<int> ok = Ok(7);
  EXPECT_TRUE(ok.ok());
  EXPECT_FALSE(ok.is_error());
  EXPECT_EQ(ok.value(), 7);
  Result<int> bad = Error(ENOMEM);
  EXPECT_TRUE(bad.is_error());
  EXPECT_EQ(bad.error().code(), ENOMEM);
  EXPECT_EQ(bad.error().as_negative(), -ENOMEM);
  EXPECT_EQ(bad.value_or(-1), -1);
  EXPECT_EQ(ok.value_or(-1), 7);
  EXPECT_EQ(length_of("kiln").value(), 4u);
  EXPECT_EQ(length_of(nullptr).error().code(), EFAULT);
}

TEST(Result, ConstinitGlobals) {
  EXPECT_EQ(g_result.error().code(), ENOENT);
  EXPECT_EQ(g_value.value(), 3);
}

TEST(Result, TrivialCopyKeepsValueOrError) {
  Result<int> a = Ok(-22);  // a negative success value is fine when spelled out
  Result<int> b = Error(EINVAL);
  Result<int> c = a;
  EXPECT_EQ(c.value(), -22);
  c = b;
  EXPECT_TRUE(c.is_error());
  EXPECT_EQ(c.error().code(), EINVAL);
  c = a;
  EXPECT_EQ(c.value(), -22);
}

TEST(Result, TryPropagatesFirstError) {
  EXPECT_EQ(sum_digits("1234").value(), 10);
  auto r = sum_digits("12x4");
  ASSERT_TRUE(r.is_error());
  EXPECT_EQ(r.error(), Error(EINVAL));
}

TEST(Result, TryOnVoidResult) {
  EXPECT_EQ(half_of_even(8).value(), 4);
  EXPECT_EQ(half_of_even(7).error().code(), EDOM);
}

TEST(Result, HoldsNonTrivialTypes) {
  Result<std::string> s = std::string("kiln");
  Result<std::string> copy = s;
  EXPECT_EQ(copy.value(), "kiln");
  Result<std::unique_ptr<int>> p = std::make_unique<int>(5);
  auto owned = p.release_value();
  EXPECT_EQ(*owned, 5);
  Result<std::string> e = Error(ENOENT);
  e = s;  // assignment from a value-holding result
  EXPECT_EQ(e.value(), "kiln");
  e = Result<std::string>(Error(EIO));  // and back to an error
  EXPECT_EQ(e.error().code(), EIO);
  Result<std::string> moved = std::move(s);
  EXPECT_EQ(moved.value(), "kiln");
}

// The destructor of a held value runs exactly once, also across
// assignments between value and error.
TEST(Result, NonTrivialLifetime) {
  auto counter = std::make_shared<int>(0);
  {
    Result<std::shared_ptr<int>> r = counter;
    EXPECT_EQ(counter.use_count(), 2);
    Result<std::shared_ptr<int>> c = r;
    EXPECT_EQ(counter.use_count(), 3);
    c = Result<std::shared_ptr<int>>(Error(EIO));
    EXPECT_EQ(counter.use_count(), 2);
    r = r;  // self-assignment keeps the value
    EXPECT_EQ(counter.use_count(), 2);
  }
  EXPECT_EQ(counter.use_count(), 1);
}

// Misuse is a checked failure (kiln_assert_fail: the host fake prints and
// aborts), naming the misuse and the caller's line, not a read of the
// other union member.
TEST(ResultDeathTest, ValueOfError) {
  Result<int> r = Error(EIO);
  EXPECT_DEATH((void)r.value(), "kiln::Result: value\\(\\) of an error \\(.*test_result.cpp:[0-9]+");
}

TEST(ResultDeathTest, ConstValueOfError) {
  const Result<std::string> r = Error(EIO);
  EXPECT_DEATH((void)r.value(), "kiln::Result: value\\(\\) of an error");
}

TEST(ResultDeathTest, ReleaseValueOfError) {
  Result<std::unique_ptr<int>> r = Error(ENOMEM);
  EXPECT_DEATH((void)r.release_value(), "kiln::Result: release_value\\(\\) of an error");
}

TEST(ResultDeathTest, ErrorOfValue) {
  Result<int> r = Ok(1);
  EXPECT_DEATH((void)r.error(), "kiln::Result: error\\(\\) of a value");
}

TEST(ResultDeathTest, ErrorOfVoidSuccess) {
  Result<void> r;
  EXPECT_DEATH((void)r.error(), "kiln::Result: error\\(\\) of a success");
}

}  // namespace
