// Network devices: the interface between device backends (linuxu tap,
// virtio-net) and the network stack.
//
//   class TapDev final : public kiln::NetDev { ... transmit, receive ... };
//   constinit TapDev tap;  KILN_TRY(kiln::netdev_register(&tap));
//
//   kiln::NetDev* d = kiln::netdev_find("tap0");   // or netdev_at(0)
//   d->set_rx_notify(on_frames, ctx);   // interrupt mode: called masked
//   while (auto n = d->receive(buf, sizeof buf); !n.is_error()) ...
//
// Link state: backends call set_link() and then notify_rx(); the stack
// reads link_up() when it is notified.
//
// Receiving: in interrupt mode the backend calls notify_rx() from event
// context (events masked; the callback must not block, it may
// Semaphore::up) whenever frames may be waiting; the stack then drains
// them with receive() from a thread until it fails with EAGAIN. In polling
// mode nothing notifies: the stack calls poll() (which may notify) and
// receive() when it chooses. Frames are whole Ethernet frames without the
// FCS. transmit() and receive() are called from thread context, one thread
// at a time per direction.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/result.h>

namespace kiln {

struct NetDevStats {
  uint64_t rx_packets = 0, rx_bytes = 0, rx_drops = 0, rx_errors = 0;
  uint64_t tx_packets = 0, tx_bytes = 0, tx_drops = 0, tx_errors = 0;
};

class NetDev {
 public:
  enum class Mode : uint8_t { Interrupt, Polling };
  using RxNotify = void (*)(NetDev* dev, void* ctx);
  static constexpr size_t kNameMax = 16;

  const char* name() const { return name_; }
  const uint8_t* mac() const { return mac_; }
  uint16_t mtu() const { return mtu_; }  // payload bytes, without the 14-byte header
  bool link_up() const { return link_up_; }
  Mode mode() const { return mode_; }
  NetDevStats stats() const;

  // Send one frame (header included). EAGAIN when the device queue is
  // full (counted as a drop), EMSGSIZE above mtu() + 14.
  virtual Result<void> transmit(const void* frame, size_t len) = 0;
  // Copy the next received frame into buf; EAGAIN when none is waiting.
  // A frame longer than cap is dropped (counted) and EMSGSIZE returned.
  virtual Result<size_t> receive(void* buf, size_t cap) = 0;
  // Polling mode: look for work; may call notify_rx. Default: nothing.
  virtual void poll() {}

  // The callback run (events masked) when frames may be waiting.
  void set_rx_notify(RxNotify fn, void* ctx);

 protected:
  constexpr NetDev() = default;
  ~NetDev() = default;
  // Backends: identity before netdev_register, then the counters.
  void set_identity(const char* name, const uint8_t mac[6], uint16_t mtu, Mode mode);
  void set_link(bool up) { link_up_ = up; }
  void notify_rx();
  void count_rx(size_t bytes);
  void count_tx(size_t bytes);
  void count_rx_drop() { add(stats_.rx_drops, 1); }
  void count_rx_error() { add(stats_.rx_errors, 1); }
  void count_tx_drop() { add(stats_.tx_drops, 1); }
  void count_tx_error() { add(stats_.tx_errors, 1); }

 private:
  static void add(uint64_t& c, uint64_t n) { __atomic_add_fetch(&c, n, __ATOMIC_RELAXED); }
  char name_[kNameMax] = {};
  uint8_t mac_[6] = {};
  uint16_t mtu_ = 1500;
  bool link_up_ = false;
  Mode mode_ = Mode::Interrupt;
  RxNotify notify_ = nullptr;
  void* notify_ctx_ = nullptr;
  NetDevStats stats_;
};

constexpr size_t kNetDevMax = 8;
// EEXIST for a second device with the same name, ENOSPC past kNetDevMax.
Result<void> netdev_register(NetDev* dev);
NetDev* netdev_find(const char* name);  // nullptr if none
NetDev* netdev_at(size_t index);        // registration order; nullptr past the end
size_t netdev_count();

}  // namespace kiln
