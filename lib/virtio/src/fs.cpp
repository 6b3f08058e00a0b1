// virtio-fs (virtio 1.x section 5.11): a FUSE channel (kiln/fuse.h) over a
// virtio file-system device, registered under the device's tag for the
// "virtiofs" filesystem (lib/virtiofs, kiln/virtiofs.h).
//
// Queue 0 is the high-priority queue (FORGET, which has no reply), queue
// 1 the first request queue (the only one used: one CPU). Each request is
// one descriptor chain: the device-readable segments (the encoded request,
// WRITE's data), then the device-writable ones (the reply header and its
// fixed part, READ's or READDIR's buffer). The chain's token is the
// request. Completions arrive by interrupt; a used length larger than the
// writable segments is reported as none (the client then fails the call
// with EIO). DAX (the shared-memory window) is not used.
#include <kiln/alloc.h>
#include <kiln/fuse.h>
#include <kiln/init.h>
#include <kiln/lock.h>
#include <kiln/print.h>
#include <kiln/virtio/virtio.h>
#include <kiln/virtiofs.h>
#include <errno.h>
#include <new>
#include <string.h>

namespace kiln::virtio {
namespace {

constexpr uint32_t kDevFs = 26;
constexpr uint16_t kHiprioWant = 64, kRequestWant = 128;

class VirtioFs final : public kiln::fuse::Channel {
 public:
  explicit VirtioFs(Transport& t) : t_(t) {}

  const char* tag() const override { return tag_; }

  Result<void> init() {
    // The tag: up to 36 bytes, NUL-padded (not NUL-ended when 36 long).
    char raw[virtiofs::kTagMax];
    t_.read_config(0, raw, sizeof raw);
    size_t len = strnlen(raw, sizeof raw);
    for (size_t i = 0; i < len; ++i)
      if (raw[i] < 0x21 || raw[i] > 0x7e || raw[i] == ',') {
        kiln_err("virtio-fs: %s: the tag has a byte %#x that cannot be named in a mount: device not used",
                 t_.where(), static_cast<unsigned>(static_cast<uint8_t>(raw[i])));
        return Error(EINVAL);
      }
    if (len == 0) {
      kiln_err("virtio-fs: %s: empty tag: device not used", t_.where());
      return Error(EINVAL);
    }
    memcpy(tag_, raw, len);
    tag_[len] = '\0';
    nreq_ = t_.config32(36);
    if (nreq_ == 0) {
      kiln_err("virtio-fs: %s: tag '%s': no request queues", t_.where(), tag_);
      return Error(EINVAL);
    }
    KILN_TRY(t_.attach_irq(on_irq, this));
    KILN_TRY(setup_queue(t_, 0, kHiprioWant, &hiprio_));
    KILN_TRY(setup_queue(t_, 1, kRequestWant, &req_));
    t_.driver_ok();
    return {};
  }

  Result<void> submit(kiln::fuse::Request* r) override {
    if (r->nout < 1 || r->nout > 2 || r->nin > 2 || (!r->hiprio && r->nin < 1)) return Error(EINVAL);
    Virtqueue::Seg segs[4];
    unsigned n = 0;
    uint64_t writable = 0;
    for (unsigned i = 0; i < r->nout; ++i) segs[n++] = {kiln_plat_dma_addr(r->out[i].p), r->out[i].len, false};
    for (unsigned i = 0; i < r->nin; ++i) {
      segs[n++] = {kiln_plat_dma_addr(r->in[i].p), r->in[i].len, true};
      writable += r->in[i].len;
    }
    (void)writable;
    kiln::IrqGuard g;
    Virtqueue& q = r->hiprio ? hiprio_ : req_;
    auto a = q.add_chain(segs, n, r);
    if (a.is_error()) return a.error().code() == ENOSPC ? Error(EAGAIN) : a.error();
    if (q.publish()) t_.notify(r->hiprio ? 0 : 1);
    return {};
  }

 private:
  // Events masked.
  void reap(Virtqueue& q) {
    for (;;) {
      auto u = q.get_used();
      if (u.is_error()) {
        if (u.error().code() == EAGAIN) return;
        if (!bad_logged_++) kiln_warn("virtio-fs: %s: malformed used entry: ignored", tag_);
        continue;
      }
      auto* r = static_cast<kiln::fuse::Request*>(u.value().token);
      uint64_t writable = 0;
      for (unsigned i = 0; i < r->nin; ++i) writable += r->in[i].len;
      r->used = u.value().len <= writable ? u.value().len : 0;
      if (u.value().len > writable && !long_logged_++)
        kiln_warn("virtio-fs: %s: the device claims %u bytes written into %llu: reply refused", tag_,
                  u.value().len, static_cast<unsigned long long>(writable));
      r->status = 0;
      r->done(r);
    }
  }

  static void on_irq(void* ctx) {
    auto* d = static_cast<VirtioFs*>(ctx);
    d->t_.ack_interrupt();
    kiln::IrqGuard g;
    d->reap(d->hiprio_);
    d->reap(d->req_);
  }

  Transport& t_;
  char tag_[virtiofs::kTagMax + 1] = {};
  uint32_t nreq_ = 0;
  Virtqueue hiprio_, req_;
  unsigned bad_logged_ = 0, long_logged_ = 0;
};

Result<void> probe(Transport& t, uint64_t) {
  auto* d = new (std::nothrow) VirtioFs(t);
  if (!d) return Error(ENOMEM);
  KILN_TRY(d->init());
  auto r = virtiofs::register_channel(d);
  if (r.is_error()) {
    kiln_err("virtio-fs: %s: tag '%s': %s: device not used", t.where(), d->tag(),
             r.error().code() == EEXIST ? "another device has this tag" : "too many devices");
    return r.error();
  }
  kiln_info("virtio-fs: %s (%s): tag '%s'", t.where(), t.kind(), d->tag());
  return {};
}

constinit Driver fs_driver{"virtio-fs", kDevFs, 0, probe, nullptr};

int register_fs() {
  register_driver(&fs_driver);
  return 0;
}

}  // namespace
}  // namespace kiln::virtio

KILN_INIT(lib, 400, kiln::virtio::register_fs);
