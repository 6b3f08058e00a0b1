// Readiness wake-ups from lwIP: each socket's netconn reports its events
// (data in, send space, errors) through a callback, lwIP's own
// event_callback, which keeps the counts lwip_poll reads. Kiln wraps it:
// the wrapper runs lwIP's callback, then wakes the waiters of that one
// socket's SocketFile (File::wake), so poll/select/epoll over thousands of
// idle sockets are not made to look at all of them when one changes.
// Netconns accepted from a listening one inherit the callback, so they are
// hooked from birth; events before their SocketFile exists are in lwIP's
// counts, which the first poll of the new file reads.
//
// lwIP socket number -> SocketFile: a two-level table (chunks of 256
// pointers, from the heap when a socket in that range is first used; the
// top level is 2 KiB at the default 65,536 sockets). Guarded by lwIP's
// SYS_ARCH_PROTECT (events masked), which also keeps a file from being
// freed while an event wakes it (release unhooks under the same guard).
#include <kiln/alloc.h>
#include <kiln/config.h>
#include "sockfile.h"
extern "C" {
#include "lwip/api.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/sys.h"
}

namespace kiln::socket {
namespace {

constexpr int kChunk = 256;
constexpr int kChunks = (NUM_SOCKETS + kChunk - 1) / kChunk;

constinit netconn_callback lwip_event = nullptr;
constinit SocketFile** chunks[kChunks] = {};

SocketFile* file_of(int s) {  // SYS_ARCH_PROTECT held
  int i = s - LWIP_SOCKET_OFFSET;
  if (i < 0 || i >= NUM_SOCKETS || !chunks[i / kChunk]) return nullptr;
  return chunks[i / kChunk][i % kChunk];
}

void on_event(struct netconn* conn, enum netconn_evt evt, u16_t len) {
  lwip_event(conn, evt, len);
  unsigned events = evt == NETCONN_EVT_RCVPLUS    ? kPollIn | kPollRdNorm
                    : evt == NETCONN_EVT_SENDPLUS ? kPollOut | kPollWrNorm
                    : evt == NETCONN_EVT_ERROR    ? ~0u
                                                  : 0;
  if (!events) return;
  SYS_ARCH_DECL_PROTECT(lev);
  SYS_ARCH_PROTECT(lev);
  if (conn->socket >= 0) {
    if (SocketFile* f = file_of(conn->socket)) f->wake(events);
  }
  SYS_ARCH_UNPROTECT(lev);
}

}  // namespace

bool hook_events(int s, SocketFile* f) {
  int i = s - LWIP_SOCKET_OFFSET;
  if (i < 0 || i >= NUM_SOCKETS) return false;
  SocketFile** c = __atomic_load_n(&chunks[i / kChunk], __ATOMIC_ACQUIRE);
  if (!c) {
    // Allocated with events enabled; a racing socket in the same chunk may win.
    auto* n = static_cast<SocketFile**>(kiln_calloc(kChunk, sizeof(SocketFile*)));
    if (!n) return false;
    SocketFile** expected = nullptr;
    if (!__atomic_compare_exchange_n(&chunks[i / kChunk], &expected, n, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
      kiln_free(n);
  }
  SYS_ARCH_DECL_PROTECT(lev);
  SYS_ARCH_PROTECT(lev);
  chunks[i / kChunk][i % kChunk] = f;
  struct lwip_sock* sock = lwip_socket_dbg_get_socket(s);
  if (sock && sock->conn && sock->conn->callback && sock->conn->callback != on_event) {
    if (!lwip_event) lwip_event = sock->conn->callback;
    if (sock->conn->callback == lwip_event) sock->conn->callback = on_event;
  }
  SYS_ARCH_UNPROTECT(lev);
  return true;
}

void unhook_events(int s) {
  SYS_ARCH_DECL_PROTECT(lev);
  SYS_ARCH_PROTECT(lev);
  int i = s - LWIP_SOCKET_OFFSET;
  if (i >= 0 && i < NUM_SOCKETS && chunks[i / kChunk]) chunks[i / kChunk][i % kChunk] = nullptr;
  SYS_ARCH_UNPROTECT(lev);
}

}  // namespace kiln::socket
