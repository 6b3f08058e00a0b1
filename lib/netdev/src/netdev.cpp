// Device registry and the shared parts of kiln::NetDev.
#include <kiln/lock.h>
#include <kiln/netdev.h>
#include <kiln/print.h>
#include <string.h>

namespace kiln {
namespace {
constinit NetDev* devices[kNetDevMax] = {};
constinit size_t ndevices = 0;
}  // namespace

NetDevStats NetDev::stats() const {
  NetDevStats s;
  auto ld = [](const uint64_t& c) { return __atomic_load_n(&c, __ATOMIC_RELAXED); };
  s.rx_packets = ld(stats_.rx_packets);
  s.rx_bytes = ld(stats_.rx_bytes);
  s.rx_drops = ld(stats_.rx_drops);
  s.rx_errors = ld(stats_.rx_errors);
  s.tx_packets = ld(stats_.tx_packets);
  s.tx_bytes = ld(stats_.tx_bytes);
  s.tx_drops = ld(stats_.tx_drops);
  s.tx_errors = ld(stats_.tx_errors);
  return s;
}

void NetDev::set_rx_notify(RxNotify fn, void* ctx) {
  IrqGuard g;
  notify_ = fn;
  notify_ctx_ = ctx;
}

void NetDev::set_identity(const char* name, const uint8_t mac[6], uint16_t mtu, Mode mode) {
  strncpy(name_, name, kNameMax - 1);
  memcpy(mac_, mac, 6);
  mtu_ = mtu;
  mode_ = mode;
}

void NetDev::notify_rx() {
  if (notify_) notify_(this, notify_ctx_);
}

void NetDev::count_rx(size_t bytes) {
  add(stats_.rx_packets, 1);
  add(stats_.rx_bytes, bytes);
}

void NetDev::count_tx(size_t bytes) {
  add(stats_.tx_packets, 1);
  add(stats_.tx_bytes, bytes);
}

Result<void> netdev_register(NetDev* dev) {
  IrqGuard g;
  if (!dev || !dev->name()[0]) return Error(EINVAL);
  for (size_t i = 0; i < ndevices; ++i)
    if (strcmp(devices[i]->name(), dev->name()) == 0) return Error(EEXIST);
  if (ndevices == kNetDevMax) return Error(ENOSPC);
  devices[ndevices++] = dev;
  const uint8_t* m = dev->mac();
  kiln_info("netdev: %s registered, mac %02x:%02x:%02x:%02x:%02x:%02x, mtu %u, %s", dev->name(),
            m[0], m[1], m[2], m[3], m[4], m[5], dev->mtu(),
            dev->mode() == NetDev::Mode::Interrupt ? "interrupt" : "polling");
  return {};
}

NetDev* netdev_find(const char* name) {
  IrqGuard g;
  for (size_t i = 0; i < ndevices; ++i)
    if (strcmp(devices[i]->name(), name) == 0) return devices[i];
  return nullptr;
}

NetDev* netdev_at(size_t index) {
  IrqGuard g;
  return index < ndevices ? devices[index] : nullptr;
}

size_t netdev_count() {
  IrqGuard g;
  return ndevices;
}

}  // namespace kiln
