// 9P2000.L messages: the encoder, the checked decoder and reply checks
// (kiln/ninep.h). No kernel dependencies: the host tests compile it as is.
#include <kiln/ninep.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

namespace kiln::ninep {

// --- Writer ---------------------------------------------------------------------
void Writer::put(const void* p, size_t n) {
  if (over_ || n > cap_ - len_) {
    over_ = true;
    return;
  }
  memcpy(buf_ + len_, p, n);
  len_ += n;
}

void Writer::begin(uint8_t type, uint16_t tag) {
  len_ = 0;
  over_ = cap_ < kHeader;
  if (over_) return;
  len_ = 4;  // the size, written by finish()
  u8(type);
  u16(tag);
}

void Writer::u16(uint16_t v) {
  uint8_t b[2] = {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8)};
  put(b, 2);
}

void Writer::u32(uint32_t v) {
  uint8_t b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  put(b, 4);
}

void Writer::u64(uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  put(b, 8);
}

void Writer::str(const char* s, size_t len) {
  if (len > 0xffff) {
    over_ = true;
    return;
  }
  u16(static_cast<uint16_t>(len));
  put(s, len);
}

Result<size_t> Writer::finish() {
  if (over_ || len_ < kHeader || len_ > 0xffffffffu) return Error(EMSGSIZE);
  uint32_t n = static_cast<uint32_t>(len_);
  for (int i = 0; i < 4; ++i) buf_[i] = static_cast<uint8_t>(n >> (8 * i));
  return Ok(len_);
}

// --- Reader ---------------------------------------------------------------------
bool Reader::skip(size_t n) {
  if (n > n_ - off_) return false;
  off_ += n;
  return true;
}

bool Reader::u8(uint8_t* v) {
  if (left() < 1) return false;
  *v = p_[off_++];
  return true;
}

bool Reader::u16(uint16_t* v) {
  if (left() < 2) return false;
  *v = static_cast<uint16_t>(p_[off_] | p_[off_ + 1] << 8);
  off_ += 2;
  return true;
}

bool Reader::u32(uint32_t* v) {
  if (left() < 4) return false;
  uint32_t x = 0;
  for (int i = 3; i >= 0; --i) x = x << 8 | p_[off_ + i];
  *v = x;
  off_ += 4;
  return true;
}

bool Reader::u64(uint64_t* v) {
  if (left() < 8) return false;
  uint64_t x = 0;
  for (int i = 7; i >= 0; --i) x = x << 8 | p_[off_ + i];
  *v = x;
  off_ += 8;
  return true;
}

bool Reader::str(const char** s, uint16_t* len) {
  size_t save = off_;
  uint16_t n;
  if (!u16(&n)) return false;
  if (n > left()) {
    off_ = save;
    return false;
  }
  *s = reinterpret_cast<const char*>(p_ + off_);
  *len = n;
  off_ += n;
  return true;
}

bool Reader::qid(Qid* q) {
  if (left() < 13) return false;
  Qid t;
  u8(&t.type);
  u32(&t.version);
  u64(&t.path);
  *q = t;
  return true;
}

// --- checks ---------------------------------------------------------------------
bool qid_sane(const Qid& q) {
  // A directory and a symlink at once, or an auth file, is no file.
  if ((q.type & kQtDir) && (q.type & kQtSymlink)) return false;
  if (q.type & kQtAuth) return false;
  return true;
}

int errno_from_linux(uint32_t e) {
  switch (e) {
    case 1: return EPERM;
    case 2: return ENOENT;
    case 4: return EINTR;
    case 5: return EIO;
    case 6: return ENXIO;
    case 7: return E2BIG;
    case 9: return EBADF;
    case 11: return EAGAIN;
    case 12: return ENOMEM;
    case 13: return EACCES;
    case 16: return EBUSY;
    case 17: return EEXIST;
    case 18: return EXDEV;
    case 19: return ENODEV;
    case 20: return ENOTDIR;
    case 21: return EISDIR;
    case 22: return EINVAL;
    case 23: return ENFILE;
    case 24: return EMFILE;
    case 26: return ETXTBSY;
    case 27: return EFBIG;
    case 28: return ENOSPC;
    case 29: return ESPIPE;
    case 30: return EROFS;
    case 31: return EMLINK;
    case 34: return ERANGE;
    case 36: return ENAMETOOLONG;
    case 38: return ENOSYS;
    case 39: return ENOTEMPTY;
    case 40: return ELOOP;
    case 71: return EPROTO;
    case 75: return EOVERFLOW;
    case 95: return EOPNOTSUPP;
    case 110: return ETIMEDOUT;
#ifdef EDQUOT
    case 122: return EDQUOT;
#endif
#ifdef ESTALE
    case 116: return ESTALE;
#endif
    default: return EIO;
  }
}

Result<Reader> check_reply(const uint8_t* buf, size_t got, size_t cap, uint8_t ttype, uint16_t tag) {
  if (got < kHeader || got > cap) return Error(EPROTO);
  Reader r(buf, got);
  uint32_t size;
  uint8_t type;
  uint16_t rtag;
  r.u32(&size);
  r.u8(&type);
  r.u16(&rtag);
  if (size != got) return Error(EPROTO);
  if (rtag != tag) return Error(EPROTO);
  if (type == kRlerror) {
    uint32_t ecode;
    if (!r.u32(&ecode) || !r.at_end()) return Error(EPROTO);
    return Error(errno_from_linux(ecode));
  }
  if (type != static_cast<uint8_t>(ttype + 1)) return Error(EPROTO);
  return Ok(Reader(buf + kHeader, got - kHeader));
}

Result<Attr> parse_getattr(Reader r) {
  Attr a;
  bool ok = r.u64(&a.valid) && r.qid(&a.qid) && r.u32(&a.mode) && r.u32(&a.uid) && r.u32(&a.gid) &&
            r.u64(&a.nlink) && r.u64(&a.rdev) && r.u64(&a.size) && r.u64(&a.blksize) && r.u64(&a.blocks) &&
            r.u64(&a.atime_sec) && r.u64(&a.atime_nsec) && r.u64(&a.mtime_sec) && r.u64(&a.mtime_nsec) &&
            r.u64(&a.ctime_sec) && r.u64(&a.ctime_nsec);
  // btime, gen, data_version: reserved, must be there.
  ok = ok && r.skip(4 * 8) && r.at_end();
  if (!ok || !qid_sane(a.qid)) return Error(EPROTO);
  uint32_t t = a.mode & S_IFMT;
  if (t != S_IFREG && t != S_IFDIR && t != S_IFLNK && t != S_IFCHR && t != S_IFBLK && t != S_IFIFO &&
      t != S_IFSOCK)
    return Error(EPROTO);
  if ((t == S_IFDIR) != ((a.qid.type & kQtDir) != 0)) return Error(EPROTO);
  if (a.atime_nsec >= 1000000000u || a.mtime_nsec >= 1000000000u || a.ctime_nsec >= 1000000000u)
    return Error(EPROTO);
  if (a.size > (uint64_t{1} << 62)) return Error(EPROTO);
  return Ok(a);
}

Result<bool> next_dirent(Reader* r, DirEnt* out) {
  if (r->at_end()) return Ok(false);
  DirEnt e;
  if (!r->qid(&e.qid) || !r->u64(&e.offset) || !r->u8(&e.type) || !r->str(&e.name, &e.len)) return Error(EPROTO);
  if (!qid_sane(e.qid) || e.len == 0 || e.len > 255) return Error(EPROTO);
  if (memchr(e.name, '/', e.len) || memchr(e.name, '\0', e.len)) return Error(EPROTO);
  *out = e;
  return Ok(true);
}

}  // namespace kiln::ninep
