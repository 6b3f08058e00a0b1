// virtio-mmio transport, version 1 (legacy) and 2 (virtio 1.x), for the
// devices the platform found (QEMU microvm: virtio_mmio.device= words).
#include "transports.h"
#include <kiln/print.h>
#include <kiln/virtio/virtio.h>
#include <errno.h>
#include <new>
#include <stdio.h>

namespace kiln::virtio {
namespace {

enum Reg : unsigned {
  kMagic = 0x000, kVersion = 0x004, kDeviceId = 0x008, kVendorId = 0x00c,
  kDeviceFeatures = 0x010, kDeviceFeaturesSel = 0x014, kDriverFeatures = 0x020,
  kDriverFeaturesSel = 0x024, kGuestPageSize = 0x028, kQueueSel = 0x030,
  kQueueNumMax = 0x034, kQueueNum = 0x038, kQueueAlign = 0x03c, kQueuePfn = 0x040,
  kQueueReady = 0x044, kQueueNotify = 0x050, kInterruptStatus = 0x060,
  kInterruptAck = 0x064, kStatus = 0x070, kQueueDescLow = 0x080, kQueueDescHigh = 0x084,
  kQueueDriverLow = 0x090, kQueueDriverHigh = 0x094, kQueueDeviceLow = 0x0a0,
  kQueueDeviceHigh = 0x0a4, kConfigGeneration = 0x0fc, kConfig = 0x100,
};
constexpr uint32_t kMagicValue = 0x74726976;  // "virt"

class MmioTransport final : public Transport {
 public:
  MmioTransport(volatile uint8_t* regs, const kiln_mmio_device& d, uint32_t version, uint32_t type)
      : regs_(regs), dev_(d), version_(version), type_(type) {
    snprintf(where_, sizeof where_, "mmio@%#llx irq %u", static_cast<unsigned long long>(d.base), d.irq);
  }

  const char* kind() const override { return version_ == 1 ? "mmio-v1" : "mmio-v2"; }
  bool legacy() const override { return version_ == 1; }
  uint32_t device_type() const override { return type_; }
  const char* where() const override { return where_; }

  uint64_t device_features() override {
    w(kDeviceFeaturesSel, 0);
    uint64_t f = r(kDeviceFeatures);
    if (version_ >= 2) {
      w(kDeviceFeaturesSel, 1);
      f |= static_cast<uint64_t>(r(kDeviceFeatures)) << 32;
    }
    return f;
  }
  void set_driver_features(uint64_t f) override {
    w(kDriverFeaturesSel, 0);
    w(kDriverFeatures, static_cast<uint32_t>(f));
    if (version_ >= 2) {
      w(kDriverFeaturesSel, 1);
      w(kDriverFeatures, static_cast<uint32_t>(f >> 32));
    }
  }
  uint8_t status() override { return static_cast<uint8_t>(r(kStatus)); }
  void set_status(uint8_t s) override { w(kStatus, s); }
  void reset() override {
    w(kStatus, 0);
    for (int i = 0; i < 1000000 && r(kStatus) != 0; ++i) {
    }
    if (version_ == 1) w(kGuestPageSize, 4096);
  }
  uint16_t queue_max(uint16_t q) override {
    w(kQueueSel, q);
    if (version_ >= 2 ? r(kQueueReady) : r(kQueuePfn)) return 0;  // already in use
    uint32_t m = r(kQueueNumMax);
    return static_cast<uint16_t>(m > Virtqueue::kMaxSize ? Virtqueue::kMaxSize : m);
  }
  Result<void> queue_setup(uint16_t q, const Virtqueue& vq) override {
    w(kQueueSel, q);
    w(kQueueNum, vq.size());
    if (version_ == 1) {
      if (vq.desc_dma() >> 44) return Error(ERANGE);  // 32-bit page number
      w(kQueueAlign, Virtqueue::kAlign);
      w(kQueuePfn, static_cast<uint32_t>(vq.desc_dma() >> 12));
      return {};
    }
    w(kQueueDescLow, static_cast<uint32_t>(vq.desc_dma()));
    w(kQueueDescHigh, static_cast<uint32_t>(vq.desc_dma() >> 32));
    w(kQueueDriverLow, static_cast<uint32_t>(vq.avail_dma()));
    w(kQueueDriverHigh, static_cast<uint32_t>(vq.avail_dma() >> 32));
    w(kQueueDeviceLow, static_cast<uint32_t>(vq.used_dma()));
    w(kQueueDeviceHigh, static_cast<uint32_t>(vq.used_dma() >> 32));
    w(kQueueReady, 1);
    return {};
  }
  void notify(uint16_t q) override { w(kQueueNotify, q); }
  uint8_t config8(unsigned off) override { return regs_[kConfig + off]; }
  Result<void> attach_irq(kiln_irq_fn fn, void* ctx) override {
    int e = kiln_plat_irq_attach_line(dev_.irq, fn, ctx);
    if (e < 0) return Error(-e);
    return {};
  }
  uint32_t ack_interrupt() override {
    uint32_t s = r(kInterruptStatus);
    if (s) w(kInterruptAck, s);
    return s;
  }

 protected:
  uint32_t config_generation() override { return version_ >= 2 ? r(kConfigGeneration) : 0; }

 private:
  uint32_t r(unsigned reg) { return *reinterpret_cast<volatile uint32_t*>(regs_ + reg); }
  void w(unsigned reg, uint32_t v) { *reinterpret_cast<volatile uint32_t*>(regs_ + reg) = v; }

  volatile uint8_t* regs_;
  kiln_mmio_device dev_;
  uint32_t version_, type_;
  char where_[48];
};

}  // namespace

void mmio_scan() {
  const kiln_mmio_device* devs;
  size_t n = kiln_plat_virtio_mmio_devices(&devs);
  for (size_t i = 0; i < n; ++i) {
    const kiln_mmio_device& d = devs[i];
    if (d.size < 0x100) {
      kiln_warn("virtio: mmio@%#llx: window of %llu bytes is too small; skipped",
                static_cast<unsigned long long>(d.base), static_cast<unsigned long long>(d.size));
      continue;
    }
    auto* regs = static_cast<volatile uint8_t*>(kiln_plat_map_io(d.base, d.size));
    if (!regs) continue;
    uint32_t magic = *reinterpret_cast<volatile uint32_t*>(regs + kMagic);
    uint32_t version = *reinterpret_cast<volatile uint32_t*>(regs + kVersion);
    uint32_t type = *reinterpret_cast<volatile uint32_t*>(regs + kDeviceId);
    if (magic != kMagicValue || (version != 1 && version != 2)) {
      kiln_warn("virtio: mmio@%#llx: not a virtio-mmio device (magic %#x, version %u); skipped",
                static_cast<unsigned long long>(d.base), magic, version);
      continue;
    }
    if (type == 0) continue;  // a transport with no device behind it
    auto* t = new (std::nothrow) MmioTransport(regs, d, version, type);
    if (!t) {
      kiln_err("virtio: out of memory for mmio@%#llx", static_cast<unsigned long long>(d.base));
      return;
    }
    probe_device(*t);
  }
}

}  // namespace kiln::virtio
