// The tap network device on linuxu: a host tap interface opened through
// /dev/net/tun (IFF_TAP | IFF_NO_PI: whole Ethernet frames, no header),
// non-blocking, watched by the idle loop (see hostfd.h), registered as a
// kiln::NetDev.
//
//   sudo ip tuntap add dev tap0 mode tap user $USER && sudo ip link set tap0 up
//   ./app_linuxu-x86_64 net.tap=tap0 net.ip=10.0.2.15/24 --
//
// Without net.tap the image boots with no network device. With it, a tap
// that cannot be opened (no right to /dev/net/tun, or to that interface)
// stops the boot with one line naming the cause (status 125).
#include "hostfd.h"
#include "syscall.h"
#include <kiln/init.h>
#include <kiln/netdev.h>
#include <kiln/option.h>
#include <kiln/print.h>
#include <errno.h>
#include <string.h>

using namespace linuxu;

namespace {

constexpr long kTunSetIff = 0x400454ca;
constexpr short kIffTap = 0x0002, kIffNoPi = 0x1000;
constexpr long kORdwr = 2, kONonblock = 04000, kOCloexec = 02000000;
constexpr long kEagain = -11;

struct Ifreq {
  char name[16];
  short flags;
  char pad[22];
};
static_assert(sizeof(Ifreq) == 40);

char tap_name[16];
bool mac_given;
uint8_t opt_mac[6];

int set_tap(const char* v) {
  size_t n = strlen(v);
  if (n == 0 || n >= sizeof tap_name) return -EINVAL;
  memcpy(tap_name, v, n + 1);
  return 0;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int set_mac(const char* v) {
  // aa:bb:cc:dd:ee:ff
  if (strlen(v) != 17) return -EINVAL;
  for (int i = 0; i < 6; ++i) {
    int hi = hexval(v[i * 3]), lo = hexval(v[i * 3 + 1]);
    if (hi < 0 || lo < 0 || (i < 5 && v[i * 3 + 2] != ':')) return -EINVAL;
    opt_mac[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  if (opt_mac[0] & 1) return -EINVAL;  // multicast
  mac_given = true;
  return 0;
}

const char* errname(long e) {
  switch (e) {
    case EPERM: return "Operation not permitted";
    case EACCES: return "Permission denied";
    case ENOENT: return "No such file or directory";
    case ENODEV: return "No such device";
    case EBUSY: return "Device or resource busy";
    case EINVAL: return "Invalid argument";
    default: return "error";
  }
}

class TapDev final : public kiln::NetDev {
 public:
  constexpr TapDev() = default;

  kiln::Result<void> open() {
    long fd = syscall(kOpen, reinterpret_cast<long>("/dev/net/tun"), kORdwr | kONonblock | kOCloexec);
    if (fd < 0) {
      kiln_err("linuxu: net.tap=%s: cannot open /dev/net/tun: %s%s", tap_name, errname(-fd),
               fd == -EACCES || fd == -EPERM ? " (run as root, or create the tap with `ip tuntap add ... user <you>`)" : "");
      return kiln::Error(static_cast<int>(-fd));
    }
    Ifreq ifr{};
    memcpy(ifr.name, tap_name, sizeof tap_name);
    ifr.flags = kIffTap | kIffNoPi;
    long r = syscall(kIoctl, fd, kTunSetIff, reinterpret_cast<long>(&ifr));
    if (r < 0) {
      syscall(kClose, fd);
      kiln_err("linuxu: net.tap=%s: TUNSETIFF failed: %s%s", tap_name, errname(-r),
               r == -EPERM || r == -EBUSY
                   ? " (the tap must exist and belong to this user, or run with CAP_NET_ADMIN; busy: another process has it)"
                   : "");
      return kiln::Error(static_cast<int>(-r));
    }
    fd_ = static_cast<int>(fd);
    if (!mac_given) {
      // Locally administered, derived from the name: stable across runs.
      uint32_t h = 2166136261u;
      for (const char* p = tap_name; *p; ++p) h = (h ^ static_cast<uint8_t>(*p)) * 16777619u;
      uint8_t m[6] = {0x02, 0x4b, static_cast<uint8_t>(h >> 24), static_cast<uint8_t>(h >> 16),
                      static_cast<uint8_t>(h >> 8), static_cast<uint8_t>(h)};
      memcpy(opt_mac, m, 6);
    }
    set_identity(tap_name, opt_mac, 1500, Mode::Interrupt);
    set_link(true);
    return {};
  }

  int fd() const { return fd_; }
  void on_event() { notify_rx(); }

  kiln::Result<void> transmit(const void* frame, size_t len) override {
    if (len > mtu() + 14u) {
      count_tx_error();
      return kiln::Error(EMSGSIZE);
    }
    for (;;) {
      long r = syscall(kWrite, fd_, reinterpret_cast<long>(frame), static_cast<long>(len));
      if (r == -EINTR) continue;
      if (r == kEagain) {
        count_tx_drop();
        return kiln::Error(EAGAIN);
      }
      if (r < 0) {
        count_tx_error();
        return kiln::Error(static_cast<int>(-r));
      }
      count_tx(len);
      return {};
    }
  }

  kiln::Result<size_t> receive(void* buf, size_t cap) override {
    for (;;) {
      long r = syscall(kRead, fd_, reinterpret_cast<long>(buf), static_cast<long>(cap));
      if (r == -EINTR) continue;
      if (r == kEagain) return kiln::Error(EAGAIN);
      if (r < 0) {
        count_rx_error();
        return kiln::Error(static_cast<int>(-r));
      }
      // A tap read truncates frames longer than cap.
      if (static_cast<size_t>(r) > cap || (static_cast<size_t>(r) == cap && cap < mtu() + 14u)) {
        count_rx_drop();
        return kiln::Error(EMSGSIZE);
      }
      count_rx(static_cast<size_t>(r));
      return kiln::Ok(static_cast<size_t>(r));
    }
  }

 private:
  int fd_ = -1;
};

constinit TapDev tap;

void on_readable(void*) { tap.on_event(); }

int tap_init() {
  if (!tap_name[0]) return 0;  // no net.tap: no device
  if (auto o = tap.open(); o.is_error()) return -o.error().code();
  int r = watch_fd(tap.fd(), on_readable, nullptr);
  if (r < 0) return r;
  auto reg = kiln::netdev_register(&tap);
  if (reg.is_error()) return -reg.error().code();
  return 0;
}

}  // namespace

KILN_OPTION("net.tap", set_tap, "host tap interface for the network device, e.g. net.tap=tap0");
KILN_OPTION("net.mac", set_mac, "MAC address of the tap device (default: derived from its name)");
KILN_INIT(plat, 200, tap_init);
