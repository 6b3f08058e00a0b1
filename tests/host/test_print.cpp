#include "fake_plat.h"

#include <kiln/print.h>
#include <gtest/gtest.h>

#include <climits>
#include <cstdio>
#include <string>

namespace {

template <typename... Args>
void same_as_libc(const char* fmt, Args... args) {
  char ours[256], theirs[256];
  int a = kiln_snprintf(ours, sizeof ours, fmt, args...);
  int b = std::snprintf(theirs, sizeof theirs, fmt, args...);
  EXPECT_STREQ(ours, theirs) << "format " << fmt;
  EXPECT_EQ(a, b) << "format " << fmt;
}

TEST(Vsnprintf, MatchesLibcOnTheSubset) {
  same_as_libc("%d %i %u", -42, 17, 3000000000u);
  same_as_libc("%ld %lu %lld %llu", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX);
  same_as_libc("%x %X %#x %o", 0xbeefu, 0xbeefu, 255u, 8u);
  same_as_libc("[%5d] [%-5d] [%05d] [%08lx]", 42, 42, -42, 0x1234ul);
  same_as_libc("[%s] [%10s] [%-10s] [%.3s]", "kiln", "kiln", "kiln", "kilnkiln");
  same_as_libc("%c%c %%", 'o', 'k');
  same_as_libc("%zu %zd", static_cast<size_t>(123456), static_cast<ssize_t>(-5));
  same_as_libc("%*d|%.*s", 6, 7, 2, "abc");
}

TEST(Vsnprintf, TruncatesAndReportsFullLength) {
  char buf[8];
  EXPECT_EQ(kiln_snprintf(buf, sizeof buf, "%s", "0123456789"), 10);
  EXPECT_STREQ(buf, "0123456");
  EXPECT_EQ(kiln_snprintf(nullptr, 0, "%d", 12345), 5);
  const char* volatile null_string = nullptr;
  EXPECT_EQ(kiln_snprintf(buf, sizeof buf, "%s", null_string), 6);
  EXPECT_STREQ(buf, "(null)");
}

TEST(Printk, LevelsPrefixAndFilter) {
  fake::console().clear();
  int saved = kiln_log_level;
  kiln_log_level = KILN_LOG_WARN;
  kiln_warn("disk %d is %s", 3, "slow");
  kiln_info("not shown at warn level");
  kiln_err("broken");
  kiln_log_level = saved;
  EXPECT_EQ(fake::console(), "kiln: warning: disk 3 is slow\nkiln: error: broken\n");
}

}  // namespace
