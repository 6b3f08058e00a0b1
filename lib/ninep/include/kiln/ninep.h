// 9P2000.L client (lib/ninep): the message codec, a client with tags and
// several requests in flight, and the channel interface a transport
// (virtio-9p, lib/virtio/src/9p.cpp) registers by its mount tag.
//
//   Writer w(buf, cap); w.begin(kTwalk, tag); w.u32(fid); ...; size_t n = KILN_TRY(w.finish());
//   Reader r = KILN_TRY(check_reply(in, got, kTwalk, tag));   // header checked
//   uint16_t nq; if (!r.u16(&nq)) -> EPROTO
//
// Nothing a server sends is trusted: check_reply compares the size field
// with the bytes received, the type with the request (or Rlerror), the tag
// with the one sent; every Reader access is bounds-checked, strings and
// arrays must lie inside the message, qids and attributes are checked for
// sense. Any violation is EPROTO (logged once per client), a transport
// failure EIO, an Rlerror the server's errno (Linux numbers mapped to the
// image's). The codec has no kernel dependencies (host tests drive it).
//
// Client calls block the calling thread (kiln/plat/wait.h) until the reply
// is in; any number of threads may call at once (up to kMaxTags requests
// in flight, then callers wait for a tag).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/result.h>

namespace kiln::ninep {

constexpr size_t kHeader = 7;          // size[4] type[1] tag[2]
constexpr size_t kIoHeader = 24;       // the most a Tread/Twrite/Rread header takes (P9_IOHDRSZ)
constexpr uint16_t kNoTag = 0xffff;
constexpr uint32_t kNoFid = 0xffffffffu;
constexpr uint32_t kMinMsize = 4096;
constexpr unsigned kMaxTags = 64;

enum Type : uint8_t {
  kRlerror = 7,
  kTstatfs = 8,
  kTlopen = 12,
  kTlcreate = 14,
  kTsymlink = 16,
  kTreadlink = 22,
  kTgetattr = 24,
  kTsetattr = 26,
  kTreaddir = 40,
  kTfsync = 50,
  kTlink = 70,
  kTmkdir = 72,
  kTrenameat = 74,
  kTunlinkat = 76,
  kTversion = 100,
  kTattach = 104,
  kTwalk = 110,
  kTread = 116,
  kTwrite = 118,
  kTclunk = 120,
};

// qid.type bits.
enum : uint8_t { kQtDir = 0x80, kQtAppend = 0x40, kQtExcl = 0x20, kQtMount = 0x10, kQtAuth = 0x08,
                 kQtTmp = 0x04, kQtSymlink = 0x02, kQtLink = 0x01 };

// Linux open flags as 9P2000.L carries them (not the image's O_* values).
enum : uint32_t { kORdonly = 0, kOWronly = 1, kORdwr = 2, kOCreat = 0100, kOExcl = 0200, kOTrunc = 01000,
                  kOAppend = 02000, kODirectory = 0200000 };
constexpr uint32_t kAtRemoveDir = 0x200;
// Tgetattr request mask: the basic fields.
constexpr uint64_t kGetattrBasic = 0x7ff;
// Tsetattr valid bits.
enum : uint32_t { kSetMode = 1, kSetUid = 2, kSetGid = 4, kSetSize = 8, kSetAtime = 0x10, kSetMtime = 0x20,
                  kSetCtime = 0x40, kSetAtimeSet = 0x80, kSetMtimeSet = 0x100 };

struct Qid {
  uint8_t type = 0;
  uint32_t version = 0;
  uint64_t path = 0;
};

struct Attr {
  uint64_t valid;
  Qid qid;
  uint32_t mode, uid, gid;
  uint64_t nlink, rdev, size, blksize, blocks;
  uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};

struct SetAttrArgs {
  uint32_t valid = 0;
  uint32_t mode = 0, uid = 0, gid = 0;
  uint64_t size = 0;
  uint64_t atime_sec = 0, atime_nsec = 0, mtime_sec = 0, mtime_nsec = 0;
};

struct StatFs {
  uint32_t type, bsize;
  uint64_t blocks, bfree, bavail, files, ffree, fsid;
  uint32_t namelen;
};

struct Opened {
  Qid qid;
  uint32_t iounit;
};

// --- the codec ---------------------------------------------------------------
// Little-endian encoder into a caller's buffer. Overflows are remembered:
// finish() then fails (EMSGSIZE) and nothing past cap is written.
class Writer {
 public:
  Writer(uint8_t* buf, size_t cap) : buf_(buf), cap_(cap) {}
  void begin(uint8_t type, uint16_t tag);
  void u8(uint8_t v) { put(&v, 1); }
  void u16(uint16_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void str(const char* s, size_t len);  // len[2] + bytes; > 65535: overflow
  void bytes(const void* p, size_t n) { put(p, n); }
  // Writes the size field; the message's length.
  Result<size_t> finish();
  size_t len() const { return len_; }

 private:
  void put(const void* p, size_t n);
  uint8_t* buf_;
  size_t cap_, len_ = 0;
  bool over_ = false;
};

// Bounds-checked decoder: every read fails (false) past the end and leaves
// the output alone.
class Reader {
 public:
  constexpr Reader() = default;
  Reader(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  bool u8(uint8_t* v);
  bool u16(uint16_t* v);
  bool u32(uint32_t* v);
  bool u64(uint64_t* v);
  // A string: points into the message (not NUL ended); its length must be
  // inside the message.
  bool str(const char** s, uint16_t* len);
  bool qid(Qid* q);
  bool skip(size_t n);
  const uint8_t* here() const { return p_ + off_; }
  size_t left() const { return n_ - off_; }
  bool at_end() const { return off_ == n_; }

 private:
  const uint8_t* p_ = nullptr;
  size_t n_ = 0, off_ = 0;
};

// A qid type byte a server may send for a file, directory or symlink.
bool qid_sane(const Qid& q);
// The image's errno for a Linux errno from Rlerror (EIO for unknown ones).
int errno_from_linux(uint32_t e);

// Checks a reply of `got` bytes in a buffer of `cap` to request type
// `ttype` sent with `tag`: got >= 7 and <= cap, size field == got, type
// ttype + 1 or Rlerror, tag the one sent. Rlerror: exactly 11 bytes,
// returns the server's errno. Otherwise a Reader over the body.
Result<Reader> check_reply(const uint8_t* buf, size_t got, size_t cap, uint8_t ttype, uint16_t tag);

// Rgetattr's body, checked (the qid and the mode agree on the file type,
// the mode is a known type, nanoseconds < 1e9), fully consumed.
Result<Attr> parse_getattr(Reader r);
// One Rreaddir entry: qid[13] offset[8] type[1] name[s]; the name is 1..255
// bytes without '/' or NUL. false at the end of the data; EPROTO if malformed.
struct DirEnt {
  Qid qid;
  uint64_t offset;
  uint8_t type;
  const char* name;
  uint16_t len;
};
Result<bool> next_dirent(Reader* r, DirEnt* out);

// --- transports ------------------------------------------------------------
// One request: the T-message out[0..out_len), the reply into in[0..in_cap).
// The channel sets in_len (bytes the server wrote) and status (0, or a
// negative errno when the transport failed), then calls done exactly once
// (from an interrupt handler, or before submit returns).
struct Request {
  const uint8_t* out = nullptr;
  size_t out_len = 0;
  uint8_t* in = nullptr;
  size_t in_cap = 0;
  size_t in_len = 0;
  int status = 0;
  void (*done)(Request*) = nullptr;
  void* ctx = nullptr;
};

class Channel {
 public:
  virtual const char* tag() const = 0;   // the mount tag, NUL ended
  virtual uint32_t max_msize() const = 0;  // the largest message the transport carries
  // Starts r. EAGAIN: the transport is full (retry after a completion);
  // other errors: r was not started (done is not called).
  virtual Result<void> submit(Request* r) = 0;
  Channel* next = nullptr;
  // Mounted (one session per channel: a second Tversion would reset the
  // first one's fids).
  bool in_use = false;

 protected:
  ~Channel() = default;
};

// Transports register at discovery (before the rootfs mounts).
void register_channel(Channel* c);
Channel* find_channel(const char* tag, size_t len);

// --- the client --------------------------------------------------------------
class Client {
 public:
  explicit Client(Channel* ch) : ch_(ch) {}
  // Tversion "9P2000.L" with msize min(want, the channel's); ENOTSUP when
  // the server answers another version, EPROTO for an msize below 4096 or
  // above what was asked.
  Result<void> version(uint32_t want_msize);
  uint32_t msize() const { return msize_; }
  Channel* channel() const { return ch_; }

  // New fid numbers (never reused while the client lives; ENFILE at 2^32-1).
  Result<uint32_t> new_fid();

  Result<Qid> attach(uint32_t fid, const char* uname, const char* aname, uint32_t n_uname);
  // Walks n names (0: a clone); the server must answer all of them (ENOENT
  // otherwise; a partial walk leaves newfid unused).
  Result<Qid> walk(uint32_t fid, uint32_t newfid, const char* const* names, const uint16_t* lens, uint16_t n);
  Result<Opened> lopen(uint32_t fid, uint32_t flags);
  Result<Opened> lcreate(uint32_t fid, const char* name, uint16_t len, uint32_t flags, uint32_t mode, uint32_t gid);
  Result<size_t> read(uint32_t fid, uint64_t off, void* buf, uint32_t n);
  // Up to kReadAhead Treads of msize at once for n bytes; the bytes read
  // up to the first short or failed piece (an error only if the first
  // fails).
  static constexpr unsigned kReadAhead = 4;
  Result<size_t> read_many(uint32_t fid, uint64_t off, void* buf, size_t n);
  Result<size_t> write(uint32_t fid, uint64_t off, const void* buf, uint32_t n);
  Result<void> clunk(uint32_t fid);
  Result<Attr> getattr(uint32_t fid, uint64_t mask = kGetattrBasic);
  Result<void> setattr(uint32_t fid, const SetAttrArgs& a);
  // Raw Rreaddir data (entries for next_dirent) into buf.
  Result<size_t> readdir(uint32_t fid, uint64_t off, void* buf, uint32_t n);
  Result<Qid> mkdir(uint32_t dfid, const char* name, uint16_t len, uint32_t mode, uint32_t gid);
  Result<void> unlinkat(uint32_t dfid, const char* name, uint16_t len, uint32_t flags);
  Result<void> renameat(uint32_t ofid, const char* on, uint16_t ol, uint32_t nfid, const char* nn, uint16_t nl);
  Result<Qid> symlink(uint32_t dfid, const char* name, uint16_t len, const char* target, uint16_t tlen, uint32_t gid);
  Result<size_t> readlink(uint32_t fid, char* buf, size_t n);
  Result<void> link(uint32_t dfid, uint32_t fid, const char* name, uint16_t len);
  Result<void> fsync(uint32_t fid, bool datasync);
  Result<StatFs> statfs(uint32_t fid);

  // Counters (tests, logs).
  unsigned protocol_errors() const { return proto_errors_; }
  unsigned max_in_flight() const { return max_in_flight_; }

 private:
  struct Call;
  struct Pending;
  Result<uint16_t> get_tag();
  void put_tag(uint16_t t);
  // Sends the message in c (tag filled in here) and waits for its reply;
  // returns a Reader over the checked body.
  Result<Reader> rpc(Call& c, uint8_t type);
  // rpc in two halves, for several requests in flight from one caller.
  Result<void> start(Call& c, uint8_t type, Pending& p);
  Result<Reader> finish(Pending& p);
  Result<void> build_read(Call& c, uint32_t fid, uint64_t off, uint32_t n);
  Result<size_t> take_read(Reader r, void* buf, uint32_t n);
  Error protocol(const char* what);

  Channel* ch_;
  uint32_t msize_ = 0;
  uint32_t next_fid_ = 1;
  uint64_t tags_ = 0;  // bit t: tag t in use
  unsigned in_flight_ = 0, max_in_flight_ = 0, proto_errors_ = 0;
};

}  // namespace kiln::ninep
