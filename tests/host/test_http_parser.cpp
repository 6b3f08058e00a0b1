// apps/httpserver's request parser, compiled for the host.
#include "http_parser.h"
#include <gtest/gtest.h>

#include <random>
#include <string>

using http::Method;
using http::Request;
using http::Status;

namespace {

Status parse(const std::string& s, Request& r, size_t max = 8192) { return http::parse_request(s, max, r); }

TEST(HttpParser, SimpleGet) {
  Request r;
  std::string s = "GET /index.html?x=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n";
  ASSERT_EQ(parse(s, r), Status::Complete);
  EXPECT_EQ(r.method, Method::Get);
  EXPECT_EQ(r.target, "/index.html?x=1");
  EXPECT_EQ(r.path, "/index.html");
  EXPECT_EQ(r.host, "a");
  EXPECT_EQ(r.minor, 1);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.head_len, s.size());
  EXPECT_EQ(r.header_count, 2u);
}

TEST(HttpParser, IncompleteUntilBlankLine) {
  Request r;
  std::string s = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  for (size_t i = 0; i < s.size(); ++i) EXPECT_EQ(parse(s.substr(0, i), r), Status::Incomplete) << i;
  EXPECT_EQ(parse(s, r), Status::Complete);
}

TEST(HttpParser, PipelinedHeadLength) {
  Request r;
  std::string a = "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n";
  ASSERT_EQ(parse(a + "GET /x HTTP/1.1\r\nHost: a\r\n\r\n", r), Status::Complete);
  EXPECT_EQ(r.method, Method::Head);
  EXPECT_EQ(r.head_len, a.size());
}

TEST(HttpParser, KeepAliveRules) {
  Request r;
  ASSERT_EQ(parse("GET / HTTP/1.0\r\n\r\n", r), Status::Complete);
  EXPECT_FALSE(r.keep_alive);
  ASSERT_EQ(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", r), Status::Complete);
  EXPECT_TRUE(r.keep_alive);
  ASSERT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n", r), Status::Complete);
  EXPECT_FALSE(r.keep_alive);
}

TEST(HttpParser, BareLfAndLeadingEmptyLines) {
  Request r;
  std::string s = "\r\n\r\nGET / HTTP/1.1\nHost: a\n\n";  // r points into s
  ASSERT_EQ(parse(s, r), Status::Complete);
  EXPECT_EQ(r.path, "/");
}

TEST(HttpParser, ContentLength) {
  Request r;
  ASSERT_EQ(parse("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\nbody", r), Status::Complete);
  EXPECT_EQ(r.method, Method::Post);
  EXPECT_EQ(r.content_length, 12u);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", r), Status::Complete);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", r), Status::Bad);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", r), Status::Bad);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", r), Status::Bad);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", r), Status::Bad);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", r),
            Status::Bad);
}

TEST(HttpParser, TransferEncoding) {
  Request r;
  ASSERT_EQ(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", r), Status::Complete);
  EXPECT_TRUE(r.chunked);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", r), Status::Bad);
}

TEST(HttpParser, MalformedRequestLines) {
  Request r;
  for (const char* s : {"GET\r\n\r\n", "GET /\r\n\r\n", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
                        "GET / HTTP/1.1 x\r\nHost: a\r\n\r\n", "GET x HTTP/1.1\r\nHost: a\r\n\r\n",
                        "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", "GET / HTTP/1\r\nHost: a\r\n\r\n",
                        "GET / FTP/1.1\r\nHost: a\r\n\r\n", "GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n",
                        "GET / HTTP/1.x\r\nHost: a\r\n\r\n"})
    EXPECT_EQ(parse(s, r), Status::Bad) << s;
  EXPECT_EQ(parse("GET / HTTP/2.0\r\n\r\n", r), Status::BadVersion);
  EXPECT_EQ(parse("GET / HTTP/1.2\r\nHost: a\r\n\r\n", r), Status::BadVersion);
}

TEST(HttpParser, MalformedHeaders) {
  Request r;
  for (const char* s : {"GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
                        "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n  folded\r\n\r\n",
                        "GET / HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n",
                        "GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"})
    EXPECT_EQ(parse(s, r), Status::Bad) << s;
}

TEST(HttpParser, TooLarge) {
  Request r;
  std::string big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(10000, 'a') + "\r\n\r\n";
  EXPECT_EQ(parse(big, r), Status::TooLarge);
  EXPECT_EQ(parse(big.substr(0, 9000), r), Status::TooLarge);  // no end yet, already over
  EXPECT_EQ(parse(big.substr(0, 5000), r), Status::Incomplete);
  EXPECT_EQ(parse(big, r, 20000), Status::Complete);
}

TEST(HttpParser, RandomBytesNeverCrashOrAccept) {
  std::mt19937 rng(1234);
  Request r;
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 200, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    s += "\r\n\r\n";
    Status st = parse(s, r);
    if (st == Status::Complete) {
      EXPECT_LE(r.head_len, s.size());
      EXPECT_FALSE(r.target.empty());
    }
  }
}

TEST(HttpParser, Iequals) {
  EXPECT_TRUE(http::iequals("Content-Length", "content-length"));
  EXPECT_FALSE(http::iequals("Content-Length", "content-lengt"));
}

}  // namespace
