// A reader of cpio "newc" archives (the Linux initramfs format): magic
// 070701, and 070702 whose per-file checksums are verified.
//
//   kiln::cpio::Reader r(base, size);
//   kiln::cpio::Entry e;
//   for (;;) {
//     auto more = r.next(&e);
//     if (more.is_error()) { print("initrd: offset %zu: %s", r.fault().offset, r.fault().reason); ... }
//     if (!more.value()) break;          // TRAILER!!! reached
//     use(e.name, e.data, e.size);       // pointers into the archive, nothing copied
//   }
//
// Pure code (no kernel or libc calls): it compiles on the host, where it
// is unit-tested and fuzzed (tests/host/test_cpio.cpp). Every field the
// archive holds is checked before it is used; a malformed archive gives an
// error (EINVAL; EBADMSG for a checksum mismatch) and a Fault naming the
// byte offset and the reason, never a read outside [base, base + size).
//
// Paths are normalised: leading "/" and "./" are removed; the "." entry
// (the archive's root) is skipped; a path with a ".." component, an
// empty component ("a//b", a trailing "/") or a "." inside is refused.
// Hard links are reported as the archive has them (entries sharing
// dev/ino; newc stores the data with the last of them).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/result.h>

namespace kiln::cpio {

constexpr size_t kHeaderSize = 110;
constexpr size_t kMaxName = 4096;  // c_namesize limit, NUL included (PATH_MAX)

// File types in Entry::mode (the S_IFMT bits, as in <sys/stat.h>).
constexpr uint32_t kTypeMask = 0170000, kFifo = 0010000, kChar = 0020000, kDir = 0040000, kBlock = 0060000,
                   kRegular = 0100000, kSymlink = 0120000, kSocket = 0140000;

struct Entry {
  // Normalised path (no leading "/" or "./"), NUL-terminated, inside the
  // archive; name_len is strlen(name) (at least 1).
  const char* name;
  size_t name_len;
  uint32_t ino, mode, uid, gid, nlink, mtime;
  uint32_t dev_major, dev_minor, rdev_major, rdev_minor;
  // A regular file's contents or a symlink's target (not NUL-terminated),
  // inside the archive; size 0 for the other types.
  const void* data;
  size_t size;
  size_t offset;  // of the entry's header in the archive

  uint32_t type() const { return mode & kTypeMask; }
  bool is_file() const { return type() == kRegular; }
  bool is_dir() const { return type() == kDir; }
  bool is_symlink() const { return type() == kSymlink; }
};

// Why an archive was refused: the byte offset of the fault (from the
// archive's start) and one line of text, printed by the caller as
// "initrd: offset <offset>: <reason>". Filled by the Reader, no allocation.
struct Fault {
  size_t offset = 0;
  char reason[120] = {};
};

class Reader {
 public:
  constexpr Reader(const void* base, size_t size) : base_(static_cast<const unsigned char*>(base)), size_(size) {}

  // The next entry in *out: Ok(true); Ok(false) at TRAILER!!! (and after
  // it); an error when the archive is malformed (fault() says where and
  // why; every later call gives the same error).
  Result<bool> next(Entry* out);

  const Fault& fault() const { return fault_; }
  // Where the next header is expected (after TRAILER!!!: its end).
  size_t offset() const { return pos_; }

 private:
  Error fail(size_t at, int code, const char* a, const char* b = nullptr, const char* c = nullptr);
  Result<bool> parse_one(Entry* out);

  const unsigned char* base_;
  size_t size_;
  size_t pos_ = 0;
  bool done_ = false;
  int error_ = 0;
  Fault fault_;
};

// Walks the whole archive: Ok(number of entries, "." not counted) or the
// first error, with *fault filled (when fault is not null).
Result<size_t> validate(const void* base, size_t size, Fault* fault);

}  // namespace kiln::cpio
