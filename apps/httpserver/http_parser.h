// HTTP/1.x request-head parser for apps/httpserver. Portable C++20 with no
// dependencies beyond <string_view>: it also compiles on the host, where
// tests/host/test_http_parser.cpp checks it.
#pragma once
#include <cstddef>
#include <string_view>

namespace http {

enum class Method { Get, Head, Post, Put, Delete, Options, Patch, Connect, Trace, Other };

struct Request {
  Method method = Method::Other;
  std::string_view method_text;
  std::string_view target;  // as sent (origin form "/path?query", or "*")
  std::string_view path;    // target without the query
  std::string_view host;
  int minor = 1;            // HTTP/1.<minor>
  bool keep_alive = true;
  bool chunked = false;     // Transfer-Encoding: chunked
  size_t content_length = 0;
  size_t head_len = 0;      // bytes of the request line and headers, with the blank line
  unsigned header_count = 0;
};

enum class Status {
  Complete,    // out is filled; the head is out.head_len bytes long
  Incomplete,  // need more bytes (and fewer than max_head so far)
  Bad,         // malformed: answer 400 and close
  TooLarge,    // the head exceeds max_head: answer 431 and close
  BadVersion,  // well-formed but not HTTP/1.0 or 1.1: answer 505 and close
};

// Parse the request head at the start of buf. Leading empty lines are
// skipped (RFC 9112 2.2). Lines end in CRLF or a bare LF.
Status parse_request(std::string_view buf, size_t max_head, Request& out);

// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b);

}  // namespace http
