// cpio newc reader (kiln/cpio.h). Host-compilable: no kernel headers, no
// libc calls. Layout of one entry, offsets from the archive's start:
//
//   header   110 bytes: "070701" (or "070702") and 13 fields of 8 hex
//            digits: ino mode uid gid nlink mtime filesize devmajor
//            devminor rdevmajor rdevminor namesize check
//   name     namesize bytes, NUL included, then NUL padding to a multiple of 4
//   data     filesize bytes, then NUL padding to a multiple of 4
//
// The last entry is named "TRAILER!!!"; what follows it (cpio pads its
// output to 512-byte blocks) is not read.
#include <kiln/cpio.h>

namespace kiln::cpio {
namespace {

constexpr const char* kFields[13] = {"c_ino",      "c_mode",      "c_uid",       "c_gid",
                                     "c_nlink",    "c_mtime",     "c_filesize",  "c_devmajor",
                                     "c_devminor", "c_rdevmajor", "c_rdevminor", "c_namesize",
                                     "c_check"};
enum Field { kIno, kMode, kUid, kGid, kNlink, kMtime, kFilesize, kDevMajor, kDevMinor, kRdevMajor, kRdevMinor,
             kNamesize, kCheck };

constexpr size_t pad4(size_t n) { return (n + 3) & ~size_t{3}; }

int hex_digit(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_name(const char* a, size_t n, const char* lit) {
  for (size_t i = 0; i < n; ++i)
    if (!lit[i] || a[i] != lit[i]) return false;
  return !lit[n];
}

// A bounded appender for Fault::reason.
struct Text {
  char* p;
  size_t cap, n = 0;
  void put(const char* s) {
    for (; s && *s && n + 1 < cap; ++s) p[n++] = *s;
    p[n] = 0;
  }
};

}  // namespace

Error Reader::fail(size_t at, int code, const char* a, const char* b, const char* c) {
  fault_.offset = at;
  Text t{fault_.reason, sizeof fault_.reason};
  t.put(a);
  t.put(b);
  t.put(c);
  error_ = code;
  return Error(code);
}

Result<bool> Reader::next(Entry* out) {
  if (error_) return Error(error_);
  for (;;) {
    if (done_) return Ok(false);
    bool got = KILN_TRY(parse_one(out));
    if (got) return Ok(true);
  }
}

// One entry: Ok(true) with *out filled, Ok(false) for a skipped entry
// (".", or the trailer, which also sets done_).
Result<bool> Reader::parse_one(Entry* out) {
  const size_t at = pos_;
  // pos_ <= size_ always holds: it only advances to checked offsets.
  const size_t left = size_ - at;
  if (left == 0) return fail(at, EINVAL, "archive ends without a TRAILER!!! entry");
  if (left < kHeaderSize) return fail(at, EINVAL, "truncated header (fewer than 110 bytes left)");
  const unsigned char* h = base_ + at;
  static constexpr char kMagic[] = "07070";
  for (size_t i = 0; i < 5; ++i)
    if (h[i] != static_cast<unsigned char>(kMagic[i])) return fail(at, EINVAL, "bad magic (not a cpio newc header)");
  if (h[5] != '1' && h[5] != '2') return fail(at, EINVAL, "bad magic (not a cpio newc header)");
  const bool crc = h[5] == '2';

  uint32_t f[13];
  for (size_t i = 0; i < 13; ++i) {
    uint32_t v = 0;
    for (size_t j = 0; j < 8; ++j) {
      int d = hex_digit(h[6 + i * 8 + j]);
      if (d < 0) return fail(at + 6 + i * 8 + j, EINVAL, "non-hex digit in ", kFields[i]);
      v = v << 4 | static_cast<uint32_t>(d);
    }
    f[i] = v;
  }

  const size_t name_at = at + kHeaderSize;
  const size_t namesize = f[kNamesize];
  if (namesize == 0) return fail(at + 6 + kNamesize * 8, EINVAL, "c_namesize is 0 (no room for the NUL)");
  if (namesize > kMaxName) return fail(at + 6 + kNamesize * 8, EINVAL, "name longer than 4096 bytes (PATH_MAX)");
  if (namesize > size_ - name_at) return fail(name_at, EINVAL, "name runs past the end of the archive");
  const char* name = reinterpret_cast<const char*>(base_ + name_at);
  if (name[namesize - 1] != 0) return fail(name_at + namesize - 1, EINVAL, "name is not NUL-terminated");
  for (size_t i = 0; i + 1 < namesize; ++i)
    if (name[i] == 0) return fail(name_at + i, EINVAL, "name has a NUL before its end");
  // The name's padding: NUL bytes up to the next multiple of 4.
  const size_t data_at = pad4(name_at + namesize);
  const bool trailer = is_name(name, namesize - 1, "TRAILER!!!");
  if (data_at > size_) {
    // The trailer may end the archive without its padding; nothing else may.
    if (!trailer) return fail(name_at + namesize, EINVAL, "padding after the name runs past the end of the archive");
  } else {
    for (size_t i = name_at + namesize; i < data_at; ++i)
      if (base_[i]) return fail(i, EINVAL, "non-zero padding after the name (misaligned entry?)");
  }
  if (trailer) {
    done_ = true;
    pos_ = data_at > size_ ? size_ : data_at;
    return Ok(false);
  }

  const size_t filesize = f[kFilesize];
  if (filesize > size_ - data_at) return fail(at + 6 + kFilesize * 8, EINVAL, "file data runs past the end of the archive");
  const size_t end = pad4(data_at + filesize);
  if (end > size_) return fail(data_at + filesize, EINVAL, "padding after the file data runs past the end of the archive");
  for (size_t i = data_at + filesize; i < end; ++i)
    if (base_[i]) return fail(i, EINVAL, "non-zero padding after the file data (misaligned entry?)");
  const unsigned char* data = base_ + data_at;

  if (crc) {
    uint32_t sum = 0;
    for (size_t i = 0; i < filesize; ++i) sum += data[i];
    if (sum != f[kCheck]) return fail(at + 6 + kCheck * 8, EBADMSG, "checksum mismatch (070702 c_check)");
  }

  const uint32_t mode = f[kMode];
  const uint32_t type = mode & kTypeMask;
  switch (type) {
    case kRegular: case kDir: case kSymlink: case kChar: case kBlock: case kFifo: case kSocket: break;
    default: return fail(at + 6 + kMode * 8, EINVAL, "unknown file type in c_mode");
  }
  if (type != kRegular && type != kSymlink && filesize)
    return fail(at + 6 + kFilesize * 8, EINVAL, "data in an entry that is not a file or a symlink");
  if (type == kSymlink) {
    if (!filesize) return fail(at + 6 + kFilesize * 8, EINVAL, "symlink with an empty target");
    for (size_t i = 0; i < filesize; ++i)
      if (!data[i]) return fail(data_at + i, EINVAL, "symlink target contains a NUL");
  }

  // Normalise the path: drop leading "/" and "./".
  size_t skip = 0;
  for (;;) {
    if (skip < namesize - 1 && name[skip] == '/') ++skip;
    else if (skip + 1 < namesize - 1 && name[skip] == '.' && name[skip + 1] == '/') skip += 2;
    else break;
  }
  const char* path = name + skip;
  const size_t len = namesize - 1 - skip;
  pos_ = end;
  if (len == 0 || is_name(path, len, ".")) {
    if (type != kDir) return fail(name_at, EINVAL, "the root entry \".\" is not a directory");
    return Ok(false);  // the archive's root: nothing to create
  }
  // Components: none empty, none "." or "..".
  for (size_t s = 0; s <= len;) {
    size_t e = s;
    while (e < len && path[e] != '/') ++e;
    const size_t n = e - s;
    if (n == 2 && path[s] == '.' && path[s + 1] == '.') {
      pos_ = at;
      return fail(name_at + skip + s, EINVAL, "path has a \"..\" component: ", path);
    }
    if (n == 0 || (n == 1 && path[s] == '.')) {
      pos_ = at;
      return fail(name_at + skip + s, EINVAL, "path has an empty or \".\" component: ", path);
    }
    s = e + 1;
  }

  *out = Entry{path,      len,     f[kIno],      mode,           f[kUid],         f[kGid],
               f[kNlink], f[kMtime], f[kDevMajor], f[kDevMinor], f[kRdevMajor], f[kRdevMinor],
               data,      filesize, at};
  return Ok(true);
}

Result<size_t> validate(const void* base, size_t size, Fault* fault) {
  Reader r(base, size);
  Entry e;
  size_t n = 0;
  for (;;) {
    Result<bool> more = r.next(&e);
    if (more.is_error()) {
      if (fault) *fault = r.fault();
      return more.error();
    }
    if (!more.value()) return Ok(n);
    ++n;
  }
}

}  // namespace kiln::cpio
