// The block device layer: registry, request checks, the bounded queue in
// front of each device, and the synchronous helpers.
#include <kiln/blkdev.h>
#include <kiln/lock.h>
#include <kiln/plat/wait.h>
#include <kiln/print.h>
#include <errno.h>
#include <string.h>

namespace kiln {
namespace {
constinit BlockDev* g_first = nullptr;
constinit unsigned g_count = 0;

bool pow2(uint32_t v) { return v && !(v & (v - 1)); }
}  // namespace

void BlockDev::set_identity(const Identity& id) {
  size_t n = strlen(id.name);
  if (n >= kNameMax) n = kNameMax - 1;
  memcpy(name_, id.name, n);
  name_[n] = '\0';
  sector_size_ = id.sector_size;
  sectors_ = id.sectors;
  read_only_ = id.read_only;
  can_flush_ = id.can_flush;
  can_discard_ = id.can_discard;
  max_segs_ = id.max_segs;
  max_seg_bytes_ = id.max_seg_bytes;
}

BlkStats BlockDev::stats() const {
  kiln::IrqGuard g;
  return stats_;
}

Result<void> BlockDev::submit(BlkRequest* r) {
  if (!r || !r->done) return Error(EINVAL);
  switch (r->op) {
    case BlkRequest::Op::kRead:
    case BlkRequest::Op::kWrite: {
      if (r->op == BlkRequest::Op::kWrite && read_only_) return Error(EROFS);
      if (!r->nsegs || !r->segs || r->nsegs > max_segs_ || !r->count) return Error(EINVAL);
      uint64_t total = 0;
      for (uint16_t i = 0; i < r->nsegs; ++i) {
        uint32_t len = r->segs[i].len;
        if (!r->segs[i].buf || !len || len % sector_size_ || len > max_seg_bytes_) return Error(EINVAL);
        total += len;
      }
      if (total != uint64_t{r->count} * sector_size_) return Error(EINVAL);
      if (r->sector >= sectors_ || r->count > sectors_ - r->sector) return Error(EINVAL);  // past the end
      break;
    }
    case BlkRequest::Op::kFlush:
      if (!can_flush_) {  // no volatile cache: every completed write is durable
        r->status = 0;
        {
          kiln::IrqGuard g;
          ++stats_.flushes;
        }
        r->done(r);
        return {};
      }
      break;
    case BlkRequest::Op::kDiscard:
      if (read_only_) return Error(EROFS);
      if (!can_discard_) return Error(EOPNOTSUPP);
      if (!r->count || r->sector >= sectors_ || r->count > sectors_ - r->sector) return Error(EINVAL);
      break;
    default:
      return Error(EINVAL);
  }
  kiln::IrqGuard g;
  if (queued_ >= kMaxQueued) return Error(EAGAIN);
  r->next_ = nullptr;
  r->status = 0;
  if (tail_)
    tail_->next_ = r;
  else
    head_ = r;
  tail_ = r;
  ++queued_;
  if (queued_ > stats_.queued_max) stats_.queued_max = queued_;
  kick();
  return {};
}

void BlockDev::kick() {
  while (head_) {
    BlkRequest* r = head_;
    auto s = start(r);
    if (s.is_error() && s.error().code() == EAGAIN) {
      // The device is full: r waits. A device that takes nothing while
      // it has nothing in flight would wait forever: fail the request.
      if (in_flight_) return;
      kiln_warn("blk: %s: the device refused a request with nothing in flight", name_);
    }
    head_ = r->next_;
    if (!head_) tail_ = nullptr;
    --queued_;
    if (s.is_error()) {
      ++stats_.errors;
      r->status = -(s.error().code() == EAGAIN ? EIO : s.error().code());
      r->done(r);
      continue;
    }
    ++in_flight_;
  }
}

void BlockDev::complete(BlkRequest* r, int status) {
  kiln::IrqGuard g;
  if (in_flight_) --in_flight_;
  r->status = status;
  if (status) {
    ++stats_.errors;
  } else {
    uint64_t bytes = uint64_t{r->count} * sector_size_;
    switch (r->op) {
      case BlkRequest::Op::kRead: ++stats_.reads, stats_.read_bytes += bytes; break;
      case BlkRequest::Op::kWrite: ++stats_.writes, stats_.write_bytes += bytes; break;
      case BlkRequest::Op::kFlush: ++stats_.flushes; break;
      case BlkRequest::Op::kDiscard: ++stats_.discards; break;
    }
  }
  r->done(r);
  kick();
}

Result<void> blk_register(BlockDev* d) {
  if (!d || !d->name_[0] || !pow2(d->sector_size_) || d->sector_size_ < 512 || d->sector_size_ > 65536 ||
      !d->max_segs_ || d->max_seg_bytes_ < d->sector_size_)
    return Error(EINVAL);
  if (blk_find(d->name_)) return Error(EEXIST);
  kiln::IrqGuard g;
  BlockDev** p = &g_first;
  while (*p) p = &(*p)->next_;
  *p = d;
  ++g_count;
  return {};
}

BlockDev* blk_find(const char* name) {
  for (BlockDev* d = g_first; d; d = d->next_)
    if (strcmp(d->name(), name) == 0) return d;
  return nullptr;
}

BlockDev* blk_at(unsigned i) {
  BlockDev* d = g_first;
  while (d && i--) d = d->next_;
  return d;
}

unsigned blk_count() { return g_count; }

namespace {

struct Waiter {
  volatile bool done = false;
};

void wake_done(BlkRequest* r) {
  static_cast<Waiter*>(r->ctx)->done = true;
  kiln_plat_wake_event();
}

Result<void> run(BlockDev* d, BlkRequest& r) {
  if (!d) return Error(ENODEV);
  Waiter w;
  r.ctx = &w;
  r.done = wake_done;
  KILN_TRY(d->submit(&r));
  {
    kiln::IrqGuard g;  // the wait contract: check, then wait, with events masked
    while (!w.done) kiln_plat_wait_event(0);
  }
  if (r.status) return Error(-r.status);
  return {};
}

Result<void> rw(BlockDev* d, BlkRequest::Op op, uint64_t sector, void* buf, size_t bytes) {
  if (!d) return Error(ENODEV);
  uint32_t ss = d->sector_size();
  if (!bytes || bytes % ss) return Error(EINVAL);
  // Split into requests the device takes: up to max_segs segments of at
  // most max_seg_bytes (whole sectors), one request at a time.
  auto* p = static_cast<uint8_t*>(buf);
  uint32_t seg_max = d->max_seg_bytes() / ss * ss;
  constexpr uint16_t kSegs = 16;
  BlkSeg segs[kSegs];
  uint16_t max_segs = d->max_segs() < kSegs ? d->max_segs() : kSegs;
  while (bytes) {
    uint16_t n = 0;
    uint64_t took = 0;
    while (bytes && n < max_segs) {
      uint32_t len = bytes < seg_max ? static_cast<uint32_t>(bytes) : seg_max;
      segs[n++] = {p, len};
      p += len;
      bytes -= len;
      took += len;
    }
    BlkRequest r;
    r.op = op;
    r.sector = sector;
    r.count = static_cast<uint32_t>(took / ss);
    r.segs = segs;
    r.nsegs = n;
    KILN_TRY(run(d, r));
    sector += r.count;
  }
  return {};
}

}  // namespace

Result<void> blk_read(BlockDev* d, uint64_t sector, void* buf, size_t bytes) {
  return rw(d, BlkRequest::Op::kRead, sector, buf, bytes);
}

Result<void> blk_write(BlockDev* d, uint64_t sector, const void* buf, size_t bytes) {
  return rw(d, BlkRequest::Op::kWrite, sector, const_cast<void*>(buf), bytes);
}

Result<void> blk_flush(BlockDev* d) {
  BlkRequest r;
  r.op = BlkRequest::Op::kFlush;
  return run(d, r);
}

Result<void> blk_discard(BlockDev* d, uint64_t sector, uint32_t count) {
  BlkRequest r;
  r.op = BlkRequest::Op::kDiscard;
  r.sector = sector;
  r.count = count;
  return run(d, r);
}

}  // namespace kiln
