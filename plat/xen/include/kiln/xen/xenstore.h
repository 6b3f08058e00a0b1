// xenstore client, over the shared ring with xenstored.
//
// Paths without a leading '/' are relative to the domain's home
// (/local/domain/<domid>). Every call returns an error as a value:
// the errno xenstored replied (ENOENT, EACCES, EAGAIN for a transaction
// to retry, ...), ETIMEDOUT when it did not answer within 10 s, E2BIG
// for a request over the protocol's 4096 bytes, ERANGE when the reply
// does not fit the caller's buffer, EIO when the ring is unusable (a
// malformed reply; logged once). One request is on the ring at a time;
// callers from several threads wait their turn (they block as threads
// with the scheduler linked; without it the CPU idles).
//
//   char v[64];
//   size_t n = KILN_TRY(kiln::xen::xs_read("device/vif/0/backend", v, sizeof v));
//   uint32_t tx = KILN_TRY(kiln::xen::xs_transaction_start());
//   ... xs_write(path, value, tx) ...
//   auto r = kiln::xen::xs_transaction_end(tx, true);  // EAGAIN: start again
//   KILN_TRY(kiln::xen::xs_watch("data/cmd", "cmd"));
//   char changed[128];
//   KILN_TRY(kiln::xen::xs_watch_wait("cmd", changed, sizeof changed, 0));
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/result.h>

namespace kiln::xen {

// The value at path, NUL-terminated in out; returns its length.
Result<size_t> xs_read(const char* path, char* out, size_t n, uint32_t tx = 0);
Result<void> xs_write(const char* path, const char* value, uint32_t tx = 0);
Result<void> xs_mkdir(const char* path, uint32_t tx = 0);
Result<void> xs_rm(const char* path, uint32_t tx = 0);
// The children of path: names separated by NUL bytes in out (bytes used
// returned; count in *count when not null).
Result<size_t> xs_directory(const char* path, char* out, size_t n, unsigned* count = nullptr, uint32_t tx = 0);
Result<uint32_t> xs_transaction_start();
// commit false aborts. EAGAIN: another writer got in first; redo the
// transaction from the start.
Result<void> xs_transaction_end(uint32_t tx, bool commit);
// Watch path (and everything under it); events carry token. xenstored
// sends one event right after the watch is set.
Result<void> xs_watch(const char* path, const char* token);
Result<void> xs_unwatch(const char* path, const char* token);
// Block until an event for token arrives or the monotonic deadline (0:
// none; ETIMEDOUT). The changed path goes to path_out. Events are queued
// (16; the oldest are dropped, with a log line, when nobody waits).
Result<size_t> xs_watch_wait(const char* token, char* path_out, size_t n, uint64_t deadline_ns);
// This domain's id (read once from xenstore).
Result<uint16_t> xs_domid();

}  // namespace kiln::xen
