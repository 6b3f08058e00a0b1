#include <kiln/result.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

using kiln::Error;
using kiln::Result;

namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return Error(EINVAL);
  return c - '0';
}

Result<int> sum_digits(const char* s) {
  int total = 0;
  for (; *s; ++s) total += KILN_TRY(parse_digit(*s));
  return total;
}

Result<void> must_be_even(int v) {
  if (v % 2) return Error(EDOM);
  return {};
}

Result<int> half_of_even(int v) {
  KILN_TRY(must_be_even(v));
  return v / 2;
}

TEST(Result, ValueAndError) {
  Result<int> ok = 7;
  EXPECT_TRUE(ok.ok());
  EXPECT_FALSE(ok.is_error());
  EXPECT_EQ(ok.value(), 7);
  Result<int> bad = Error(ENOMEM);
  EXPECT_TRUE(bad.is_error());
  EXPECT_EQ(bad.error().code(), ENOMEM);
  EXPECT_EQ(bad.error().as_negative(), -ENOMEM);
  EXPECT_EQ(bad.value_or(-1), -1);
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
}

}  // namespace
