// lib/ninep's codec and client against a fake 9P server (a Channel that
// answers in submit(), or later when the client waits): good replies, and
// malformed ones (short, oversized, wrong size field, wrong tag, wrong
// type, lengths past the end, insane qids and attributes) -> clean errors.
#include <gtest/gtest.h>
#include <kiln/ninep.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

using namespace kiln::ninep;

// What lib/ninep needs from the kernel: memory and the wait contract.
static std::function<void()> g_on_wait;
extern "C" void* kiln_malloc(size_t n) { return malloc(n); }
extern "C" void kiln_free(void* p) { free(p); }
extern "C" void kiln_plat_wake_event(void) {}
extern "C" void kiln_plat_wait_event(uint64_t) {
  ASSERT_TRUE(g_on_wait) << "the client waits with nothing to wake it";
  auto f = g_on_wait;
  f();
}

namespace {

using Bytes = std::vector<uint8_t>;

struct B {
  Bytes b;
  B& u8(uint8_t v) { b.push_back(v); return *this; }
  B& u16(uint16_t v) { u8(v & 0xff); return u8(v >> 8); }
  B& u32(uint32_t v) { for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(v >> (8 * i))); return *this; }
  B& u64(uint64_t v) { for (int i = 0; i < 8; ++i) u8(static_cast<uint8_t>(v >> (8 * i))); return *this; }
  B& str(const std::string& s) { u16(static_cast<uint16_t>(s.size())); b.insert(b.end(), s.begin(), s.end()); return *this; }
  B& qid(uint8_t type, uint64_t path) { u8(type); u32(0); return u64(path); }
  B& raw(const Bytes& x) { b.insert(b.end(), x.begin(), x.end()); return *this; }
};

// A whole message: size[4] type[1] tag[2] body.
Bytes msg(uint8_t type, uint16_t tag, const Bytes& body) {
  B m;
  m.u32(static_cast<uint32_t>(7 + body.size())).u8(type).u16(tag).raw(body);
  return m.b;
}

struct Seen {
  Request* r;
  uint8_t type;
  uint16_t tag;
  Bytes out;
};

class FakeServer final : public Channel {
 public:
  const char* tag() const override { return "fake"; }
  uint32_t max_msize() const override { return 65536 + 24; }
  kiln::Result<void> submit(Request* r) override {
    if (refuse) return kiln::Error(EAGAIN);
    Seen s{r, r->out[4], static_cast<uint16_t>(r->out[5] | r->out[6] << 8), Bytes(r->out, r->out + r->out_len)};
    seen.push_back(s);
    pending.push_back(s);
    if (!defer) flush();
    return {};
  }
  // Answers every pending request (newest first with reverse).
  void flush(bool reverse = false) {
    auto p = pending;
    pending.clear();
    if (reverse) std::reverse(p.begin(), p.end());
    for (auto& s : p) {
      Bytes rep = answer(s);
      size_t k = std::min(rep.size(), s.r->in_cap);
      memcpy(s.r->in, rep.data(), k);
      s.r->in_len = report_len ? report_len : rep.size();
      s.r->status = status;
      s.r->done(s.r);
    }
  }
  std::function<Bytes(const Seen&)> answer;
  bool defer = false, refuse = false;
  size_t report_len = 0;  // nonzero: the used length the transport claims
  int status = 0;
  std::vector<Seen> seen, pending;
};

// A client that has negotiated msize 8192.
struct NinepClient : ::testing::Test {
  FakeServer srv;
  Client c{&srv};
  void SetUp() override {
    g_on_wait = nullptr;
    srv.answer = [](const Seen& s) { return msg(101, s.tag, B().u32(8192).str("9P2000.L").b); };
    ASSERT_FALSE(c.version(8192).is_error());
    ASSERT_EQ(c.msize(), 8192u);
  }
  // The next replies: body for a reply of type+1 with the request's tag.
  void reply(const Bytes& body) {
    srv.answer = [body](const Seen& s) { return msg(static_cast<uint8_t>(s.type + 1), s.tag, body); };
  }
};

Bytes getattr_body(uint8_t qtype, uint32_t mode, uint64_t nsec = 5) {
  B b;
  b.u64(0x7ff).qid(qtype, 42).u32(mode).u32(1000).u32(100).u64(1).u64(0).u64(1234).u64(4096).u64(8);
  for (int i = 0; i < 3; ++i) b.u64(1700000000).u64(nsec);
  for (int i = 0; i < 4; ++i) b.u64(0);
  return b.b;
}

TEST(NinepCodec, WalkEncodesAsTheProtocolSays) {
  uint8_t buf[64];
  Writer w(buf, sizeof buf);
  w.begin(kTwalk, 3);
  w.u32(1);
  w.u32(2);
  w.u16(1);
  w.str("ab", 2);
  auto n = w.finish();
  ASSERT_FALSE(n.is_error());
  Bytes want = msg(kTwalk, 3, B().u32(1).u32(2).u16(1).str("ab").b);
  EXPECT_EQ(Bytes(buf, buf + n.value()), want);
}

TEST(NinepCodec, WriterOverflowIsAnErrorAndStaysInside) {
  uint8_t buf[16];
  memset(buf, 0xee, sizeof buf);
  Writer w(buf, 12);
  w.begin(kTclunk, 0);
  w.u32(7);
  w.u32(8);  // 15 bytes > 12
  EXPECT_EQ(w.finish().error().code(), EMSGSIZE);
  for (size_t i = 12; i < sizeof buf; ++i) EXPECT_EQ(buf[i], 0xee);
  std::string big(70000, 'x');
  uint8_t* huge = static_cast<uint8_t*>(malloc(80000));
  Writer w2(huge, 80000);
  w2.begin(kTwalk, 0);
  w2.str(big.data(), big.size());  // longer than a 9P string can be
  EXPECT_EQ(w2.finish().error().code(), EMSGSIZE);
  free(huge);
}

TEST(NinepCodec, ReaderNeverReadsPastTheEnd) {
  Bytes m = B().u16(10).raw({'a', 'b'}).b;  // a string that claims 10 bytes, has 2
  Reader r(m.data(), m.size());
  const char* s = nullptr;
  uint16_t len = 0;
  EXPECT_FALSE(r.str(&s, &len));
  EXPECT_EQ(r.left(), 4u);  // nothing consumed
  uint64_t v;
  EXPECT_FALSE(r.u64(&v));
  Qid q;
  EXPECT_FALSE(r.qid(&q));
  uint32_t x;
  EXPECT_TRUE(r.u32(&x));
  EXPECT_FALSE(r.u8(reinterpret_cast<uint8_t*>(&x)));
}

TEST(NinepCodec, ReplyHeaderChecks) {
  Bytes ok = msg(111, 5, B().u16(0).b);
  EXPECT_FALSE(check_reply(ok.data(), ok.size(), 64, kTwalk, 5).is_error());
  EXPECT_EQ(check_reply(ok.data(), 6, 64, kTwalk, 5).error().code(), EPROTO);            // short
  EXPECT_EQ(check_reply(ok.data(), ok.size(), 8, kTwalk, 5).error().code(), EPROTO);     // longer than the buffer
  EXPECT_EQ(check_reply(ok.data(), ok.size() - 1, 64, kTwalk, 5).error().code(), EPROTO); // size field != received
  EXPECT_EQ(check_reply(ok.data(), ok.size(), 64, kTwalk, 6).error().code(), EPROTO);    // wrong tag
  EXPECT_EQ(check_reply(ok.data(), ok.size(), 64, kTread, 5).error().code(), EPROTO);    // wrong type
  Bytes err = msg(kRlerror, 5, B().u32(39).b);
  EXPECT_EQ(check_reply(err.data(), err.size(), 64, kTwalk, 5).error().code(), ENOTEMPTY);
  Bytes err_long = msg(kRlerror, 5, B().u32(2).u32(0).b);
  EXPECT_EQ(check_reply(err_long.data(), err_long.size(), 64, kTwalk, 5).error().code(), EPROTO);
  Bytes err_unknown = msg(kRlerror, 5, B().u32(4000).b);
  EXPECT_EQ(check_reply(err_unknown.data(), err_unknown.size(), 64, kTwalk, 5).error().code(), EIO);
}

TEST(NinepCodec, DirentsChecked) {
  Bytes good = B().qid(kQtDir, 1).u64(1).u8(4).str(".").qid(0, 2).u64(2).u8(8).str("file").b;
  Reader r(good.data(), good.size());
  DirEnt e;
  ASSERT_TRUE(next_dirent(&r, &e).value());
  EXPECT_EQ(std::string(e.name, e.len), ".");
  ASSERT_TRUE(next_dirent(&r, &e).value());
  EXPECT_EQ(std::string(e.name, e.len), "file");
  EXPECT_EQ(e.offset, 2u);
  EXPECT_FALSE(next_dirent(&r, &e).value());
  for (const Bytes& bad : {B().qid(0, 2).u64(2).u8(8).str("a/b").b, B().qid(0, 2).u64(2).u8(8).str("").b,
                           B().qid(0, 2).u64(2).u8(8).u16(20).raw({'x'}).b, B().qid(0, 2).u64(2).b,
                           B().qid(kQtDir | kQtSymlink, 2).u64(2).u8(8).str("x").b}) {
    Reader rb(bad.data(), bad.size());
    EXPECT_EQ(next_dirent(&rb, &e).error().code(), EPROTO);
  }
}

TEST(NinepVersion, NegotiatesAndRefuses) {
  FakeServer srv;
  Client c(&srv);
  uint32_t asked = 0;
  srv.answer = [&](const Seen& s) {
    EXPECT_EQ(s.tag, kNoTag);
    Reader r(s.out.data() + 7, s.out.size() - 7);
    r.u32(&asked);
    return msg(101, kNoTag, B().u32(16384).str("9P2000.L").b);
  };
  ASSERT_FALSE(c.version(1 << 20).is_error());
  EXPECT_EQ(asked, srv.max_msize());  // the channel's limit
  EXPECT_EQ(c.msize(), 16384u);
  srv.answer = [](const Seen&) { return msg(101, kNoTag, B().u32(8192).str("unknown").b); };
  EXPECT_EQ(c.version(8192).error().code(), ENOTSUP);
  srv.answer = [](const Seen&) { return msg(101, kNoTag, B().u32(100).str("9P2000.L").b); };
  EXPECT_EQ(c.version(8192).error().code(), EPROTO);
  srv.answer = [](const Seen&) { return msg(101, kNoTag, B().u32(9000).str("9P2000.L").b); };
  EXPECT_EQ(c.version(8192).error().code(), EPROTO);  // more than asked
  srv.answer = [](const Seen&) { return msg(101, kNoTag, B().u32(8192).u16(30).b); };
  EXPECT_EQ(c.version(8192).error().code(), EPROTO);  // a string past the end
  EXPECT_GE(c.protocol_errors(), 3u);
}

TEST_F(NinepClient, GoodRepliesAreParsed) {
  reply(B().qid(kQtDir, 7).b);
  auto q = c.attach(1, "root", "", 0);
  ASSERT_FALSE(q.is_error());
  EXPECT_EQ(q.value().path, 7u);
  reply(B().u16(2).qid(kQtDir, 8).qid(0, 9).b);
  const char* names[2] = {"d", "f"};
  uint16_t lens[2] = {1, 1};
  auto w = c.walk(1, 2, names, lens, 2);
  ASSERT_FALSE(w.is_error());
  EXPECT_EQ(w.value().path, 9u);
  reply(getattr_body(0, S_IFREG | 0644));
  auto a = c.getattr(2);
  ASSERT_FALSE(a.is_error());
  EXPECT_EQ(a.value().size, 1234u);
  EXPECT_EQ(a.value().mode, static_cast<uint32_t>(S_IFREG | 0644));
  reply(B().qid(0, 9).u32(0).b);
  EXPECT_FALSE(c.lopen(2, kORdwr).is_error());
  reply(B().u32(5).raw({'h', 'e', 'l', 'l', 'o'}).b);
  char buf[16] = {};
  auto r = c.read(2, 0, buf, sizeof buf);
  ASSERT_FALSE(r.is_error());
  EXPECT_EQ(r.value(), 5u);
  EXPECT_STREQ(buf, "hello");
  reply(B().u32(3).b);
  EXPECT_EQ(c.write(2, 0, "abc", 3).value(), 3u);
  reply(B().str("target").b);
  char l[16] = {};
  EXPECT_EQ(c.readlink(3, l, sizeof l).value(), 6u);
  EXPECT_STREQ(l, "target");
  reply({});
  EXPECT_FALSE(c.clunk(2).is_error());
  reply(B().u32(0x01021994).u32(4096).u64(100).u64(50).u64(40).u64(10).u64(5).u64(1).u32(255).b);
  EXPECT_EQ(c.statfs(1).value().namelen, 255u);
}

TEST_F(NinepClient, ServerErrorsBecomeErrno) {
  srv.answer = [](const Seen& s) { return msg(kRlerror, s.tag, B().u32(2).b); };
  const char* names[1] = {"x"};
  uint16_t lens[1] = {1};
  EXPECT_EQ(c.walk(1, 2, names, lens, 1).error().code(), ENOENT);
  srv.answer = [](const Seen& s) { return msg(kRlerror, s.tag, B().u32(39).b); };
  EXPECT_EQ(c.unlinkat(1, "d", 1, kAtRemoveDir).error().code(), ENOTEMPTY);
  EXPECT_EQ(c.protocol_errors(), 0u);
}

TEST_F(NinepClient, MalformedRepliesAreEproto) {
  struct Case {
    const char* what;
    std::function<Bytes(const Seen&)> answer;
  };
  std::vector<Case> cases = {
      {"short", [](const Seen&) { return Bytes{5, 0, 0}; }},
      {"size field too big", [](const Seen& s) { auto m = msg(s.type + 1, s.tag, B().u32(1).u8('x').b); m[0] += 10; return m; }},
      {"size field too small", [](const Seen& s) { auto m = msg(s.type + 1, s.tag, B().u32(1).u8('x').b); m[0] -= 1; return m; }},
      {"wrong tag", [](const Seen& s) { return msg(s.type + 1, s.tag + 1, B().u32(1).u8('x').b); }},
      {"wrong type", [](const Seen& s) { return msg(s.type + 3, s.tag, B().u32(1).u8('x').b); }},
      {"count past the end", [](const Seen& s) { return msg(s.type + 1, s.tag, B().u32(100).u8('x').b); }},
      {"count above the request", [](const Seen& s) { return msg(s.type + 1, s.tag, B().u32(20).raw(Bytes(20, 'y')).b); }},
      {"oversized", [](const Seen& s) { return msg(s.type + 1, s.tag, B().u32(8000).raw(Bytes(9000, 'z')).b); }},
  };
  for (auto& k : cases) {
    srv.answer = k.answer;
    char buf[17];
    memset(buf, 0x55, sizeof buf);
    auto r = c.read(2, 0, buf, 16);
    ASSERT_TRUE(r.is_error()) << k.what;
    EXPECT_EQ(r.error().code(), EPROTO) << k.what;
    EXPECT_EQ(static_cast<uint8_t>(buf[16]), 0x55) << k.what;  // nothing written past the caller's buffer
  }
  // The transport claims more bytes than the reply buffer holds.
  reply(B().u32(1).u8('a').b);
  srv.report_len = 1 << 20;
  char one[1];
  EXPECT_EQ(c.read(2, 0, one, 1).error().code(), EPROTO);
  srv.report_len = 0;
  // Replies whose fields are not sane.
  reply(B().qid(0, 7).b);
  EXPECT_EQ(c.attach(1, "root", "", 0).error().code(), EPROTO);  // the root is not a directory
  reply(getattr_body(kQtDir, S_IFREG | 0644));
  EXPECT_EQ(c.getattr(1).error().code(), EPROTO);  // qid and mode disagree
  reply(getattr_body(0, S_IFREG | 0644, 1000000000));
  EXPECT_EQ(c.getattr(1).error().code(), EPROTO);  // nanoseconds out of range
  reply(getattr_body(0, 0170000 | 0644));
  EXPECT_EQ(c.getattr(1).error().code(), EPROTO);  // no such file type
  reply(B().u16(3).qid(0, 1).qid(0, 2).qid(0, 3).b);
  const char* names[2] = {"a", "b"};
  uint16_t lens[2] = {1, 1};
  EXPECT_EQ(c.walk(1, 2, names, lens, 2).error().code(), EPROTO);  // more qids than names
  reply(B().u16(2).qid(0, 1).b);
  EXPECT_EQ(c.walk(1, 2, names, lens, 2).error().code(), EPROTO);  // fewer qids than it says
  reply(B().u16(2).qid(0, 1).qid(0, 2).b);
  EXPECT_EQ(c.walk(1, 2, names, lens, 2).error().code(), EPROTO);  // walked through a file
  reply(B().u16(1).qid(kQtDir, 1).b);
  EXPECT_EQ(c.walk(1, 2, names, lens, 2).error().code(), ENOENT);  // partial walk: the second is missing
  reply(B().u16(40).raw({'a', 'b'}).b);
  char l[64];
  EXPECT_EQ(c.readlink(3, l, sizeof l).error().code(), EPROTO);  // string past the end
  reply(B().u32(0).b);
  EXPECT_EQ(c.clunk(3).error().code(), EPROTO);  // Rclunk has no body
  reply(B().u32(0).u32(4096).u64(10).u64(50).u64(5).u64(1).u64(1).u64(1).u32(255).b);
  EXPECT_EQ(c.statfs(1).error().code(), EPROTO);  // more free than there is
  EXPECT_GT(c.protocol_errors(), 0u);
}

TEST_F(NinepClient, TransportFailuresAreEio) {
  reply({});
  srv.status = -EIO;
  EXPECT_EQ(c.clunk(2).error().code(), EIO);
  srv.status = 0;
  srv.refuse = true;  // full, and nothing of ours in flight: it never frees
  EXPECT_EQ(c.clunk(2).error().code(), EIO);
  srv.refuse = false;
  EXPECT_FALSE(c.clunk(2).is_error());
}

// A second call starts while the first waits (another thread would); the
// server answers both, newest first: each gets its own reply, tags differ.
TEST_F(NinepClient, SeveralRequestsInFlight) {
  srv.defer = true;
  srv.answer = [](const Seen& s) {
    uint32_t fid;
    Reader r(s.out.data() + 7, s.out.size() - 7);
    r.u32(&fid);
    std::string text = "fid" + std::to_string(fid);
    return msg(s.type + 1, s.tag, B().u32(static_cast<uint32_t>(text.size())).raw(Bytes(text.begin(), text.end())).b);
  };
  char inner[16] = {}, outer[16] = {};
  bool started = false;
  g_on_wait = [&] {
    if (!started) {
      started = true;
      auto r = c.read(8, 0, inner, sizeof inner - 1);  // waits too: the next branch answers
      EXPECT_FALSE(r.is_error());
      return;
    }
    srv.flush(/*reverse=*/true);
  };
  auto r = c.read(7, 0, outer, sizeof outer - 1);
  ASSERT_FALSE(r.is_error());
  EXPECT_STREQ(outer, "fid7");
  EXPECT_STREQ(inner, "fid8");
  ASSERT_GE(srv.seen.size(), 3u);
  EXPECT_NE(srv.seen[srv.seen.size() - 1].tag, srv.seen[srv.seen.size() - 2].tag);
  EXPECT_EQ(c.max_in_flight(), 2u);
  // Tags come back: the next call takes the first again.
  srv.defer = false;
  g_on_wait = nullptr;
  ASSERT_FALSE(c.read(7, 0, outer, 4).is_error());
  EXPECT_EQ(srv.seen.back().tag, 0u);
}

TEST_F(NinepClient, ReadsAndWritesAreClampedToMsize) {
  std::vector<char> big(20000);
  srv.answer = [](const Seen& s) {
    Reader r(s.out.data() + 7, s.out.size() - 7);
    uint32_t fid, n;
    uint64_t off;
    r.u32(&fid), r.u64(&off), r.u32(&n);
    EXPECT_LE(n, 8192u - 24u);
    return msg(s.type + 1, s.tag, B().u32(n).raw(Bytes(n, 'q')).b);
  };
  auto r = c.read(2, 0, big.data(), big.size());
  ASSERT_FALSE(r.is_error());
  EXPECT_EQ(r.value(), 8192u - 24u);
  srv.answer = [](const Seen& s) {
    EXPECT_LE(s.out.size(), 8192u);
    return msg(s.type + 1, s.tag, B().u32(static_cast<uint32_t>(s.out.size() - 23)).b);
  };
  EXPECT_EQ(c.write(2, 0, big.data(), big.size()).value(), 8192u - 24u);
}

// read_many: four Treads in flight at once, answered out of order; the
// bytes count up to the first short piece.
TEST_F(NinepClient, ReadManyPipelines) {
  const uint32_t chunk = 8192 - 24;
  srv.defer = true;
  size_t short_at = ~size_t{0};
  srv.answer = [&](const Seen& s) {
    Reader r(s.out.data() + 7, s.out.size() - 7);
    uint32_t fid, n;
    uint64_t off;
    r.u32(&fid), r.u64(&off), r.u32(&n);
    if (off >= short_at) n = off == short_at ? 10 : 0;
    Bytes data(n);
    for (uint32_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>((off + i) * 7);
    return msg(s.type + 1, s.tag, B().u32(n).raw(data).b);
  };
  g_on_wait = [&] { srv.flush(/*reverse=*/true); };
  std::vector<uint8_t> buf(5 * chunk);
  auto r = c.read_many(2, 0, buf.data(), buf.size());
  ASSERT_FALSE(r.is_error());
  EXPECT_EQ(r.value(), size_t{4} * chunk);  // four pieces in one call
  EXPECT_EQ(c.max_in_flight(), 4u);
  bool same = true;
  for (size_t i = 0; i < r.value(); ++i) same = same && buf[i] == static_cast<uint8_t>(i * 7);
  EXPECT_TRUE(same);
  short_at = chunk + 100;  // the second piece is short
  r = c.read_many(2, 100, buf.data(), buf.size());
  ASSERT_FALSE(r.is_error());
  EXPECT_EQ(r.value(), size_t{chunk} + 10);
  // The first piece fails: the error.
  srv.answer = [](const Seen& s) { return msg(kRlerror, s.tag, B().u32(5).b); };
  EXPECT_EQ(c.read_many(2, 0, buf.data(), buf.size()).error().code(), EIO);
  srv.defer = false;
  g_on_wait = nullptr;
}

}  // namespace
