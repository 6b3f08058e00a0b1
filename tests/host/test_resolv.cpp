// lib/socket's DNS name handling (src/dname.cpp): dn_expand on compressed
// names and on hostile ones (loops, pointers out of the message, over-long
// names, reserved label types), dn_comp with compression, dn_skipname.
#include <gtest/gtest.h>
#include <string.h>

#include <string>
#include <vector>

extern "C" {
int dn_expand(const unsigned char* msg, const unsigned char* eom, const unsigned char* src, char* dst, int dstsiz);
int dn_comp(const char* src, unsigned char* dst, int dstsiz, unsigned char** dnptrs, unsigned char** lastdnptr);
int dn_skipname(const unsigned char* src, const unsigned char* eom);
unsigned ns_get16(const unsigned char*);
unsigned long ns_get32(const unsigned char*);
void ns_put16(unsigned, unsigned char*);
void ns_put32(unsigned long, unsigned char*);
}

namespace {

using Bytes = std::vector<unsigned char>;

int expand(const Bytes& m, size_t at, std::string* out, int size = 1025) {
  std::vector<char> buf(static_cast<size_t>(size) + 1, 'X');
  int r = dn_expand(m.data(), m.data() + m.size(), m.data() + at, buf.data(), size);
  if (r >= 0) *out = buf.data();
  return r;
}

TEST(DnExpand, PlainAndCompressed) {
  // "www.example.com" at 0, then "mail" + pointer to "example.com" at 4.
  Bytes m = {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 4, 'm', 'a', 'i', 'l', 0xc0, 4};
  std::string s;
  EXPECT_EQ(expand(m, 0, &s), 17);
  EXPECT_EQ(s, "www.example.com");
  EXPECT_EQ(expand(m, 17, &s), 7);
  EXPECT_EQ(s, "mail.example.com");
  EXPECT_EQ(dn_skipname(m.data() + 17, m.data() + m.size()), 7);
  EXPECT_EQ(dn_skipname(m.data(), m.data() + m.size()), 17);
}

TEST(DnExpand, EmptyAndPointerToRoot) {  // libc-test's dn_expand-empty and dn_expand-ptr-0
  Bytes e = {0};
  std::string s = "x";
  EXPECT_EQ(expand(e, 0, &s, 1), 1);
  EXPECT_EQ(s, "");
  Bytes p = {2, 'p', 'q', 0xc0, 5, 0};
  EXPECT_EQ(expand(p, 0, &s, 3), 5);
  EXPECT_EQ(s, "pq");
  Bytes q = {0xc0, 2, 0};
  EXPECT_EQ(expand(q, 0, &s, 1), 2);
  EXPECT_EQ(s, "");
}

TEST(DnExpand, HostileNames) {
  std::string s;
  EXPECT_EQ(expand({0xc0, 0}, 0, &s), -1);                 // a pointer to itself
  EXPECT_EQ(expand({1, 'a', 0xc0, 0}, 0, &s), -1);         // a loop through a label
  EXPECT_EQ(expand({1, 'a', 0xc0, 200}, 0, &s), -1);       // out of the message
  EXPECT_EQ(expand({1, 'a', 0xc0}, 0, &s), -1);            // a pointer cut short
  EXPECT_EQ(expand({5, 'a', 'b'}, 0, &s), -1);             // a label past the end
  EXPECT_EQ(expand({1, 'a'}, 0, &s), -1);                  // no root label
  EXPECT_EQ(expand({0x41, 'a', 0}, 0, &s), -1);            // reserved label types
  EXPECT_EQ(expand({0x81, 'a', 0}, 0, &s), -1);
  Bytes longname;
  for (int i = 0; i < 5; ++i) {  // 5 x 64 wire bytes: over 255
    longname.push_back(63);
    longname.insert(longname.end(), 63, 'a');
  }
  longname.push_back(0);
  EXPECT_EQ(expand(longname, 0, &s), -1);
  Bytes fits(longname.begin(), longname.begin() + 255);  // 3 x 64 + 62 + the root: 255, the most
  fits[192] = 61;
  fits[254] = 0;
  EXPECT_EQ(expand(fits, 0, &s), 255);
  EXPECT_EQ(s.size(), 63u * 3 + 61 + 3);
  Bytes over = fits;  // one byte more
  over[192] = 62;
  over[254] = 'a';
  over.push_back(0);
  EXPECT_EQ(expand(over, 0, &s), -1);
  EXPECT_EQ(expand({3, 'a', 'b', 'c', 0}, 0, &s, 3), -1);  // does not fit the caller's buffer
  EXPECT_EQ(expand({3, 'a', 'b', 'c', 0}, 0, &s, 4), 5);
  EXPECT_EQ(dn_skipname(Bytes{1, 'a'}.data(), nullptr), -1);
}

TEST(DnExpand, Escapes) {
  std::string s;
  EXPECT_EQ(expand({3, 'a', '.', 1, 0}, 0, &s), 5);
  EXPECT_EQ(s, "a\\.\\001");
  unsigned char w[64];
  ASSERT_EQ(dn_comp("a\\.\\001", w, sizeof w, nullptr, nullptr), 5);
  EXPECT_EQ(Bytes(w, w + 5), (Bytes{3, 'a', '.', 1, 0}));
}

TEST(DnComp, CompressesAgainstEarlierNames) {
  unsigned char msg[512] = {};
  unsigned char* ptrs[8] = {msg, nullptr};
  unsigned char** last = ptrs + 8;
  int a = dn_comp("www.example.com", msg + 12, 500, ptrs, last);
  ASSERT_EQ(a, 17);
  int b = dn_comp("MAIL.Example.COM.", msg + 12 + a, 500, ptrs, last);
  ASSERT_EQ(b, 7);  // 4 mail + a pointer to example.com at 16
  EXPECT_EQ(msg[12 + a + 5], 0xc0);
  EXPECT_EQ(msg[12 + a + 6], 16);
  int c = dn_comp("www.example.com", msg + 12 + a + b, 500, ptrs, last);
  EXPECT_EQ(c, 2);  // all of it a pointer
  std::string s;
  Bytes m(msg, msg + 12 + a + b + c);
  EXPECT_EQ(expand(m, 12 + a, &s), 7);
  EXPECT_EQ(s, "MAIL.example.com");
  EXPECT_EQ(expand(m, 12 + a + b, &s), 2);
  EXPECT_EQ(s, "www.example.com");
  EXPECT_EQ(dn_comp(".", msg, 1, nullptr, nullptr), 1);
  EXPECT_EQ(dn_comp("a..b", msg, 64, nullptr, nullptr), -1);
  EXPECT_EQ(dn_comp(std::string(64, 'x').c_str(), msg, 512, nullptr, nullptr), -1);
  EXPECT_EQ(dn_comp("abc", msg, 4, nullptr, nullptr), -1);  // 5 bytes do not fit in 4
}

TEST(NsGetPut, BigEndian) {
  unsigned char b[4];
  ns_put16(0x1234, b);
  EXPECT_EQ(b[0], 0x12);
  EXPECT_EQ(ns_get16(b), 0x1234u);
  ns_put32(0xdeadbeef, b);
  EXPECT_EQ(b[0], 0xde);
  EXPECT_EQ(ns_get32(b), 0xdeadbeefu);
}

}  // namespace
