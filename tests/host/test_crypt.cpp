// lib/crypt against the host's crypt(3) (libxcrypt on Debian): the same
// key and setting give the same hash, for every scheme and for keys with
// bytes over 0x7f (bcrypt's $2a$/$2x$/$2y$ differ exactly there); invalid
// settings give the failure texts; crypt_r keeps its state in crypt_data.
#include <crypt.h>  // the host's
#include <gtest/gtest.h>
#include <string.h>

#include <string>

extern "C" char* kiln_test_crypt(const char* key, const char* setting);
struct kiln_crypt_data {  // lib/crypt/include/crypt.h's struct crypt_data
  int initialized;
  char output[256];
  unsigned work[1042];
};
extern "C" char* kiln_test_crypt_r(const char* key, const char* setting, kiln_crypt_data* data);

namespace {

const char* const kKeys[] = {"", "a", "password", "Hello world!", "Aa@\xaa 0123456789", "\xff\xff\xff\xa3\x33\x01\x40",
                             "\x80", "a\x80", "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                             "Xy01@#\x01\x02\x80\x7f\xff\r\n\x81\t !",
                             "a key longer than SHA-512's 64 bytes and than 256 bytes, as some pass phrases are: "
                             "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123"
                             "4567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567"};
const char* const kSettings[] = {
    "ab", "..", "zZ", "/9",                                             // DES
    "$1$", "$1$salt$", "$1$saltsaltsalt$", "$1$a$",                     // MD5
    "$5$", "$5$saltstring", "$5$rounds=1000$x$", "$5$rounds=2222$0123456789abcdefghij",
    "$6$", "$6$saltstring", "$6$rounds=1000$x$", "$6$rounds=1500$0123456789abcdefghij",
    "$2a$04$abcdefghijklmnopqrstuu", "$2b$04$abcdefghijklmnopqrstuu", "$2y$05$0123456789012345678901",
    "$2x$04$abcdefghijklmnopqrstuu", "$2a$04$......................",
};

TEST(Crypt, SameAsHostCrypt) {
  int compared = 0;
  for (const char* s : kSettings)
    for (const char* k : kKeys) {
      const char* host = crypt(k, s);
      ASSERT_NE(host, nullptr);
      if (host[0] == '*') continue;  // a scheme the host's build leaves out
      std::string want = host;
      const char* got = kiln_test_crypt(k, s);
      ASSERT_NE(got, nullptr);
      EXPECT_EQ(want, got) << "setting " << s << " key #" << (&k - kKeys);
      ++compared;
    }
  EXPECT_GT(compared, 150);  // every scheme was there to compare with
}

TEST(Crypt, PublishedVectors) {
  // Drepper's specification's own examples, and MD5-crypt's.
  EXPECT_STREQ(kiln_test_crypt("Hello world!", "$5$saltstring"), "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5");
  EXPECT_STREQ(kiln_test_crypt("Hello world!", "$6$saltstring"),
               "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1");
  EXPECT_STREQ(kiln_test_crypt("the minimum number is still observed", "$5$rounds=10$roundstoolow"),
               "$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC");
}

TEST(Crypt, InvalidSettingsFail) {
  for (const char* s : {"$2a$00$0123456789012345678901", "$2a$08$01234567890123456789", "$2a$32$0123456789012345678901",
                        "$2c$04$0123456789012345678901", "$5$rounds=$x", "$5$rounds=12x$x", "a", "", "$", "$9$x$", "_J9..CCCC",
                        "a!"})
    EXPECT_STREQ(kiln_test_crypt("key", s), "*") << s;
  EXPECT_STREQ(kiln_test_crypt("key", "*"), "*0");
  EXPECT_STREQ(kiln_test_crypt("key", "*0"), "*1");
  EXPECT_STREQ(kiln_test_crypt("key", "*1"), "*0");
}

TEST(Crypt, ReentrantState) {
  kiln_crypt_data a{}, b{};
  char* ha = kiln_test_crypt_r("one", "$2b$04$abcdefghijklmnopqrstuu", &a);
  char* hb = kiln_test_crypt_r("two", "$6$s$", &b);
  ASSERT_TRUE(ha && hb);
  EXPECT_EQ(ha, a.output);
  EXPECT_EQ(hb, b.output);
  EXPECT_STREQ(ha, crypt("one", "$2b$04$abcdefghijklmnopqrstuu"));
  EXPECT_STREQ(hb, crypt("two", "$6$s$"));
  // A hash verifies: crypt(key, hash) == hash.
  std::string h = ha;
  EXPECT_STREQ(kiln_test_crypt("one", h.c_str()), h.c_str());
  EXPECT_STRNE(kiln_test_crypt("one!", h.c_str()), h.c_str());
}

}  // namespace
