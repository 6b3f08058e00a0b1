// A split virtqueue (virtio 1.x section 2.6; the legacy layout, which
// every transport accepts): descriptor table, available ring and used
// ring in one zeroed, 4096-aligned block.
//
//   size_t n = Virtqueue::bytes(256);
//   void* mem = kiln_palloc((n + 4095) / 4096);      // zeroed
//   vq.init(256, mem, kiln_plat_dma_addr(mem));
//   KILN_TRY(vq.add(buf_dma, len, /*device_writes=*/true, token));
//   if (vq.publish()) transport->notify(0);
//   while (auto u = vq.get_used(); !u.is_error()) use(u.value().token, u.value().len);
//
// Pure code over memory: no platform calls, so the host tests drive it
// against a fake device. The device is not trusted: a used entry with an
// id that is out of range or not in flight, or a used index that runs
// ahead of what was made available, is reported (EIO) and never followed.
// Not thread-safe: one thread (or masked context) per queue.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/result.h>

namespace kiln::virtio {

struct VirtqDesc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};
static_assert(sizeof(VirtqDesc) == 16);

struct VirtqUsedElem {
  uint32_t id;
  uint32_t len;
};
static_assert(sizeof(VirtqUsedElem) == 8);

enum : uint16_t { kDescNext = 1, kDescWrite = 2 };
enum : uint16_t { kAvailNoInterrupt = 1, kUsedNoNotify = 1 };

class Virtqueue {
 public:
  static constexpr uint16_t kMaxSize = 32768;
  static constexpr size_t kAlign = 4096;

  // Bytes of the block for a queue of `size` entries (a power of 2).
  static size_t bytes(uint16_t size);
  // Offsets of the rings inside the block.
  static size_t avail_offset(uint16_t size) { return 16u * size; }
  static size_t used_offset(uint16_t size);

  constexpr Virtqueue() = default;
  // mem: zeroed, kAlign-aligned, bytes(size) long, at bus address dma.
  // EINVAL when size is not a power of two in 1..kMaxSize or mem is
  // misaligned. tokens must have room for `size` entries.
  Result<void> init(uint16_t size, void* mem, uint64_t dma, void** tokens);

  uint16_t size() const { return size_; }
  uint16_t free_count() const { return nfree_; }
  uint64_t desc_dma() const { return dma_; }
  uint64_t avail_dma() const { return dma_ + avail_offset(size_); }
  uint64_t used_dma() const { return dma_ + used_offset(size_); }

  // One buffer (one descriptor). ENOSPC when the queue is full. Not
  // visible to the device until publish().
  Result<void> add(uint64_t dma, uint32_t len, bool device_writes, void* token);
  // A chain of buffers (readable first, then device-writable ones).
  struct Seg {
    uint64_t dma;
    uint32_t len;
    bool device_writes;
  };
  Result<void> add_chain(const Seg* segs, size_t n, void* token);

  // Makes added buffers visible; returns true when the device wants a
  // notification (it has not suppressed them).
  bool publish();

  struct Used {
    void* token;
    uint32_t len;  // bytes the device wrote
  };
  // The next completed buffer. EAGAIN when none, EIO for a malformed
  // entry (skipped; counted in errors()).
  Result<Used> get_used();
  bool has_used() const;

  // Ask the device not to interrupt for this queue (a hint).
  void set_interrupts(bool on);

  uint32_t errors() const { return errors_; }

 private:
  VirtqDesc* desc_ = nullptr;
  volatile uint16_t* avail_ = nullptr;     // flags, idx, ring[size], used_event
  volatile uint16_t* used_hdr_ = nullptr;  // flags, idx
  volatile VirtqUsedElem* used_ring_ = nullptr;
  void** tokens_ = nullptr;
  uint64_t dma_ = 0;
  uint16_t size_ = 0;
  uint16_t free_head_ = 0;
  uint16_t nfree_ = 0;
  uint16_t avail_idx_ = 0;     // next avail ring slot (free-running)
  uint16_t published_ = 0;     // avail index last published
  uint16_t last_used_ = 0;     // next used entry to read (free-running)
  uint16_t in_flight_ = 0;     // chains made available and not yet used
  uint32_t errors_ = 0;
};

}  // namespace kiln::virtio
