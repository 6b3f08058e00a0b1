// A cpio newc archive as a tree of the vfs (kiln::vfs::populate_cpio,
// kiln/vfs.h): the initrd's files, served in place. Portable (the host
// tests build it with lib/cpio's reader).
//
// Three walks of the archive, none allocating: validate it whole (so a
// malformed archive creates nothing), create the entries in archive order,
// then set the directories' mtimes (creating their entries changed them).
// Hard links: newc gives every name of a file its own entry sharing c_ino
// (nlink > 1), the data with the last of them; the first name creates the
// file with that data, the others link to it. Finding them scans the
// archive, so the cost grows with the square of the number of hard-linked
// entries (archives rarely have many).
#include <kiln/vfs.h>
#include <kiln/cpio.h>
#include <string.h>

namespace kiln::vfs {
namespace {

bool same_file(const cpio::Entry& a, const cpio::Entry& b) {
  return a.is_file() && b.is_file() && a.nlink > 1 && b.nlink > 1 && a.ino == b.ino &&
         a.dev_major == b.dev_major && a.dev_minor == b.dev_minor;
}

// The first entry naming the same file as e, and the data of the file (that
// of the last of its entries with any).
void find_links(const void* archive, size_t size, const cpio::Entry& e, cpio::Entry* first, const void** data,
                size_t* dsize) {
  cpio::Reader r(archive, size);
  cpio::Entry x;
  bool seen = false;
  *data = e.data;
  *dsize = e.size;
  while (r.next(&x).value_or(false)) {
    if (!same_file(x, e)) continue;
    if (!seen) {
      *first = x;
      seen = true;
    }
    if (x.size) {
      *data = x.data;
      *dsize = x.size;
    }
  }
}

}  // namespace

Result<void> populate_cpio(const char* at, const void* archive, size_t size, CpioResult* out) {
  cpio::Fault fault;
  auto valid = cpio::validate(archive, size, &fault);
  if (valid.is_error()) {
    out->fault_offset = fault.offset;
    memcpy(out->fault_reason, fault.reason, sizeof out->fault_reason);
    return valid.error();
  }
  VnodeRef base = KILN_TRY(make_dirs(nullptr, at));
  cpio::Reader r(archive, size);
  cpio::Entry e;
  while (r.next(&e).value_or(false)) {
    if (!e.is_file() && !e.is_dir() && !e.is_symlink()) {
      ++out->skipped;  // devices, FIFOs, sockets: no such nodes in a ramfs
      continue;
    }
    TreeEntry t{e.name, static_cast<mode_t>(e.mode), e.data, e.size};
    t.in_place = true;
    t.mtime_ns = int64_t{e.mtime} * 1000000000;
    t.uid = static_cast<uid_t>(e.uid);
    t.gid = static_cast<gid_t>(e.gid);
    if (e.is_file() && e.nlink > 1) {
      cpio::Entry first = e;
      find_links(archive, size, e, &first, &t.data, &t.size);
      if (first.offset != e.offset) t.link_to = first.name;
    }
    auto made = populate_entry(base.get(), t);
    if (made.is_error()) {
      out->failed = e.name;
      return made.error();
    }
    ++out->entries;
  }
  // Directories' times, now that nothing is added to them any more.
  cpio::Reader again(archive, size);
  while (again.next(&e).value_or(false)) {
    if (!e.is_dir()) continue;
    auto d = resolve(base.get(), e.name, 0);
    if (d.is_error() || d.value()->fs() != base->fs()) continue;  // a mount point (/dev): not ours to change
    SetAttr a;
    a.mask = SetAttr::kAtime | SetAttr::kMtime;
    a.atime_ns = a.mtime_ns = int64_t{e.mtime} * 1000000000;
    auto set = d.value()->setattr(a);
    if (set.is_error()) {
      out->failed = e.name;
      return set.error();
    }
  }
  return {};
}

}  // namespace kiln::vfs
