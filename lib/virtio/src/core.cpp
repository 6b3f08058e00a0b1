// virtio core: driver registry, feature negotiation, queue allocation and
// the scan of both transports at boot.
#include "transports.h"
#include <kiln/alloc.h>
#include <kiln/init.h>
#include <kiln/print.h>
#include <kiln/virtio/virtio.h>
#include <errno.h>
#include <string.h>

namespace kiln::virtio {
namespace {

constinit Driver* drivers = nullptr;
constinit ScanStats stats = {};

Driver* driver_for(uint32_t type) {
  for (Driver* d = drivers; d; d = d->next)
    if (d->device_type == type) return d;
  return nullptr;
}

// The negotiation of virtio 1.x section 3.1.1 (legacy: without
// FEATURES_OK). Returns the accepted feature set.
Result<uint64_t> negotiate(Transport& t, uint64_t wanted) {
  t.reset();
  t.add_status(kStatusAcknowledge);
  t.add_status(kStatusDriver);
  uint64_t offered = t.device_features();
  if (!t.legacy()) {
    if (!(offered & kFeatureVersion1)) {
      kiln_err("virtio: %s: modern transport without VERSION_1", t.where());
      return Error(ENOTSUP);
    }
    wanted |= kFeatureVersion1;
  } else {
    wanted &= ~kFeatureVersion1 & 0xffffffffull;
  }
  uint64_t f = offered & wanted;
  t.set_driver_features(f);
  if (!t.legacy()) {
    t.add_status(kStatusFeaturesOk);
    if (!(t.status() & kStatusFeaturesOk)) {
      kiln_err("virtio: %s: device refused features %#llx", t.where(), static_cast<unsigned long long>(f));
      return Error(ENOTSUP);
    }
  }
  return Ok(f);
}

int scan() {
  mmio_scan();
  pci_scan();
  if (stats.found) kiln_info("virtio: %u device(s), %u driven, %u failed", stats.found, stats.driven, stats.failed);
  return 0;
}

}  // namespace

void register_driver(Driver* d) {
  d->next = drivers;
  drivers = d;
}

ScanStats scan_stats() { return stats; }

void probe_device(Transport& t) {
  ++stats.found;
  Driver* d = driver_for(t.device_type());
  if (!d) {
    kiln_info("virtio: %s: device type %u (%s): no driver in this image", t.where(), t.device_type(), t.kind());
    t.reset();
    return;
  }
  auto f = negotiate(t, d->features);
  Result<void> r = f.is_error() ? Result<void>(f.error()) : d->probe(t, f.value());
  if (r.is_error()) {
    kiln_err("virtio: %s: %s failed: %s", t.where(), d->name, strerror(r.error().code()));
    t.fail();
    ++stats.failed;
    return;
  }
  ++stats.driven;
}

Result<void> setup_queue(Transport& t, uint16_t q, uint16_t want, Virtqueue* vq) {
  uint16_t max = t.queue_max(q);
  if (max == 0) return Error(ENOENT);
  uint16_t size = 1;
  while (size * 2u <= want && size * 2u <= max) size = static_cast<uint16_t>(size * 2);
  if (size > max) return Error(EINVAL);
  if (t.queue_size_fixed()) {
    if (max & (max - 1)) return Error(EINVAL);
    size = max;
  }
  size_t bytes = Virtqueue::bytes(size);
  void* mem = kiln_palloc((bytes + 4095) / 4096);
  auto** tokens = static_cast<void**>(kiln_calloc(size, sizeof(void*)));
  if (!mem || !tokens) {
    if (mem) kiln_pfree(mem, (bytes + 4095) / 4096);
    kiln_free(tokens);
    return Error(ENOMEM);
  }
  memset(mem, 0, bytes);
  KILN_TRY(vq->init(size, mem, kiln_plat_dma_addr(mem), tokens));
  return t.queue_setup(q, *vq);
}

void Transport::read_config(unsigned off, void* out, size_t len) {
  auto* o = static_cast<uint8_t*>(out);
  for (int tries = 0; tries < 16; ++tries) {
    uint32_t g = config_generation();
    for (size_t i = 0; i < len; ++i) o[i] = config8(off + static_cast<unsigned>(i));
    if (config_generation() == g) return;
  }
}

uint16_t Transport::config16(unsigned off) {
  uint8_t b[2];
  read_config(off, b, 2);
  return static_cast<uint16_t>(b[0] | b[1] << 8);
}

uint32_t Transport::config32(unsigned off) {
  uint8_t b[4];
  read_config(off, b, 4);
  return b[0] | b[1] << 8 | b[2] << 16 | static_cast<uint32_t>(b[3]) << 24;
}

}  // namespace kiln::virtio

KILN_INIT(lib, 500, kiln::virtio::scan);
