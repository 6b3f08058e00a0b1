// 9P2000.L client calls over a Channel (kiln/ninep.h).
//
// Each call allocates one buffer for its T-message and its reply, takes a
// tag (up to kMaxTags calls in flight; more wait), submits the request to
// the channel and blocks (kiln_plat_wait_event, events masked while it
// checks) until the channel's completion wakes it. The reply is checked
// whole before anything in it is used.
#include <kiln/alloc.h>
#include <kiln/lock.h>
#include <kiln/ninep.h>
#include <kiln/plat/wait.h>
#include <kiln/print.h>
#include <errno.h>
#include <new>
#include <string.h>

namespace kiln::ninep {

namespace {
constinit Channel* g_channels = nullptr;

struct Waiter {
  volatile bool done = false;
};

void on_done(Request* r) {
  static_cast<Waiter*>(r->ctx)->done = true;
  kiln_plat_wake_event();
}

bool version_is_ours(const char* s, uint16_t len) { return len == 8 && memcmp(s, "9P2000.L", 8) == 0; }
}  // namespace

void register_channel(Channel* c) {
  IrqGuard g;
  c->next = g_channels;
  g_channels = c;
}

Channel* find_channel(const char* tag, size_t len) {
  IrqGuard g;
  for (Channel* c = g_channels; c; c = c->next)
    if (strlen(c->tag()) == len && memcmp(c->tag(), tag, len) == 0) return c;
  return nullptr;
}

// One call's memory: the T-message, then the reply.
struct Client::Call {
  Call(size_t out, size_t in) : out_cap(out), in_cap(in) {
    mem = static_cast<uint8_t*>(kiln_malloc(out + in));
  }
  ~Call() { kiln_free(mem); }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;
  uint8_t* in() { return mem + out_cap; }
  uint8_t* mem;
  size_t out_cap, in_cap, out_len = 0;
};

Error Client::protocol(const char* what) {
  if (!proto_errors_++) kiln_err("9p: %s: malformed reply (%s): I/O fails with EPROTO", ch_->tag(), what);
  return Error(EPROTO);
}

Result<uint32_t> Client::new_fid() {
  IrqGuard g;
  if (next_fid_ == kNoFid) return Error(ENFILE);
  return Ok(next_fid_++);
}

Result<uint16_t> Client::get_tag() {
  IrqGuard g;
  while (tags_ == ~uint64_t{0}) kiln_plat_wait_event(0);
  uint16_t t = static_cast<uint16_t>(__builtin_ctzll(~tags_));
  tags_ |= uint64_t{1} << t;
  return Ok(t);
}

void Client::put_tag(uint16_t t) {
  IrqGuard g;
  tags_ &= ~(uint64_t{1} << t);
  kiln_plat_wake_event();  // a caller may wait for a tag
}

// One request on its way: its waiter and the channel's request.
struct Client::Pending {
  Waiter w;
  Request req;
  uint16_t tag = kNoTag;
  uint8_t type = 0;
  Call* c = nullptr;
};

Result<void> Client::start(Call& c, uint8_t type, Pending& p) {
  uint16_t tag = kNoTag;
  if (type != kTversion) tag = KILN_TRY(get_tag());
  c.mem[5] = static_cast<uint8_t>(tag);
  c.mem[6] = static_cast<uint8_t>(tag >> 8);
  p.tag = tag;
  p.type = type;
  p.c = &c;
  p.req.out = c.mem;
  p.req.out_len = c.out_len;
  p.req.in = c.in();
  p.req.in_cap = c.in_cap;
  p.req.done = on_done;
  p.req.ctx = &p.w;
  IrqGuard g;  // the wait contract: check, then wait, with events masked
  for (;;) {
    auto s = ch_->submit(&p.req);
    if (!s.is_error()) break;
    if (s.error().code() != EAGAIN || in_flight_ == 0) {
      if (tag != kNoTag) put_tag(tag);
      return Error(EIO);
    }
    kiln_plat_wait_event(0);  // a completion frees room
  }
  if (++in_flight_ > max_in_flight_) max_in_flight_ = in_flight_;
  return {};
}

Result<Reader> Client::finish(Pending& p) {
  {
    IrqGuard g;
    while (!p.w.done) kiln_plat_wait_event(0);
    --in_flight_;
  }
  if (p.tag != kNoTag) put_tag(p.tag);
  if (p.req.status) return Error(EIO);
  auto r = check_reply(p.c->in(), p.req.in_len, p.c->in_cap, p.type, p.tag);
  if (r.is_error() && r.error().code() == EPROTO) return protocol("header: size, type or tag");
  return r;
}

Result<Reader> Client::rpc(Call& c, uint8_t type) {
  Pending p;
  KILN_TRY(start(c, type, p));
  return finish(p);
}

Result<void> Client::version(uint32_t want) {
  uint32_t ch_max = ch_->max_msize();
  if (want > ch_max) want = ch_max;
  if (want < kMinMsize) return Error(EINVAL);
  Call c(64, 256);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTversion, kNoTag);
  w.u32(want);
  w.str("9P2000.L", 8);
  c.out_len = KILN_TRY(w.finish());
  Reader r = KILN_TRY(rpc(c, kTversion));
  uint32_t m;
  const char* v;
  uint16_t vl;
  if (!r.u32(&m) || !r.str(&v, &vl) || !r.at_end()) return protocol("Rversion");
  if (!version_is_ours(v, vl)) return Error(ENOTSUP);
  if (m < kMinMsize || m > want) return protocol("Rversion msize");
  msize_ = m;
  return {};
}

Result<Qid> Client::attach(uint32_t fid, const char* uname, const char* aname, uint32_t n_uname) {
  Call c(64 + strlen(uname) + strlen(aname), 64);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTattach, 0);
  w.u32(fid);
  w.u32(kNoFid);
  w.str(uname, strlen(uname));
  w.str(aname, strlen(aname));
  w.u32(n_uname);
  c.out_len = KILN_TRY(w.finish());
  Reader r = KILN_TRY(rpc(c, kTattach));
  Qid q;
  if (!r.qid(&q) || !r.at_end() || !qid_sane(q) || !(q.type & kQtDir)) return protocol("Rattach");
  return Ok(q);
}

Result<Qid> Client::walk(uint32_t fid, uint32_t newfid, const char* const* names, const uint16_t* lens, uint16_t n) {
  if (n > 16) return Error(EINVAL);  // MAXWELEM
  size_t out = 32;
  for (uint16_t i = 0; i < n; ++i) out += 2u + lens[i];
  Call c(out, kHeader + 2 + 13u * n);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTwalk, 0);
  w.u32(fid);
  w.u32(newfid);
  w.u16(n);
  for (uint16_t i = 0; i < n; ++i) w.str(names[i], lens[i]);
  c.out_len = KILN_TRY(w.finish());
  Reader r = KILN_TRY(rpc(c, kTwalk));
  uint16_t nq;
  if (!r.u16(&nq) || nq > n || r.left() != 13u * nq) return protocol("Rwalk");
  Qid q, last;
  for (uint16_t i = 0; i < nq; ++i) {
    r.qid(&q);
    if (!qid_sane(q)) return protocol("Rwalk qid");
    // Every name but the last was walked through: a directory.
    if (i + 1 < n && !(q.type & kQtDir)) return protocol("Rwalk through a file");
    last = q;
  }
  if (nq < n) return Error(ENOENT);  // partial: newfid is not in use
  if (n == 0) {
    // A clone: the server's Rwalk has no qid; the caller knows the file.
    return Ok(Qid{});
  }
  return Ok(last);
}

static Result<Opened> parse_opened(Reader& r) {
  Opened o;
  if (!r.qid(&o.qid) || !r.u32(&o.iounit) || !r.at_end() || !qid_sane(o.qid)) return Error(EPROTO);
  return Ok(o);
}

Result<Opened> Client::lopen(uint32_t fid, uint32_t flags) {
  Call c(32, 64);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTlopen, 0);
  w.u32(fid);
  w.u32(flags);
  c.out_len = KILN_TRY(w.finish());
  Reader r = KILN_TRY(rpc(c, kTlopen));
  auto o = parse_opened(r);
  if (o.is_error()) return protocol("Rlopen");
  return o;
}

Result<Opened> Client::lcreate(uint32_t fid, const char* name, uint16_t len, uint32_t flags, uint32_t mode,
                               uint32_t gid) {
  Call c(40u + len, 64);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTlcreate, 0);
  w.u32(fid);
  w.str(name, len);
  w.u32(flags);
  w.u32(mode);
  w.u32(gid);
  c.out_len = KILN_TRY(w.finish());
  Reader r = KILN_TRY(rpc(c, kTlcreate));
  auto o = parse_opened(r);
  if (o.is_error() || (o.value().qid.type & (kQtDir | kQtSymlink))) return protocol("Rlcreate");
  return o;
}

Result<void> Client::build_read(Call& c, uint32_t fid, uint64_t off, uint32_t n) {
  Writer w(c.mem, c.out_cap);
  w.begin(kTread, 0);
  w.u32(fid);
  w.u64(off);
  w.u32(n);
  c.out_len = KILN_TRY(w.finish());
  return {};
}

Result<size_t> Client::take_read(Reader r, void* buf, uint32_t n) {
  uint32_t got;
  if (!r.u32(&got) || got > n || r.left() != got) return protocol("Rread count");
  memcpy(buf, r.here(), got);
  return Ok(size_t{got});
}

Result<size_t> Client::read(uint32_t fid, uint64_t off, void* buf, uint32_t n) {
  if (msize_ <= kIoHeader) return Error(EIO);
  if (n > msize_ - kIoHeader) n = msize_ - static_cast<uint32_t>(kIoHeader);
  Call c(32, kHeader + 4 + n);
  if (!c.mem) return Error(ENOMEM);
  KILN_TRY(build_read(c, fid, off, n));
  Reader r = KILN_TRY(rpc(c, kTread));
  return take_read(r, buf, n);
}

Result<size_t> Client::read_many(uint32_t fid, uint64_t off, void* buf, size_t n) {
  if (msize_ <= kIoHeader) return Error(EIO);
  uint32_t chunk = msize_ - static_cast<uint32_t>(kIoHeader);
  if (n <= chunk) return read(fid, off, buf, static_cast<uint32_t>(n));
  alignas(Call) uint8_t call_mem[kReadAhead][sizeof(Call)];
  Pending pend[kReadAhead];
  Call* calls[kReadAhead] = {};
  uint32_t asked[kReadAhead] = {};
  unsigned started = 0;
  auto* p = static_cast<uint8_t*>(buf);
  for (; started < kReadAhead && size_t{started} * chunk < n; ++started) {
    size_t at = size_t{started} * chunk;
    uint32_t k = n - at < chunk ? static_cast<uint32_t>(n - at) : chunk;
    Call* c = new (call_mem[started]) Call(32, kHeader + 4 + k);
    calls[started] = c;
    asked[started] = k;
    if (!c->mem || build_read(*c, fid, off + at, k).is_error() || start(*c, kTread, pend[started]).is_error()) {
      c->~Call();
      calls[started] = nullptr;
      break;
    }
  }
  // Every started request is waited for; the bytes count up to the first
  // short or failed piece.
  size_t done = 0;
  bool more = true;
  Error first = Error(EIO);
  for (unsigned i = 0; i < started; ++i) {
    auto r = finish(pend[i]);
    if (more) {
      auto got = r.is_error() ? Result<size_t>(r.error()) : take_read(r.value(), p + size_t{i} * chunk, asked[i]);
      if (got.is_error()) {
        if (i == 0) first = got.error();
        more = false;
      } else {
        done += got.value();
        if (got.value() < asked[i]) more = false;
      }
    }
    calls[i]->~Call();
  }
  if (started == 0) return Error(ENOMEM);
  if (done == 0 && !more) return first;
  return Ok(done);
}

Result<size_t> Client::write(uint32_t fid, uint64_t off, const void* buf, uint32_t n) {
  if (msize_ <= kIoHeader) return Error(EIO);
  if (n > msize_ - kIoHeader) n = msize_ - static_cast<uint32_t>(kIoHeader);
  Call c(kIoHeader + n, 32);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTwrite, 0);
  w.u32(fid);
  w.u64(off);
  w.u32(n);
  w.bytes(buf, n);
  c.out_len = KILN_TRY(w.finish());
  Reader r = KILN_TRY(rpc(c, kTwrite));
  uint32_t got;
  if (!r.u32(&got) || !r.at_end() || got > n) return protocol("Rwrite count");
  return Ok(size_t{got});
}

// The calls whose reply is empty: one fid (and more) in, nothing out.
#define KILN_9P_EMPTY_REPLY(c, type, what)          \
  do {                                              \
    Reader r_ = KILN_TRY(rpc(c, type));             \
    if (!r_.at_end()) return protocol(what);        \
    return {};                                      \
  } while (0)

Result<void> Client::clunk(uint32_t fid) {
  Call c(16, 16);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTclunk, 0);
  w.u32(fid);
  c.out_len = KILN_TRY(w.finish());
  KILN_9P_EMPTY_REPLY(c, kTclunk, "Rclunk");
}

Result<Attr> Client::getattr(uint32_t fid, uint64_t mask) {
  Call c(32, 256);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTgetattr, 0);
  w.u32(fid);
  w.u64(mask);
  c.out_len = KILN_TRY(w.finish());
  Reader r = KILN_TRY(rpc(c, kTgetattr));
  auto a = parse_getattr(r);
  if (a.is_error()) return protocol("Rgetattr");
  return a;
}

Result<void> Client::setattr(uint32_t fid, const SetAttrArgs& a) {
  Call c(80, 16);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTsetattr, 0);
  w.u32(fid);
  w.u32(a.valid);
  w.u32(a.mode);
  w.u32(a.uid);
  w.u32(a.gid);
  w.u64(a.size);
  w.u64(a.atime_sec);
  w.u64(a.atime_nsec);
  w.u64(a.mtime_sec);
  w.u64(a.mtime_nsec);
  c.out_len = KILN_TRY(w.finish());
  KILN_9P_EMPTY_REPLY(c, kTsetattr, "Rsetattr");
}

Result<size_t> Client::readdir(uint32_t fid, uint64_t off, void* buf, uint32_t n) {
  if (msize_ <= kIoHeader) return Error(EIO);
  if (n > msize_ - kIoHeader) n = msize_ - static_cast<uint32_t>(kIoHeader);
  Call c(32, kHeader + 4 + n);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTreaddir, 0);
  w.u32(fid);
  w.u64(off);
  w.u32(n);
  c.out_len = KILN_TRY(w.finish());
  Reader r = KILN_TRY(rpc(c, kTreaddir));
  uint32_t got;
  if (!r.u32(&got) || got > n || r.left() != got) return protocol("Rreaddir count");
  memcpy(buf, r.here(), got);
  return Ok(size_t{got});
}

Result<Qid> Client::mkdir(uint32_t dfid, const char* name, uint16_t len, uint32_t mode, uint32_t gid) {
  Call c(32u + len, 32);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTmkdir, 0);
  w.u32(dfid);
  w.str(name, len);
  w.u32(mode);
  w.u32(gid);
  c.out_len = KILN_TRY(w.finish());
  Reader r = KILN_TRY(rpc(c, kTmkdir));
  Qid q;
  if (!r.qid(&q) || !r.at_end() || !qid_sane(q) || !(q.type & kQtDir)) return protocol("Rmkdir");
  return Ok(q);
}

Result<void> Client::unlinkat(uint32_t dfid, const char* name, uint16_t len, uint32_t flags) {
  Call c(32u + len, 16);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTunlinkat, 0);
  w.u32(dfid);
  w.str(name, len);
  w.u32(flags);
  c.out_len = KILN_TRY(w.finish());
  KILN_9P_EMPTY_REPLY(c, kTunlinkat, "Runlinkat");
}

Result<void> Client::renameat(uint32_t ofid, const char* on, uint16_t ol, uint32_t nfid, const char* nn,
                              uint16_t nl) {
  Call c(32u + ol + nl, 16);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTrenameat, 0);
  w.u32(ofid);
  w.str(on, ol);
  w.u32(nfid);
  w.str(nn, nl);
  c.out_len = KILN_TRY(w.finish());
  KILN_9P_EMPTY_REPLY(c, kTrenameat, "Rrenameat");
}

Result<Qid> Client::symlink(uint32_t dfid, const char* name, uint16_t len, const char* target, uint16_t tlen,
                            uint32_t gid) {
  Call c(32u + len + tlen, 32);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTsymlink, 0);
  w.u32(dfid);
  w.str(name, len);
  w.str(target, tlen);
  w.u32(gid);
  c.out_len = KILN_TRY(w.finish());
  Reader r = KILN_TRY(rpc(c, kTsymlink));
  Qid q;
  if (!r.qid(&q) || !r.at_end() || !qid_sane(q) || (q.type & kQtDir)) return protocol("Rsymlink");
  return Ok(q);
}

Result<size_t> Client::readlink(uint32_t fid, char* buf, size_t n) {
  Call c(16, kHeader + 2 + 4096);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTreadlink, 0);
  w.u32(fid);
  c.out_len = KILN_TRY(w.finish());
  Reader r = KILN_TRY(rpc(c, kTreadlink));
  const char* s;
  uint16_t len;
  if (!r.str(&s, &len) || !r.at_end() || memchr(s, '\0', len)) return protocol("Rreadlink");
  size_t k = len < n ? len : n;
  memcpy(buf, s, k);
  return Ok(k);
}

Result<void> Client::link(uint32_t dfid, uint32_t fid, const char* name, uint16_t len) {
  Call c(32u + len, 16);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTlink, 0);
  w.u32(dfid);
  w.u32(fid);
  w.str(name, len);
  c.out_len = KILN_TRY(w.finish());
  KILN_9P_EMPTY_REPLY(c, kTlink, "Rlink");
}

Result<void> Client::fsync(uint32_t fid, bool datasync) {
  Call c(16, 16);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTfsync, 0);
  w.u32(fid);
  w.u32(datasync ? 1 : 0);
  c.out_len = KILN_TRY(w.finish());
  KILN_9P_EMPTY_REPLY(c, kTfsync, "Rfsync");
}

Result<StatFs> Client::statfs(uint32_t fid) {
  Call c(16, 96);
  if (!c.mem) return Error(ENOMEM);
  Writer w(c.mem, c.out_cap);
  w.begin(kTstatfs, 0);
  w.u32(fid);
  c.out_len = KILN_TRY(w.finish());
  Reader r = KILN_TRY(rpc(c, kTstatfs));
  StatFs s;
  if (!r.u32(&s.type) || !r.u32(&s.bsize) || !r.u64(&s.blocks) || !r.u64(&s.bfree) || !r.u64(&s.bavail) ||
      !r.u64(&s.files) || !r.u64(&s.ffree) || !r.u64(&s.fsid) || !r.u32(&s.namelen) || !r.at_end())
    return protocol("Rstatfs");
  if (s.bfree > s.blocks || s.bavail > s.blocks || s.ffree > s.files) return protocol("Rstatfs counts");
  return Ok(s);
}

}  // namespace kiln::ninep
