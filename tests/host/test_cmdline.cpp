#include <kiln/init.h>
#include <kiln/option.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

namespace {

std::vector<std::string> split(std::string line, int max = 16, int* rc = nullptr) {
  std::vector<char> buf(line.begin(), line.end());
  buf.push_back('\0');
  std::vector<char*> argv(max + 1);
  int n = kiln_cmdline_split(buf.data(), argv.data(), max);
  if (rc) *rc = n;
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(argv[i]);
  return out;
}

TEST(Cmdline, SplitsOnWhitespace) {
  EXPECT_EQ(split("  log.level=info  --  a\tb\n"),
            (std::vector<std::string>{"log.level=info", "--", "a", "b"}));
  EXPECT_TRUE(split("").empty());
  EXPECT_TRUE(split("   ").empty());
}

TEST(Cmdline, QuotesAndEscapes) {
  EXPECT_EQ(split(R"(-- "hello world" 'it''s' a\ b "q\"x")"),
            (std::vector<std::string>{"--", "hello world", "its", "a b", "q\"x"}));
  EXPECT_EQ(split(R"(x="" y)"), (std::vector<std::string>{"x=", "y"}));
}

TEST(Cmdline, Errors) {
  int rc = 0;
  split("a \"unterminated", 16, &rc);
  EXPECT_EQ(rc, -EINVAL);
  split("a b c d", 3, &rc);
  EXPECT_EQ(rc, -E2BIG);
  split("a b c", 3, &rc);
  EXPECT_EQ(rc, 3);
}

TEST(Options, ParseSize) {
  unsigned long v = 0;
  EXPECT_EQ(kiln_parse_size("4096", &v), 0);
  EXPECT_EQ(v, 4096u);
  EXPECT_EQ(kiln_parse_size("64K", &v), 0);
  EXPECT_EQ(v, 64u << 10);
  EXPECT_EQ(kiln_parse_size("16m", &v), 0);
  EXPECT_EQ(v, 16u << 20);
  EXPECT_EQ(kiln_parse_size("2G", &v), 0);
  EXPECT_EQ(v, 2ul << 30);
  EXPECT_EQ(kiln_parse_size("0x1000", &v), 0);
  EXPECT_EQ(v, 4096u);
  for (const char* bad : {"", "M", "12Q", "-1", "1.5M", "99999999999999999999", "18446744073709551615G"})
    EXPECT_EQ(kiln_parse_size(bad, &v), -EINVAL) << bad;
}

}  // namespace
