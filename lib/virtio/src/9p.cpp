// virtio-9p (virtio device type 9): a 9P channel (kiln/ninep.h) named by
// the device's mount tag, on any transport (mmio v1/v2, pci modern/legacy).
//
// Config: tag_len[2] then tag_len bytes of tag (VIRTIO_9P_MOUNT_TAG). One
// request queue; each request is a chain of two descriptors: the
// T-message (device-readable) and the reply buffer (device-writable). The
// token is a slot index; the device is not trusted: an unknown slot, or a
// used length larger than the reply buffer, completes the request with
// EIO (or is ignored when no request has that slot).
#include <kiln/alloc.h>
#include <kiln/init.h>
#include <kiln/lock.h>
#include <kiln/ninep.h>
#include <kiln/print.h>
#include <kiln/virtio/virtio.h>
#include <errno.h>
#include <new>
#include <string.h>

namespace kiln::virtio {
namespace {

constexpr uint32_t kDev9p = 9;
constexpr uint64_t k9pMountTag = 1ull << 0;
constexpr uint16_t kQueueWant = 128;
constexpr size_t kTagMax = 255;
// The largest message: lib/ninep asks for 512 KiB of data plus headers.
constexpr uint32_t kMaxMsize = 512 * 1024 + 4096;

class Virtio9p final : public ninep::Channel {
 public:
  Virtio9p(Transport& t) : t_(t) {}

  Result<void> init(uint64_t features) {
    if (!(features & k9pMountTag)) {
      kiln_err("virtio-9p: %s: the device has no mount tag", t_.where());
      return Error(ENOTSUP);
    }
    uint16_t len = t_.config16(0);
    if (len == 0 || len > kTagMax) {
      kiln_err("virtio-9p: %s: mount tag length %u: refused", t_.where(), len);
      return Error(EINVAL);
    }
    t_.read_config(2, tag_, len);
    tag_[len] = '\0';
    if (strlen(tag_) != len) {
      kiln_err("virtio-9p: %s: mount tag with a NUL byte: refused", t_.where());
      return Error(EINVAL);
    }
    KILN_TRY(t_.attach_irq(on_irq, this));
    KILN_TRY(setup_queue(t_, 0, kQueueWant, &q_));
    nslots_ = q_.size();
    slots_ = static_cast<ninep::Request**>(kiln_calloc(nslots_, sizeof(ninep::Request*)));
    free_ = static_cast<uint16_t*>(kiln_calloc(nslots_, sizeof(uint16_t)));
    if (!slots_ || !free_) return Error(ENOMEM);
    for (unsigned i = 0; i < nslots_; ++i) free_[i] = static_cast<uint16_t>(i);
    nfree_ = nslots_;
    t_.driver_ok();
    return {};
  }

  const char* tag() const override { return tag_; }
  uint32_t max_msize() const override { return kMaxMsize; }

  Result<void> submit(ninep::Request* r) override {
    if (r->out_len > 0xffffffffu || r->in_cap > 0xffffffffu || !r->out_len || !r->in_cap) return Error(EINVAL);
    IrqGuard g;
    if (!nfree_ || q_.free_count() < 2) return Error(EAGAIN);
    uint16_t slot = free_[--nfree_];
    slots_[slot] = r;
    Virtqueue::Seg segs[2] = {{kiln_plat_dma_addr(r->out), static_cast<uint32_t>(r->out_len), false},
                              {kiln_plat_dma_addr(r->in), static_cast<uint32_t>(r->in_cap), true}};
    auto a = q_.add_chain(segs, 2, reinterpret_cast<void*>(static_cast<uintptr_t>(slot) + 1));
    if (a.is_error()) {
      slots_[slot] = nullptr;
      free_[nfree_++] = slot;
      return a.error().code() == ENOSPC ? Error(EAGAIN) : a.error();
    }
    if (q_.publish()) t_.notify(0);
    return {};
  }

 private:
  // Events masked.
  void reap() {
    for (;;) {
      auto u = q_.get_used();
      if (u.is_error()) {
        if (u.error().code() == EAGAIN) return;
        continue;  // malformed entry: the queue counted it
      }
      uintptr_t tok = reinterpret_cast<uintptr_t>(u.value().token);
      if (tok == 0 || tok > nslots_ || !slots_[tok - 1]) {
        if (!bad_logged_++) kiln_warn("virtio-9p: %s: completion for no request: ignored", tag_);
        continue;
      }
      unsigned slot = static_cast<unsigned>(tok - 1);
      ninep::Request* r = slots_[slot];
      slots_[slot] = nullptr;
      free_[nfree_++] = static_cast<uint16_t>(slot);
      r->in_len = u.value().len;
      r->status = 0;
      if (u.value().len > r->in_cap) {
        if (!long_logged_++) kiln_warn("virtio-9p: %s: reply longer than its buffer: I/O error", tag_);
        r->in_len = 0;
        r->status = -EIO;
      }
      r->done(r);
    }
  }

  static void on_irq(void* ctx) {
    auto* d = static_cast<Virtio9p*>(ctx);
    d->t_.ack_interrupt();
    IrqGuard g;
    d->reap();
  }

  Transport& t_;
  Virtqueue q_;
  ninep::Request** slots_ = nullptr;
  uint16_t* free_ = nullptr;
  unsigned nslots_ = 0, nfree_ = 0;
  unsigned bad_logged_ = 0, long_logged_ = 0;
  char tag_[kTagMax + 1] = {};
};

Result<void> probe(Transport& t, uint64_t features) {
  auto* d = new (std::nothrow) Virtio9p(t);
  if (!d) return Error(ENOMEM);
  KILN_TRY(d->init(features));
  ninep::register_channel(d);
  kiln_info("virtio-9p: tag '%s': %s (%s)", d->tag(), t.where(), t.kind());
  return {};
}

constinit Driver p9_driver{"virtio-9p", kDev9p, k9pMountTag | kFeatureAnyLayout, probe, nullptr};

int register_9p() {
  register_driver(&p9_driver);
  return 0;
}

}  // namespace
}  // namespace kiln::virtio

KILN_INIT(lib, 400, kiln::virtio::register_9p);
