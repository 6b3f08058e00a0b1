// xenstore client (the API is in kiln/xen/xenstore.h) over the shared
// ring (xenstore_domain_interface) and the store event channel.
//
// One request is on the ring at a time: a caller waits its turn, writes
// header and payload, notifies xenstored and waits for the reply with the
// same request id. Replies and watch events are read by pump(), which the
// store port's handler runs (and any waiter, after every wake-up); it
// hands the reply to the waiting request and queues watch events by
// token. Waiting is kiln_plat_wait_event: the thread sleeps when the
// scheduler is linked, else the CPU idles. At boot before events are up
// and on the exit path, waits block the vCPU with SCHEDOP_poll on the
// store port instead.
//
// A malformed reply (corrupt ring indices, a length over 4096) leaves the
// byte stream without a resynchronisation point: it is logged once and
// every later call fails with EIO. A reply with an unknown request id or
// a watch event that does not parse is logged and dropped.
#include "rings.h"
#include "xen.h"
#include <kiln/plat/irq.h>
#include <kiln/plat/time.h>
#include <kiln/plat/wait.h>
#include <kiln/print.h>
#include <kiln/xen/evtchn.h>
#include <kiln/xen/xenstore.h>

namespace kiln::xen {
namespace {

constexpr uint64_t kTimeoutNs = 10'000'000'000ull;
constexpr unsigned kEvents = 16;
constexpr size_t kEventPath = 256, kEventToken = 64;

struct Request {
  uint32_t req_id;
  bool done;
  uint32_t type;
  char* out;
  size_t cap;
  size_t len;  // reply payload length
  int err;     // errno from an XS_ERROR reply, ERANGE, EIO
};

struct Event {
  char path[kEventPath];
  char token[kEventToken];
};

constinit StoreRing* ring = nullptr;
constinit uint32_t port = 0;
constinit uint32_t next_id = 1;
constinit bool busy = false;
constinit bool broken = false;
constinit bool polled = true;  // until events are up, and on the exit path
constinit Request* inflight = nullptr;
constinit XsReader reader;
constinit Event events[kEvents] = {};
constinit unsigned ev_head = 0, ev_count = 0;
constinit uint16_t my_domid = 0;
constinit bool have_domid = false;

void notify() { evtchn_send(port); }

size_t cstrlen(const char* s) { return __builtin_strlen(s); }

void copy_str(char* dst, size_t cap, const char* src) {
  size_t i = 0;
  for (; src[i] && i + 1 < cap; ++i) dst[i] = src[i];
  dst[i] = 0;
}

void queue_event(const char* body, uint32_t len) {
  const char *path, *token;
  if (!xs_split_watch(body, len, &path, &token)) {
    kiln_warn("xenstore: malformed watch event (%u bytes), dropped", len);
    return;
  }
  if (cstrlen(path) >= kEventPath || cstrlen(token) >= kEventToken) {
    kiln_warn("xenstore: watch event path or token too long, dropped");
    return;
  }
  if (ev_count == kEvents) {
    kiln_warn("xenstore: watch event queue full; dropped the event for %s", events[ev_head].path);
    ev_head = (ev_head + 1) % kEvents;
    --ev_count;
  }
  Event& e = events[(ev_head + ev_count) % kEvents];
  copy_str(e.path, sizeof e.path, path);
  copy_str(e.token, sizeof e.token, token);
  ++ev_count;
}

void deliver(const XsHeader& h, const char* body) {
  Request* q = inflight;
  if (!q || h.req_id != q->req_id) {
    kiln_warn("xenstore: reply (type %u, id %u) for no pending request, dropped", h.type, h.req_id);
    return;
  }
  q->len = h.len;
  q->err = 0;
  if (h.type == kXsError) {
    q->err = xs_errno(body);
  } else if (h.type != q->type) {
    kiln_warn("xenstore: reply of type %u to a request of type %u", h.type, q->type);
    q->err = EIO;
  } else if (q->out) {
    if (h.len + 1 > q->cap) {
      q->err = ERANGE;
    } else {
      __builtin_memcpy(q->out, body, h.len);
      q->out[h.len] = 0;
    }
  }
  q->done = true;
}

// Read what the ring holds; masked.
void pump() {
  if (!ring || broken) return;
  bool consumed = false, woke = false;
  for (;;) {
    XsReader::Got g = reader.pump(ring, &consumed);
    if (g == XsReader::Got::nothing) break;
    if (g == XsReader::Got::malformed) {
      kiln_printk(KILN_LOG_ERR, "xenstore: malformed reply from xenstored (%s); xenstore is unusable from now on",
                  reader.error());
      broken = true;
      woke = true;
      break;
    }
    if (reader.header().type == kXsWatchEvent) queue_event(reader.body(), reader.header().len);
    else deliver(reader.header(), reader.body());
    woke = true;
  }
  if (consumed) notify();  // room for xenstored to write more
  if (woke) kiln_plat_wake_event();
}

void on_store_event(evtchn_port_t, void*) {
  pump();
  kiln_plat_wake_event();  // ring space for a writer, too
}

// Wait (masked) for the ring or a reply; false at the deadline.
bool wait(uint64_t deadline) {
  uint64_t now = kiln_plat_monotonic_ns();
  if (now >= deadline) return false;
  if (polled || !events_ready()) poll_port(port, deadline);
  else kiln_plat_wait_event(deadline);
  pump();
  return true;
}

int put(const void* data, size_t n, uint64_t deadline) {
  const char* p = static_cast<const char*>(data);
  while (n) {
    long k = ring_put(ring->req, sizeof ring->req, &ring->req_cons, &ring->req_prod, p, n);
    if (k < 0) {
      kiln_printk(KILN_LOG_ERR, "xenstore: corrupt request ring indices; xenstore is unusable from now on");
      broken = true;
      return EIO;
    }
    if (k == 0) {
      notify();
      if (!wait(deadline)) return ETIMEDOUT;
      if (broken) return EIO;
      continue;
    }
    p += k;
    n -= static_cast<size_t>(k);
  }
  return 0;
}

struct Part {
  const char* data;
  size_t len;
};

// One request: parts are concatenated as the payload. The reply payload
// goes to out (NUL-terminated); its length is returned.
Result<size_t> request(uint32_t type, uint32_t tx, const Part* parts, unsigned nparts, char* out, size_t cap) {
  if (!ring) return Error(ENODEV);
  size_t total = 0;
  for (unsigned i = 0; i < nparts; ++i) total += parts[i].len;
  if (total > kXsMaxPayload) return Error(E2BIG);
  uint64_t deadline = kiln_plat_monotonic_ns() + kTimeoutNs;
  unsigned long f = kiln_plat_irq_save();
  int err = 0;
  while (busy && !broken && !err)
    if (!wait(deadline)) err = ETIMEDOUT;
  if (broken) err = EIO;
  if (err) {
    kiln_plat_irq_restore(f);
    return Error(err);
  }
  busy = true;
  Request q{next_id++, false, type, out, cap, 0, 0};
  inflight = &q;
  XsHeader h{type, q.req_id, tx, static_cast<uint32_t>(total)};
  err = put(&h, sizeof h, deadline);
  for (unsigned i = 0; i < nparts && !err; ++i) err = put(parts[i].data, parts[i].len, deadline);
  if (!err) {
    notify();
    pump();
    while (!q.done && !broken && !err)
      if (!wait(deadline)) err = ETIMEDOUT;
    if (!err && !q.done) err = EIO;
    if (!err) err = q.err;
  }
  if (err == ETIMEDOUT) kiln_warn("xenstore: no reply to request type %u within 10 s", type);
  inflight = nullptr;
  busy = false;
  kiln_plat_wake_event();  // the next caller's turn
  kiln_plat_irq_restore(f);
  if (err) return Error(err);
  return Ok(q.len);
}

Result<void> simple(uint32_t type, const char* path, uint32_t tx) {
  Part p[] = {{path, cstrlen(path) + 1}};
  char ok[8];
  auto r = request(type, tx, p, 1, ok, sizeof ok);
  if (!r.ok()) return r.error();
  return {};
}

}  // namespace

int xenstore_init() {
  // A fresh client (also what the host tests rely on between cases).
  ring = nullptr;
  busy = broken = false;
  polled = true;
  inflight = nullptr;
  reader.restart();
  ev_head = ev_count = 0;
  have_domid = false;
  uint64_t pfn = 0, ev = 0;
  if (hvm_get_param(kParamStorePfn, &pfn) || !pfn || hvm_get_param(kParamStoreEvtchn, &ev)) return -ENODEV;
  ring = reinterpret_cast<StoreRing*>(pfn << 12);
  port = static_cast<uint32_t>(ev);
  if (events_ready() && evtchn_attach(port, on_store_event, nullptr).ok()) polled = false;
  return 0;
}

void xenstore_exiting() {
  // Interrupts are off and no other thread runs again: a request another
  // thread left on the ring is abandoned (its reply, if it comes, is
  // dropped as one for no pending request).
  polled = true;
  busy = false;
  inflight = nullptr;
}

Result<size_t> xs_read(const char* path, char* out, size_t n, uint32_t tx) {
  if (!n) return Error(ERANGE);
  Part p[] = {{path, cstrlen(path) + 1}};
  return request(kXsRead, tx, p, 1, out, n);
}

Result<void> xs_write(const char* path, const char* value, uint32_t tx) {
  Part p[] = {{path, cstrlen(path) + 1}, {value, cstrlen(value)}};
  char ok[8];
  auto r = request(kXsWrite, tx, p, 2, ok, sizeof ok);
  if (!r.ok()) return r.error();
  return {};
}

Result<void> xs_mkdir(const char* path, uint32_t tx) { return simple(kXsMkdir, path, tx); }

Result<void> xs_rm(const char* path, uint32_t tx) { return simple(kXsRm, path, tx); }

Result<size_t> xs_directory(const char* path, char* out, size_t n, unsigned* count, uint32_t tx) {
  if (!n) return Error(ERANGE);
  Part p[] = {{path, cstrlen(path) + 1}};
  size_t len = KILN_TRY(request(kXsDirectory, tx, p, 1, out, n));
  if (count) {
    unsigned c = 0;
    for (size_t i = 0; i < len; ++i) c += out[i] == 0;
    *count = c;
  }
  return Ok(len);
}

Result<uint32_t> xs_transaction_start() {
  Part p[] = {{"", 1}};
  char id[16];
  KILN_TRY(request(kXsTransactionStart, 0, p, 1, id, sizeof id));
  uint32_t v = 0;
  const char* s = id;
  if (!*s) return Error(EIO);
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return Error(EIO);
    v = v * 10 + static_cast<uint32_t>(*s - '0');
  }
  return Ok(v);
}

Result<void> xs_transaction_end(uint32_t tx, bool commit) {
  Part p[] = {{commit ? "T" : "F", 2}};
  char ok[8];
  auto r = request(kXsTransactionEnd, tx, p, 1, ok, sizeof ok);
  if (!r.ok()) return r.error();
  return {};
}

Result<void> xs_watch(const char* path, const char* token) {
  if (cstrlen(token) >= kEventToken || cstrlen(path) >= kEventPath) return Error(ENAMETOOLONG);
  Part p[] = {{path, cstrlen(path) + 1}, {token, cstrlen(token) + 1}};
  char ok[8];
  auto r = request(kXsWatch, 0, p, 2, ok, sizeof ok);
  if (!r.ok()) return r.error();
  return {};
}

Result<void> xs_unwatch(const char* path, const char* token) {
  Part p[] = {{path, cstrlen(path) + 1}, {token, cstrlen(token) + 1}};
  char ok[8];
  auto r = request(kXsUnwatch, 0, p, 2, ok, sizeof ok);
  if (!r.ok()) return r.error();
  // Drop its queued events.
  unsigned long f = kiln_plat_irq_save();
  unsigned kept = 0;
  for (unsigned i = 0; i < ev_count; ++i) {
    Event& e = events[(ev_head + i) % kEvents];
    if (__builtin_strcmp(e.token, token) == 0) continue;
    if (kept != i) events[(ev_head + kept) % kEvents] = e;
    ++kept;
  }
  ev_count = kept;
  kiln_plat_irq_restore(f);
  return {};
}

Result<size_t> xs_watch_wait(const char* token, char* path_out, size_t n, uint64_t deadline_ns) {
  if (!ring) return Error(ENODEV);
  unsigned long f = kiln_plat_irq_save();
  int err = 0;
  for (;;) {
    pump();
    bool found = false;
    for (unsigned i = 0; i < ev_count && !found; ++i) {
      Event& e = events[(ev_head + i) % kEvents];
      if (__builtin_strcmp(e.token, token) != 0) continue;
      found = true;
      size_t len = cstrlen(e.path);
      if (len + 1 > n) {
        err = ERANGE;
      } else {
        __builtin_memcpy(path_out, e.path, len + 1);
        // Remove entry i, keeping the order of the rest.
        for (unsigned j = i; j + 1 < ev_count; ++j) events[(ev_head + j) % kEvents] = events[(ev_head + j + 1) % kEvents];
        --ev_count;
        kiln_plat_irq_restore(f);
        return Ok(len);
      }
    }
    if (err || broken) break;
    if (deadline_ns && kiln_plat_monotonic_ns() >= deadline_ns) {
      err = ETIMEDOUT;
      break;
    }
    if (polled || !events_ready()) poll_port(port, deadline_ns);
    else kiln_plat_wait_event(deadline_ns);
  }
  kiln_plat_irq_restore(f);
  return Error(err ? err : EIO);
}

Result<uint16_t> xs_domid() {
  if (have_domid) return Ok(my_domid);
  char v[16];
  KILN_TRY(xs_read("domid", v, sizeof v));
  unsigned d = 0;
  for (const char* s = v; *s; ++s) {
    if (*s < '0' || *s > '9') return Error(EIO);
    d = d * 10 + static_cast<unsigned>(*s - '0');
  }
  if (d >= kDomidSelfId) return Error(EIO);
  my_domid = static_cast<uint16_t>(d);
  have_domid = true;
  return Ok(my_domid);
}

}  // namespace kiln::xen
