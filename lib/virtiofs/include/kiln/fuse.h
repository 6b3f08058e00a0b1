// A FUSE client (lib/virtiofs): the FUSE protocol (7.31, what QEMU's
// virtiofsd speaks) over any channel that carries one request and its
// reply as buffers, such as a virtio-fs device (lib/virtio/src/fs.cpp).
//
//   kiln::fuse::Client c(channel);
//   KILN_TRY(c.init());
//   kiln::fuse::Entry e;
//   KILN_TRY(c.lookup(kiln::fuse::kRootId, "etc", 3, &e));
//
// Every operation encodes one request, submits it and blocks the calling
// thread (kiln_plat_wait_event) until the channel completes it; several
// threads may have requests in flight at once. Nothing in a reply is
// trusted: the header's len must equal the bytes the channel says it
// received, its unique the request's, its error a negative errno in
// 1..4095 (then the call fails with that errno), the payload the size the
// operation's reply has, directory entries inside the buffer and attrs of
// a type the vfs serves; anything else fails the call with EIO (and is
// counted in stats().bad_replies), never touching memory outside the
// reply buffers. Pure code over the Channel interface: the host tests
// (tests/host/test_fuse.cpp) drive it against a fake server.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/result.h>

namespace kiln::fuse {

constexpr uint32_t kMajor = 7, kMinor = 31;
constexpr uint64_t kRootId = 1;

enum Opcode : uint32_t {
  kLookup = 1, kForget = 2, kGetattr = 3, kSetattr = 4, kReadlink = 5, kSymlink = 6, kMknod = 8,
  kMkdir = 9, kUnlink = 10, kRmdir = 11, kRename = 12, kLink = 13, kOpen = 14, kRead = 15,
  kWrite = 16, kStatfs = 17, kRelease = 18, kFsync = 20, kFlush = 25, kInit = 26, kOpendir = 27,
  kReaddir = 28, kReleasedir = 29, kFsyncdir = 30, kCreate = 35, kDestroy = 38, kBatchForget = 42,
  kRename2 = 45,
};

// --- wire structures (little-endian, as the kernel's <linux/fuse.h>) -------
struct InHeader {
  uint32_t len, opcode;
  uint64_t unique, nodeid;
  uint32_t uid, gid, pid;
  uint16_t total_extlen, padding;
};
static_assert(sizeof(InHeader) == 40);
struct OutHeader {
  uint32_t len;
  int32_t error;
  uint64_t unique;
};
static_assert(sizeof(OutHeader) == 16);
struct Attr {
  uint64_t ino, size, blocks, atime, mtime, ctime;
  uint32_t atimensec, mtimensec, ctimensec, mode, nlink, uid, gid, rdev, blksize, flags;
};
static_assert(sizeof(Attr) == 88);
struct EntryOut {
  uint64_t nodeid, generation, entry_valid, attr_valid;
  uint32_t entry_valid_nsec, attr_valid_nsec;
  Attr attr;
};
static_assert(sizeof(EntryOut) == 128);
struct AttrOut {
  uint64_t attr_valid;
  uint32_t attr_valid_nsec, dummy;
  Attr attr;
};
static_assert(sizeof(AttrOut) == 104);
struct InitIn {
  uint32_t major, minor, max_readahead, flags, flags2, unused[11];
};
static_assert(sizeof(InitIn) == 64);
struct InitOut {
  uint32_t major, minor, max_readahead, flags;
  uint16_t max_background, congestion_threshold;
  uint32_t max_write, time_gran;
  uint16_t max_pages, map_alignment;
  uint32_t flags2, unused[7];
};
static_assert(sizeof(InitOut) == 64);
constexpr size_t kInitOutMin = 24;  // up to max_write (protocol 7.5 and later)
struct GetattrIn {
  uint32_t flags, dummy;
  uint64_t fh;
};
struct SetattrIn {
  uint32_t valid, padding;
  uint64_t fh, size, lock_owner, atime, mtime, ctime;
  uint32_t atimensec, mtimensec, ctimensec, mode, unused4, uid, gid, unused5;
};
static_assert(sizeof(SetattrIn) == 88);
enum : uint32_t { kFattrMode = 1, kFattrUid = 2, kFattrGid = 4, kFattrSize = 8, kFattrAtime = 16, kFattrMtime = 32 };
struct OpenIn {
  uint32_t flags, open_flags;
};
struct OpenOut {
  uint64_t fh;
  uint32_t open_flags, padding;
};
struct CreateIn {
  uint32_t flags, mode, umask, open_flags;
};
struct MkdirIn {
  uint32_t mode, umask;
};
struct RenameIn {
  uint64_t newdir;
};
struct Rename2In {
  uint64_t newdir;
  uint32_t flags, padding;
};
struct LinkIn {
  uint64_t oldnodeid;
};
struct ReadIn {
  uint64_t fh, offset;
  uint32_t size, read_flags;
  uint64_t lock_owner;
  uint32_t flags, padding;
};
static_assert(sizeof(ReadIn) == 40);
using WriteIn = ReadIn;  // the same layout (write_flags for read_flags)
struct WriteOut {
  uint32_t size, padding;
};
struct ReleaseIn {
  uint64_t fh;
  uint32_t flags, release_flags;
  uint64_t lock_owner;
};
struct FlushIn {
  uint64_t fh;
  uint32_t unused, padding;
  uint64_t lock_owner;
};
struct FsyncIn {
  uint64_t fh;
  uint32_t fsync_flags, padding;
};
struct ForgetIn {
  uint64_t nlookup;
};
struct Kstatfs {
  uint64_t blocks, bfree, bavail, files, ffree;
  uint32_t bsize, namelen, frsize, padding, spare[6];
};
static_assert(sizeof(Kstatfs) == 80);
struct Dirent {
  uint64_t ino, off;
  uint32_t namelen, type;
  // name[namelen], then padding to 8 bytes
};
static_assert(sizeof(Dirent) == 24);

// --- the channel -----------------------------------------------------------
// One request: device-readable segments (the encoded request, then for
// WRITE the data) and device-writable ones (the reply header and fixed
// part, then for READ/READDIR/READLINK the caller's buffer). The channel
// completes it exactly once: used = bytes written into the writable
// segments (as the device reports it), status 0 or a negative errno
// (transport failure); done() may run in an interrupt handler.
struct Seg {
  void* p;
  uint32_t len;
};
struct Request {
  Seg out[2];  // to the server
  Seg in[2];   // from the server
  uint8_t nout = 0, nin = 0;
  bool hiprio = false;  // FORGET: no reply (virtio-fs: the hiprio queue)
  uint32_t used = 0;
  int status = 0;
  void (*done)(Request*) = nullptr;
  void* ctx = nullptr;
};
class Channel {
 public:
  // Starts r or returns EAGAIN (full: the client waits for a completion and
  // tries again) or another errno (the request is not taken).
  virtual Result<void> submit(Request* r) = 0;
  virtual const char* tag() const = 0;

 protected:
  ~Channel() = default;
};

// --- decoded replies ---------------------------------------------------------
struct Entry {
  uint64_t nodeid;
  Attr attr;
};
struct DirEnt {
  uint64_t ino, off;
  uint32_t type;  // DT_*
  uint32_t namelen;
  const char* name;  // inside the buffer, not NUL ended
};
// The entry at *pos of a READDIR reply of len bytes: false at the end,
// EIO when an entry (or its name) reaches past len or its name is empty,
// longer than 255 bytes or holds '/' or NUL. Advances *pos.
Result<bool> next_dirent(const void* buf, size_t len, size_t* pos, DirEnt* out);
// The local errno for a Linux errno number (what FUSE servers send):
// newlib numbers differently past ERANGE (34); unknown ones become EIO.
int errno_from_linux(int e);
// An attr the vfs can serve: a known file type, and nanoseconds < 1e9.
bool attr_sane(const Attr& a);
// The checks above for a reply of `used` bytes to a request with
// `unique`: the payload length (fixed bytes in the header's segment plus
// any data) on success, the server's errno, or EIO. Exposed for tests.
Result<size_t> check_reply(const OutHeader& h, uint32_t used, uint64_t unique, size_t min_payload,
                           size_t max_payload);

struct Stats {
  uint64_t requests = 0, bad_replies = 0, server_errors = 0, forgets = 0, timeouts = 0;
};

class Client {
 public:
  explicit Client(Channel* ch) : ch_(ch) {}
  Channel* channel() const { return ch_; }

  // INIT: protocol 7.x with x >= 27 accepted; max_write from the reply.
  // ETIMEDOUT when the server does not answer within 10 s.
  Result<void> init();
  uint32_t max_io() const { return max_io_; }  // bytes per READ/WRITE
  Result<void> destroy();

  Result<void> lookup(uint64_t dir, const char* name, size_t len, Entry* out);
  // FORGET on the hiprio queue (BATCH_FORGET is not needed: one at a time).
  void forget(uint64_t node, uint64_t nlookup);
  Result<void> getattr(uint64_t node, Attr* out);
  Result<void> setattr(uint64_t node, const SetattrIn& in, Attr* out);
  Result<size_t> readlink(uint64_t node, char* buf, size_t n);
  Result<void> symlink(uint64_t dir, const char* name, size_t len, const char* target, Entry* out);
  Result<void> mkdir(uint64_t dir, const char* name, size_t len, uint32_t mode, Entry* out);
  Result<void> unlink(uint64_t dir, const char* name, size_t len);
  Result<void> rmdir(uint64_t dir, const char* name, size_t len);
  Result<void> rename(uint64_t dir, const char* name, size_t len, uint64_t to_dir, const char* to, size_t to_len);
  Result<void> link(uint64_t node, uint64_t dir, const char* name, size_t len, Entry* out);
  Result<uint64_t> open(uint64_t node, uint32_t flags, bool dir);
  Result<void> release(uint64_t node, uint64_t fh, bool dir);
  Result<void> create(uint64_t dir, const char* name, size_t len, uint32_t mode, uint32_t flags, Entry* out,
                      uint64_t* fh);
  Result<size_t> read(uint64_t node, uint64_t fh, uint64_t off, void* buf, size_t n);
  Result<size_t> write(uint64_t node, uint64_t fh, uint64_t off, const void* buf, size_t n);
  // Raw READDIR reply bytes into buf (parse with next_dirent).
  Result<size_t> readdir(uint64_t node, uint64_t fh, uint64_t off, void* buf, size_t n);
  Result<void> statfs(Kstatfs* out);
  Result<void> fsync(uint64_t node, uint64_t fh, bool dir);
  Result<void> flush(uint64_t node, uint64_t fh);

  Stats stats() const { return stats_; }

 private:
  struct Call;
  // One round trip: args (in_len bytes after the header) and optional data
  // out; the reply's fixed part into reply (reply_min..reply_max bytes),
  // optional data in. Returns the payload length.
  Result<size_t> call(uint32_t opcode, uint64_t node, const void* args, size_t args_len, const void* data_out,
                      size_t data_out_len, void* reply, size_t reply_min, size_t reply_max, void* data_in,
                      size_t data_in_len);
  Result<void> entry_call(uint32_t opcode, uint64_t dir, const void* args, size_t args_len, Entry* out);

  Channel* ch_;
  uint64_t next_unique_ = 2;
  uint32_t max_io_ = 4096;
  uint64_t deadline_ns_ = 0;  // for INIT only: a server that never answers
  Stats stats_;
};

}  // namespace kiln::fuse
