// lib/virtiofs's FUSE client (kiln/fuse.h) against a fake server: each
// request is decoded as the server would and answered synchronously with a
// reply the test shapes: good ones, and malformed ones (short, a len field
// that disagrees with the bytes received, an unknown unique, an error out
// of range, the wrong reply shape for the opcode, directory entries past
// the end, insane attrs), which must fail the call with EIO and never
// write outside the buffers given.
#include <kiln/fuse.h>
#include <gtest/gtest.h>
#include <errno.h>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

extern "C" void* kiln_malloc(size_t n) { return malloc(n); }
extern "C" void kiln_free(void* p) { free(p); }
extern "C" void kiln_plat_wait_event(uint64_t) {}
extern "C" void kiln_plat_wake_event(void) {}

namespace {

using namespace kiln::fuse;

struct Seen {
  InHeader h;
  std::vector<uint8_t> body;  // everything after the header (all readable segments)
  bool hiprio;
};

// What the server answers: the reply bytes (header + payload) and what
// the channel reports as used; the default fixes up len/unique.
struct Reply {
  std::vector<uint8_t> bytes;
  int64_t used = -1;        // -1: bytes.size()
  bool fix_header = true;   // set len = size and unique = the request's
  int status = 0;           // transport failure
};

class FakeServer final : public Channel {
 public:
  std::function<Reply(const Seen&)> answer;
  std::vector<Seen> seen;
  int eagain = 0;  // submits refused with EAGAIN before one is taken

  const char* tag() const override { return "fake"; }

  kiln::Result<void> submit(Request* r) override {
    if (eagain > 0) {
      --eagain;
      return kiln::Error(EAGAIN);
    }
    Seen s;
    std::vector<uint8_t> all;
    for (unsigned i = 0; i < r->nout; ++i)
      all.insert(all.end(), static_cast<uint8_t*>(r->out[i].p), static_cast<uint8_t*>(r->out[i].p) + r->out[i].len);
    EXPECT_GE(all.size(), sizeof(InHeader));
    memcpy(&s.h, all.data(), sizeof s.h);
    EXPECT_EQ(s.h.len, all.size());  // the request's own len is right
    s.body.assign(all.begin() + sizeof(InHeader), all.end());
    s.hiprio = r->hiprio;
    seen.push_back(s);
    if (r->hiprio) {  // FORGET: no reply
      r->used = 0;
      r->done(r);
      return {};
    }
    Reply rep = answer(s);
    if (rep.fix_header && rep.bytes.size() >= sizeof(OutHeader)) {
      OutHeader oh;
      memcpy(&oh, rep.bytes.data(), sizeof oh);
      oh.len = static_cast<uint32_t>(rep.bytes.size());
      oh.unique = s.h.unique;
      memcpy(rep.bytes.data(), &oh, sizeof oh);
    }
    // Scatter into the writable segments, never past them (a real device
    // cannot either); used may claim more.
    size_t off = 0;
    for (unsigned i = 0; i < r->nin && off < rep.bytes.size(); ++i) {
      size_t k = std::min<size_t>(r->in[i].len, rep.bytes.size() - off);
      memcpy(r->in[i].p, rep.bytes.data() + off, k);
      off += k;
    }
    r->used = static_cast<uint32_t>(rep.used >= 0 ? rep.used : static_cast<int64_t>(rep.bytes.size()));
    r->status = rep.status;
    r->done(r);
    return {};
  }
};

template <typename T>
Reply ok(const T& payload) {
  Reply r;
  r.bytes.resize(sizeof(OutHeader) + sizeof(T));
  memcpy(r.bytes.data() + sizeof(OutHeader), &payload, sizeof(T));
  return r;
}
Reply ok_empty() {
  Reply r;
  r.bytes.resize(sizeof(OutHeader));
  return r;
}
Reply err(int e) {
  Reply r = ok_empty();
  OutHeader oh = {};
  oh.error = -e;
  memcpy(r.bytes.data(), &oh, sizeof oh);
  return r;
}
Reply raw(std::vector<uint8_t> payload) {
  Reply r = ok_empty();
  r.bytes.insert(r.bytes.end(), payload.begin(), payload.end());
  return r;
}

Attr file_attr(uint64_t ino, uint64_t size) {
  Attr a = {};
  a.ino = ino;
  a.size = size;
  a.mode = 0100644;
  a.nlink = 1;
  return a;
}

EntryOut entry(uint64_t node, const Attr& a) {
  EntryOut e = {};
  e.nodeid = node;
  e.attr = a;
  return e;
}

void add_dirent(std::vector<uint8_t>& buf, uint64_t ino, uint64_t off, const std::string& name, uint32_t type = 8,
                bool pad = true) {
  Dirent d = {ino, off, static_cast<uint32_t>(name.size()), type};
  size_t at = buf.size();
  buf.resize(at + sizeof d + name.size());
  memcpy(buf.data() + at, &d, sizeof d);
  memcpy(buf.data() + at + sizeof d, name.data(), name.size());
  if (pad) buf.resize((buf.size() + 7) & ~size_t{7});
}

class Fuse : public ::testing::Test {
 protected:
  void SetUp() override {
    srv.answer = [](const Seen& s) -> Reply {
      EXPECT_EQ(s.h.opcode, kInit);
      InitOut o = {};
      o.major = 7;
      o.minor = 31;
      o.max_write = 1 << 20;
      return ok(o);
    };
    ASSERT_FALSE(c.init().is_error());
    srv.seen.clear();
  }
  FakeServer srv;
  Client c{&srv};
};

TEST(FuseInit, NegotiatesAndCapsRequestSize) {
  FakeServer srv;
  Client c(&srv);
  srv.answer = [](const Seen& s) {
    InitIn in;
    memcpy(&in, s.body.data(), sizeof in);
    EXPECT_EQ(in.major, 7u);
    EXPECT_EQ(in.minor, 31u);
    InitOut o = {};
    o.major = 7;
    o.minor = 31;
    o.max_write = 65536;
    return ok(o);
  };
  ASSERT_FALSE(c.init().is_error());
  EXPECT_EQ(c.max_io(), 65536u);
}

TEST(FuseInit, OldShortReplyAcceptedTooShortRefused) {
  FakeServer srv;
  Client c(&srv);
  srv.answer = [](const Seen&) {
    std::vector<uint8_t> p(24, 0);
    uint32_t v[6] = {7, 27, 0, 0, 0, 8192};
    memcpy(p.data(), v, 24);
    return raw(p);
  };
  ASSERT_FALSE(c.init().is_error());
  EXPECT_EQ(c.max_io(), 8192u);
  srv.answer = [](const Seen&) { return raw(std::vector<uint8_t>(20, 7)); };
  EXPECT_EQ(c.init().error().code(), EIO);
  srv.answer = [](const Seen&) {
    InitOut o = {};
    o.major = 8;
    return ok(o);
  };
  EXPECT_EQ(c.init().error().code(), EPROTO);
}

TEST_F(Fuse, LookupEncodesNameAndDecodesEntry) {
  srv.answer = [](const Seen& s) {
    EXPECT_EQ(s.h.opcode, kLookup);
    EXPECT_EQ(s.h.nodeid, 1u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(s.body.data()), s.body.size()), std::string("etc\0", 4));
    return ok(entry(42, file_attr(7, 1234)));
  };
  Entry e;
  ASSERT_FALSE(c.lookup(1, "etc", 3, &e).is_error());
  EXPECT_EQ(e.nodeid, 42u);
  EXPECT_EQ(e.attr.size, 1234u);
  EXPECT_EQ(srv.seen[0].h.unique % 2, 0u);
}

TEST_F(Fuse, UniquesDiffer) {
  srv.answer = [](const Seen&) { return ok(entry(2, file_attr(2, 0))); };
  Entry e;
  ASSERT_FALSE(c.lookup(1, "a", 1, &e).is_error());
  ASSERT_FALSE(c.lookup(1, "b", 1, &e).is_error());
  EXPECT_NE(srv.seen[0].h.unique, srv.seen[1].h.unique);
}

TEST_F(Fuse, ServerErrorIsItsErrno) {
  srv.answer = [](const Seen&) { return err(ENOENT); };
  Entry e;
  EXPECT_EQ(c.lookup(1, "x", 1, &e).error().code(), ENOENT);
  EXPECT_EQ(c.stats().server_errors, 1u);
  EXPECT_EQ(c.stats().bad_replies, 0u);
}

TEST_F(Fuse, ErrorOutOfRangeOrPositiveIsEio) {
  for (int32_t bad : {1, 4096, -4096, INT32_MIN}) {
    srv.answer = [bad](const Seen&) {
      Reply r = ok_empty();
      OutHeader oh = {};
      oh.error = bad;
      memcpy(r.bytes.data(), &oh, sizeof oh);
      return r;
    };
    Attr a;
    EXPECT_EQ(c.getattr(1, &a).error().code(), EIO) << bad;
  }
  EXPECT_EQ(c.stats().bad_replies, 4u);
}

TEST_F(Fuse, ErrorWithPayloadIsEio) {
  srv.answer = [](const Seen&) {
    Reply r = raw(std::vector<uint8_t>(8, 0));
    OutHeader oh = {};
    oh.error = -ENOENT;
    memcpy(r.bytes.data(), &oh, sizeof oh);
    return r;
  };
  Attr a;
  EXPECT_EQ(c.getattr(1, &a).error().code(), EIO);
}

TEST_F(Fuse, ShortReplyIsEio) {
  srv.answer = [](const Seen&) {
    Reply r;
    r.bytes.resize(8);
    r.fix_header = false;
    return r;
  };
  Attr a;
  EXPECT_EQ(c.getattr(1, &a).error().code(), EIO);
  srv.answer = [](const Seen&) {
    Reply r;  // nothing at all
    r.used = 0;
    return r;
  };
  EXPECT_EQ(c.getattr(1, &a).error().code(), EIO);
}

TEST_F(Fuse, LenFieldDisagreeingWithBytesIsEio) {
  // len says more than was received.
  srv.answer = [](const Seen& s) {
    AttrOut o = {};
    o.attr = file_attr(1, 1);
    Reply r = ok(o);
    r.fix_header = false;
    OutHeader oh = {static_cast<uint32_t>(r.bytes.size() + 4096), 0, s.h.unique};
    memcpy(r.bytes.data(), &oh, sizeof oh);
    return r;
  };
  Attr a;
  EXPECT_EQ(c.getattr(1, &a).error().code(), EIO);
  // len says less.
  srv.answer = [](const Seen& s) {
    AttrOut o = {};
    o.attr = file_attr(1, 1);
    Reply r = ok(o);
    r.fix_header = false;
    OutHeader oh = {20, 0, s.h.unique};
    memcpy(r.bytes.data(), &oh, sizeof oh);
    return r;
  };
  EXPECT_EQ(c.getattr(1, &a).error().code(), EIO);
}

TEST_F(Fuse, UsedPastTheBuffersIsEio) {
  srv.answer = [](const Seen&) {
    AttrOut o = {};
    o.attr = file_attr(1, 1);
    Reply r = ok(o);
    r.used = 1 << 20;
    return r;
  };
  Attr a;
  EXPECT_EQ(c.getattr(1, &a).error().code(), EIO);
}

TEST_F(Fuse, UnknownUniqueIsEio) {
  srv.answer = [](const Seen& s) {
    AttrOut o = {};
    o.attr = file_attr(1, 1);
    Reply r = ok(o);
    r.fix_header = false;
    OutHeader oh = {static_cast<uint32_t>(r.bytes.size()), 0, s.h.unique + 2};
    memcpy(r.bytes.data(), &oh, sizeof oh);
    return r;
  };
  Attr a;
  EXPECT_EQ(c.getattr(1, &a).error().code(), EIO);
  EXPECT_EQ(c.stats().bad_replies, 1u);
}

TEST_F(Fuse, WrongReplyShapeIsEio) {
  // An entry (128 bytes) where an attr_out (104) belongs: too long.
  srv.answer = [](const Seen&) { return ok(entry(5, file_attr(5, 5))); };
  Attr a;
  EXPECT_EQ(c.getattr(1, &a).error().code(), EIO);
  // A write_out where an entry belongs: too short.
  srv.answer = [](const Seen&) { return ok(WriteOut{3, 0}); };
  Entry e;
  EXPECT_EQ(c.lookup(1, "a", 1, &e).error().code(), EIO);
  // Statfs with nothing.
  srv.answer = [](const Seen&) { return ok_empty(); };
  Kstatfs k;
  EXPECT_EQ(c.statfs(&k).error().code(), EIO);
}

TEST_F(Fuse, InsaneAttrOrNodeIsEio) {
  srv.answer = [](const Seen&) {
    Attr a = file_attr(1, 1);
    a.mode = 0;  // no file type
    return ok(entry(9, a));
  };
  Entry e;
  EXPECT_EQ(c.lookup(1, "a", 1, &e).error().code(), EIO);
  // The server counted a lookup: the client forgets it.
  ASSERT_EQ(srv.seen.size(), 2u);
  EXPECT_EQ(srv.seen[1].h.opcode, kForget);
  EXPECT_TRUE(srv.seen[1].hiprio);
  EXPECT_EQ(srv.seen[1].h.nodeid, 9u);
  srv.answer = [](const Seen&) {
    Attr a = file_attr(1, 1);
    a.mtimensec = 1000000000;
    AttrOut o = {};
    o.attr = a;
    return ok(o);
  };
  Attr a;
  EXPECT_EQ(c.getattr(1, &a).error().code(), EIO);
  srv.answer = [](const Seen&) { return ok(entry(0, file_attr(1, 1))); };
  EXPECT_EQ(c.lookup(1, "a", 1, &e).error().code(), EIO);
}

TEST_F(Fuse, BadNamesNeverSent) {
  Entry e;
  EXPECT_EQ(c.lookup(1, "a/b", 3, &e).error().code(), EINVAL);
  EXPECT_EQ(c.lookup(1, "", 0, &e).error().code(), EINVAL);
  std::string longname(256, 'x');
  EXPECT_EQ(c.mkdir(1, longname.data(), longname.size(), 0755, &e).error().code(), EINVAL);
  EXPECT_TRUE(srv.seen.empty());
}

TEST_F(Fuse, ReadIntoCallerBufferAndShortReads) {
  srv.answer = [](const Seen& s) {
    ReadIn in;
    memcpy(&in, s.body.data(), sizeof in);
    EXPECT_EQ(s.h.opcode, kRead);
    EXPECT_EQ(in.fh, 77u);
    EXPECT_EQ(in.offset, 4096u);
    std::vector<uint8_t> data(in.size > 10 ? 10 : in.size);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>('a' + i);
    return raw(data);
  };
  char buf[64];
  memset(buf, '#', sizeof buf);
  auto n = c.read(3, 77, 4096, buf, 32);
  ASSERT_FALSE(n.is_error());
  EXPECT_EQ(n.value(), 10u);
  EXPECT_EQ(std::string(buf, 10), "abcdefghij");
  EXPECT_EQ(buf[10], '#');
}

TEST_F(Fuse, ReadReplyLongerThanAskedIsEio) {
  srv.answer = [](const Seen&) {
    Reply r = raw(std::vector<uint8_t>(16, 'z'));
    return r;
  };
  char buf[32];
  memset(buf, '#', sizeof buf);
  EXPECT_EQ(c.read(3, 1, 0, buf, 8).error().code(), EIO);
  EXPECT_EQ(std::string(buf + 8, 24), std::string(24, '#'));  // nothing written past the buffer
}

TEST_F(Fuse, WriteSendsDataAndChecksCount) {
  srv.answer = [](const Seen& s) {
    WriteIn in;
    memcpy(&in, s.body.data(), sizeof in);
    EXPECT_EQ(s.body.size(), sizeof in + in.size);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(s.body.data() + sizeof in), in.size), "hello");
    return ok(WriteOut{in.size, 0});
  };
  auto n = c.write(3, 1, 0, "hello", 5);
  ASSERT_FALSE(n.is_error());
  EXPECT_EQ(n.value(), 5u);
  srv.answer = [](const Seen&) { return ok(WriteOut{6, 0}); };  // more than sent
  EXPECT_EQ(c.write(3, 1, 0, "hello", 5).error().code(), EIO);
}

TEST_F(Fuse, CreateRenameSymlinkEncoding) {
  srv.answer = [](const Seen& s) -> Reply {
    if (s.h.opcode == kCreate) {
      CreateIn in;
      memcpy(&in, s.body.data(), sizeof in);
      EXPECT_EQ(in.mode, 0100600u);
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(s.body.data() + sizeof in), s.body.size() - sizeof in),
                std::string("f\0", 2));
      struct {
        EntryOut e;
        OpenOut o;
      } r = {entry(10, file_attr(10, 0)), {99, 0, 0}};
      return ok(r);
    }
    if (s.h.opcode == kRename) {
      RenameIn in;
      memcpy(&in, s.body.data(), sizeof in);
      EXPECT_EQ(in.newdir, 5u);
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(s.body.data() + sizeof in), s.body.size() - sizeof in),
                std::string("a\0bb\0", 5));
      return ok_empty();
    }
    EXPECT_EQ(s.h.opcode, kSymlink);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(s.body.data()), s.body.size()), std::string("l\0../t\0", 7));
    Attr a = file_attr(11, 4);
    a.mode = 0120777;
    return ok(entry(11, a));
  };
  Entry e;
  uint64_t fh = 0;
  ASSERT_FALSE(c.create(1, "f", 1, 0100600, 0102, &e, &fh).is_error());
  EXPECT_EQ(fh, 99u);
  EXPECT_EQ(e.nodeid, 10u);
  ASSERT_FALSE(c.rename(1, "a", 1, 5, "bb", 2).is_error());
  ASSERT_FALSE(c.symlink(1, "l", 1, "../t", &e).is_error());
}

TEST_F(Fuse, ReaddirEntriesParsed) {
  std::vector<uint8_t> d;
  add_dirent(d, 1, 1, ".", 4);
  add_dirent(d, 1, 2, "..", 4);
  add_dirent(d, 20, 3, "hello.txt");
  add_dirent(d, 21, 4, "z", 8, false);  // the last one without padding
  srv.answer = [d](const Seen&) { return raw(d); };
  uint8_t buf[4096];
  auto n = c.readdir(1, 5, 0, buf, sizeof buf);
  ASSERT_FALSE(n.is_error());
  size_t pos = 0;
  DirEnt e;
  std::vector<std::string> names;
  for (;;) {
    auto more = next_dirent(buf, n.value(), &pos, &e);
    ASSERT_FALSE(more.is_error());
    if (!more.value()) break;
    names.emplace_back(e.name, e.namelen);
  }
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "hello.txt", "z"}));
}

TEST(FuseDirent, PastTheEndAndBadNamesAreEio) {
  DirEnt e;
  size_t pos;
  std::vector<uint8_t> d;
  add_dirent(d, 1, 1, "abcdef");
  // The name runs past the reply.
  pos = 0;
  EXPECT_EQ(next_dirent(d.data(), sizeof(Dirent) + 3, &pos, &e).error().code(), EIO);
  // A header cut short.
  pos = 0;
  EXPECT_EQ(next_dirent(d.data(), 10, &pos, &e).error().code(), EIO);
  // namelen huge.
  std::vector<uint8_t> h = d;
  uint32_t big = 0xffffffff;
  memcpy(h.data() + 16, &big, 4);
  pos = 0;
  EXPECT_EQ(next_dirent(h.data(), h.size(), &pos, &e).error().code(), EIO);
  // Empty name, a slash, a NUL.
  for (const std::string& bad : {std::string(), std::string("a/b"), std::string("a\0b", 3)}) {
    std::vector<uint8_t> b;
    add_dirent(b, 1, 1, bad);
    pos = 0;
    EXPECT_EQ(next_dirent(b.data(), b.size(), &pos, &e).error().code(), EIO) << bad.size();
  }
  // A good one after a good one, then the end.
  std::vector<uint8_t> g;
  add_dirent(g, 1, 1, "a");
  add_dirent(g, 2, 2, "b");
  pos = 0;
  EXPECT_TRUE(next_dirent(g.data(), g.size(), &pos, &e).value());
  EXPECT_TRUE(next_dirent(g.data(), g.size(), &pos, &e).value());
  EXPECT_FALSE(next_dirent(g.data(), g.size(), &pos, &e).value());
}

TEST_F(Fuse, TransportFailureIsItsErrno) {
  srv.answer = [](const Seen&) {
    Reply r;
    r.status = -EIO;
    r.used = 0;
    return r;
  };
  Attr a;
  EXPECT_EQ(c.getattr(1, &a).error().code(), EIO);
}

TEST_F(Fuse, FullChannelRetried) {
  srv.eagain = 3;
  srv.answer = [](const Seen&) {
    AttrOut o = {};
    o.attr = file_attr(1, 1);
    return ok(o);
  };
  Attr a;
  ASSERT_FALSE(c.getattr(1, &a).is_error());
  EXPECT_EQ(srv.seen.size(), 1u);
}

TEST_F(Fuse, ForgetOnHiprioWithoutReply) {
  srv.answer = [](const Seen&) -> Reply {
    ADD_FAILURE() << "FORGET got a reply";
    return {};
  };
  c.forget(33, 2);
  ASSERT_EQ(srv.seen.size(), 1u);
  EXPECT_TRUE(srv.seen[0].hiprio);
  EXPECT_EQ(srv.seen[0].h.opcode, kForget);
  ForgetIn f;
  memcpy(&f, srv.seen[0].body.data(), sizeof f);
  EXPECT_EQ(f.nlookup, 2u);
}

TEST_F(Fuse, ReadlinkIntoBuffer) {
  srv.answer = [](const Seen&) { return raw({'a', 'b', 'c'}); };
  char buf[8];
  auto n = c.readlink(4, buf, sizeof buf);
  ASSERT_FALSE(n.is_error());
  EXPECT_EQ(std::string(buf, n.value()), "abc");
}

}  // namespace

namespace {
TEST(FuseErrno, LinuxNumbersMapped) {
  using kiln::fuse::errno_from_linux;
  EXPECT_EQ(errno_from_linux(2), ENOENT);
  EXPECT_EQ(errno_from_linux(30), EROFS);
  EXPECT_EQ(errno_from_linux(39), ENOTEMPTY);
  EXPECT_EQ(errno_from_linux(36), ENAMETOOLONG);
  EXPECT_EQ(errno_from_linux(95), EOPNOTSUPP);
  EXPECT_EQ(errno_from_linux(4000), EIO);
}
}  // namespace
