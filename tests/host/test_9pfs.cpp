// The vfs filesystem "9p" (lib/ninep/src/fs.cpp) over the vfs core and a
// fake 9P server registered as a channel: the boot lines of failed mounts
// (no such tag, version refused, attach failed), a good mount read and
// listed through the vfs (a listing spread over several Treaddir replies),
// a read-only mount refusing changes, and a server that turns malformed in
// the middle (EPROTO, nothing else breaks). Its own executable: one mount
// table per process.
#include "fake_plat.h"
#include <kiln/alloc.h>
#include <kiln/ninep.h>
#include <kiln/vfs.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

using namespace kiln::ninep;
using kiln::vfs::VnodeRef;

extern "C" {
void* kiln_malloc(size_t n) { return malloc(n); }
void* kiln_realloc(void* p, size_t n) { return realloc(p, n); }
void kiln_free(void* p) { free(p); }
void kiln_alloc_get_stats(kiln_alloc_stats* s) {
  memset(s, 0, sizeof *s);
  s->free = 1 << 30;
}
int64_t kiln_plat_wall_ns(void) { return 0; }
void kiln_plat_wake_event(void) {}
void kiln_plat_wait_event(uint64_t) { ADD_FAILURE() << "the fake server answers at once"; }
}

// lib/fdtab's FIFOs (the ramfs links to them): unused here.
namespace kiln {
struct Fifo {};
Result<Fifo*> fifo_new() { return Error(ENOSYS); }
void fifo_put(Fifo*) {}
Result<File*> fifo_open(Fifo*, int) { return Error(ENOSYS); }
}  // namespace kiln

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
};

// A tiny export: / (path 1) holding hello (2, "hello") and dir (3).
class FakeExport final : public Channel {
 public:
  explicit FakeExport(const char* tag) : tag_(tag) {}
  const char* tag() const override { return tag_; }
  uint32_t max_msize() const override { return 65536; }
  bool refuse_version = false, refuse_attach = false, garble_reads = false, loop_dir = false;
  int creates = 0;

  kiln::Result<void> submit(Request* r) override {
    Reader in(r->out, r->out_len);
    uint32_t size;
    uint8_t type;
    uint16_t tag;
    in.u32(&size), in.u8(&type), in.u16(&tag);
    Bytes body;
    uint8_t rtype = static_cast<uint8_t>(type + 1);
    auto err = [&](uint32_t e) { rtype = kRlerror, body = B().u32(e).b; };
    uint32_t fid = 0;
    switch (type) {
      case kTversion:
        body = B().u32(8192).str(refuse_version ? "unknown" : "9P2000.L").b;
        break;
      case kTattach:
        in.u32(&fid);
        if (refuse_attach) err(13);
        else fids_[fid] = 1, body = B().qid(kQtDir, 1).b;
        break;
      case kTwalk: {
        uint32_t nf;
        uint16_t n;
        in.u32(&fid), in.u32(&nf), in.u16(&n);
        uint64_t p = fids_[fid];
        if (n == 0) {
          fids_[nf] = p;
          body = B().u16(0).b;
          break;
        }
        const char* s;
        uint16_t len;
        in.str(&s, &len);
        std::string name(s, len);
        if (p == 1 && name == "hello") fids_[nf] = 2, body = B().u16(1).qid(0, 2).b;
        else if (p == 1 && name == "dir") fids_[nf] = 3, body = B().u16(1).qid(kQtDir, 3).b;
        else err(2);
        break;
      }
      case kTgetattr: {
        in.u32(&fid);
        uint64_t p = fids_[fid];
        bool dir = p != 2;
        B a;
        a.u64(0x7ff).qid(dir ? kQtDir : 0, p).u32(dir ? (S_IFDIR | 0755) : (S_IFREG | 0644)).u32(0).u32(0);
        a.u64(1).u64(0).u64(dir ? 0 : 5).u64(4096).u64(1);
        for (int i = 0; i < 6; ++i) a.u64(0);
        for (int i = 0; i < 4; ++i) a.u64(0);
        body = a.b;
        break;
      }
      case kTlopen:
        in.u32(&fid);
        body = B().qid(fids_[fid] == 2 ? 0 : kQtDir, fids_[fid]).u32(0).b;
        break;
      case kTread: {
        uint64_t off;
        uint32_t n;
        in.u32(&fid), in.u64(&off), in.u32(&n);
        std::string data = "hello";
        std::string part = off < data.size() ? data.substr(off, n) : "";
        B b;
        b.u32(garble_reads ? 1000 : static_cast<uint32_t>(part.size()));
        for (char c : part) b.u8(static_cast<uint8_t>(c));
        body = b.b;
        break;
      }
      case kTreaddir: {
        uint64_t off;
        uint32_t n;
        in.u32(&fid), in.u64(&off), in.u32(&n);
        const char* names[] = {".", "..", "hello", "dir"};
        B b;
        B ents;
        for (uint64_t i = off; i < 4 && i < off + 2; ++i)  // two entries per reply
          ents.qid(i == 2 ? 0 : kQtDir, i + 1).u64(loop_dir ? off : i + 1).u8(i == 2 ? 8 : 4).str(names[i]);
        b.u32(static_cast<uint32_t>(ents.b.size()));
        b.b.insert(b.b.end(), ents.b.begin(), ents.b.end());
        body = b.b;
        break;
      }
      case kTlcreate:
        ++creates;
        err(30);
        break;
      case kTclunk:
        in.u32(&fid);
        fids_.erase(fid);
        break;
      default:
        err(95);
    }
    B m;
    m.u32(static_cast<uint32_t>(7 + body.size())).u8(rtype).u16(tag);
    m.b.insert(m.b.end(), body.begin(), body.end());
    size_t k = std::min(m.b.size(), r->in_cap);
    memcpy(r->in, m.b.data(), k);
    r->in_len = m.b.size();
    r->status = 0;
    r->done(r);
    return {};
  }
  size_t open_fids() const { return fids_.size(); }

 private:
  const char* tag_;
  std::map<uint32_t, uint64_t> fids_;
};

FakeExport good("good"), ro_share("roshare"), no_version("nover"), no_attach("noattach");

class NinepFs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    good.garble_reads = false;
    no_version.refuse_version = true;
    no_attach.refuse_attach = true;
    register_channel(&good);
    register_channel(&ro_share);
    register_channel(&no_version);
    register_channel(&no_attach);
    ASSERT_FALSE(kiln::vfs::mount("ramfs", "/", nullptr).is_error());
    for (const char* d : {"mnt", "ro", "a", "b", "c"})
      ASSERT_FALSE(kiln::vfs::make_dirs(nullptr, d).is_error());
  }
};

TEST_F(NinepFs, FailedMountsNameTheTagAndWhy) {
  fake::console().clear();
  EXPECT_EQ(kiln::vfs::mount("9p", "/a", "nosuch").error().code(), ENXIO);
  EXPECT_NE(fake::console().find("9p: mount tag 'nosuch': no such tag"), std::string::npos) << fake::console();
  EXPECT_EQ(kiln::vfs::mount("9p", "/b", "nover").error().code(), ENOTSUP);
  EXPECT_NE(fake::console().find("9p: mount tag 'nover': version refused"), std::string::npos) << fake::console();
  EXPECT_EQ(kiln::vfs::mount("9p", "/c", "noattach").error().code(), EACCES);
  EXPECT_NE(fake::console().find("9p: mount tag 'noattach': attach failed: Permission denied"), std::string::npos)
      << fake::console();
  EXPECT_EQ(kiln::vfs::mount("9p", "/a", "good,rw").error().code(), EINVAL);  // only ,ro is an option
}

TEST_F(NinepFs, ReadAndListThroughTheVfs) {
  ASSERT_FALSE(kiln::vfs::mount("9p", "/mnt", "good").is_error());
  auto v = kiln::vfs::resolve(nullptr, "/mnt/hello", kiln::vfs::kFollow);
  ASSERT_FALSE(v.is_error());
  EXPECT_TRUE(v.value()->is_reg());
  struct stat st;
  ASSERT_FALSE(v.value()->getattr(&st).is_error());
  EXPECT_EQ(st.st_size, 5);
  char buf[16] = {};
  auto n = v.value()->read(buf, sizeof buf, 0);
  ASSERT_FALSE(n.is_error());
  EXPECT_EQ(std::string(buf, n.value()), "hello");
  EXPECT_EQ(kiln::vfs::resolve(nullptr, "/mnt/missing", 0).error().code(), ENOENT);
  fake::console().clear();
  EXPECT_EQ(kiln::vfs::mount("9p", "/a", "good").error().code(), EBUSY);  // one session per tag
  EXPECT_NE(fake::console().find("9p: mount tag 'good': already mounted"), std::string::npos) << fake::console();
  auto root = kiln::vfs::resolve(nullptr, "/mnt", 0);
  ASSERT_FALSE(root.is_error());
  uint64_t cookie = 0;
  kiln::vfs::DirEntry e;
  std::string names;
  for (;;) {
    auto more = root.value()->readdir(&cookie, &e);
    ASSERT_FALSE(more.is_error());
    if (!more.value()) break;
    names += std::string(e.name) + " ";
  }
  EXPECT_EQ(names, ". .. hello dir ");  // over two Treaddir replies
  // A server whose entries lead back to where they were read: EPROTO, not a listing forever.
  good.loop_dir = true;
  auto d = kiln::vfs::resolve(nullptr, "/mnt/dir", 0);
  ASSERT_FALSE(d.is_error());
  cookie = 0;
  EXPECT_EQ(d.value()->readdir(&cookie, &e).error().code(), EPROTO);
  good.loop_dir = false;
  // The server turns malformed: a clean EPROTO, then it recovers.
  good.garble_reads = true;
  EXPECT_EQ(v.value()->read(buf, sizeof buf, 0).error().code(), EPROTO);
  good.garble_reads = false;
  EXPECT_EQ(v.value()->read(buf, sizeof buf, 1).value(), 4u);
  size_t before = good.open_fids();
  { VnodeRef gone = std::move(v.value()); }  // the vnode goes: its fids are clunked
  EXPECT_EQ(good.open_fids(), before - 2);
}

TEST_F(NinepFs, ReadOnlyRefusesChanges) {
  ASSERT_FALSE(kiln::vfs::mount("9p", "/ro", "roshare,ro").is_error());
  auto root = kiln::vfs::resolve(nullptr, "/ro", 0);
  ASSERT_FALSE(root.is_error());
  EXPECT_EQ(root.value()->create("x", 1, 0644).error().code(), EROFS);
  EXPECT_EQ(root.value()->mkdir("x", 1, 0755).error().code(), EROFS);
  EXPECT_EQ(root.value()->unlink("hello", 5).error().code(), EROFS);
  auto f = kiln::vfs::resolve(nullptr, "/ro/hello", 0);
  ASSERT_FALSE(f.is_error());
  EXPECT_EQ(f.value()->write("x", 1, 0).error().code(), EROFS);
  EXPECT_EQ(f.value()->open(O_WRONLY).error().code(), EROFS);
  EXPECT_EQ(ro_share.creates, 0);  // nothing reached the server
}

}  // namespace
