// Init tables: the linker sorts entries by level, then priority, whatever
// order they are declared or linked in (same linker fragment as images).
#include "fake_plat.h"

#include <kiln/init.h>
#include <kiln/option.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

namespace {

std::vector<std::string> calls;
bool fail_mode = false;

int late_050() { calls.push_back("late.050"); return 0; }
int early_900() { calls.push_back("early.900"); return 0; }
int lib_100() { calls.push_back("lib.100"); return 0; }
int early_010() { calls.push_back("early.010"); return 0; }
int lib_020() { calls.push_back("lib.020"); return fail_mode ? -ENODEV : 0; }
int plat_500() { calls.push_back("plat.500"); return 0; }

// Declared deliberately out of order.
KILN_INIT(late, 050, late_050);
KILN_INIT(early, 900, early_900);
KILN_INIT(lib, 100, lib_100);
KILN_INIT(early, 010, early_010);
KILN_INIT(lib, 020, lib_020);
KILN_INIT(plat, 500, plat_500);

int opt_value = 0;
int set_opt(const char* v) {
  if (std::string(v) == "bad") return -EINVAL;
  opt_value = std::stoi(v);
  return 0;
}
KILN_OPTION("test.value", set_opt, "a number for the tests");

}  // namespace

extern "C" const kiln_init_entry __kiln_init_start[], __kiln_init_end[];

TEST(InitTable, RunsInLevelThenPriorityOrder) {
  calls.clear();
  fail_mode = false;
  ASSERT_EQ(kiln_run_inits(__kiln_init_start, __kiln_init_end), 0);
  EXPECT_EQ(calls, (std::vector<std::string>{"early.010", "early.900", "plat.500", "lib.020",
                                             "lib.100", "late.050"}));
}

TEST(InitTable, FailureStopsAndNamesTheInit) {
  calls.clear();
  fake::console().clear();
  fail_mode = true;
  EXPECT_EQ(kiln_run_inits(__kiln_init_start, __kiln_init_end), -ENODEV);
  fail_mode = false;
  EXPECT_EQ(calls, (std::vector<std::string>{"early.010", "early.900", "plat.500", "lib.020"}));
  EXPECT_NE(fake::console().find("init lib_020 (level lib) failed"), std::string::npos)
      << fake::console();
}

TEST(InitTable, OutOfOrderTableIsRejected) {
  calls.clear();
  const kiln_init_entry bad[] = {{plat_500, "plat_500", 1, 500}, {early_010, "early_010", 0, 10}};
  EXPECT_EQ(kiln_run_inits(bad, bad + 2), -EINVAL);
  EXPECT_EQ(calls, (std::vector<std::string>{"plat.500"}));
}

TEST(Options, AppliesKnownRejectsUnknownAndBadValues) {
  fake::console().clear();
  EXPECT_EQ(kiln_option_apply("test.value=42"), 0);
  EXPECT_EQ(opt_value, 42);
  EXPECT_EQ(kiln_option_apply("test.value=bad"), -EINVAL);
  EXPECT_NE(fake::console().find("bad value for option test.value"), std::string::npos);
  EXPECT_EQ(kiln_option_apply("nosuch=1"), -ENOENT);
  EXPECT_NE(fake::console().find("unknown option 'nosuch'"), std::string::npos);
  EXPECT_EQ(kiln_option_apply("novalue"), -EINVAL);
  EXPECT_EQ(kiln_option_apply("log.level=debug"), 0);
  EXPECT_EQ(kiln_option_apply("log.level=loud"), -EINVAL);
  EXPECT_EQ(kiln_option_apply("log.level=warn"), 0);
}

TEST(Options, HelpListsOptionsAndExitsZero) {
  fake::console().clear();
  try {
    kiln_option_apply("help");
    FAIL() << "help did not exit";
  } catch (const fake::Exit& e) {
    EXPECT_EQ(e.status, 0);
  }
  EXPECT_NE(fake::console().find("test.value"), std::string::npos);
  EXPECT_NE(fake::console().find("log.level"), std::string::npos);
}
