// virtio-net: a kiln::NetDev over a virtio network device (any transport).
//
// Queues: 0 receive, 1 transmit; no control queue, no offloads (lwIP
// computes checksums), no mergeable receive buffers, so every receive
// buffer holds a header and a whole frame. Frames are copied between the
// stack's buffers and the device's: the rings own fixed buffers from boot
// on and nothing the stack frees can reach the device.
//
// Receive: interrupt mode by default. The interrupt only acknowledges the
// device and notifies the stack; receive() (thread context) takes a used
// buffer, copies the frame out and gives the buffer back to the device.
// With virtio_net.poll=1 the device is in polling mode: receive interrupts
// are suppressed and the stack calls poll() every millisecond.
// Transmit: copies into a free transmit buffer; completed buffers are
// reclaimed on the next transmit (the device is asked not to interrupt
// for them).
#include <kiln/alloc.h>
#include <kiln/config.h>
#include <kiln/init.h>
#include <kiln/netdev.h>
#include <kiln/option.h>
#include <kiln/print.h>
#include <kiln/virtio/virtio.h>
#include <errno.h>
#include <new>
#include <string.h>

namespace kiln::virtio {
namespace {

enum : uint64_t {
  kNetMac = 1ull << 5,
  kNetStatus = 1ull << 16,
};
constexpr uint16_t kLinkUp = 1;
constexpr uint16_t kRxQ = 0, kTxQ = 1;
constexpr size_t kFrameMax = 1514;  // MTU 1500 + Ethernet header
constexpr size_t kBufSize = 2048;   // header + frame, rounded up

#ifndef CONFIG_VIRTIO_NET_RX_BUFS
#define CONFIG_VIRTIO_NET_RX_BUFS 64
#endif
#ifndef CONFIG_VIRTIO_NET_TX_BUFS
#define CONFIG_VIRTIO_NET_TX_BUFS 64
#endif

// virtio_net_hdr (legacy 10 bytes; 12 with VERSION_1: num_buffers).
struct NetHdr {
  uint8_t flags;
  uint8_t gso_type;
  uint16_t hdr_len;
  uint16_t gso_size;
  uint16_t csum_start;
  uint16_t csum_offset;
  uint16_t num_buffers;
};
static_assert(sizeof(NetHdr) == 12);

constinit unsigned ndevs = 0;
constinit bool poll_mode = false;

int set_poll(const char* v) {
  if ((v[0] == '0' || v[0] == '1') && !v[1]) {
    poll_mode = v[0] == '1';
    return 0;
  }
  return -EINVAL;
}

class VirtioNet final : public kiln::NetDev {
 public:
  VirtioNet(Transport& t, uint64_t features) : t_(t), features_(features) {
    hdr_len_ = (features & kFeatureVersion1) ? 12 : 10;
  }

  Result<void> init() {
    // The interrupt first: transports with MSI-X assign each queue its
    // vector as the queue is set up.
    KILN_TRY(t_.attach_irq(on_irq, this));
    KILN_TRY(setup_queue(t_, kRxQ, CONFIG_VIRTIO_NET_RX_BUFS, &rx_));
    KILN_TRY(setup_queue(t_, kTxQ, CONFIG_VIRTIO_NET_TX_BUFS, &tx_));
    tx_.set_interrupts(false);
    nrx_ = rx_.size() < CONFIG_VIRTIO_NET_RX_BUFS ? rx_.size() : CONFIG_VIRTIO_NET_RX_BUFS;
    ntx_ = tx_.size() < CONFIG_VIRTIO_NET_TX_BUFS ? tx_.size() : CONFIG_VIRTIO_NET_TX_BUFS;
    rx_bufs_ = static_cast<uint8_t*>(kiln_palloc((nrx_ * kBufSize + 4095) / 4096));
    tx_bufs_ = static_cast<uint8_t*>(kiln_palloc((ntx_ * kBufSize + 4095) / 4096));
    if (!rx_bufs_ || !tx_bufs_) return Error(ENOMEM);
    tx_free_ = static_cast<uint16_t*>(kiln_calloc(ntx_, sizeof(uint16_t)));
    if (!tx_free_) return Error(ENOMEM);
    for (unsigned i = 0; i < ntx_; ++i) tx_free_[i] = static_cast<uint16_t>(i);
    ntx_free_ = ntx_;

    uint8_t mac[6];
    if (features_ & kNetMac) {
      t_.read_config(0, mac, 6);
    } else {
      // Locally administered, stable for the device's position.
      uint8_t m[6] = {0x02, 0x4b, 0x56, 0x00, 0x00, static_cast<uint8_t>(ndevs)};
      memcpy(mac, m, 6);
    }
    char name[8] = "eth0";
    name[3] = static_cast<char>('0' + ndevs % 10);
    set_identity(name, mac, 1500, poll_mode ? Mode::Polling : Mode::Interrupt);
    if (poll_mode) rx_.set_interrupts(false);  // the stack polls; no receive interrupts
    update_link();

    for (unsigned i = 0; i < nrx_; ++i) KILN_TRY(post_rx(i));
    t_.driver_ok();
    if (rx_.publish()) t_.notify(kRxQ);
    return {};
  }

  Result<void> transmit(const void* frame, size_t len) override {
    if (len > kFrameMax || len < 14) {
      count_tx_error();
      return Error(EMSGSIZE);
    }
    reclaim_tx();
    if (!ntx_free_) {
      count_tx_drop();
      return Error(EAGAIN);
    }
    uint16_t slot = tx_free_[--ntx_free_];
    uint8_t* b = tx_bufs_ + slot * kBufSize;
    memset(b, 0, hdr_len_);
    memcpy(b + hdr_len_, frame, len);
    auto a = tx_.add(kiln_plat_dma_addr(b), static_cast<uint32_t>(hdr_len_ + len), false, token(slot));
    if (a.is_error()) {  // cannot happen: as many descriptors as buffers
      tx_free_[ntx_free_++] = slot;
      count_tx_drop();
      return a;
    }
    if (tx_.publish()) t_.notify(kTxQ);
    count_tx(len);
    return {};
  }

  // Polling mode: frames waiting, or a configuration change seen by the
  // (still enabled) configuration interrupt, wake the stack.
  void poll() override {
    if (rx_.has_used()) notify_rx();
  }

  Result<size_t> receive(void* buf, size_t cap) override {
    for (;;) {
      auto u = rx_.get_used();
      if (u.is_error()) {
        if (u.error().code() == EAGAIN) return u.error();
        count_rx_error();  // malformed entry from the device: skipped
        continue;
      }
      unsigned slot = slot_of(u.value().token);
      uint32_t len = u.value().len;
      Result<size_t> r = Error(EAGAIN);
      if (slot >= nrx_) {
        count_rx_error();
        continue;
      }
      if (len < hdr_len_ + 14u || len > kBufSize) {
        count_rx_error();  // runt or impossible length
        r = Error(EIO);
      } else if (len - hdr_len_ > cap) {
        count_rx_drop();
        r = Error(EMSGSIZE);
      } else {
        memcpy(buf, rx_bufs_ + slot * kBufSize + hdr_len_, len - hdr_len_);
        count_rx(len - hdr_len_);
        r = Ok(static_cast<size_t>(len - hdr_len_));
      }
      (void)post_rx(slot);
      if (rx_.publish()) t_.notify(kRxQ);
      if (r.is_error() && r.error().code() == EIO) continue;
      return r;
    }
  }

 private:
  static void* token(unsigned slot) { return reinterpret_cast<void*>(static_cast<uintptr_t>(slot) + 1); }
  static unsigned slot_of(void* t) { return static_cast<unsigned>(reinterpret_cast<uintptr_t>(t) - 1); }

  Result<void> post_rx(unsigned slot) {
    return rx_.add(kiln_plat_dma_addr(rx_bufs_ + slot * kBufSize), kBufSize, true, token(slot));
  }

  void reclaim_tx() {
    for (;;) {
      auto u = tx_.get_used();
      if (u.is_error()) {
        if (u.error().code() == EAGAIN) return;
        count_tx_error();
        continue;
      }
      unsigned slot = slot_of(u.value().token);
      if (slot < ntx_ && ntx_free_ < ntx_) tx_free_[ntx_free_++] = static_cast<uint16_t>(slot);
    }
  }

  void update_link() {
    bool up = !(features_ & kNetStatus) || (t_.config16(6) & kLinkUp);
    if (up != link_up()) kiln_info("virtio-net: %s: link %s", name()[0] ? name() : "eth", up ? "up" : "down");
    set_link(up);
  }

  static void on_irq(void* ctx) {
    auto* d = static_cast<VirtioNet*>(ctx);
    uint32_t cause = d->t_.ack_interrupt();
    if (cause & 2) d->update_link();
    d->notify_rx();  // frames, or a link change for the stack to see
  }

  Transport& t_;
  uint64_t features_;
  unsigned hdr_len_;
  Virtqueue rx_, tx_;
  uint8_t* rx_bufs_ = nullptr;
  uint8_t* tx_bufs_ = nullptr;
  unsigned nrx_ = 0, ntx_ = 0;
  uint16_t* tx_free_ = nullptr;
  unsigned ntx_free_ = 0;
};

Result<void> probe(Transport& t, uint64_t features) {
  auto* d = new (std::nothrow) VirtioNet(t, features);
  if (!d) return Error(ENOMEM);
  KILN_TRY(d->init());
  KILN_TRY(kiln::netdev_register(d));
  char m[18];
  const uint8_t* mac = d->mac();
  for (int i = 0; i < 6; ++i) {
    static const char hex[] = "0123456789abcdef";
    m[i * 3] = hex[mac[i] >> 4];
    m[i * 3 + 1] = hex[mac[i] & 15];
    m[i * 3 + 2] = i < 5 ? ':' : 0;
  }
  kiln_info("virtio-net: %s: %s (%s), mac %s, link %s", d->name(), t.where(), t.kind(), m, d->link_up() ? "up" : "down");
  ++ndevs;
  return {};
}

constinit Driver net_driver{"virtio-net", kDevNet, kNetMac | kNetStatus | kFeatureAnyLayout, probe, nullptr};

int register_net() {
  register_driver(&net_driver);
  return 0;
}

}  // namespace
}  // namespace kiln::virtio

KILN_OPTION("virtio_net.poll", kiln::virtio::set_poll,
            "1: virtio-net devices in polling mode (the stack looks every 1 ms; no receive interrupts)");
KILN_INIT(lib, 400, kiln::virtio::register_net);
