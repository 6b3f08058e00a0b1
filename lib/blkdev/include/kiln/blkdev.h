// Block devices: the interface between device drivers (virtio-blk) and
// the filesystems above them (docs/storage.md).
//
//   class VirtioBlk final : public kiln::BlockDev { ... start() ... };
//   KILN_TRY(kiln::blk_register(dev));            // named vda, vdb, ...
//
//   kiln::BlockDev* d = kiln::blk_find("vda");
//   KILN_TRY(kiln::blk_read(d, 8, buf, 4096));     // sectors 8.. into buf, waits
//
//   kiln::BlkRequest r{...};  r.done = fn;  KILN_TRY(d->submit(&r));  // asynchronous
//
// Requests: read, write, flush, discard; a read or write is a list of
// buffers (scatter-gather) covering whole sectors. submit() checks the
// request against the device (bounds, read-only: EROFS, alignment, segment
// limits) and never blocks: the device starts it, or it waits in the
// device's queue (bounded: EAGAIN past kMaxQueued). done() runs once per
// accepted request, from the completion interrupt (events masked: it must
// not block) or from submit() itself; r->status is 0 or a negative errno.
// A device that fails a request or lies about it (short transfer, a bad
// status) completes it with -EIO; the caller's memory outside its buffers
// is never written.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/result.h>

namespace kiln {

struct BlkSeg {
  void* buf;
  uint32_t len;  // bytes, a multiple of the sector size
};

struct BlkRequest {
  enum class Op : uint8_t { kRead, kWrite, kFlush, kDiscard };
  Op op = Op::kRead;
  uint64_t sector = 0;          // first sector (the device's sector size)
  uint32_t count = 0;           // sectors (read/write: must equal the segments' bytes)
  const BlkSeg* segs = nullptr;
  uint16_t nsegs = 0;
  void (*done)(BlkRequest* r) = nullptr;
  void* ctx = nullptr;          // the caller's
  int status = 0;               // set before done(): 0 or -errno
  BlkRequest* next_ = nullptr;  // the device's queue
};

struct BlkStats {
  uint64_t reads = 0, writes = 0, flushes = 0, discards = 0;
  uint64_t read_bytes = 0, write_bytes = 0, errors = 0, queued_max = 0;
};

class BlockDev {
 public:
  static constexpr size_t kNameMax = 16;
  static constexpr unsigned kMaxQueued = 1024;  // requests waiting for the device

  const char* name() const { return name_; }
  uint32_t sector_size() const { return sector_size_; }
  uint64_t sectors() const { return sectors_; }
  uint64_t bytes() const { return sectors_ * sector_size_; }
  bool read_only() const { return read_only_; }
  bool can_flush() const { return can_flush_; }
  bool can_discard() const { return can_discard_; }
  uint16_t max_segs() const { return max_segs_; }
  uint32_t max_seg_bytes() const { return max_seg_bytes_; }
  BlkStats stats() const;

  // Checks and starts or queues r (see above). On error r is not taken
  // and done() is not called.
  Result<void> submit(BlkRequest* r);

 protected:
  constexpr BlockDev() = default;
  ~BlockDev() = default;
  struct Identity {
    const char* name;
    uint32_t sector_size;  // a power of two, 512..65536
    uint64_t sectors;
    bool read_only, can_flush, can_discard;
    uint16_t max_segs;       // >= 1
    uint32_t max_seg_bytes;  // >= sector_size
  };
  // Backends: before blk_register.
  void set_identity(const Identity& id);
  // Backends: start r on the device. EAGAIN when it has no room now (the
  // layer keeps r first in its queue and tries again at the next
  // complete()); any other error completes r with it.
  virtual Result<void> start(BlkRequest* r) = 0;
  // Backends: r finished with status (0 or -errno). Events masked is fine.
  void complete(BlkRequest* r, int status);

 private:
  friend Result<void> blk_register(BlockDev* d);
  friend BlockDev* blk_find(const char* name);
  friend BlockDev* blk_at(unsigned i);
  void kick();  // events masked: start what waits while the device takes it
  char name_[kNameMax] = {};
  uint32_t sector_size_ = 512;
  uint64_t sectors_ = 0;
  bool read_only_ = false, can_flush_ = false, can_discard_ = false;
  uint16_t max_segs_ = 1;
  uint32_t max_seg_bytes_ = 512;
  BlkRequest* head_ = nullptr;
  BlkRequest* tail_ = nullptr;
  unsigned queued_ = 0;
  unsigned in_flight_ = 0;
  BlkStats stats_;
  BlockDev* next_ = nullptr;
};

// Registers d (its name must be unique). EEXIST for a second device of one
// name, EINVAL for an identity out of range.
Result<void> blk_register(BlockDev* d);
BlockDev* blk_find(const char* name);
BlockDev* blk_at(unsigned i);  // nullptr past the last
unsigned blk_count();

// Synchronous helpers: one request, the calling thread blocks until it is
// done. bytes: a multiple of the sector size.
Result<void> blk_read(BlockDev* d, uint64_t sector, void* buf, size_t bytes);
Result<void> blk_write(BlockDev* d, uint64_t sector, const void* buf, size_t bytes);
Result<void> blk_flush(BlockDev* d);
Result<void> blk_discard(BlockDev* d, uint64_t sector, uint32_t count);

}  // namespace kiln
