// Readiness wake-ups from lwIP: each socket's netconn reports its events
// (data in, send space, errors) through a callback, lwIP's own
// event_callback, which keeps the counts lwip_poll reads. Kiln wraps it:
// the wrapper runs lwIP's callback, then ready_wake() for events that can
// make a socket ready, so poll/select waiting on any mix of descriptors
// (sockets, the console) wake on either. Netconns accepted from a
// listening one inherit its callback, so they are hooked from birth.
#include "sockfile.h"
extern "C" {
#include "lwip/api.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/sys.h"
}

namespace kiln::socket {
namespace {

constinit netconn_callback lwip_event = nullptr;

void on_event(struct netconn* conn, enum netconn_evt evt, u16_t len) {
  lwip_event(conn, evt, len);
  if (evt == NETCONN_EVT_RCVPLUS || evt == NETCONN_EVT_SENDPLUS || evt == NETCONN_EVT_ERROR) ready_wake();
}

}  // namespace

void hook_events(int s) {
  SYS_ARCH_DECL_PROTECT(lev);
  SYS_ARCH_PROTECT(lev);
  struct lwip_sock* sock = lwip_socket_dbg_get_socket(s);
  if (sock && sock->conn && sock->conn->callback && sock->conn->callback != on_event) {
    if (!lwip_event) lwip_event = sock->conn->callback;
    if (sock->conn->callback == lwip_event) sock->conn->callback = on_event;
  }
  SYS_ARCH_UNPROTECT(lev);
}

}  // namespace kiln::socket
