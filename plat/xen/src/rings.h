// The shared-memory byte rings of the PV console and xenstore, and the
// xenstore wire format: pure code (no hypercalls, no globals), used by
// console.cpp and xenstore.cpp and tested on the host against a fake peer
// (tests/host/test_xen_rings.cpp).
//
// A ring is a power-of-two byte array with free-running 32-bit producer
// and consumer indices, one written by each side. The peer is not
// trusted: indices that are more than a ring apart, or a xenstore message
// longer than the protocol allows, are reported as errors (the caller
// logs them and stops using the ring), never followed.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

namespace kiln::xen {

// xencons_interface (public/io/console.h).
struct ConsRing {
  char in[1024];
  char out[2048];
  uint32_t in_cons, in_prod;
  uint32_t out_cons, out_prod;
};
static_assert(sizeof(ConsRing) == 3088 && offsetof(ConsRing, out) == 1024 && offsetof(ConsRing, in_cons) == 3072 &&
              offsetof(ConsRing, out_prod) == 3084);

// xenstore_domain_interface (public/io/xs_wire.h).
struct StoreRing {
  char req[1024];
  char rsp[1024];
  uint32_t req_cons, req_prod;
  uint32_t rsp_cons, rsp_prod;
  uint32_t server_features, connection, error;
};
static_assert(offsetof(StoreRing, req_cons) == 2048 && offsetof(StoreRing, rsp_prod) == 2060 &&
              offsetof(StoreRing, error) == 2072);

// Producer side: copy up to n bytes into the ring; returns the count
// copied (0 when full), or -1 when the peer's consumer index is corrupt.
inline long ring_put(char* buf, uint32_t size, const uint32_t* cons_p, uint32_t* prod_p, const void* src, size_t n) {
  uint32_t cons = __atomic_load_n(cons_p, __ATOMIC_ACQUIRE);
  uint32_t prod = *prod_p;
  uint32_t used = prod - cons;
  if (used > size) return -1;
  uint32_t k = size - used;
  if (k > n) k = static_cast<uint32_t>(n);
  const char* s = static_cast<const char*>(src);
  for (uint32_t i = 0; i < k; ++i) buf[(prod + i) & (size - 1)] = s[i];
  __atomic_store_n(prod_p, prod + k, __ATOMIC_RELEASE);
  return k;
}

// Consumer side: copy up to n bytes out of the ring; returns the count
// (0 when empty), or -1 when the peer's producer index is corrupt.
inline long ring_get(const char* buf, uint32_t size, uint32_t* cons_p, const uint32_t* prod_p, void* dst, size_t n) {
  uint32_t prod = __atomic_load_n(prod_p, __ATOMIC_ACQUIRE);
  uint32_t cons = *cons_p;
  uint32_t avail = prod - cons;
  if (avail > size) return -1;
  uint32_t k = avail < n ? avail : static_cast<uint32_t>(n);
  char* d = static_cast<char*>(dst);
  for (uint32_t i = 0; i < k; ++i) d[i] = buf[(cons + i) & (size - 1)];
  __atomic_store_n(cons_p, cons + k, __ATOMIC_RELEASE);
  return k;
}

// --- xenstore wire format ---------------------------------------------

enum XsType : uint32_t {
  kXsDirectory = 1, kXsRead = 2, kXsWatch = 4, kXsUnwatch = 5, kXsTransactionStart = 6,
  kXsTransactionEnd = 7, kXsWrite = 11, kXsMkdir = 12, kXsRm = 13, kXsWatchEvent = 15, kXsError = 16,
};

struct XsHeader {
  uint32_t type, req_id, tx_id, len;
};
static_assert(sizeof(XsHeader) == 16);

constexpr uint32_t kXsMaxPayload = 4096;  // XENSTORE_PAYLOAD_MAX

// Assembles messages from the response ring. pump() consumes what the
// ring holds; it returns message when one is complete (header() and
// body(), NUL-terminated after len bytes), nothing when it needs more
// bytes, malformed when the stream cannot be trusted any more (corrupt
// indices, or a length over the protocol's limit: the byte stream has no
// resynchronisation point). Malformed is final: every later pump says so
// again without touching the ring.
class XsReader {
 public:
  enum class Got { nothing, message, malformed };

  Got pump(StoreRing* r, bool* consumed) {
    if (broken_) return Got::malformed;
    if (complete_) reset();
    for (;;) {
      if (have_ < sizeof hdr_) {
        long k = ring_get(r->rsp, sizeof r->rsp, &r->rsp_cons, &r->rsp_prod,
                          reinterpret_cast<char*>(&hdr_) + have_, sizeof hdr_ - have_);
        if (k < 0) return bad("corrupt ring indices");
        if (k) *consumed = true;
        have_ += static_cast<uint32_t>(k);
        if (have_ < sizeof hdr_) return Got::nothing;
        if (hdr_.len > kXsMaxPayload) return bad("payload length over 4096");
      }
      uint32_t got = have_ - static_cast<uint32_t>(sizeof hdr_);
      if (got < hdr_.len) {
        long k = ring_get(r->rsp, sizeof r->rsp, &r->rsp_cons, &r->rsp_prod, body_ + got, hdr_.len - got);
        if (k < 0) return bad("corrupt ring indices");
        if (k) *consumed = true;
        have_ += static_cast<uint32_t>(k);
        if (have_ - sizeof hdr_ < hdr_.len) return Got::nothing;
      }
      body_[hdr_.len] = 0;
      complete_ = true;
      return Got::message;
    }
  }

  const XsHeader& header() const { return hdr_; }
  const char* body() const { return body_; }
  const char* error() const { return error_; }
  void reset() {
    have_ = 0;
    complete_ = false;
  }
  // A new connection: forget everything, the malformed state too.
  void restart() {
    reset();
    broken_ = false;
    error_ = "";
  }

 private:
  Got bad(const char* why) {
    error_ = why;
    broken_ = true;
    return Got::malformed;
  }

  XsHeader hdr_{};
  uint32_t have_ = 0;
  bool complete_ = false;
  bool broken_ = false;
  const char* error_ = "";
  char body_[kXsMaxPayload + 1] = {};
};

// The errno of an XS_ERROR reply ("ENOENT", ...); EIO for a name Kiln
// does not know.
inline int xs_errno(const char* name) {
  struct E {
    const char* name;
    int code;
  };
  static constexpr E table[] = {{"EINVAL", EINVAL}, {"EACCES", EACCES}, {"EEXIST", EEXIST}, {"EISDIR", EISDIR},
                                {"ENOENT", ENOENT}, {"ENOMEM", ENOMEM}, {"ENOSPC", ENOSPC}, {"EIO", EIO},
                                {"ENOTEMPTY", ENOTEMPTY}, {"ENOSYS", ENOSYS}, {"EROFS", EROFS}, {"EBUSY", EBUSY},
                                {"EAGAIN", EAGAIN}, {"EISCONN", EISCONN}, {"E2BIG", E2BIG}, {"EPERM", EPERM},
                                {"EQUOTA", EDQUOT}};
  for (const E& e : table) {
    const char* a = e.name;
    const char* b = name;
    while (*a && *a == *b) ++a, ++b;
    if (!*a && !*b) return e.code;
  }
  return EIO;
}

// Splits an XS_WATCH_EVENT body (path NUL token NUL [more]) of len bytes.
// False when it does not hold two NUL-terminated strings.
inline bool xs_split_watch(const char* body, uint32_t len, const char** path, const char** token) {
  uint32_t i = 0;
  while (i < len && body[i]) ++i;
  if (i >= len || i == 0) return false;
  uint32_t j = i + 1;
  while (j < len && body[j]) ++j;
  if (j >= len) return false;
  *path = body;
  *token = body + i + 1;
  return true;
}

}  // namespace kiln::xen
