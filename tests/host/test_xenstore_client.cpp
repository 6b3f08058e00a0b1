// The xenstore client (plat/xen/src/xenstore.cpp, compiled for the host)
// against a fake xenstored that reads the request ring and answers on the
// response ring: replies, errors, watch events, and malformed or hostile
// replies, which must give an error value and a clear log line, never a
// crash. The client runs in its polled mode (no event channels here): the
// fake's "poll" and "notify" are where the peer gets to act.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "../../plat/xen/src/rings.h"
#include "../../plat/xen/src/xen.h"
#include "fake_plat.h"
#include <kiln/plat/time.h>
#include <kiln/xen/evtchn.h>
#include <kiln/xen/xenstore.h>

namespace {

using kiln::xen::StoreRing;
using kiln::xen::XsHeader;

struct Request {
  uint32_t type, req_id, tx_id;
  std::string payload;
};

// The fake xenstored. `answer` turns each request into the bytes to send
// back (one or more messages, or garbage); `hold` bytes of the answer are
// released only on later polls, a few at a time.
struct FakeStore {
  StoreRing* ring = nullptr;
  std::vector<Request> requests;
  std::function<std::string(const Request&)> answer;
  std::string outgoing;  // bytes waiting to enter the response ring
  size_t drip = 0;       // > 0: at most this many bytes per peer turn
  int turns = 0;
  std::string buf;  // request bytes read but not yet a whole message

  void consume_requests() {
    char tmp[1024];
    long k;
    while ((k = kiln::xen::ring_get(ring->req, sizeof ring->req, &ring->req_cons, &ring->req_prod, tmp, sizeof tmp)) >
           0)
      buf.append(tmp, static_cast<size_t>(k));
    while (buf.size() >= sizeof(XsHeader)) {
      XsHeader h;
      memcpy(&h, buf.data(), sizeof h);
      if (buf.size() < sizeof h + h.len) break;
      Request r{h.type, h.req_id, h.tx_id, buf.substr(sizeof h, h.len)};
      buf.erase(0, sizeof h + h.len);
      requests.push_back(r);
      if (answer) outgoing += answer(r);
    }
  }

  // The peer's turn: read requests, write as much of the answers as fits.
  void turn() {
    ++turns;
    consume_requests();
    size_t n = outgoing.size();
    if (drip && n > drip) n = drip;
    long k = kiln::xen::ring_put(ring->rsp, sizeof ring->rsp, &ring->rsp_cons, &ring->rsp_prod, outgoing.data(), n);
    if (k > 0) outgoing.erase(0, static_cast<size_t>(k));
  }
};

FakeStore* store = nullptr;

std::string msg(uint32_t type, uint32_t req_id, const std::string& body, uint32_t len_override = ~0u) {
  XsHeader h{type, req_id, 0, len_override == ~0u ? static_cast<uint32_t>(body.size()) : len_override};
  return std::string(reinterpret_cast<const char*>(&h), sizeof h) + body;
}

std::string ok(const Request& r) { return msg(r.type, r.req_id, std::string("OK\0", 3)); }

class XenstoreClient : public ::testing::Test {
 protected:
  void SetUp() override {
    page = static_cast<StoreRing*>(aligned_alloc(4096, 4096));
    memset(page, 0, 4096);
    fs.ring = page;
    store = &fs;
    fake::console().clear();
    ASSERT_EQ(kiln::xen::xenstore_init(), 0);
  }
  void TearDown() override {
    store = nullptr;
    free(page);
  }
  StoreRing* page = nullptr;
  FakeStore fs;
};

TEST_F(XenstoreClient, ReadWriteAndTheirWireFormat) {
  fs.answer = [](const Request& r) {
    if (r.type == kiln::xen::kXsRead) return msg(r.type, r.req_id, "value-1");
    return ok(r);
  };
  ASSERT_TRUE(kiln::xen::xs_write("data/k", "v").ok());
  char out[32];
  auto n = kiln::xen::xs_read("data/k", out, sizeof out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 7u);
  EXPECT_STREQ(out, "value-1");
  ASSERT_EQ(fs.requests.size(), 2u);
  EXPECT_EQ(fs.requests[0].type, kiln::xen::kXsWrite);
  EXPECT_EQ(fs.requests[0].payload, std::string("data/k\0v", 8));
  EXPECT_EQ(fs.requests[1].type, kiln::xen::kXsRead);
  EXPECT_EQ(fs.requests[1].payload, std::string("data/k\0", 7));
  EXPECT_NE(fs.requests[0].req_id, fs.requests[1].req_id);
}

TEST_F(XenstoreClient, DirectoryCountsNames) {
  fs.answer = [](const Request& r) { return msg(r.type, r.req_id, std::string("a\0bb\0ccc\0", 9)); };
  char out[64];
  unsigned count = 0;
  auto n = kiln::xen::xs_directory("data", out, sizeof out, &count);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 9u);
  EXPECT_EQ(count, 3u);
}

TEST_F(XenstoreClient, ErrorRepliesBecomeErrnoValues) {
  std::string name;
  fs.answer = [&](const Request& r) { return msg(kiln::xen::kXsError, r.req_id, name + std::string("\0", 1)); };
  char out[8];
  for (auto [n, code] : std::vector<std::pair<std::string, int>>{
           {"ENOENT", ENOENT}, {"EACCES", EACCES}, {"EAGAIN", EAGAIN}, {"EWHATEVER", EIO}}) {
    name = n;
    auto r = kiln::xen::xs_read("x", out, sizeof out);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code(), code) << n;
  }
}

TEST_F(XenstoreClient, ReplyInPiecesAcrossManyPolls) {
  fs.drip = 3;
  fs.answer = [](const Request& r) { return msg(r.type, r.req_id, std::string(300, 'z')); };
  char out[512];
  auto n = kiln::xen::xs_read("big", out, sizeof out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 300u);
  EXPECT_EQ(std::string(out), std::string(300, 'z'));
  EXPECT_GT(fs.turns, 100);
}

TEST_F(XenstoreClient, ReplyLargerThanTheBufferIsErangeAndTheStreamStaysInStep) {
  fs.answer = [](const Request& r) {
    if (r.payload.rfind("long", 0) == 0) return msg(r.type, r.req_id, std::string(100, 'q'));
    return msg(r.type, r.req_id, "short");
  };
  char out[16];
  auto r = kiln::xen::xs_read("long", out, sizeof out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ERANGE);
  auto s = kiln::xen::xs_read("other", out, sizeof out);
  ASSERT_TRUE(s.ok());
  EXPECT_STREQ(out, "short");
}

TEST_F(XenstoreClient, ReplyForAnotherRequestIsDroppedWithALogLine) {
  fs.answer = [](const Request& r) {
    return msg(r.type, r.req_id + 1000, "stale") + msg(r.type, r.req_id, "mine");
  };
  char out[16];
  auto r = kiln::xen::xs_read("k", out, sizeof out);
  ASSERT_TRUE(r.ok());
  EXPECT_STREQ(out, "mine");
  EXPECT_NE(fake::console().find("for no pending request, dropped"), std::string::npos) << fake::console();
}

TEST_F(XenstoreClient, ReplyOfTheWrongTypeIsEio) {
  fs.answer = [](const Request& r) { return msg(kiln::xen::kXsDirectory, r.req_id, "x"); };
  char out[16];
  auto r = kiln::xen::xs_read("k", out, sizeof out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), EIO);
  EXPECT_NE(fake::console().find("reply of type 1 to a request of type 2"), std::string::npos) << fake::console();
}

TEST_F(XenstoreClient, OverlongReplyMakesTheClientUnusableWithOneClearError) {
  fs.answer = [](const Request& r) { return msg(r.type, r.req_id, "", 5000); };
  char out[16];
  auto r = kiln::xen::xs_read("k", out, sizeof out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), EIO);
  EXPECT_NE(fake::console().find("malformed reply from xenstored (payload length over 4096); xenstore is unusable"),
            std::string::npos)
      << fake::console();
  // Every later call fails at once, without writing to the ring.
  size_t sent = fs.requests.size();
  uint32_t prod = page->req_prod;
  auto w = kiln::xen::xs_write("k", "v");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code(), EIO);
  EXPECT_EQ(page->req_prod, prod);
  EXPECT_EQ(fs.requests.size(), sent);
}

TEST_F(XenstoreClient, CorruptResponseIndicesAreAnError) {
  fs.answer = [&](const Request&) {
    page->rsp_prod = page->rsp_cons + 70000;  // "more than a ring" of data
    return std::string();
  };
  char out[16];
  auto r = kiln::xen::xs_read("k", out, sizeof out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), EIO);
  EXPECT_NE(fake::console().find("corrupt ring indices"), std::string::npos) << fake::console();
}

TEST_F(XenstoreClient, CorruptRequestIndicesAreAnError) {
  page->req_cons = page->req_prod + 5000;
  auto r = kiln::xen::xs_write("k", "v");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), EIO);
  EXPECT_NE(fake::console().find("corrupt request ring indices"), std::string::npos) << fake::console();
}

TEST_F(XenstoreClient, WatchEventsAreQueuedByTokenEvenAheadOfAReply) {
  fs.answer = [](const Request& r) {
    if (r.type == kiln::xen::kXsWatch)
      return msg(kiln::xen::kXsWatchEvent, 0, std::string("data/a\0tok\0", 11)) + ok(r) +
             msg(kiln::xen::kXsWatchEvent, 0, std::string("data/a/b\0tok\0", 13)) +
             msg(kiln::xen::kXsWatchEvent, 0, std::string("data/z\0other\0", 13));
    return ok(r);
  };
  ASSERT_TRUE(kiln::xen::xs_watch("data/a", "tok").ok());
  char path[64];
  auto e1 = kiln::xen::xs_watch_wait("tok", path, sizeof path, 0);
  ASSERT_TRUE(e1.ok());
  EXPECT_STREQ(path, "data/a");
  auto e2 = kiln::xen::xs_watch_wait("tok", path, sizeof path, 0);
  ASSERT_TRUE(e2.ok());
  EXPECT_STREQ(path, "data/a/b");
  auto e3 = kiln::xen::xs_watch_wait("other", path, sizeof path, 0);
  ASSERT_TRUE(e3.ok());
  EXPECT_STREQ(path, "data/z");
}

TEST_F(XenstoreClient, WatchWaitTimesOut) {
  fs.answer = ok;
  char path[64];
  auto r = kiln::xen::xs_watch_wait("nothing", path, sizeof path, kiln_plat_monotonic_ns() + 20'000'000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ETIMEDOUT);
}

TEST_F(XenstoreClient, MalformedWatchEventIsDroppedNotFollowed) {
  fs.answer = [](const Request& r) {
    return msg(kiln::xen::kXsWatchEvent, 0, std::string("no-token-nul", 12)) + ok(r);
  };
  ASSERT_TRUE(kiln::xen::xs_write("k", "v").ok());
  EXPECT_NE(fake::console().find("malformed watch event (12 bytes), dropped"), std::string::npos)
      << fake::console();
}

TEST_F(XenstoreClient, TransactionIdsAreParsedAndCheckedAndSentInTheHeader) {
  std::string id = "17";
  fs.answer = [&](const Request& r) {
    if (r.type == kiln::xen::kXsTransactionStart) return msg(r.type, r.req_id, id + std::string("\0", 1));
    return ok(r);
  };
  auto tx = kiln::xen::xs_transaction_start();
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(tx.value(), 17u);
  ASSERT_TRUE(kiln::xen::xs_write("k", "v", tx.value()).ok());
  ASSERT_TRUE(kiln::xen::xs_transaction_end(tx.value(), true).ok());
  EXPECT_EQ(fs.requests[1].tx_id, 17u);
  EXPECT_EQ(fs.requests[2].tx_id, 17u);
  EXPECT_EQ(fs.requests[2].payload, std::string("T\0", 2));
  id = "12x";
  auto bad = kiln::xen::xs_transaction_start();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), EIO);
}

TEST_F(XenstoreClient, RequestOverTheProtocolLimitNeverReachesTheRing) {
  std::string big(5000, 'x');
  auto r = kiln::xen::xs_write("k", big.c_str());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), E2BIG);
  EXPECT_EQ(page->req_prod, 0u);
}

}  // namespace

// --- the platform functions xenstore.cpp calls, played by the fake --------

namespace kiln::xen {

long hvm_get_param(unsigned index, uint64_t* value) {
  if (!store) return -1;
  if (index == kParamStorePfn) *value = reinterpret_cast<uint64_t>(store->ring) >> 12;
  else if (index == kParamStoreEvtchn) *value = 7;
  else return -1;
  return 0;
}

long evtchn_send(uint32_t) {
  if (store) store->turn();
  return 0;
}

void poll_port(uint32_t, uint64_t) {
  if (store) store->turn();
}

bool events_ready() { return false; }

Result<void> evtchn_attach(evtchn_port_t, EventHandler, void*) { return Error(ENOSYS); }

}  // namespace kiln::xen

extern "C" void kiln_plat_wait_event(uint64_t) {}
extern "C" void kiln_plat_wake_event(void) {}
