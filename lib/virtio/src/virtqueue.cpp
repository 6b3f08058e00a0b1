// Split virtqueue (see kiln/virtio/virtqueue.h).
#include <kiln/virtio/virtqueue.h>
#include <errno.h>

namespace kiln::virtio {
namespace {

size_t align_up(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }
bool pow2(uint16_t n) { return n && !(n & (n - 1)); }

}  // namespace

size_t Virtqueue::used_offset(uint16_t size) {
  return align_up(16u * size + 6u + 2u * size, kAlign);
}

size_t Virtqueue::bytes(uint16_t size) {
  return used_offset(size) + align_up(6u + 8u * size, kAlign);
}

Result<void> Virtqueue::init(uint16_t size, void* mem, uint64_t dma, void** tokens) {
  if (!pow2(size) || size > kMaxSize || !mem || !tokens) return Error(EINVAL);
  if ((reinterpret_cast<uintptr_t>(mem) | dma) & (kAlign - 1)) return Error(EINVAL);
  auto* base = static_cast<uint8_t*>(mem);
  desc_ = reinterpret_cast<VirtqDesc*>(base);
  avail_ = reinterpret_cast<volatile uint16_t*>(base + avail_offset(size));
  used_hdr_ = reinterpret_cast<volatile uint16_t*>(base + used_offset(size));
  used_ring_ = reinterpret_cast<volatile VirtqUsedElem*>(base + used_offset(size) + 4);
  tokens_ = tokens;
  dma_ = dma;
  size_ = size;
  for (uint16_t i = 0; i < size; ++i) {
    desc_[i].next = static_cast<uint16_t>(i + 1);
    tokens_[i] = nullptr;
  }
  free_head_ = 0;
  nfree_ = size;
  avail_idx_ = published_ = last_used_ = in_flight_ = 0;
  errors_ = 0;
  return {};
}

Result<void> Virtqueue::add(uint64_t dma, uint32_t len, bool device_writes, void* token) {
  Seg s{dma, len, device_writes};
  return add_chain(&s, 1, token);
}

Result<void> Virtqueue::add_chain(const Seg* segs, size_t n, void* token) {
  if (n == 0 || n > size_) return Error(EINVAL);
  if (n > nfree_) return Error(ENOSPC);
  uint16_t head = free_head_, d = head;
  for (size_t i = 0; i < n; ++i) {
    VirtqDesc& e = desc_[d];
    uint16_t next = e.next;
    e.addr = segs[i].dma;
    e.len = segs[i].len;
    e.flags = static_cast<uint16_t>((segs[i].device_writes ? kDescWrite : 0) | (i + 1 < n ? kDescNext : 0));
    if (i + 1 < n) e.next = next;
    d = next;
  }
  free_head_ = d;
  nfree_ = static_cast<uint16_t>(nfree_ - n);
  tokens_[head] = token;
  avail_[2 + (avail_idx_ & (size_ - 1))] = head;
  ++avail_idx_;
  ++in_flight_;
  return {};
}

bool Virtqueue::publish() {
  if (avail_idx_ == published_) return false;
  // Descriptors and ring entries before the index the device reads.
  __atomic_thread_fence(__ATOMIC_RELEASE);
  avail_[1] = avail_idx_;
  published_ = avail_idx_;
  // The index store before reading the device's suppression flag.
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  return !(used_hdr_[0] & kUsedNoNotify);
}

bool Virtqueue::has_used() const { return used_hdr_[1] != last_used_; }

Result<Virtqueue::Used> Virtqueue::get_used() {
  uint16_t used_idx = used_hdr_[1];
  if (used_idx == last_used_) return Error(EAGAIN);
  __atomic_thread_fence(__ATOMIC_ACQUIRE);  // the entry after the index
  if (static_cast<uint16_t>(used_idx - last_used_) > in_flight_) {
    // The device claims more completions than there are buffers out:
    // give up on this batch rather than read stale entries.
    ++errors_;
    last_used_ = used_idx;
    return Error(EIO);
  }
  VirtqUsedElem e;
  e.id = used_ring_[last_used_ & (size_ - 1)].id;
  e.len = used_ring_[last_used_ & (size_ - 1)].len;
  ++last_used_;
  if (e.id >= size_ || !tokens_[e.id]) {
    ++errors_;
    return Error(EIO);
  }
  --in_flight_;
  void* token = tokens_[e.id];
  tokens_[e.id] = nullptr;
  // Return the chain to the free list; a looping chain stops at size_ links.
  uint16_t d = static_cast<uint16_t>(e.id), n = 1;
  while ((desc_[d].flags & kDescNext) && n < size_) {
    uint16_t next = desc_[d].next;
    if (next >= size_) break;
    d = next;
    ++n;
  }
  desc_[d].next = free_head_;
  free_head_ = static_cast<uint16_t>(e.id);
  nfree_ = static_cast<uint16_t>(nfree_ + n);
  return Used{token, e.len};
}

void Virtqueue::set_interrupts(bool on) {
  avail_[0] = on ? 0 : kAvailNoInterrupt;
}

}  // namespace kiln::virtio
