// The FUSE client (kiln/fuse.h): request encoding, reply checks, blocking
// round trips over a Channel.
#include <kiln/fuse.h>
#include <kiln/alloc.h>
#include <kiln/lock.h>
#include <kiln/plat/time.h>
#include <kiln/plat/wait.h>
#include <errno.h>
#include <string.h>
#include <new>

namespace kiln::fuse {
namespace {

constexpr size_t kNameMax = 255;
constexpr size_t kPathMax = 4096;
constexpr size_t kArgsMax = 64 + 2 * (kNameMax + 1) + kPathMax;  // fixed args + two names or a name and a target
constexpr size_t kReplyMax = sizeof(EntryOut) + sizeof(OpenOut) + 16;
constexpr uint32_t kMaxIo = 256 * 1024;
constexpr uint64_t kInitTimeoutNs = 10'000'000'000;

// S_IFMT values of the types the vfs serves (as <sys/stat.h>).
constexpr uint32_t kIfmt = 0170000, kIfreg = 0100000, kIfdir = 0040000, kIflnk = 0120000;

bool name_ok(const char* name, size_t len) {
  if (len == 0 || len > kNameMax) return false;
  return !memchr(name, '/', len) && !memchr(name, '\0', len);
}

}  // namespace

int errno_from_linux(int e) {
  // 1..34 are the same everywhere (Version 7 numbering); past that newlib
  // numbers differently from Linux, whose numbers the server sends.
  if (e >= 1 && e <= 34) return e;
  switch (e) {
    case 35: return EDEADLK;
    case 36: return ENAMETOOLONG;
    case 37: return ENOLCK;
    case 38: return ENOSYS;
    case 39: return ENOTEMPTY;
    case 40: return ELOOP;
    case 42: return ENOMSG;
    case 43: return EIDRM;
    case 61: return ENODATA;
    case 62: return ETIME;
    case 71: return EPROTO;
    case 74: return EBADMSG;
    case 75: return EOVERFLOW;
    case 84: return EILSEQ;
    case 95: return EOPNOTSUPP;
    case 105: return ENOBUFS;
    case 110: return ETIMEDOUT;
    case 116: return ESTALE;
    case 122: return EDQUOT;
    case 125: return ECANCELED;
    default: return EIO;
  }
}

bool attr_sane(const Attr& a) {
  uint32_t t = a.mode & kIfmt;
  if (t == 0 || (t != kIfreg && t != kIfdir && t != kIflnk && t != 0010000 && t != 0020000 && t != 0060000 &&
                 t != 0140000))
    return false;
  return a.atimensec < 1000000000u && a.mtimensec < 1000000000u && a.ctimensec < 1000000000u;
}

Result<size_t> check_reply(const OutHeader& h, uint32_t used, uint64_t unique, size_t min_payload,
                           size_t max_payload) {
  if (used < sizeof(OutHeader) || h.len != used) return Error(EIO);
  if (h.unique != unique) return Error(EIO);
  if (h.error) {
    // An error reply is the header alone, with a negative errno.
    if (h.error > 0 || h.error < -4095 || h.len != sizeof(OutHeader)) return Error(EIO);
    return Error(errno_from_linux(-h.error));
  }
  size_t payload = h.len - sizeof(OutHeader);
  if (payload < min_payload || payload > max_payload) return Error(EIO);
  return Ok(payload);
}

Result<bool> next_dirent(const void* buf, size_t len, size_t* pos, DirEnt* out) {
  size_t p = *pos;
  if (p >= len) return Ok(false);
  if (len - p < sizeof(Dirent)) return Error(EIO);
  Dirent d;
  memcpy(&d, static_cast<const uint8_t*>(buf) + p, sizeof d);
  if (d.namelen == 0 || d.namelen > kNameMax || d.namelen > len - p - sizeof(Dirent)) return Error(EIO);
  const char* name = static_cast<const char*>(buf) + p + sizeof(Dirent);
  bool dots = (d.namelen == 1 && name[0] == '.') || (d.namelen == 2 && name[0] == '.' && name[1] == '.');
  if (!dots && !name_ok(name, d.namelen)) return Error(EIO);
  size_t rec = (sizeof(Dirent) + d.namelen + 7) & ~size_t{7};
  out->ino = d.ino;
  out->off = d.off;
  out->type = d.type;
  out->namelen = d.namelen;
  out->name = name;
  // The last entry's padding may be missing.
  *pos = rec <= len - p ? p + rec : len;
  return Ok(true);
}

struct Client::Call {
  Request r;
  volatile bool done = false;
  alignas(8) uint8_t out[sizeof(InHeader) + kArgsMax];
  alignas(8) uint8_t in[sizeof(OutHeader) + kReplyMax];
};

namespace {
void call_done(Request* r) {
  *static_cast<volatile bool*>(r->ctx) = true;
  kiln_plat_wake_event();
}

// Waits with events masked (the wait contract: check, then wait); false
// when the monotonic deadline (0: none) passed first.
bool wait_for(volatile bool* flag, uint64_t deadline_ns) {
  IrqGuard g;
  while (!*flag) {
    if (deadline_ns && kiln_plat_monotonic_ns() >= deadline_ns) return false;
    kiln_plat_wait_event(deadline_ns);
  }
  return true;
}
}  // namespace

Result<size_t> Client::call(uint32_t opcode, uint64_t node, const void* args, size_t args_len, const void* data_out,
                            size_t data_out_len, void* reply, size_t reply_min, size_t reply_max, void* data_in,
                            size_t data_in_len) {
  if (args_len > kArgsMax || reply_max > kReplyMax || data_out_len > UINT32_MAX - kArgsMax ||
      data_in_len > UINT32_MAX / 2)
    return Error(EINVAL);
  void* mem = kiln_malloc(sizeof(Call));
  if (!mem) return Error(ENOMEM);
  auto* c = new (mem) Call;  // the buffers are filled below
  c->r.done = call_done;
  c->r.ctx = const_cast<bool*>(&c->done);
  InHeader h = {};
  h.len = static_cast<uint32_t>(sizeof h + args_len + data_out_len);
  h.opcode = opcode;
  h.nodeid = node;
  {
    IrqGuard g;
    h.unique = next_unique_;
    next_unique_ += 2;  // even: odd uniques are the kernel's interrupts
    ++stats_.requests;
  }
  memcpy(c->out, &h, sizeof h);
  if (args_len) memcpy(c->out + sizeof h, args, args_len);
  c->r.out[0] = {c->out, static_cast<uint32_t>(sizeof h + args_len)};
  c->r.nout = 1;
  if (data_out_len) c->r.out[c->r.nout++] = {const_cast<void*>(data_out), static_cast<uint32_t>(data_out_len)};
  c->r.in[0] = {c->in, static_cast<uint32_t>(sizeof(OutHeader) + reply_max)};
  c->r.nin = 1;
  if (data_in_len) c->r.in[c->r.nin++] = {data_in, static_cast<uint32_t>(data_in_len)};
  // A full channel: wait for a completion (any) and try again. Events
  // stay masked from the refusal to the wait, so that completion cannot
  // slip in between and leave the wait without a wake-up.
  {
    IrqGuard g;
    for (;;) {
      auto s = ch_->submit(&c->r);
      if (!s.is_error()) break;
      if (s.error().code() != EAGAIN) {
        kiln_free(c);
        return s.error();
      }
      kiln_plat_wait_event(0);
    }
  }
  if (!wait_for(&c->done, deadline_ns_)) {
    // The buffers stay the device's: the call is leaked, not freed.
    IrqGuard g;
    ++stats_.timeouts;
    return Error(ETIMEDOUT);
  }
  Result<size_t> res = Error(EIO);
  if (c->r.status) {
    res = Error(-c->r.status);
  } else {
    OutHeader oh;
    memcpy(&oh, c->in, sizeof oh);
    // A reply whose data reaches past the fixed part only where the
    // request gave a data buffer.
    size_t max = data_in_len ? reply_max + data_in_len : reply_max;
    uint32_t used = c->r.used;
    if (used > sizeof(OutHeader) + reply_max + data_in_len) used = 0;  // the device claims more than we gave
    res = check_reply(oh, used, h.unique, reply_min, max);
    if (res.is_error()) {
      // The server's own error (a well-formed error reply) or a bad reply.
      bool server = used == sizeof oh && oh.len == used && oh.unique == h.unique && oh.error < 0 && oh.error >= -4095;
      IrqGuard g;
      ++(server ? stats_.server_errors : stats_.bad_replies);
    } else if (reply_max) {
      memcpy(reply, c->in + sizeof(OutHeader), res.value() < reply_max ? res.value() : reply_max);
    }
  }
  kiln_free(c);
  return res;
}

Result<void> Client::init() {
  InitIn in = {};
  in.major = kMajor;
  in.minor = kMinor;
  in.max_readahead = kMaxIo;
  in.flags = 0;
  InitOut out = {};
  // A server that never answers INIT fails the mount instead of hanging the boot.
  deadline_ns_ = kiln_plat_monotonic_ns() + kInitTimeoutNs;
  auto n = call(kInit, 0, &in, sizeof in, nullptr, 0, &out, kInitOutMin, sizeof out, nullptr, 0);
  deadline_ns_ = 0;
  KILN_TRY(n);
  if (out.major != kMajor || out.minor < 27) return Error(EPROTO);
  max_io_ = out.max_write < 4096 ? 4096 : out.max_write;
  if (max_io_ > kMaxIo) max_io_ = kMaxIo;
  return {};
}

Result<void> Client::destroy() {
  KILN_TRY(call(kDestroy, 0, nullptr, 0, nullptr, 0, nullptr, 0, 0, nullptr, 0));
  return {};
}

Result<void> Client::entry_call(uint32_t opcode, uint64_t dir, const void* args, size_t args_len, Entry* out) {
  EntryOut e;
  KILN_TRY(call(opcode, dir, args, args_len, nullptr, 0, &e, sizeof e, sizeof e, nullptr, 0));
  if (e.nodeid == 0 || !attr_sane(e.attr)) {
    // Not a node we can use; the server counted a lookup for it all the same.
    if (e.nodeid) forget(e.nodeid, 1);
    IrqGuard g;
    ++stats_.bad_replies;
    return Error(EIO);
  }
  out->nodeid = e.nodeid;
  out->attr = e.attr;
  return {};
}

namespace {
// Fixed args then NUL-ended names into buf; the length.
size_t pack(uint8_t* buf, const void* fixed, size_t flen, const char* a, size_t alen, const char* b = nullptr,
            size_t blen = 0) {
  size_t n = 0;
  if (flen) memcpy(buf, fixed, flen);
  n += flen;
  memcpy(buf + n, a, alen);
  n += alen;
  buf[n++] = 0;
  if (b) {
    memcpy(buf + n, b, blen);
    n += blen;
    buf[n++] = 0;
  }
  return n;
}
}  // namespace

Result<void> Client::lookup(uint64_t dir, const char* name, size_t len, Entry* out) {
  bool dots = (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
  if (!dots && !name_ok(name, len)) return Error(EINVAL);
  uint8_t args[kNameMax + 1];
  size_t n = pack(args, nullptr, 0, name, len);
  return entry_call(kLookup, dir, args, n, out);
}

void Client::forget(uint64_t node, uint64_t nlookup) {
  // No reply: the request lives until the channel has sent it.
  struct Forget {
    Request r;
    InHeader h;
    ForgetIn f;
  };
  void* mem = kiln_malloc(sizeof(Forget));
  if (!mem) return;  // the server keeps the node until unmount: harmless
  auto* f = new (mem) Forget{};
  f->h.len = sizeof f->h + sizeof f->f;
  f->h.opcode = kForget;
  f->h.nodeid = node;
  {
    IrqGuard g;
    f->h.unique = next_unique_;
    next_unique_ += 2;
    ++stats_.forgets;
  }
  f->f.nlookup = nlookup;
  f->r.out[0] = {&f->h, sizeof f->h + sizeof f->f};
  f->r.nout = 1;
  f->r.hiprio = true;
  f->r.ctx = f;
  f->r.done = [](Request* r) {
    kiln_free(r->ctx);
    kiln_plat_wake_event();  // room on the queue: a caller refused with EAGAIN tries again
  };
  IrqGuard g;  // as in call(): no completion between the refusal and the wait
  for (;;) {
    auto s = ch_->submit(&f->r);
    if (!s.is_error()) return;
    if (s.error().code() != EAGAIN) {
      kiln_free(f);
      return;
    }
    kiln_plat_wait_event(0);
  }
}

Result<void> Client::getattr(uint64_t node, Attr* out) {
  GetattrIn in = {};
  AttrOut a;
  KILN_TRY(call(kGetattr, node, &in, sizeof in, nullptr, 0, &a, sizeof a, sizeof a, nullptr, 0));
  if (!attr_sane(a.attr)) {
    IrqGuard g;
    ++stats_.bad_replies;
    return Error(EIO);
  }
  *out = a.attr;
  return {};
}

Result<void> Client::setattr(uint64_t node, const SetattrIn& in, Attr* out) {
  AttrOut a;
  KILN_TRY(call(kSetattr, node, &in, sizeof in, nullptr, 0, &a, sizeof a, sizeof a, nullptr, 0));
  if (!attr_sane(a.attr)) {
    IrqGuard g;
    ++stats_.bad_replies;
    return Error(EIO);
  }
  if (out) *out = a.attr;
  return {};
}

Result<size_t> Client::readlink(uint64_t node, char* buf, size_t n) {
  if (n > kPathMax) n = kPathMax;
  return call(kReadlink, node, nullptr, 0, nullptr, 0, nullptr, 0, 0, buf, n);
}

Result<void> Client::symlink(uint64_t dir, const char* name, size_t len, const char* target, Entry* out) {
  size_t tlen = strnlen(target, kPathMax);
  if (!name_ok(name, len)) return Error(EINVAL);
  if (tlen == 0) return Error(ENOENT);
  if (tlen >= kPathMax) return Error(ENAMETOOLONG);
  uint8_t args[kArgsMax];
  size_t n = pack(args, nullptr, 0, name, len, target, tlen);
  return entry_call(kSymlink, dir, args, n, out);
}

Result<void> Client::mkdir(uint64_t dir, const char* name, size_t len, uint32_t mode, Entry* out) {
  if (!name_ok(name, len)) return Error(EINVAL);
  MkdirIn in = {mode, 0};
  uint8_t args[sizeof in + kNameMax + 1];
  size_t n = pack(args, &in, sizeof in, name, len);
  return entry_call(kMkdir, dir, args, n, out);
}

Result<void> Client::unlink(uint64_t dir, const char* name, size_t len) {
  if (!name_ok(name, len)) return Error(EINVAL);
  uint8_t args[kNameMax + 1];
  size_t n = pack(args, nullptr, 0, name, len);
  KILN_TRY(call(kUnlink, dir, args, n, nullptr, 0, nullptr, 0, 0, nullptr, 0));
  return {};
}

Result<void> Client::rmdir(uint64_t dir, const char* name, size_t len) {
  if (!name_ok(name, len)) return Error(EINVAL);
  uint8_t args[kNameMax + 1];
  size_t n = pack(args, nullptr, 0, name, len);
  KILN_TRY(call(kRmdir, dir, args, n, nullptr, 0, nullptr, 0, 0, nullptr, 0));
  return {};
}

Result<void> Client::rename(uint64_t dir, const char* name, size_t len, uint64_t to_dir, const char* to,
                            size_t to_len) {
  if (!name_ok(name, len) || !name_ok(to, to_len)) return Error(EINVAL);
  RenameIn in = {to_dir};
  uint8_t args[sizeof in + 2 * (kNameMax + 1)];
  size_t n = pack(args, &in, sizeof in, name, len, to, to_len);
  KILN_TRY(call(kRename, dir, args, n, nullptr, 0, nullptr, 0, 0, nullptr, 0));
  return {};
}

Result<void> Client::link(uint64_t node, uint64_t dir, const char* name, size_t len, Entry* out) {
  if (!name_ok(name, len)) return Error(EINVAL);
  LinkIn in = {node};
  uint8_t args[sizeof in + kNameMax + 1];
  size_t n = pack(args, &in, sizeof in, name, len);
  return entry_call(kLink, dir, args, n, out);
}

Result<uint64_t> Client::open(uint64_t node, uint32_t flags, bool dir) {
  OpenIn in = {flags, 0};
  OpenOut o;
  KILN_TRY(call(dir ? kOpendir : kOpen, node, &in, sizeof in, nullptr, 0, &o, sizeof o, sizeof o, nullptr, 0));
  return Ok(o.fh);
}

Result<void> Client::release(uint64_t node, uint64_t fh, bool dir) {
  ReleaseIn in = {fh, 0, 0, 0};
  KILN_TRY(call(dir ? kReleasedir : kRelease, node, &in, sizeof in, nullptr, 0, nullptr, 0, 0, nullptr, 0));
  return {};
}

Result<void> Client::create(uint64_t dir, const char* name, size_t len, uint32_t mode, uint32_t flags, Entry* out,
                            uint64_t* fh) {
  if (!name_ok(name, len)) return Error(EINVAL);
  CreateIn in = {flags, mode, 0, 0};
  uint8_t args[sizeof in + kNameMax + 1];
  size_t n = pack(args, &in, sizeof in, name, len);
  struct {
    EntryOut e;
    OpenOut o;
  } r;
  static_assert(sizeof r == sizeof(EntryOut) + sizeof(OpenOut));
  KILN_TRY(call(kCreate, dir, args, n, nullptr, 0, &r, sizeof r, sizeof r, nullptr, 0));
  if (r.e.nodeid == 0 || !attr_sane(r.e.attr)) {
    if (r.e.nodeid) forget(r.e.nodeid, 1);
    IrqGuard g;
    ++stats_.bad_replies;
    return Error(EIO);
  }
  out->nodeid = r.e.nodeid;
  out->attr = r.e.attr;
  *fh = r.o.fh;
  return {};
}

Result<size_t> Client::read(uint64_t node, uint64_t fh, uint64_t off, void* buf, size_t n) {
  if (n > max_io_) n = max_io_;
  ReadIn in = {};
  in.fh = fh;
  in.offset = off;
  in.size = static_cast<uint32_t>(n);
  return call(kRead, node, &in, sizeof in, nullptr, 0, nullptr, 0, 0, buf, n);
}

Result<size_t> Client::write(uint64_t node, uint64_t fh, uint64_t off, const void* buf, size_t n) {
  if (n > max_io_) n = max_io_;
  WriteIn in = {};
  in.fh = fh;
  in.offset = off;
  in.size = static_cast<uint32_t>(n);
  WriteOut o;
  KILN_TRY(call(kWrite, node, &in, sizeof in, buf, n, &o, sizeof o, sizeof o, nullptr, 0));
  if (o.size > n) {
    IrqGuard g;
    ++stats_.bad_replies;
    return Error(EIO);  // more written than sent
  }
  return Ok(size_t{o.size});
}

Result<size_t> Client::readdir(uint64_t node, uint64_t fh, uint64_t off, void* buf, size_t n) {
  if (n > max_io_) n = max_io_;
  ReadIn in = {};
  in.fh = fh;
  in.offset = off;
  in.size = static_cast<uint32_t>(n);
  return call(kReaddir, node, &in, sizeof in, nullptr, 0, nullptr, 0, 0, buf, n);
}

Result<void> Client::statfs(Kstatfs* out) {
  KILN_TRY(call(kStatfs, kRootId, nullptr, 0, nullptr, 0, out, sizeof *out, sizeof *out, nullptr, 0));
  return {};
}

Result<void> Client::fsync(uint64_t node, uint64_t fh, bool dir) {
  FsyncIn in = {fh, 0, 0};
  KILN_TRY(call(dir ? kFsyncdir : kFsync, node, &in, sizeof in, nullptr, 0, nullptr, 0, 0, nullptr, 0));
  return {};
}

Result<void> Client::flush(uint64_t node, uint64_t fh) {
  FlushIn in = {fh, 0, 0, 0};
  KILN_TRY(call(kFlush, node, &in, sizeof in, nullptr, 0, nullptr, 0, 0, nullptr, 0));
  return {};
}

}  // namespace kiln::fuse
