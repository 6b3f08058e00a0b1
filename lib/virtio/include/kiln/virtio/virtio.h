// virtio devices: the transport interface (virtio-mmio v1/v2, virtio-pci
// modern and legacy), feature negotiation and the driver registry.
//
// A driver registers before the bus scan (init level lib, priority < 500):
//
//   constinit kiln::virtio::Driver net_driver{"virtio-net", kiln::virtio::kDevNet,
//       kWantedFeatures, probe};
//   KILN_INIT(lib, 400, [] { kiln::virtio::register_driver(&net_driver); return 0; });
//
// The scan (lib 500) finds every device on every transport and, for each
// with a registered driver, resets it, negotiates features (the driver's
// wanted set, plus VERSION_1 on modern transports) and calls probe(), which
// sets up queues and the interrupt and ends with transport.driver_ok().
// Devices nobody drives are logged and left reset. See docs/virtio.md.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/plat/device.h>
#include <kiln/result.h>
#include <kiln/virtio/virtqueue.h>

namespace kiln::virtio {

enum DeviceType : uint32_t { kDevNet = 1, kDevBlock = 2, kDevConsole = 3, kDevEntropy = 4 };

enum Status : uint8_t {
  kStatusAcknowledge = 1,
  kStatusDriver = 2,
  kStatusDriverOk = 4,
  kStatusFeaturesOk = 8,
  kStatusNeedsReset = 64,
  kStatusFailed = 128,
};

constexpr uint64_t kFeatureAnyLayout = 1ull << 27;   // legacy only
constexpr uint64_t kFeatureVersion1 = 1ull << 32;

class Transport {
 public:
  virtual const char* kind() const = 0;     // "mmio-v1", "mmio-v2", "pci-modern", "pci-legacy"
  virtual bool legacy() const = 0;          // pre-1.0 interface (no FEATURES_OK, guest-endian)
  virtual uint32_t device_type() const = 0;
  virtual uint64_t device_features() = 0;
  virtual void set_driver_features(uint64_t f) = 0;
  virtual uint8_t status() = 0;
  virtual void set_status(uint8_t s) = 0;  // ORs nothing: writes s
  virtual void reset() = 0;                 // status 0, waits until the device agrees
  virtual uint16_t queue_max(uint16_t q) = 0;  // 0: no such queue
  // Legacy PCI: the device's queue size is the only one it accepts.
  virtual bool queue_size_fixed() const { return false; }
  // Tells the device where queue q lives and enables it.
  virtual Result<void> queue_setup(uint16_t q, const Virtqueue& vq) = 0;
  virtual void notify(uint16_t q) = 0;
  // Byte `off` of the device-specific configuration.
  virtual uint8_t config8(unsigned off) = 0;
  // Routes the device's interrupts (all queues and config changes) to fn.
  virtual Result<void> attach_irq(kiln_irq_fn fn, void* ctx) = 0;
  // Reads and acknowledges the interrupt cause: bit 0 a queue, bit 1 a
  // configuration change (transports with one vector per cause report 3).
  virtual uint32_t ack_interrupt() = 0;
  // A short description for logs, e.g. "mmio@0xfeb00e00 irq 12".
  virtual const char* where() const = 0;

  // Config fields of several bytes, read until the generation is stable
  // where the transport has one (little-endian on modern transports,
  // guest order (also little-endian on x86) on legacy ones).
  uint16_t config16(unsigned off);
  uint32_t config32(unsigned off);
  void read_config(unsigned off, void* out, size_t len);

  // Status helpers.
  void add_status(uint8_t s) { set_status(static_cast<uint8_t>(status() | s)); }
  void driver_ok() { add_status(kStatusDriverOk); }
  void fail() { add_status(kStatusFailed); }

 protected:
  virtual uint32_t config_generation() { return 0; }
  ~Transport() = default;
};

// Allocates a zeroed, aligned virtqueue of up to `want` entries (limited
// by the device's maximum) and registers it with the transport.
Result<void> setup_queue(Transport& t, uint16_t q, uint16_t want, Virtqueue* vq);

struct Driver {
  const char* name;
  uint32_t device_type;
  uint64_t features;  // wanted; the negotiated set is passed to probe
  Result<void> (*probe)(Transport& t, uint64_t features);
  Driver* next;
};

// 0, or -ENOSPC never (intrusive list); call before the scan (lib < 500).
void register_driver(Driver* d);

// Devices found and driven so far (for logs and tests).
struct ScanStats {
  unsigned found = 0, driven = 0, failed = 0;
};
ScanStats scan_stats();

// Internal to lib/virtio: each transport's discovery hands its devices here.
void probe_device(Transport& t);

}  // namespace kiln::virtio
