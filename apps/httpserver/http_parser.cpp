// HTTP/1.x request-head parser (see http_parser.h). Strict where RFC 9112
// asks a server to reject: whitespace before a header's colon, obsolete
// line folding, a bad or conflicting Content-Length, Transfer-Encoding
// together with Content-Length, a missing or repeated Host in HTTP/1.1,
// control characters.
#include "http_parser.h"

namespace http {
namespace {

bool is_tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Method method_of(std::string_view m) {
  if (m == "GET") return Method::Get;
  if (m == "HEAD") return Method::Head;
  if (m == "POST") return Method::Post;
  if (m == "PUT") return Method::Put;
  if (m == "DELETE") return Method::Delete;
  if (m == "OPTIONS") return Method::Options;
  if (m == "PATCH") return Method::Patch;
  if (m == "CONNECT") return Method::Connect;
  if (m == "TRACE") return Method::Trace;
  return Method::Other;
}

// Next line of s from pos (without its CRLF/LF); false if no full line yet.
bool next_line(std::string_view s, size_t& pos, std::string_view& line) {
  size_t nl = s.find('\n', pos);
  if (nl == std::string_view::npos) return false;
  size_t end = nl;
  if (end > pos && s[end - 1] == '\r') --end;
  line = s.substr(pos, end - pos);
  pos = nl + 1;
  return true;
}

bool parse_size(std::string_view v, size_t& out) {
  if (v.empty() || v.size() > 18) return false;
  size_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  out = n;
  return true;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

Status parse_request(std::string_view buf, size_t max_head, Request& out) {
  out = Request{};
  // The whole head must be there (and within max_head) before parsing.
  size_t pos = 0;
  while (pos < buf.size() && (buf[pos] == '\r' || buf[pos] == '\n')) ++pos;
  size_t start = pos;
  size_t end = std::string_view::npos;
  for (size_t i = start; i < buf.size(); ++i) {
    if (buf[i] != '\n') continue;
    // A line that is empty (LF or CRLF right after the previous LF) ends the head.
    if (i + 1 < buf.size() && buf[i + 1] == '\n') { end = i + 2; break; }
    if (i + 2 < buf.size() && buf[i + 1] == '\r' && buf[i + 2] == '\n') { end = i + 3; break; }
  }
  if (end == std::string_view::npos) return buf.size() > max_head ? Status::TooLarge : Status::Incomplete;
  if (end > max_head) return Status::TooLarge;
  out.head_len = end;
  std::string_view head = buf.substr(0, end);

  std::string_view line;
  pos = start;
  if (!next_line(head, pos, line)) return Status::Bad;
  // method SP target SP HTTP/1.x, single spaces.
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return Status::Bad;
  size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) return Status::Bad;
  out.method_text = line.substr(0, sp1);
  out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!is_token(out.method_text)) return Status::Bad;
  out.method = method_of(out.method_text);
  if (out.target.empty()) return Status::Bad;
  for (char c : out.target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return Status::Bad;
  if (out.target != "*" && out.target.front() != '/') return Status::Bad;
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' || version[5] < '0' ||
      version[5] > '9' || version[7] < '0' || version[7] > '9')
    return Status::Bad;
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) return Status::BadVersion;
  out.minor = version[7] - '0';
  out.keep_alive = out.minor == 1;
  size_t q = out.target.find('?');
  out.path = q == std::string_view::npos ? out.target : out.target.substr(0, q);

  bool have_cl = false, have_te = false, saw_close = false, saw_keep = false;
  unsigned hosts = 0;
  while (next_line(head, pos, line)) {
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') return Status::Bad;  // obsolete folding
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Status::Bad;
    std::string_view name = line.substr(0, colon);
    if (!is_token(name)) return Status::Bad;  // also rejects "Name :"
    std::string_view value = trim(line.substr(colon + 1));
    for (char c : value)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return Status::Bad;
    ++out.header_count;
    if (iequals(name, "content-length")) {
      size_t n;
      if (!parse_size(value, n)) return Status::Bad;
      if (have_cl && n != out.content_length) return Status::Bad;
      have_cl = true;
      out.content_length = n;
    } else if (iequals(name, "transfer-encoding")) {
      have_te = true;
      // Only "chunked" as the final coding is acceptable from a client.
      std::string_view last = value;
      size_t comma = value.rfind(',');
      if (comma != std::string_view::npos) last = trim(value.substr(comma + 1));
      if (!iequals(last, "chunked")) return Status::Bad;
      out.chunked = true;
    } else if (iequals(name, "host")) {
      ++hosts;
      out.host = value;
    } else if (iequals(name, "connection")) {
      std::string_view v = value;
      while (!v.empty()) {
        size_t comma = v.find(',');
        std::string_view tok = trim(v.substr(0, comma));
        if (iequals(tok, "close")) saw_close = true;
        else if (iequals(tok, "keep-alive")) saw_keep = true;
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
      }
    }
  }
  if (have_cl && have_te) return Status::Bad;
  if (out.minor == 1 && hosts != 1) return Status::Bad;
  if (hosts > 1) return Status::Bad;
  if (saw_close) out.keep_alive = false;
  else if (saw_keep) out.keep_alive = true;
  return Status::Complete;
}

}  // namespace http
