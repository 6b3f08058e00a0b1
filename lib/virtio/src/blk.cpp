// virtio-blk (virtio 1.x section 5.2): a kiln::BlockDev over a virtio block
// device (any transport), named vda, vdb, ... in discovery order.
//
// One request queue. Each request is a descriptor chain: the 16-byte
// header (type, sector), the data segments (device-writable for reads),
// and a one-byte status the device writes. Headers and status bytes live
// in a per-slot array; the slot is the chain's token. Completions arrive
// by interrupt; the device is not trusted: an unknown token, a status
// other than OK, or a read whose used length is shorter than asked
// completes the request with EIO (or EOPNOTSUPP for UNSUPP).
//
// Sectors: virtio-blk addresses 512-byte units. With VIRTIO_BLK_F_BLK_SIZE
// the layer's sector is the device's logical block (e.g. 4096) and the
// driver converts.
#include <kiln/alloc.h>
#include <kiln/blkdev.h>
#include <kiln/init.h>
#include <kiln/lock.h>
#include <kiln/print.h>
#include <kiln/virtio/virtio.h>
#include <errno.h>
#include <new>
#include <string.h>

namespace kiln::virtio {
namespace {

enum : uint64_t {
  kBlkSizeMax = 1ull << 1,
  kBlkSegMax = 1ull << 2,
  kBlkRo = 1ull << 5,
  kBlkBlkSize = 1ull << 6,
  kBlkFlush = 1ull << 9,
  kBlkDiscard = 1ull << 13,
};
enum : uint32_t { kTypeIn = 0, kTypeOut = 1, kTypeFlush = 4, kTypeDiscard = 11 };
enum : uint8_t { kStatusOk = 0, kStatusIoErr = 1, kStatusUnsupp = 2 };

struct ReqHdr {
  uint32_t type;
  uint32_t reserved;
  uint64_t sector;
};
static_assert(sizeof(ReqHdr) == 16);

struct DiscardSeg {
  uint64_t sector;
  uint32_t num_sectors;
  uint32_t flags;
};
static_assert(sizeof(DiscardSeg) == 16);

// Per in-flight request: what the device reads and writes besides data.
struct Slot {
  ReqHdr hdr;
  DiscardSeg discard;
  uint8_t status;
  uint8_t pad[7];
  kiln::BlkRequest* req;
};

constexpr uint16_t kQueueWant = 128;
constexpr uint16_t kSegsMax = 64;  // data segments per request we offer the layer
constinit unsigned ndevs = 0;

class VirtioBlk final : public kiln::BlockDev {
 public:
  VirtioBlk(Transport& t, uint64_t features) : t_(t), features_(features) {}

  Result<void> init() {
    KILN_TRY(t_.attach_irq(on_irq, this));
    KILN_TRY(setup_queue(t_, 0, kQueueWant, &q_));
    nslots_ = q_.size();
    slots_ = static_cast<Slot*>(kiln_palloc((nslots_ * sizeof(Slot) + 4095) / 4096));
    free_ = static_cast<uint16_t*>(kiln_calloc(nslots_, sizeof(uint16_t)));
    if (!slots_ || !free_) return Error(ENOMEM);
    for (unsigned i = 0; i < nslots_; ++i) free_[i] = static_cast<uint16_t>(i);
    nfree_ = nslots_;

    uint64_t capacity = uint64_t{t_.config32(0)} | (uint64_t{t_.config32(4)} << 32);  // 512-byte units
    uint32_t blk = 512;
    if (features_ & kBlkBlkSize) {
      uint32_t b = t_.config32(20);
      if (b >= 512 && b <= 65536 && !(b & (b - 1)))
        blk = b;
      else
        kiln_warn("virtio-blk: %s reports block size %u: using 512", t_.where(), b);
    }
    ratio_ = blk / 512;
    // Data segments: what the device allows, less two for header and status.
    uint32_t seg_max = (features_ & kBlkSegMax) ? t_.config32(12) : kSegsMax;
    if (seg_max == 0 || seg_max > kSegsMax) seg_max = kSegsMax;
    if (seg_max + 2 > q_.size()) seg_max = q_.size() > 2 ? q_.size() - 2u : 1u;
    uint32_t size_max = (features_ & kBlkSizeMax) ? t_.config32(8) : (1u << 20);
    if (size_max < blk) size_max = blk;
    if (size_max > (1u << 22)) size_max = 1u << 22;
    size_max = size_max / blk * blk;

    char name[8] = "vda";
    name[2] = static_cast<char>('a' + ndevs % 26);
    set_identity({name, blk, capacity / ratio_, (features_ & kBlkRo) != 0, (features_ & kBlkFlush) != 0,
                  (features_ & kBlkDiscard) != 0, static_cast<uint16_t>(seg_max), size_max});
    t_.driver_ok();
    return {};
  }

 private:
  Result<void> start(kiln::BlkRequest* r) override {
    uint16_t nseg = r->op == kiln::BlkRequest::Op::kRead || r->op == kiln::BlkRequest::Op::kWrite ? r->nsegs : 0;
    if (r->op == kiln::BlkRequest::Op::kDiscard) nseg = 1;
    if (!nfree_ || q_.free_count() < nseg + 2u) return Error(EAGAIN);
    uint16_t slot = free_[--nfree_];
    Slot& s = slots_[slot];
    memset(&s, 0, sizeof s);
    s.req = r;
    s.status = 0xff;  // the device must write it
    s.hdr.sector = r->sector * ratio_;
    Virtqueue::Seg segs[kSegsMax + 2];
    unsigned n = 0;
    segs[n++] = {kiln_plat_dma_addr(&s.hdr), sizeof s.hdr, false};
    switch (r->op) {
      case kiln::BlkRequest::Op::kRead:
      case kiln::BlkRequest::Op::kWrite: {
        bool rd = r->op == kiln::BlkRequest::Op::kRead;
        s.hdr.type = rd ? kTypeIn : kTypeOut;
        for (uint16_t i = 0; i < r->nsegs; ++i)
          segs[n++] = {kiln_plat_dma_addr(r->segs[i].buf), r->segs[i].len, rd};
        break;
      }
      case kiln::BlkRequest::Op::kFlush:
        s.hdr.type = kTypeFlush;
        s.hdr.sector = 0;
        break;
      case kiln::BlkRequest::Op::kDiscard:
        s.hdr.type = kTypeDiscard;
        s.hdr.sector = 0;
        s.discard = {r->sector * ratio_, r->count * ratio_, 0};
        segs[n++] = {kiln_plat_dma_addr(&s.discard), sizeof s.discard, false};
        break;
    }
    segs[n++] = {kiln_plat_dma_addr(&s.status), 1, true};
    auto a = q_.add_chain(segs, n, token(slot));
    if (a.is_error()) {
      free_[nfree_++] = slot;
      return a.error().code() == ENOSPC ? Error(EAGAIN) : a.error();
    }
    if (q_.publish()) t_.notify(0);
    return {};
  }

  static void* token(unsigned slot) { return reinterpret_cast<void*>(static_cast<uintptr_t>(slot) + 1); }

  // Events masked.
  void reap() {
    for (;;) {
      auto u = q_.get_used();
      if (u.is_error()) {
        if (u.error().code() == EAGAIN) return;
        continue;  // malformed entry: the queue counted it
      }
      uintptr_t tok = reinterpret_cast<uintptr_t>(u.value().token);
      if (tok == 0 || tok > nslots_ || !slots_[tok - 1].req) {
        if (!bad_token_logged_++) kiln_warn("virtio-blk: %s: completion for no request: ignored", name());
        continue;
      }
      unsigned slot = static_cast<unsigned>(tok - 1);
      Slot& s = slots_[slot];
      kiln::BlkRequest* r = s.req;
      s.req = nullptr;
      int status = 0;
      if (s.status == kStatusUnsupp) {
        status = -EOPNOTSUPP;
      } else if (s.status != kStatusOk) {
        status = -EIO;
      } else if (r->op == kiln::BlkRequest::Op::kRead && u.value().len < uint64_t{r->count} * sector_size() + 1) {
        status = -EIO;  // the device says it wrote less than asked (or nothing)
        if (!short_logged_++) kiln_warn("virtio-blk: %s: short read (%u bytes): I/O error", name(), u.value().len);
      }
      free_[nfree_++] = static_cast<uint16_t>(slot);
      complete(r, status);
    }
  }

  static void on_irq(void* ctx) {
    auto* d = static_cast<VirtioBlk*>(ctx);
    d->t_.ack_interrupt();
    kiln::IrqGuard g;
    d->reap();
  }

  Transport& t_;
  uint64_t features_;
  Virtqueue q_;
  Slot* slots_ = nullptr;
  uint16_t* free_ = nullptr;
  unsigned nslots_ = 0, nfree_ = 0;
  uint32_t ratio_ = 1;
  unsigned bad_token_logged_ = 0, short_logged_ = 0;
};

Result<void> probe(Transport& t, uint64_t features) {
  auto* d = new (std::nothrow) VirtioBlk(t, features);
  if (!d) return Error(ENOMEM);
  KILN_TRY(d->init());
  KILN_TRY(kiln::blk_register(d));
  ++ndevs;
  kiln_info("virtio-blk: %s: %s (%s), %llu sectors of %u bytes (%llu MiB)%s%s%s", d->name(), t.where(), t.kind(),
            static_cast<unsigned long long>(d->sectors()), d->sector_size(),
            static_cast<unsigned long long>(d->bytes() >> 20), d->read_only() ? ", read-only" : "",
            d->can_flush() ? ", flush" : "", d->can_discard() ? ", discard" : "");
  return {};
}

constinit Driver blk_driver{"virtio-blk", kDevBlock,
                            kBlkSizeMax | kBlkSegMax | kBlkRo | kBlkBlkSize | kBlkFlush | kBlkDiscard |
                                kFeatureAnyLayout,
                            probe, nullptr};

int register_blk() {
  register_driver(&blk_driver);
  return 0;
}

}  // namespace
}  // namespace kiln::virtio

KILN_INIT(lib, 400, kiln::virtio::register_blk);
