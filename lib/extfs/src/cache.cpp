// The block cache (src/cache.h): hash table + LRU list, sorted and
// coalesced write-back.
#include "cache.h"
#include <kiln/alloc.h>
#include <errno.h>
#include <string.h>

namespace kiln::extfs {

bool BlockCache::init(const CacheDev& dev, uint32_t bsize, unsigned nblocks) {
  destroy();
  if (nblocks < 8 || !bsize || !dev.io || !dev.max_run) return false;
  unsigned nb = 1;
  while (nb < nblocks) nb <<= 1;  // about one entry per bucket
  auto* es = static_cast<Entry*>(kiln_malloc(sizeof(Entry) * nblocks));
  auto* bs = static_cast<Entry**>(kiln_malloc(sizeof(Entry*) * nb));
  auto* so = static_cast<Entry**>(kiln_malloc(sizeof(Entry*) * nblocks));
  auto* bu = static_cast<uint8_t**>(kiln_malloc(sizeof(uint8_t*) * nblocks));
  if (!es || !bs || !so || !bu) {
    kiln_free(es), kiln_free(bs), kiln_free(so), kiln_free(bu);
    return false;
  }
  unsigned made = 0;
  for (; made < nblocks; ++made) {
    es[made] = {0, nullptr, nullptr, nullptr, false, false, static_cast<uint8_t*>(kiln_malloc(bsize))};
    if (!es[made].data) break;
  }
  if (made < 8) {
    for (unsigned i = 0; i < made; ++i) kiln_free(es[i].data);
    kiln_free(es), kiln_free(bs), kiln_free(so), kiln_free(bu);
    return false;
  }
  memset(bs, 0, sizeof(Entry*) * nb);
  dev_ = dev;
  bsize_ = bsize;
  n_ = made;
  mask_ = nb - 1;
  entries_ = es;
  buckets_ = bs;
  sorted_ = so;
  bufs_ = bu;
  head_ = tail_ = nullptr;
  for (unsigned i = 0; i < made; ++i) push_back(&es[i]);
  ndirty_ = 0;
  stats_ = {};
  return true;
}

void BlockCache::destroy() {
  if (entries_) {
    for (unsigned i = 0; i < n_; ++i) kiln_free(entries_[i].data);
  }
  kiln_free(entries_), kiln_free(buckets_), kiln_free(sorted_), kiln_free(bufs_);
  entries_ = nullptr;
  buckets_ = nullptr;
  sorted_ = nullptr;
  bufs_ = nullptr;
  head_ = tail_ = nullptr;
  n_ = 0;
  bsize_ = 0;
  ndirty_ = 0;
}

BlockCache::Entry* BlockCache::find(uint64_t blk) const {
  if (!n_) return nullptr;
  for (Entry* e = buckets_[bucket(blk)]; e; e = e->hnext)
    if (e->blk == blk) return e;
  return nullptr;
}

void BlockCache::unlink_lru(Entry* e) {
  if (e->prev) e->prev->next = e->next;
  else head_ = e->next;
  if (e->next) e->next->prev = e->prev;
  else tail_ = e->prev;
  e->prev = e->next = nullptr;
}

void BlockCache::push_front(Entry* e) {
  e->prev = nullptr;
  e->next = head_;
  if (head_) head_->prev = e;
  head_ = e;
  if (!tail_) tail_ = e;
}

void BlockCache::push_back(Entry* e) {
  e->next = nullptr;
  e->prev = tail_;
  if (tail_) tail_->next = e;
  tail_ = e;
  if (!head_) head_ = e;
}

void BlockCache::hash(Entry* e) {
  Entry** b = &buckets_[bucket(e->blk)];
  e->hnext = *b;
  *b = e;
}

void BlockCache::unhash(Entry* e) {
  for (Entry** p = &buckets_[bucket(e->blk)]; *p; p = &(*p)->hnext) {
    if (*p == e) {
      *p = e->hnext;
      break;
    }
  }
  e->hnext = nullptr;
  if (e->dirty) --ndirty_;
  e->valid = false;
  e->dirty = false;
}

BlockCache::Entry* BlockCache::slot(uint64_t blk, bool clean_only) {
  Entry* v = tail_;  // free entries are kept at the tail: they go first
  if (v->valid) {
    if (v->dirty) {
      if (clean_only) return nullptr;
      // Write back everything dirty (in block order, coalesced): the
      // next evictions then find clean blocks.
      (void)write_back();
      // A block the device would not take stays dirty: the least recent
      // clean one goes instead (none: EIO to the caller).
      while (v && v->valid && v->dirty) v = v->prev;
      if (!v) return nullptr;
    }
    ++stats_.evictions;
    unhash(v);
  }
  v->blk = blk;
  v->valid = false;
  v->dirty = false;
  unlink_lru(v);
  push_front(v);
  return v;
}

bool BlockCache::read(uint64_t blk, void* out) {
  Entry* e = find(blk);
  if (!e) {
    ++stats_.misses;
    return false;
  }
  ++stats_.hits;
  memcpy(out, e->data, bsize_);
  if (e != head_) {
    unlink_lru(e);
    push_front(e);
  }
  return true;
}

bool BlockCache::contains(uint64_t blk) const { return find(blk) != nullptr; }

int BlockCache::write(uint64_t blk, const void* data) {
  if (!n_) return EINVAL;
  Entry* e = find(blk);
  if (!e) {
    e = slot(blk, false);
    if (!e) return EIO;
    e->valid = true;
    hash(e);
  } else if (e != head_) {
    unlink_lru(e);
    push_front(e);
  }
  memcpy(e->data, data, bsize_);
  if (!e->dirty) ++ndirty_;
  e->dirty = true;
  return 0;
}

unsigned BlockCache::fill(uint64_t blk, unsigned n) {
  if (!n_) return 0;
  if (n > n_ / 2) n = n_ / 2;  // never the whole cache for one read
  unsigned done = 0;
  while (done < n) {
    if (find(blk + done)) {
      ++done;
      continue;
    }
    // A run of missing blocks, one io() call.
    unsigned k = 0;
    Entry* got[64];
    unsigned lim = dev_.max_run < 64 ? dev_.max_run : 64;
    while (done + k < n && k < lim && !find(blk + done + k)) {
      Entry* e = slot(blk + done + k, false);
      if (!e) break;
      got[k] = e;
      bufs_[k] = e->data;
      ++k;
    }
    if (!k) return done;
    int rc = dev_.io(dev_.ctx, false, blk + done, bufs_, k);
    if (rc) {
      for (unsigned i = 0; i < k; ++i) {  // back to the tail, free
        unlink_lru(got[i]);
        push_back(got[i]);
      }
      return done;
    }
    for (unsigned i = 0; i < k; ++i) {
      got[i]->valid = true;
      hash(got[i]);
    }
    stats_.readahead += k;
    done += k;
  }
  return done;
}

void BlockCache::insert_clean(uint64_t blk, const void* data) {
  if (!n_ || find(blk)) return;
  Entry* e = slot(blk, true);
  if (!e) return;
  memcpy(e->data, data, bsize_);
  e->valid = true;
  hash(e);
}

void BlockCache::drop(uint64_t blk) {
  Entry* e = find(blk);
  if (!e) return;
  unhash(e);
  unlink_lru(e);
  push_back(e);
}

void BlockCache::drop_range(uint64_t blk, uint64_t n) {
  if (!n_) return;
  if (n <= n_) {
    for (uint64_t i = 0; i < n; ++i) drop(blk + i);
    return;
  }
  for (unsigned i = 0; i < n_; ++i) {
    Entry* e = &entries_[i];
    if (e->valid && e->blk >= blk && e->blk - blk < n) drop(e->blk);
  }
}

void BlockCache::overlay(uint64_t blk, uint64_t n, uint8_t* data) {
  if (!n_) return;
  if (n <= n_) {
    for (uint64_t i = 0; i < n; ++i)
      if (Entry* e = find(blk + i)) memcpy(data + i * bsize_, e->data, bsize_);
    return;
  }
  for (unsigned i = 0; i < n_; ++i) {
    Entry* e = &entries_[i];
    if (e->valid && e->blk >= blk && e->blk - blk < n) memcpy(data + (e->blk - blk) * bsize_, e->data, bsize_);
  }
}

int BlockCache::write_back() {
  if (!ndirty_) return 0;
  unsigned m = 0;
  for (unsigned i = 0; i < n_; ++i)
    if (entries_[i].valid && entries_[i].dirty) sorted_[m++] = &entries_[i];
  // Heapsort sorted_[0..m) by blk.
  auto less = [](const Entry* a, const Entry* b) { return a->blk < b->blk; };
  auto sift_down = [&](unsigned i, unsigned len) {
    for (;;) {
      unsigned c = 2 * i + 1;
      if (c >= len) return;
      if (c + 1 < len && less(sorted_[c], sorted_[c + 1])) ++c;
      if (!less(sorted_[i], sorted_[c])) return;
      Entry* t = sorted_[i];
      sorted_[i] = sorted_[c];
      sorted_[c] = t;
      i = c;
    }
  };
  for (unsigned i = m / 2; i-- > 0;) sift_down(i, m);
  for (unsigned len = m; len > 1; --len) {
    Entry* t = sorted_[0];
    sorted_[0] = sorted_[len - 1];
    sorted_[len - 1] = t;
    sift_down(0, len - 1);
  }
  int first = 0;
  for (unsigned i = 0; i < m;) {
    unsigned k = 1;
    bufs_[0] = sorted_[i]->data;
    while (i + k < m && k < dev_.max_run && sorted_[i + k]->blk == sorted_[i]->blk + k) {
      bufs_[k] = sorted_[i + k]->data;
      ++k;
    }
    int rc = dev_.io(dev_.ctx, true, sorted_[i]->blk, bufs_, k);
    ++stats_.writeback_runs;
    if (!rc) {
      for (unsigned j = 0; j < k; ++j) sorted_[i + j]->dirty = false;
      ndirty_ -= k;
      stats_.writebacks += k;
    } else {
      // The run failed: block by block, so one bad block keeps only
      // itself dirty.
      for (unsigned j = 0; j < k; ++j) {
        Entry* e = sorted_[i + j];
        int r1 = k == 1 ? rc : dev_.io(dev_.ctx, true, e->blk, &e->data, 1);
        if (r1) {
          if (!first) first = r1;  // stays dirty
          continue;
        }
        e->dirty = false;
        --ndirty_;
        ++stats_.writebacks;
      }
    }
    i += k;
  }
  return first;
}

}  // namespace kiln::extfs
