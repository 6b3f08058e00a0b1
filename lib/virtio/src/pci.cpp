// virtio-pci transports: modern (virtio 1.x, capabilities pointing into
// memory BARs) and legacy (I/O BAR 0), both with one MSI-X vector for all
// queues and configuration changes. A transitional device (QEMU's
// default) offers both; the modern interface is used then.
#include "transports.h"
#include <kiln/arch/cpu.h>
#include <kiln/pci.h>
#include <kiln/plat/device.h>
#include <kiln/print.h>
#include <kiln/virtio/virtio.h>
#include <errno.h>
#include <new>
#include <stdio.h>

namespace kiln::virtio {
namespace {

constexpr uint16_t kVendor = 0x1af4;
constexpr uint16_t kNoVector = 0xffff;

// Modern: vendor capability types.
enum : uint8_t { kCapCommon = 1, kCapNotify = 2, kCapIsr = 3, kCapDevice = 4 };

// Modern common configuration (virtio 1.x 4.1.4.3).
struct CommonCfg {
  uint32_t device_feature_select;
  uint32_t device_feature;
  uint32_t driver_feature_select;
  uint32_t driver_feature;
  uint16_t msix_config;
  uint16_t num_queues;
  uint8_t device_status;
  uint8_t config_generation;
  uint16_t queue_select;
  uint16_t queue_size;
  uint16_t queue_msix_vector;
  uint16_t queue_enable;
  uint16_t queue_notify_off;
  uint64_t queue_desc;
  uint64_t queue_driver;
  uint64_t queue_device;
};
static_assert(sizeof(CommonCfg) == 56);
static_assert(__builtin_offsetof(CommonCfg, device_status) == 20);
static_assert(__builtin_offsetof(CommonCfg, queue_select) == 22);
static_assert(__builtin_offsetof(CommonCfg, queue_desc) == 32);
static_assert(__builtin_offsetof(CommonCfg, queue_device) == 48);

// Legacy I/O registers (virtio 0.9.5 / 1.x 4.1.4.8).
enum : uint16_t {
  kLegFeatures = 0, kLegGuestFeatures = 4, kLegQueuePfn = 8, kLegQueueSize = 12,
  kLegQueueSel = 14, kLegQueueNotify = 16, kLegStatus = 18, kLegIsr = 19,
  kLegConfigVector = 20, kLegQueueVector = 22,
  kLegConfigMsix = 24,  // device config with MSI-X enabled (20 without)
};

class PciBase : public Transport {
 public:
  explicit PciBase(const pci::Device& d) : dev_(d) {
    uint32_t type = d.device >= 0x1040 ? d.device - 0x1040u : d.subsys_id;
    type_ = type;
    snprintf(where_, sizeof where_, "pci %02x:%02x.%u", d.bus, d.dev, d.fn);
  }
  uint32_t device_type() const override { return type_; }
  const char* where() const override { return where_; }
  uint32_t ack_interrupt() override { return 3; }  // MSI-X: no shared cause register read

 protected:
  // Enables MSI-X with entry 0 running fn. The transport routes every
  // source to entry 0 afterwards.
  Result<void> msix(kiln_irq_fn fn, void* ctx) {
    auto e = pci::msix_enable(dev_);
    if (e.is_error()) {
      if (e.error().code() == ENOENT)
        kiln_err("virtio: %s: no MSI-X capability (QEMU: do not set vectors=0)", where_);
      return e;
    }
    return pci::msix_set(dev_, 0, fn, ctx);
  }

  pci::Device dev_;
  uint32_t type_;
  char where_[24];
};

class ModernTransport final : public PciBase {
 public:
  using PciBase::PciBase;

  // Finds and maps the capabilities; false when one is missing.
  bool init() {
    for (uint8_t cap = dev_.find_cap(pci::kCapVendor); cap; cap = dev_.find_cap(pci::kCapVendor, cap)) {
      uint8_t type = dev_.read8(cap + 3), bar = dev_.read8(cap + 4);
      uint32_t off = dev_.read32(cap + 8), len = dev_.read32(cap + 12);
      if (bar >= 6 || dev_.bar[bar].io || !dev_.bar[bar].addr || off + static_cast<uint64_t>(len) > dev_.bar[bar].size)
        continue;
      volatile uint8_t* p = nullptr;
      auto map = [&]() -> volatile uint8_t* {
        auto* b = static_cast<volatile uint8_t*>(dev_.map_bar(bar));
        return b ? b + off : nullptr;
      };
      if (type == kCapCommon && !common_ && len >= sizeof(CommonCfg)) {
        if ((p = map())) common_ = reinterpret_cast<volatile CommonCfg*>(p);
      } else if (type == kCapNotify && !notify_ && len >= 2) {
        if ((p = map())) {
          notify_ = p;
          notify_len_ = len;
          notify_mult_ = dev_.read32(cap + 16);
        }
      } else if (type == kCapDevice && !devcfg_) {
        if ((p = map())) {
          devcfg_ = p;
          devcfg_len_ = len;
        }
      }
    }
    if (!common_ || !notify_) return false;
    dev_.set_command(pci::kCmdMem | pci::kCmdMaster);
    return true;
  }

  const char* kind() const override { return "pci-modern"; }
  bool legacy() const override { return false; }
  uint64_t device_features() override {
    common_->device_feature_select = 0;
    uint64_t f = common_->device_feature;
    common_->device_feature_select = 1;
    return f | static_cast<uint64_t>(common_->device_feature) << 32;
  }
  void set_driver_features(uint64_t f) override {
    common_->driver_feature_select = 0;
    common_->driver_feature = static_cast<uint32_t>(f);
    common_->driver_feature_select = 1;
    common_->driver_feature = static_cast<uint32_t>(f >> 32);
  }
  uint8_t status() override { return common_->device_status; }
  void set_status(uint8_t s) override { common_->device_status = s; }
  void reset() override {
    common_->device_status = 0;
    for (int i = 0; i < 1000000 && common_->device_status != 0; ++i) kiln::arch::pause();
  }
  uint16_t queue_max(uint16_t q) override {
    if (q >= common_->num_queues) return 0;
    common_->queue_select = q;
    if (common_->queue_enable) return 0;
    uint16_t m = common_->queue_size;
    return m > Virtqueue::kMaxSize ? Virtqueue::kMaxSize : m;
  }
  Result<void> queue_setup(uint16_t q, const Virtqueue& vq) override {
    common_->queue_select = q;
    common_->queue_size = vq.size();
    common_->queue_desc = vq.desc_dma();
    common_->queue_driver = vq.avail_dma();
    common_->queue_device = vq.used_dma();
    if (msix_on_) {
      common_->queue_msix_vector = 0;
      if (common_->queue_msix_vector != 0) return Error(EIO);  // the device could not take it
    }
    uint64_t off = static_cast<uint64_t>(common_->queue_notify_off) * notify_mult_;
    if (off + 2 > notify_len_) return Error(EINVAL);
    if (q < kMaxQueues) notify_at_[q] = reinterpret_cast<volatile uint16_t*>(notify_ + off);
    common_->queue_enable = 1;
    return {};
  }
  void notify(uint16_t q) override {
    if (q < kMaxQueues && notify_at_[q]) *notify_at_[q] = q;
  }
  uint8_t config8(unsigned off) override { return devcfg_ && off < devcfg_len_ ? devcfg_[off] : 0; }
  Result<void> attach_irq(kiln_irq_fn fn, void* ctx) override {
    KILN_TRY(msix(fn, ctx));
    msix_on_ = true;
    common_->msix_config = 0;
    if (common_->msix_config != 0) return Error(EIO);
    return {};
  }

 protected:
  uint32_t config_generation() override { return common_->config_generation; }

 private:
  static constexpr uint16_t kMaxQueues = 8;
  volatile CommonCfg* common_ = nullptr;
  volatile uint8_t* notify_ = nullptr;
  uint32_t notify_len_ = 0, notify_mult_ = 0;
  volatile uint8_t* devcfg_ = nullptr;
  uint32_t devcfg_len_ = 0;
  volatile uint16_t* notify_at_[kMaxQueues] = {};
  bool msix_on_ = false;
};

class LegacyTransport final : public PciBase {
 public:
  using PciBase::PciBase;

  bool init() {
    if (!dev_.bar[0].io || !dev_.bar[0].addr || dev_.bar[0].size < 24) return false;
    if (kiln_plat_io_open(dev_.bar[0].addr, dev_.bar[0].size, 1, &io_) < 0) return false;
    dev_.set_command(pci::kCmdIo | pci::kCmdMaster);
    return true;
  }

  const char* kind() const override { return "pci-legacy"; }
  bool legacy() const override { return true; }
  bool queue_size_fixed() const override { return true; }
  uint64_t device_features() override { return rd(kLegFeatures, 4); }
  void set_driver_features(uint64_t f) override { wr(kLegGuestFeatures, 4, static_cast<uint32_t>(f)); }
  uint8_t status() override { return static_cast<uint8_t>(rd(kLegStatus, 1)); }
  void set_status(uint8_t s) override { wr(kLegStatus, 1, s); }
  void reset() override {
    wr(kLegStatus, 1, 0);
    for (int i = 0; i < 1000000 && rd(kLegStatus, 1) != 0; ++i) kiln::arch::pause();
  }
  uint16_t queue_max(uint16_t q) override {
    wr(kLegQueueSel, 2, q);
    if (rd(kLegQueuePfn, 4)) return 0;
    auto m = static_cast<uint16_t>(rd(kLegQueueSize, 2));
    return m > Virtqueue::kMaxSize ? 0 : m;
  }
  Result<void> queue_setup(uint16_t q, const Virtqueue& vq) override {
    if (vq.desc_dma() >> 44) return Error(ERANGE);
    wr(kLegQueueSel, 2, q);
    if (msix_on_) {
      wr(kLegQueueVector, 2, 0);
      if (rd(kLegQueueVector, 2) != 0) return Error(EIO);
    }
    wr(kLegQueuePfn, 4, static_cast<uint32_t>(vq.desc_dma() >> 12));
    return {};
  }
  void notify(uint16_t q) override { wr(kLegQueueNotify, 2, q); }
  uint8_t config8(unsigned off) override {
    unsigned base = msix_on_ ? kLegConfigMsix : kLegConfigVector;
    if (base + off >= io_.size) return 0;
    return static_cast<uint8_t>(rd(base + off, 1));
  }
  Result<void> attach_irq(kiln_irq_fn fn, void* ctx) override {
    KILN_TRY(msix(fn, ctx));
    msix_on_ = true;
    wr(kLegConfigVector, 2, 0);
    if (rd(kLegConfigVector, 2) != 0) return Error(EIO);
    return {};
  }

 private:
  uint32_t rd(unsigned off, unsigned w) { return kiln_plat_io_read(&io_, off, w); }
  void wr(unsigned off, unsigned w, uint32_t v) { kiln_plat_io_write(&io_, off, w, v); }

  kiln_io_region io_ = {};
  bool msix_on_ = false;
};

bool visit(pci::Device& d, void*) {
  if (d.vendor != kVendor || d.device < 0x1000 || d.device > 0x107f) return true;
  bool transitional = d.device < 0x1040;
  auto* m = new (std::nothrow) ModernTransport(d);
  if (!m) return false;
  if (m->init()) {
    probe_device(*m);
    return true;
  }
  delete m;
  if (!transitional) {
    kiln_err("virtio: pci %02x:%02x.%u: modern device without usable capabilities; skipped", d.bus, d.dev, d.fn);
    return true;
  }
  auto* l = new (std::nothrow) LegacyTransport(d);
  if (!l) return false;
  if (!l->init()) {
    kiln_err("virtio: pci %02x:%02x.%u: legacy device without an I/O BAR; skipped", d.bus, d.dev, d.fn);
    delete l;
    return true;
  }
  probe_device(*l);
  return true;
}

}  // namespace

void pci_scan() { pci::for_each(visit, nullptr); }

}  // namespace kiln::virtio
