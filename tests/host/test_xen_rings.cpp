// The Xen PV console and xenstore shared rings (plat/xen/src/rings.h)
// against a fake peer in memory that plays xenconsoled / xenstored: it
// consumes what Kiln produced (advancing the consumer index) and produces
// what Kiln reads (writing bytes, then the producer index), the way the
// real daemons do. Also a peer that corrupts the indices, xenstore
// messages over the protocol's length limit, and the XS_ERROR / watch
// event body parsers.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "../../plat/xen/src/rings.h"

using namespace kiln::xen;

namespace {

// A deterministic byte pattern, different for each (seed, i).
std::string pattern(size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 31 + seed * 7 + (i >> 8)) & 0xff);
  return s;
}

// --- the peer's side of one byte ring ------------------------------------

// Consumes everything between *cons and *prod (Kiln is the producer).
std::string peer_consume(const char* buf, uint32_t size, uint32_t* cons, const uint32_t* prod, size_t max = ~size_t{0}) {
  uint32_t p = __atomic_load_n(prod, __ATOMIC_ACQUIRE);
  std::string got;
  while (*cons != p && got.size() < max) got.push_back(buf[(*cons)++ & (size - 1)]);
  return got;
}

// Produces as much of data as fits (Kiln is the consumer); returns the count.
size_t peer_produce(char* buf, uint32_t size, const uint32_t* cons, uint32_t* prod, const std::string& data) {
  uint32_t c = __atomic_load_n(cons, __ATOMIC_ACQUIRE);
  uint32_t p = *prod;
  size_t k = 0;
  while (k < data.size() && p - c < size) buf[p++ & (size - 1)] = data[k++];
  __atomic_store_n(prod, p, __ATOMIC_RELEASE);
  return k;
}

// xenconsoled: reads `out`, writes `in`.
struct Xenconsoled {
  ConsRing* r;
  std::string consume(size_t max = ~size_t{0}) { return peer_consume(r->out, sizeof r->out, &r->out_cons, &r->out_prod, max); }
  size_t type(const std::string& s) { return peer_produce(r->in, sizeof r->in, &r->in_cons, &r->in_prod, s); }
};

long put(ConsRing* r, const std::string& s) { return ring_put(r->out, sizeof r->out, &r->out_cons, &r->out_prod, s.data(), s.size()); }

std::unique_ptr<ConsRing> cons_ring(uint32_t start = 0) {
  auto r = std::make_unique<ConsRing>();
  std::memset(r.get(), 0, sizeof *r);
  r->in_cons = r->in_prod = r->out_cons = r->out_prod = start;
  return r;
}

// ============================ console =====================================

TEST(XenConsRing, PutFillsExactly2048BytesThenReturnsZero) {
  auto r = cons_ring();
  Xenconsoled peer{r.get()};
  std::string data = pattern(3000, 1);
  EXPECT_EQ(put(r.get(), data), 2048);
  EXPECT_EQ(r->out_prod, 2048u);
  EXPECT_EQ(r->out_cons, 0u);
  EXPECT_EQ(put(r.get(), data), 0);  // full
  EXPECT_EQ(ring_put(r->out, sizeof r->out, &r->out_cons, &r->out_prod, "x", 1), 0);
  EXPECT_EQ(r->out_prod, 2048u);
  EXPECT_EQ(peer.consume(), data.substr(0, 2048));
  // The peer took everything: the rest (952 bytes) fits again.
  EXPECT_EQ(put(r.get(), data.substr(2048)), 952);
  EXPECT_EQ(peer.consume(), data.substr(2048));
}

TEST(XenConsRing, PutPartialRoomAndZeroLength) {
  auto r = cons_ring();
  Xenconsoled peer{r.get()};
  EXPECT_EQ(put(r.get(), pattern(2047, 2)), 2047);
  EXPECT_EQ(put(r.get(), "ab"), 1);  // one byte of room
  EXPECT_EQ(put(r.get(), "c"), 0);
  EXPECT_EQ(peer.consume(10), pattern(2047, 2).substr(0, 10));
  EXPECT_EQ(put(r.get(), ""), 0);  // n == 0 copies nothing
  EXPECT_EQ(r->out_prod, 2048u);
  EXPECT_EQ(put(r.get(), pattern(20, 3)), 10);
  EXPECT_EQ(r->out_prod, 2058u);
}

TEST(XenConsRing, PutWrapsAcrossTheEndOfTheRing) {
  auto r = cons_ring();
  Xenconsoled peer{r.get()};
  std::string a = pattern(1500, 4), b = pattern(1000, 5);
  EXPECT_EQ(put(r.get(), a), 1500);
  EXPECT_EQ(peer.consume(), a);
  EXPECT_EQ(put(r.get(), b), 1000);  // indices 1500..2499: crosses 2048
  EXPECT_EQ(r->out_prod, 2500u);
  // Where the bytes landed: 548 at the end, the rest from offset 0.
  EXPECT_EQ(std::string(r->out + 1500, 548), b.substr(0, 548));
  EXPECT_EQ(std::string(r->out, 452), b.substr(548));
  EXPECT_EQ(peer.consume(), b);
  EXPECT_EQ(r->out_cons, 2500u);
}

TEST(XenConsRing, PutIndicesWrapAround2To32) {
  auto r = cons_ring(0xFFFFFF00u);
  Xenconsoled peer{r.get()};
  std::string a = pattern(2048, 6), b = pattern(700, 7);
  EXPECT_EQ(put(r.get(), a), 2048);  // prod wraps past 2^32
  EXPECT_EQ(r->out_prod, 0xFFFFFF00u + 2048u);
  EXPECT_EQ(r->out_prod, 0x700u);
  EXPECT_EQ(put(r.get(), b), 0);  // full across the 2^32 wrap
  EXPECT_EQ(std::string(r->out + 0x700, 0x100), a.substr(0, 0x100));  // 0xFFFFFF00 & 2047 == 0x700
  EXPECT_EQ(peer.consume(1000), a.substr(0, 1000));
  EXPECT_EQ(put(r.get(), b), 700);
  EXPECT_EQ(peer.consume(), a.substr(1000) + b.substr(0, 700));
  EXPECT_EQ(r->out_cons, r->out_prod);
  EXPECT_EQ(r->out_prod, 0x700u + 700u);
}

TEST(XenConsRing, PutCorruptConsumerIndexGivesMinusOneAndChangesNothing) {
  for (uint32_t start : {0u, 5000u, 0xFFFFFF00u}) {
    auto r = cons_ring(start);
    EXPECT_EQ(put(r.get(), pattern(100, 8)), 100);
    char before[sizeof r->out];
    std::memcpy(before, r->out, sizeof before);
    uint32_t prod = r->out_prod;
    // prod - cons == 2049 > size.
    r->out_cons = prod - 2049;
    EXPECT_EQ(put(r.get(), "hello"), -1) << start;
    EXPECT_EQ(r->out_prod, prod);
    EXPECT_EQ(std::memcmp(before, r->out, sizeof before), 0);
    // Consumer ahead of producer: prod - cons wraps to a huge count.
    r->out_cons = prod + 1;
    EXPECT_EQ(put(r.get(), "hello"), -1) << start;
    EXPECT_EQ(r->out_prod, prod);
    EXPECT_EQ(std::memcmp(before, r->out, sizeof before), 0);
    // Exactly a ring apart is merely full, not corrupt.
    r->out_cons = prod - 2048;
    EXPECT_EQ(put(r.get(), "hello"), 0) << start;
    EXPECT_EQ(r->out_prod, prod);
  }
}

long get(ConsRing* r, char* dst, size_t n) { return ring_get(r->in, sizeof r->in, &r->in_cons, &r->in_prod, dst, n); }

TEST(XenConsRing, GetReadsWhatThePeerTyped) {
  auto r = cons_ring();
  Xenconsoled peer{r.get()};
  char buf[4096];
  EXPECT_EQ(get(r.get(), buf, sizeof buf), 0);  // empty
  std::string a = pattern(1500, 9);
  EXPECT_EQ(peer.type(a), 1024u);  // the peer fills the 1024-byte ring
  EXPECT_EQ(get(r.get(), buf, 0), 0);
  EXPECT_EQ(get(r.get(), buf, 24), 24);
  EXPECT_EQ(std::string(buf, 24), a.substr(0, 24));
  EXPECT_EQ(get(r.get(), buf, sizeof buf), 1000);
  EXPECT_EQ(std::string(buf, 1000), a.substr(24, 1000));
  EXPECT_EQ(r->in_cons, 1024u);
  EXPECT_EQ(get(r.get(), buf, sizeof buf), 0);
  // The rest crosses the end of the ring (indices 1024..1499 -> 0..475)
  // and then more crosses index 2048.
  EXPECT_EQ(peer.type(a.substr(1024)), 476u);
  EXPECT_EQ(get(r.get(), buf, sizeof buf), 476);
  EXPECT_EQ(std::string(buf, 476), a.substr(1024));
  EXPECT_EQ(std::string(r->in, 476), a.substr(1024));  // landed at offset 0
  std::string b = pattern(900, 10);
  EXPECT_EQ(peer.type(b), 900u);  // indices 1500..2399
  EXPECT_EQ(get(r.get(), buf, sizeof buf), 900);
  EXPECT_EQ(std::string(buf, 900), b);
  EXPECT_EQ(r->in_cons, 1500u + 900u);
}

TEST(XenConsRing, GetIndicesWrapAround2To32) {
  auto r = cons_ring(0xFFFFFF00u);
  Xenconsoled peer{r.get()};
  char buf[2048];
  std::string a = pattern(1024, 11), b = pattern(600, 12);
  EXPECT_EQ(peer.type(a), 1024u);
  EXPECT_EQ(r->in_prod, 0x300u);  // wrapped
  EXPECT_EQ(get(r.get(), buf, 300), 300);
  EXPECT_EQ(std::string(buf, 300), a.substr(0, 300));
  EXPECT_EQ(r->in_cons, 0xFFFFFF00u + 300u);
  EXPECT_EQ(peer.type(b), 300u);  // only 300 bytes of room
  EXPECT_EQ(get(r.get(), buf, sizeof buf), 1024);
  EXPECT_EQ(std::string(buf, 1024), a.substr(300) + b.substr(0, 300));
  EXPECT_EQ(r->in_cons, r->in_prod);
  EXPECT_EQ(get(r.get(), buf, sizeof buf), 0);
}

TEST(XenConsRing, GetCorruptProducerIndexGivesMinusOneAndChangesNothing) {
  for (uint32_t start : {0u, 777u, 0xFFFFFF00u}) {
    auto r = cons_ring(start);
    Xenconsoled peer{r.get()};
    EXPECT_EQ(peer.type("abc"), 3u);
    char buf[2048];
    std::memset(buf, 0x5a, sizeof buf);
    uint32_t cons = r->in_cons;
    for (uint32_t bad : {cons + 1025u, cons + 0x80000000u, cons - 1u}) {
      r->in_prod = bad;
      EXPECT_EQ(get(r.get(), buf, sizeof buf), -1) << start << " " << bad;
      EXPECT_EQ(r->in_cons, cons);
      for (char c : buf) ASSERT_EQ(c, 0x5a);
    }
    // Exactly a full ring is fine.
    r->in_prod = cons + 1024;
    EXPECT_EQ(get(r.get(), buf, sizeof buf), 1024);
    EXPECT_EQ(r->in_cons, cons + 1024);
  }
}

// ============================ xenstore ====================================

// A message as xenstored sends it: the header (native byte order) and body.
std::string msg_with_len(uint32_t type, uint32_t req_id, const std::string& body, uint32_t len) {
  XsHeader h{type, req_id, 0, len};
  std::string s(reinterpret_cast<const char*>(&h), sizeof h);
  return s + body;
}
std::string msg(uint32_t type, uint32_t req_id, const std::string& body) {
  return msg_with_len(type, req_id, body, static_cast<uint32_t>(body.size()));
}

// xenstored: consumes requests from `req`, writes replies into `rsp`.
// pending holds the reply bytes not yet written (the ring may be full).
struct Xenstored {
  StoreRing* r;
  std::string pending;

  void queue(const std::string& bytes) { pending += bytes; }
  // Writes up to max pending bytes (as many as fit); returns the count.
  size_t deliver(size_t max = ~size_t{0}) {
    size_t k = peer_produce(r->rsp, sizeof r->rsp, &r->rsp_cons, &r->rsp_prod, pending.substr(0, max));
    pending.erase(0, k);
    return k;
  }
  std::string requests() { return peer_consume(r->req, sizeof r->req, &r->req_cons, &r->req_prod); }
};

std::unique_ptr<StoreRing> store_ring(uint32_t start = 0) {
  auto r = std::make_unique<StoreRing>();
  std::memset(r.get(), 0, sizeof *r);
  r->req_cons = r->req_prod = r->rsp_cons = r->rsp_prod = start;
  return r;
}

using Got = XsReader::Got;

struct XenStore : ::testing::Test {
  std::unique_ptr<StoreRing> r = store_ring();
  Xenstored peer{r.get()};
  std::unique_ptr<XsReader> reader = std::make_unique<XsReader>();
  bool consumed = false;

  Got pump() {
    consumed = false;
    return reader->pump(r.get(), &consumed);
  }
  void restart_at(uint32_t start) {
    r = store_ring(start);
    peer.r = r.get();
  }
};

TEST_F(XenStore, ReplyArrivesInPieces) {
  std::string body = "a reply body";
  peer.queue(msg(kXsRead, 42, body));
  EXPECT_EQ(pump(), Got::nothing);  // nothing on the ring yet
  EXPECT_FALSE(consumed);
  EXPECT_EQ(peer.deliver(7), 7u);  // header split across two pumps
  EXPECT_EQ(pump(), Got::nothing);
  EXPECT_TRUE(consumed);
  EXPECT_EQ(r->rsp_cons, 7u);
  EXPECT_EQ(peer.deliver(9), 9u);  // rest of the header, no body yet
  EXPECT_EQ(pump(), Got::nothing);
  EXPECT_TRUE(consumed);
  EXPECT_EQ(pump(), Got::nothing);
  EXPECT_FALSE(consumed);
  for (size_t i = 0; i < body.size(); ++i) {  // body byte by byte
    EXPECT_EQ(peer.deliver(1), 1u);
    Got g = pump();
    EXPECT_TRUE(consumed);
    EXPECT_EQ(g, i + 1 < body.size() ? Got::nothing : Got::message) << i;
  }
  EXPECT_EQ(reader->header().type, kXsRead);
  EXPECT_EQ(reader->header().req_id, 42u);
  EXPECT_EQ(reader->header().len, body.size());
  EXPECT_EQ(std::string(reader->body()), body);  // NUL-terminated after len
  EXPECT_EQ(reader->body()[body.size()], '\0');
  EXPECT_EQ(r->rsp_cons, r->rsp_prod);
  EXPECT_EQ(pump(), Got::nothing);
  EXPECT_FALSE(consumed);
}

TEST_F(XenStore, TwoMessagesBackToBack) {
  peer.queue(msg(kXsWrite, 1, "OK"));
  peer.queue(msg(kXsWatchEvent, 0, std::string("data/x\0tok\0", 11)));
  EXPECT_EQ(peer.deliver(), 2u * 16 + 2 + 11);
  EXPECT_EQ(pump(), Got::message);
  EXPECT_TRUE(consumed);
  EXPECT_EQ(reader->header().type, kXsWrite);
  EXPECT_EQ(reader->header().req_id, 1u);
  EXPECT_EQ(std::string(reader->body()), "OK");
  // Only the first message was taken; the second waits for the next call.
  EXPECT_EQ(r->rsp_cons, 18u);
  EXPECT_EQ(pump(), Got::message);
  EXPECT_TRUE(consumed);
  EXPECT_EQ(reader->header().type, kXsWatchEvent);
  EXPECT_EQ(reader->header().len, 11u);
  const char *path, *token;
  ASSERT_TRUE(xs_split_watch(reader->body(), reader->header().len, &path, &token));
  EXPECT_STREQ(path, "data/x");
  EXPECT_STREQ(token, "tok");
  EXPECT_EQ(pump(), Got::nothing);
  EXPECT_FALSE(consumed);
}

TEST_F(XenStore, SecondMessageArrivesWhileFirstIsHeld) {
  // The body of a returned message stays valid until the next pump.
  peer.queue(msg(kXsRead, 7, "first"));
  peer.deliver();
  EXPECT_EQ(pump(), Got::message);
  EXPECT_EQ(std::string(reader->body()), "first");
  peer.queue(msg(kXsRead, 8, "second"));
  EXPECT_EQ(std::string(reader->body()), "first");
  peer.deliver(20);  // header and part of the body
  EXPECT_EQ(pump(), Got::nothing);
  peer.deliver();
  EXPECT_EQ(pump(), Got::message);
  EXPECT_EQ(reader->header().req_id, 8u);
  EXPECT_EQ(std::string(reader->body()), "second");
}

TEST_F(XenStore, BodyWrapsAroundTheRspRing) {
  restart_at(1000);  // header at 1000..1015, body at 1016..1115: crosses 1024
  std::string body = pattern(100, 13);
  peer.queue(msg(kXsRead, 3, body));
  EXPECT_EQ(peer.deliver(), 116u);
  EXPECT_EQ(pump(), Got::message);
  EXPECT_EQ(reader->header().req_id, 3u);
  EXPECT_EQ(std::string(reader->body(), reader->header().len), body);
  EXPECT_EQ(r->rsp_cons, 1116u);
}

TEST_F(XenStore, HeaderWrapsAroundTheRingAndAround2To32) {
  restart_at(0xFFFFFFF8u);  // header crosses both index 1024 and 2^32
  std::string body = pattern(1008, 14);  // header + body == 1024: a full ring
  peer.queue(msg(kXsDirectory, 9, body));
  EXPECT_EQ(peer.deliver(), 1024u);
  EXPECT_EQ(pump(), Got::message);
  EXPECT_EQ(reader->header().type, kXsDirectory);
  EXPECT_EQ(reader->header().req_id, 9u);
  EXPECT_EQ(reader->header().len, 1008u);
  EXPECT_EQ(std::string(reader->body(), reader->header().len), body);
  EXPECT_EQ(r->rsp_cons, 0xFFFFFFF8u + 1024u);
  EXPECT_EQ(r->rsp_cons, r->rsp_prod);
}

TEST_F(XenStore, ZeroLengthBody) {
  peer.queue(msg(kXsMkdir, 5, ""));
  peer.queue(msg(kXsRm, 6, "OK"));
  peer.deliver(16);
  EXPECT_EQ(pump(), Got::message);  // complete as soon as the header is in
  EXPECT_EQ(reader->header().req_id, 5u);
  EXPECT_EQ(reader->header().len, 0u);
  EXPECT_STREQ(reader->body(), "");
  EXPECT_EQ(pump(), Got::nothing);
  EXPECT_FALSE(consumed);
  peer.deliver();
  EXPECT_EQ(pump(), Got::message);
  EXPECT_EQ(reader->header().req_id, 6u);
  EXPECT_STREQ(reader->body(), "OK");
}

TEST_F(XenStore, MaximumBodyOf4096BytesDeliveredInChunks) {
  // 16 + 4096 bytes never fit a 1024-byte ring at once: the peer writes
  // what fits, the reader takes it, and so on.
  std::string body = pattern(4096, 15);
  peer.queue(msg(kXsRead, 77, body));
  peer.queue(msg(kXsRead, 78, "after"));
  int pumps = 0;
  Got g = Got::nothing;
  while (g == Got::nothing) {
    ASSERT_GT(peer.deliver(), 0u) << "peer stuck after " << pumps << " pumps";
    g = pump();
    EXPECT_TRUE(consumed);
    ++pumps;
    ASSERT_LT(pumps, 20);
  }
  ASSERT_EQ(g, Got::message);
  EXPECT_GE(pumps, 5);
  EXPECT_EQ(reader->header().req_id, 77u);
  EXPECT_EQ(reader->header().len, 4096u);
  EXPECT_EQ(std::string(reader->body(), 4096), body);
  EXPECT_EQ(reader->body()[4096], '\0');
  // The stream continues with the next message.
  peer.deliver();
  EXPECT_EQ(pump(), Got::message);
  EXPECT_EQ(reader->header().req_id, 78u);
  EXPECT_STREQ(reader->body(), "after");
  EXPECT_TRUE(peer.pending.empty());
}

TEST_F(XenStore, ConsumedIsOnlyEverSetNeverCleared) {
  // pump() only sets *consumed when it took bytes: the caller clears it
  // and may pass it through several pumps (xenstore.cpp notifies once).
  bool c = false;
  EXPECT_EQ(reader->pump(r.get(), &c), Got::nothing);
  EXPECT_FALSE(c);
  peer.queue(msg(kXsRead, 1, "x"));
  peer.deliver();
  EXPECT_EQ(reader->pump(r.get(), &c), Got::message);
  EXPECT_TRUE(c);
  EXPECT_EQ(reader->pump(r.get(), &c), Got::nothing);
  EXPECT_TRUE(c);  // left as it was
  c = false;
  EXPECT_EQ(reader->pump(r.get(), &c), Got::nothing);
  EXPECT_FALSE(c);
}

TEST_F(XenStore, RequestAndReplyRoundTrip) {
  // Kiln's side writes a request on `req` with ring_put; the fake
  // xenstored reads it and answers with the same request id.
  std::string req = msg(kXsRead, 1234, std::string("device/vif/0/state\0", 19));
  EXPECT_EQ(ring_put(r->req, sizeof r->req, &r->req_cons, &r->req_prod, req.data(), req.size()),
            static_cast<long>(req.size()));
  std::string seen = peer.requests();
  ASSERT_EQ(seen, req);
  XsHeader h;
  std::memcpy(&h, seen.data(), sizeof h);
  EXPECT_EQ(h.type, kXsRead);
  EXPECT_EQ(h.len, 19u);
  EXPECT_EQ(r->req_cons, r->req_prod);
  peer.queue(msg(kXsError, h.req_id, std::string("ENOENT\0", 7)));
  peer.deliver();
  EXPECT_EQ(pump(), Got::message);
  EXPECT_EQ(reader->header().type, kXsError);
  EXPECT_EQ(reader->header().req_id, 1234u);
  EXPECT_EQ(xs_errno(reader->body()), ENOENT);
}

TEST_F(XenStore, LengthOver4096IsMalformed) {
  for (uint32_t len : {4097u, 0x10000u, 0xFFFFFFFFu}) {
    restart_at(0);
    reader = std::make_unique<XsReader>();
    peer.pending.clear();
    peer.queue(msg_with_len(kXsRead, 1, "", len));
    peer.deliver();
    EXPECT_EQ(pump(), Got::malformed) << len;
    EXPECT_TRUE(consumed);  // the header was taken off the ring
    EXPECT_EQ(r->rsp_cons, 16u);
    ASSERT_NE(reader->error(), nullptr);
    EXPECT_NE(std::strstr(reader->error(), "4096"), nullptr) << reader->error();
  }
}

TEST_F(XenStore, CorruptRspIndicesAreMalformed) {
  std::memset(r->rsp, 'z', sizeof r->rsp);
  r->rsp_prod = r->rsp_cons + 1025;
  EXPECT_EQ(pump(), Got::malformed);
  EXPECT_FALSE(consumed);
  EXPECT_EQ(r->rsp_cons, 0u);
  EXPECT_NE(std::strstr(reader->error(), "corrupt"), nullptr) << reader->error();

  // Also in the middle of a body.
  restart_at(0);
  reader = std::make_unique<XsReader>();
  peer.queue(msg(kXsRead, 2, pattern(50, 16)));
  peer.deliver(30);
  EXPECT_EQ(pump(), Got::nothing);
  r->rsp_prod = r->rsp_cons - 1;  // producer behind the consumer
  EXPECT_EQ(pump(), Got::malformed);
  EXPECT_FALSE(consumed);
  EXPECT_EQ(r->rsp_cons, 30u);
  EXPECT_NE(std::strstr(reader->error(), "corrupt"), nullptr) << reader->error();
}

TEST_F(XenStore, MalformedIsFinal) {
  // Once the stream cannot be trusted the reader says so on every pump
  // and never touches the ring again (a later byte could otherwise be
  // assembled into a body longer than its buffer).

  // Corrupt indices ...
  r->rsp_prod = r->rsp_cons + 5000;
  EXPECT_EQ(pump(), Got::malformed);
  r->rsp_prod = r->rsp_cons;  // even if the peer "fixes" them
  EXPECT_EQ(pump(), Got::malformed);
  EXPECT_EQ(r->rsp_cons, 0u);

  // ... and a length over the limit: more bytes from the peer are left alone.
  restart_at(0);
  reader = std::make_unique<XsReader>();
  peer.queue(msg_with_len(kXsRead, 1, "", 4097));
  peer.deliver();
  EXPECT_EQ(pump(), Got::malformed);
  EXPECT_EQ(r->rsp_cons, 16u);
  peer.queue(std::string(64, 'x'));
  peer.deliver();
  consumed = false;
  EXPECT_EQ(pump(), Got::malformed);
  EXPECT_FALSE(consumed);
  EXPECT_EQ(r->rsp_cons, 16u);
}

// ============================ xs_errno ====================================

TEST(XenXsErrno, KnownNames) {
  EXPECT_EQ(xs_errno("ENOENT"), ENOENT);
  EXPECT_EQ(xs_errno("EACCES"), EACCES);
  EXPECT_EQ(xs_errno("EAGAIN"), EAGAIN);
  EXPECT_EQ(xs_errno("EQUOTA"), EDQUOT);
  EXPECT_EQ(xs_errno("ENOTEMPTY"), ENOTEMPTY);
  EXPECT_EQ(xs_errno("EINVAL"), EINVAL);
  EXPECT_EQ(xs_errno("EEXIST"), EEXIST);
  EXPECT_EQ(xs_errno("E2BIG"), E2BIG);
  EXPECT_EQ(xs_errno("EPERM"), EPERM);
  EXPECT_EQ(xs_errno("EIO"), EIO);
}

TEST(XenXsErrno, UnknownPrefixAndEmptyAreEio) {
  EXPECT_EQ(xs_errno("EWHATEVER"), EIO);
  EXPECT_EQ(xs_errno("ENOENTX"), EIO);
  EXPECT_EQ(xs_errno("ENOEN"), EIO);  // a prefix of a known name
  EXPECT_EQ(xs_errno("enoent"), EIO);
  EXPECT_EQ(xs_errno("EDQUOT"), EIO);  // the wire name is EQUOTA
  EXPECT_EQ(xs_errno(""), EIO);
}

// ========================= xs_split_watch =================================

TEST(XenXsSplitWatch, GoodEvent) {
  const char body[] = "backend/vbd\0tok-1";  // sizeof includes the final NUL
  const char *path = nullptr, *token = nullptr;
  ASSERT_TRUE(xs_split_watch(body, sizeof body, &path, &token));
  EXPECT_EQ(path, body);
  EXPECT_STREQ(path, "backend/vbd");
  EXPECT_STREQ(token, "tok-1");
}

TEST(XenXsSplitWatch, ExtraTrailingDataIsAccepted) {
  const char body[] = "p\0t\0more stuff";
  const char *path = nullptr, *token = nullptr;
  ASSERT_TRUE(xs_split_watch(body, sizeof body - 1, &path, &token));
  EXPECT_STREQ(path, "p");
  EXPECT_STREQ(token, "t");
  // An empty token is accepted too (two NUL-terminated strings).
  const char empty_token[] = "p\0";
  EXPECT_TRUE(xs_split_watch(empty_token, sizeof empty_token, &path, &token));
  EXPECT_STREQ(token, "");
}

TEST(XenXsSplitWatch, Malformed) {
  const char *path = nullptr, *token = nullptr;
  // Missing second NUL: the token runs to len (the byte after is a NUL
  // the reader adds, which does not count).
  EXPECT_FALSE(xs_split_watch("path\0token", 10, &path, &token));
  EXPECT_FALSE(xs_split_watch("path\0", 5, &path, &token));  // no token at all
  EXPECT_FALSE(xs_split_watch("\0token\0", 7, &path, &token));  // empty path
  EXPECT_FALSE(xs_split_watch("path\0token\0", 0, &path, &token));  // len 0
  EXPECT_FALSE(xs_split_watch("pathtoken", 9, &path, &token));  // no NUL at all
  EXPECT_EQ(path, nullptr);
  EXPECT_EQ(token, nullptr);
}

}  // namespace
