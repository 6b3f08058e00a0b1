// A minimal, polled xenstore client over the shared ring
// (xenstore_domain_interface): one request at a time, waiting for the
// reply with SCHEDOP_poll on the store event channel (no upcalls needed).
// Enough for the exit status (data/kiln-exit-status); watches and
// transactions are not done yet. Paths without a leading '/' are relative
// to the domain's home (/local/domain/<id>). Errors are -errno values;
// a malformed reply (length over the limit, wrong request id) gives -EIO.
#include "xen.h"
#include <kiln/print.h>
#include <errno.h>

namespace kiln::xen {
namespace {

struct StoreRing {
  char req[1024];
  char rsp[1024];
  uint32_t req_cons, req_prod;
  uint32_t rsp_cons, rsp_prod;
  uint32_t server_features, connection, error;
};
static_assert(offsetof(StoreRing, req_cons) == 2048 && offsetof(StoreRing, rsp_prod) == 2060);

struct MsgHeader {
  uint32_t type, req_id, tx_id, len;
};
static_assert(sizeof(MsgHeader) == 16);

enum : uint32_t { kXsRead = 2, kXsWrite = 11, kXsError = 16 };
constexpr uint32_t kMaxPayload = 4096;
constexpr uint64_t kTimeoutNs = 5000000000ull;

constinit StoreRing* ring = nullptr;
constinit uint32_t port = 0;
constinit uint32_t next_id = 1;

bool timed_out(uint64_t deadline) { return system_time_ns() >= deadline; }

int put(const void* data, uint32_t n, uint64_t deadline) {
  const char* p = static_cast<const char*>(data);
  while (n) {
    uint32_t cons = __atomic_load_n(&ring->req_cons, __ATOMIC_ACQUIRE);
    uint32_t prod = ring->req_prod;
    if (prod - cons > sizeof ring->req) return -EIO;
    uint32_t space = sizeof ring->req - (prod - cons);
    if (!space) {
      evtchn_send(port);
      if (timed_out(deadline)) return -ETIMEDOUT;
      poll_port(port, deadline);
      continue;
    }
    uint32_t k = space < n ? space : n;
    for (uint32_t i = 0; i < k; ++i) ring->req[(prod + i) % sizeof ring->req] = p[i];
    __atomic_store_n(&ring->req_prod, prod + k, __ATOMIC_RELEASE);
    p += k;
    n -= k;
  }
  return 0;
}

int get(void* data, uint32_t n, uint64_t deadline) {
  char* p = static_cast<char*>(data);
  while (n) {
    uint32_t prod = __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE);
    uint32_t cons = ring->rsp_cons;
    if (prod - cons > sizeof ring->rsp) return -EIO;
    if (prod == cons) {
      if (timed_out(deadline)) return -ETIMEDOUT;
      poll_port(port, deadline);
      continue;
    }
    uint32_t k = prod - cons < n ? prod - cons : n;
    for (uint32_t i = 0; i < k; ++i) p[i] = ring->rsp[(cons + i) % sizeof ring->rsp];
    __atomic_store_n(&ring->rsp_cons, cons + k, __ATOMIC_RELEASE);
    evtchn_send(port);
    p += k;
    n -= k;
  }
  return 0;
}

int errno_of(const char* s) {
  struct E { const char* name; int code; };
  static constexpr E table[] = {{"ENOENT", ENOENT}, {"EACCES", EACCES}, {"EINVAL", EINVAL}, {"EEXIST", EEXIST},
                                {"ENOSPC", ENOSPC}, {"EAGAIN", EAGAIN}, {"E2BIG", E2BIG}, {"EQUOTA", EDQUOT}};
  for (const E& e : table)
    if (__builtin_strcmp(s, e.name) == 0) return -e.code;
  return -EIO;
}

// One request; the reply payload (NUL-terminated, truncated to n - 1) in out.
int request(uint32_t type, const char* a, size_t alen, const char* b, size_t blen, char* out, size_t n) {
  if (!ring) return -ENODEV;
  if (alen + blen > kMaxPayload) return -E2BIG;
  uint64_t deadline = system_time_ns() + kTimeoutNs;
  MsgHeader h{type, next_id++, 0, static_cast<uint32_t>(alen + blen)};
  int r;
  if ((r = put(&h, sizeof h, deadline)) || (r = put(a, static_cast<uint32_t>(alen), deadline)) ||
      (blen && (r = put(b, static_cast<uint32_t>(blen), deadline))))
    return r;
  evtchn_send(port);
  MsgHeader rh;
  if ((r = get(&rh, sizeof rh, deadline))) return r;
  if (rh.len > kMaxPayload || rh.req_id != h.req_id) return -EIO;
  char buf[64];
  size_t kept = 0;
  for (uint32_t left = rh.len; left;) {
    char c[64];
    uint32_t k = left < sizeof c ? left : sizeof c;
    if ((r = get(c, k, deadline))) return r;
    for (uint32_t i = 0; i < k; ++i) {
      if (out && kept + 1 < n) out[kept] = c[i];
      if (kept < sizeof buf - 1) buf[kept] = c[i];
      ++kept;
    }
    left -= k;
  }
  if (out && n) out[kept < n ? kept : n - 1] = 0;
  buf[kept < sizeof buf ? kept : sizeof buf - 1] = 0;
  if (rh.type == kXsError) return errno_of(buf);
  if (rh.type != type) return -EIO;
  return 0;
}

}  // namespace

int xenstore_init() {
  uint64_t pfn = 0, ev = 0;
  if (hvm_get_param(kParamStorePfn, &pfn) || !pfn || hvm_get_param(kParamStoreEvtchn, &ev)) return -ENODEV;
  ring = reinterpret_cast<StoreRing*>(pfn << 12);
  port = static_cast<uint32_t>(ev);
  return 0;
}

int xenstore_write(const char* path, const char* value) {
  return request(kXsWrite, path, __builtin_strlen(path) + 1, value, __builtin_strlen(value), nullptr, 0);
}

int xenstore_read(const char* path, char* out, size_t n) {
  return request(kXsRead, path, __builtin_strlen(path) + 1, nullptr, 0, out, n);
}

}  // namespace kiln::xen
