// lib/mm's view of a mapped file: lib/vfs's vnode (src/file.cpp), or,
// without lib/vfs, no files at all (src/nofile.cpp: ENODEV).
#pragma once
#include <stddef.h>
#include <sys/types.h>

namespace kiln::mm {

struct MapFile;  // a referenced vnode

// The file open at fd, checked for a mapping with these rights: a
// reference, or -EBADF (no such descriptor), -ENODEV (not a regular file),
// -EACCES (not open for reading; MAP_SHARED + PROT_WRITE on a file not
// open for writing). *writable: open for writing.
long file_get(int fd, bool shared_write, MapFile** out, bool* writable);
void file_ref(MapFile* f);
void file_unref(MapFile* f);
// Fill [buf, buf + n) from the file at off; zeros past its end.
long file_fill(MapFile* f, void* buf, size_t n, off_t off);
// Write [buf, buf + n) to the file at off, clipped at its end (a mapping
// never grows its file, as on Linux).
long file_store(MapFile* f, const void* buf, size_t n, off_t off);

}  // namespace kiln::mm
