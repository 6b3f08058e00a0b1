// The network stack's start-up and its driver over kiln::NetDev: one lwIP
// netif and one receive thread per registered device, addresses from the
// boot options (net.ip, net.gw, net.dns) or DHCP.
#include <kiln/init.h>
#include <kiln/lock.h>
#include <kiln/netdev.h>
#include <kiln/option.h>
#include <kiln/plat/time.h>
#include <kiln/print.h>
#include <kiln/sched.h>
#include <kiln/sync.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <new>

extern "C" {
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#if LWIP_IPV6
#include "lwip/ethip6.h"
#endif
}

namespace {

constinit ip4_addr_t opt_ip{}, opt_mask{}, opt_gw{};
constinit ip4_addr_t opt_dns[DNS_MAX_SERVERS] = {};
constinit bool have_ip = false, have_gw = false;
constinit unsigned long dhcp_wait_ms = 10000;

int set_ip(const char* v) {
  char buf[32];
  size_t n = strlen(v);
  if (n >= sizeof buf) return -EINVAL;
  memcpy(buf, v, n + 1);
  unsigned long prefix = 24;
  if (char* slash = strchr(buf, '/')) {
    *slash = 0;
    if (kiln_parse_ulong(slash + 1, &prefix) < 0 || prefix > 32) return -EINVAL;
  }
  if (!ip4addr_aton(buf, &opt_ip)) return -EINVAL;
  uint32_t m = prefix ? ~uint32_t{0} << (32 - prefix) : 0;
  ip4_addr_set_u32(&opt_mask, lwip_htonl(m));
  have_ip = true;
  return 0;
}

int set_gw(const char* v) {
  if (!ip4addr_aton(v, &opt_gw)) return -EINVAL;
  have_gw = true;
  return 0;
}

int set_dns(const char* v) {
  // One or two addresses separated by a comma.
  char buf[40];
  size_t n = strlen(v);
  if (n >= sizeof buf) return -EINVAL;
  memcpy(buf, v, n + 1);
  char* second = strchr(buf, ',');
  if (second) *second++ = 0;
  if (!ip4addr_aton(buf, &opt_dns[0])) return -EINVAL;
  if (second && (DNS_MAX_SERVERS < 2 || !ip4addr_aton(second, &opt_dns[1]))) return -EINVAL;
  return 0;
}

int set_dhcp_wait(const char* v) {
  unsigned long s;
  if (kiln_parse_ulong(v, &s) < 0 || s > 3600) return -EINVAL;
  dhcp_wait_ms = s * 1000;
  return 0;
}

// One device as an lwIP netif.
struct Iface {
  netif nif;
  kiln::NetDev* dev;
  kiln::Semaphore rx_ready;
  bool boot_done = false;  // the boot line is out: later changes are logged as they come
  alignas(8) uint8_t txbuf[1536 + 64];
};

// Runs masked when frames may be waiting (interrupt mode).
void on_rx(kiln::NetDev*, void* ctx) { static_cast<Iface*>(ctx)->rx_ready.up(); }

void* rx_thread(void* p) {
  auto* ifc = static_cast<Iface*>(p);
  const size_t cap = ifc->dev->mtu() + 14u + 4u;
  pbuf* spare = nullptr;
  for (;;) {
    if (ifc->dev->mode() == kiln::NetDev::Mode::Polling) {
      ifc->dev->poll();
      (void)ifc->rx_ready.down(kiln_plat_monotonic_ns() + 1000000u);
    } else {
      (void)ifc->rx_ready.down();
    }
    // Link changes reach the stack here: backends notify on them as on
    // frames (events context cannot take the core lock).
    if (bool up = ifc->dev->link_up(); up != static_cast<bool>(netif_is_link_up(&ifc->nif))) {
      LOCK_TCPIP_CORE();
      if (up) netif_set_link_up(&ifc->nif);
      else netif_set_link_down(&ifc->nif);
      UNLOCK_TCPIP_CORE();
      kiln_info("net: %s: link %s", ifc->dev->name(), up ? "up" : "down");
    }
    for (;;) {
      if (!spare) spare = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(cap), PBUF_RAM);
      if (!spare) {
        kiln::sleep_ns(1000000);  // out of memory: let the stack free some
        break;
      }
      auto r = ifc->dev->receive(spare->payload, cap);
      if (r.is_error()) {
        if (r.error().code() == EAGAIN) break;
        continue;  // dropped (too long) or a device error: counted by the device
      }
      pbuf* frame = spare;
      spare = nullptr;
      pbuf_realloc(frame, static_cast<u16_t>(r.value()));
      if (ifc->nif.input(frame, &ifc->nif) != ERR_OK) pbuf_free(frame);
    }
  }
  return nullptr;
}

err_t linkoutput(netif* nif, pbuf* p) {
  auto* ifc = static_cast<Iface*>(nif->state);
  const void* data = p->payload;
  if (p->next || p->len != p->tot_len) {
    if (p->tot_len > sizeof ifc->txbuf) return ERR_BUF;
    pbuf_copy_partial(p, ifc->txbuf, p->tot_len, 0);  // core lock held: one user
    data = ifc->txbuf;
  }
  auto r = ifc->dev->transmit(data, p->tot_len);
  if (r.is_error()) return r.error().code() == EAGAIN ? ERR_OK /* dropped, like a full NIC */ : ERR_IF;
  return ERR_OK;
}

err_t ethif_init(netif* nif) {
  auto* ifc = static_cast<Iface*>(nif->state);
  nif->name[0] = 'e';
  nif->name[1] = 'n';
  nif->output = etharp_output;
#if LWIP_IPV6
  nif->output_ip6 = ethip6_output;
#endif
  nif->linkoutput = linkoutput;
  nif->mtu = ifc->dev->mtu();
  nif->hwaddr_len = 6;
  memcpy(nif->hwaddr, ifc->dev->mac(), 6);
  nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP;
#if LWIP_IPV6
  nif->flags |= NETIF_FLAG_MLD6;
#endif
  return ERR_OK;
}

void tcpip_ready(void* arg) { static_cast<kiln::Semaphore*>(arg)->up(); }

// The interface's IPv4 settings and the DNS servers, in one line. Core
// lock held.
void log_ipv4(Iface* ifc, const char* how) {
  char a[16], m[16], g[16], d[2 * IPADDR_STRLEN_MAX + 2] = "none";
  ip4addr_ntoa_r(netif_ip4_addr(&ifc->nif), a, sizeof a);
  ip4addr_ntoa_r(netif_ip4_netmask(&ifc->nif), m, sizeof m);
  ip4addr_ntoa_r(netif_ip4_gw(&ifc->nif), g, sizeof g);
  size_t dl = 0;
  for (u8_t k = 0; k < DNS_MAX_SERVERS; ++k) {
    const ip_addr_t* s = dns_getserver(k);
    if (ip_addr_isany(s)) continue;
    if (dl) d[dl++] = ',';
    if (!ipaddr_ntoa_r(s, d + dl, sizeof d - dl)) break;
    dl = strlen(d);
  }
  kiln_info("net: %s: %s netmask %s gw %s dns %s (%s)", ifc->dev->name(), a, m, g, d, how);
}

// Runs in the tcpip thread, core lock held. IPv4: changes after boot (a
// late or changed DHCP lease, a lost one). IPv6: addresses (link-local,
// SLAAC) become valid after duplicate address detection, long after boot:
// each is logged when it does.
void on_netif_event(netif* nif, netif_nsc_reason_t reason, const netif_ext_callback_args_t* args) {
  auto* ifc = static_cast<Iface*>(nif->state);
  if (!ifc || !args) return;
  if ((reason & LWIP_NSC_IPV4_ADDRESS_CHANGED) && ifc->boot_done) {
    if (ip4_addr_isany_val(*netif_ip4_addr(nif))) kiln_info("net: %s: IPv4 address released", ifc->dev->name());
    else log_ipv4(ifc, "dhcp, after boot");
  }
#if LWIP_IPV6
  if (reason & LWIP_NSC_IPV6_ADDR_STATE_CHANGED) {
    s8_t i = args->ipv6_addr_state_changed.addr_index;
    if (i < 0 || i >= LWIP_IPV6_NUM_ADDRESSES) return;
    if (ip6_addr_isvalid(args->ipv6_addr_state_changed.old_state) || !ip6_addr_isvalid(netif_ip6_addr_state(nif, i)))
      return;
    char a[IP6ADDR_STRLEN_MAX];
    ip6addr_ntoa_r(netif_ip6_addr(nif, i), a, sizeof a);
    for (char* c = a; *c; ++c)
      if (*c >= 'A' && *c <= 'F') *c = static_cast<char>(*c - 'A' + 'a');
    kiln_info("net: %s: %s (ipv6 %s)", ifc->dev->name(), a,
              ip6_addr_islinklocal(netif_ip6_addr(nif, i)) ? "link-local" : "autoconfigured");
  }
#endif
}
NETIF_DECLARE_EXT_CALLBACK(netif_events)

int net_init() {
  kiln::Semaphore ready;
  tcpip_init(tcpip_ready, &ready);
  (void)ready.down();
  LOCK_TCPIP_CORE();
  netif_add_ext_callback(&netif_events, on_netif_event);
  UNLOCK_TCPIP_CORE();

  for (int i = 0; i < DNS_MAX_SERVERS; ++i) {
    if (ip4_addr_isany_val(opt_dns[i])) continue;
    ip_addr_t a;
    ip_addr_copy_from_ip4(a, opt_dns[i]);
    LOCK_TCPIP_CORE();
    dns_setserver(static_cast<u8_t>(i), &a);
    UNLOCK_TCPIP_CORE();
  }

  size_t n = kiln::netdev_count();
  if (n == 0) {
    kiln_info("net: no network device (linuxu: net.tap=<tap>; kvm: a virtio-net device, e.g. support/run.sh "
              "--net user); loopback only");
    return 0;
  }
  for (size_t i = 0; i < n; ++i) {
    kiln::NetDev* dev = kiln::netdev_at(i);
    auto* ifc = new (std::nothrow) Iface{};
    if (!ifc) return -ENOMEM;
    ifc->dev = dev;
    bool use_static = i == 0 && have_ip;
    ip4_addr_t ip{}, mask{}, gw{};
    if (use_static) {
      ip = opt_ip;
      mask = opt_mask;
      if (have_gw) gw = opt_gw;
    }
    LOCK_TCPIP_CORE();
    netif* added = netif_add(&ifc->nif, &ip, &mask, &gw, ifc, ethif_init, tcpip_input);
    if (added) {
      if (i == 0) netif_set_default(&ifc->nif);
#if LWIP_IPV6
      netif_create_ip6_linklocal_address(&ifc->nif, 1);
      netif_set_ip6_autoconfig_enabled(&ifc->nif, 1);
#endif
      netif_set_up(&ifc->nif);
      if (dev->link_up()) netif_set_link_up(&ifc->nif);
      if (!use_static) dhcp_start(&ifc->nif);
    }
    UNLOCK_TCPIP_CORE();
    if (!added) {
      kiln_err("net: cannot add interface for %s", dev->name());
      return -ENOMEM;
    }
    dev->set_rx_notify(on_rx, ifc);
    char tname[24] = "net-rx-";
    strncat(tname, dev->name(), sizeof tname - 8);
    auto t = kiln::thread_create(tname, rx_thread, ifc, 32768);
    if (t.is_error()) return -t.error().code();
    (void)kiln::thread_detach(t.value());
    ifc->rx_ready.up();  // frames that came before the thread

    if (!use_static) {
      uint64_t until = kiln_plat_monotonic_ns() + dhcp_wait_ms * 1000000u;
      while (!dhcp_supplied_address(&ifc->nif) && kiln_plat_monotonic_ns() < until) kiln::sleep_ns(20000000);
    }
    // From here on the event callback logs address changes (a lease that
    // comes after the wait, a renewal to another address, a lost lease).
    LOCK_TCPIP_CORE();
    ifc->boot_done = true;
    bool have = use_static || dhcp_supplied_address(&ifc->nif);
    if (have) log_ipv4(ifc, use_static ? "static" : "dhcp");
    UNLOCK_TCPIP_CORE();
    if (!have)
      kiln_warn("net: %s: no DHCP lease after %lu s; continuing, DHCP keeps trying", dev->name(),
                dhcp_wait_ms / 1000);
  }
  return 0;
}

}  // namespace

KILN_OPTION("net.ip", set_ip, "IPv4 address/prefix of the first interface, e.g. net.ip=10.0.2.15/24 (default: DHCP)");
KILN_OPTION("net.gw", set_gw, "IPv4 default gateway, e.g. net.gw=10.0.2.2");
KILN_OPTION("net.dns", set_dns, "DNS servers, e.g. net.dns=10.0.2.3 or net.dns=1.1.1.1,8.8.8.8");
KILN_OPTION("net.dhcp_wait", set_dhcp_wait, "seconds to wait for a DHCP lease at boot (default 10)");
KILN_INIT(sys, 100, net_init);
