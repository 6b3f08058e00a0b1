// virtio-rng (virtio 1.x section 5.4): an entropy device, read into a
// small pool that lib/random takes from at each (re)seed.
//
// One request queue. One device-writable buffer is always outstanding;
// the interrupt moves what the device wrote into the pool, and a read
// empties the pool and posts the buffer again. The device is not trusted:
// a used length larger than the buffer is an error (counted, nothing
// taken). At probe the driver waits up to 200 ms for the first answer, so
// the first seed of the image already has the device's bytes.
#include <kiln/alloc.h>
#include <kiln/init.h>
#include <kiln/lock.h>
#include <kiln/plat/time.h>
#include <kiln/print.h>
#include <kiln/random.h>
#include <kiln/virtio/virtio.h>
#include <errno.h>
#include <new>
#include <string.h>

namespace kiln::virtio {
namespace {

constexpr size_t kPool = 64;
constexpr uint64_t kFirstWaitNs = 200'000'000;

class VirtioRng {
 public:
  explicit VirtioRng(Transport& t) : t_(t) {}

  Result<void> init() {
    KILN_TRY(t_.attach_irq(on_irq, this));
    KILN_TRY(setup_queue(t_, 0, 4, &q_));
    buf_ = static_cast<uint8_t*>(kiln_palloc(1));
    if (!buf_) return Error(ENOMEM);
    t_.driver_ok();
    kiln::IrqGuard g;
    KILN_TRY(post());
    return {};
  }

  // Waits (bounded) for the first answer; true if it came.
  bool wait_first() {
    uint64_t end = kiln_plat_monotonic_ns() + kFirstWaitNs;
    while (kiln_plat_monotonic_ns() < end) {
      {
        kiln::IrqGuard g;
        collect();
        if (pool_len_) return true;
      }
      for (int i = 0; i < 1000; ++i) __asm__ volatile("" ::: "memory");
    }
    return false;
  }

  long read(void* out, size_t n) {
    kiln::IrqGuard g;
    collect();
    size_t k = n < pool_len_ ? n : pool_len_;
    memcpy(out, pool_, k);
    memset(pool_, 0, sizeof pool_);
    pool_len_ = 0;
    if (!posted_) (void)post();
    return static_cast<long>(k);
  }

  uint32_t errors() const { return errors_ + q_.errors(); }

 private:
  Result<void> post() {
    KILN_TRY(q_.add(kiln_plat_dma_addr(buf_), kPool, true, buf_));
    posted_ = true;
    if (q_.publish()) t_.notify(0);
    return {};
  }

  // Events masked.
  void collect() {
    for (;;) {
      auto u = q_.get_used();
      if (u.is_error()) {
        if (u.error().code() == EAGAIN) return;
        continue;  // malformed entry: counted by the queue
      }
      posted_ = false;
      uint32_t len = u.value().len;
      if (u.value().token != buf_ || len > kPool) {
        ++errors_;
        if (errors_ == 1) kiln_warn("virtio-rng: the device reported %u bytes in a %zu-byte buffer: ignored", len, kPool);
      } else if (len) {
        memcpy(pool_, buf_, len);
        pool_len_ = len;
        memset(buf_, 0, kPool);
      }
      // The pool is full or the answer was bad: ask again only once the
      // pool has been taken (read), so a flood of answers costs nothing.
      if (!pool_len_) (void)post();
    }
  }

  static void on_irq(void* ctx) {
    auto* d = static_cast<VirtioRng*>(ctx);
    d->t_.ack_interrupt();
    kiln::IrqGuard g;
    d->collect();
  }

  Transport& t_;
  Virtqueue q_;
  uint8_t* buf_ = nullptr;
  uint8_t pool_[kPool] = {};
  size_t pool_len_ = 0;
  bool posted_ = false;
  uint32_t errors_ = 0;
};

constinit VirtioRng* g_dev = nullptr;

long source_read(void* buf, size_t n) { return g_dev ? g_dev->read(buf, n) : -ENODEV; }
constinit kiln_random_source rng_source{"virtio-rng", source_read};

Result<void> probe(Transport& t, uint64_t) {
  if (g_dev) {
    kiln_info("virtio-rng: %s: a second device, not used", t.where());
    return Error(EBUSY);
  }
  auto* d = new (std::nothrow) VirtioRng(t);
  if (!d) return Error(ENOMEM);
  KILN_TRY(d->init());
  bool answered = d->wait_first();
  g_dev = d;
  if (kiln_random_add_source(&rng_source) < 0) return Error(ENOSPC);
  kiln_info("virtio-rng: %s (%s)%s", t.where(), t.kind(), answered ? "" : ", no answer within 200 ms yet");
  return {};
}

constinit Driver rng_driver{"virtio-rng", kDevEntropy, 0, probe, nullptr};

int register_rng() {
  register_driver(&rng_driver);
  return 0;
}

}  // namespace
}  // namespace kiln::virtio

KILN_INIT(lib, 400, kiln::virtio::register_rng);
