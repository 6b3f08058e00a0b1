// Memory mappings (docs/libc.md "Memory mapping"): mmap, munmap, mprotect,
// mremap, madvise, msync, mlock and friends, as the system-call table's
// entries (kiln/syscall.h) and their POSIX wrappers.
//
// One address space, one process: a mapping is memory from the heap
// (kiln_palloc: whole pages, page-aligned; on kvm/xen free RAM in the
// identity map, on linuxu the host mapping the heap lives in), so
// "private" and "shared" anonymous mappings are the same thing. Every
// mmap takes one heap block (a Chunk) sized to the request; mappings
// (Vma, sorted by address) cover parts of chunks: munmap and mprotect
// split them. A chunk goes back to the heap when no mapping covers any of
// it; until then the pages munmap took out of it are made inaccessible
// (kiln_plat_protect), so touching them faults as on Linux, and MAP_FIXED
// may map them again. Rights (PROT_*) are real page rights: the bare-metal
// page tables, the host's mprotect on linuxu (kiln/plat/paging.h).
//
// Files (src/mapfile.h): MAP_PRIVATE reads the file in at map time;
// MAP_SHARED does too and writes the mapping back at msync and munmap
// (the mapping and read()/write() are not coherent in between).
//
// Locking: one lock (events masked) over the mapping list and every call's
// whole work, zero-filling and file reads included (ramfs never blocks).
// The fault hint reads the list without it (crash context).
#include "mapfile.h"
#include <kiln/alloc.h>
#include <kiln/assert.h>
#include <kiln/lock.h>
#include <kiln/mm.h>
#include <kiln/plat/paging.h>
#include <kiln/print.h>
#include <kiln/syscall.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

namespace kiln::mm {
namespace {

constexpr uintptr_t kPage = 4096;
constexpr int kProtMask = PROT_READ | PROT_WRITE | PROT_EXEC;
constexpr int kRW = PROT_READ | PROT_WRITE;

struct Chunk {
  uintptr_t base;
  size_t len;
  size_t live;        // bytes of it some mapping covers
  bool reprotected;   // rights changed somewhere: made read/write again before it is freed
  Chunk* next;
};

struct Vma {
  uintptr_t start, end;
  int prot;
  bool shared, anon, file_writable;
  Chunk* chunk;
  MapFile* file;  // referenced, or nullptr (anonymous)
  off_t off;      // the file offset of start
  Vma* next;
};

struct Space {
  Vma* vmas;      // sorted by start, not overlapping
  Chunk* chunks;
  size_t nvmas, mapped, nchunks, chunk_bytes;
};

constinit Space space{};
constinit IrqLock lock;
constinit int busy = 0;  // inside a locked section (the reclaimer must not run then)

// The lock, and the mark that mm's lists are being changed.
struct Busy {
  LockGuard<IrqLock> g{lock};
  Busy() { ++busy; }
  ~Busy() { --busy; }
  Busy(const Busy&) = delete;
  Busy& operator=(const Busy&) = delete;
};

uintptr_t page_up(uintptr_t v) { return (v + kPage - 1) & ~(kPage - 1); }

// Page rights, giving the platform page-table pages while it asks for them
// (a large page split for the first time).
int set_rights(uintptr_t a, size_t len, int prot) {
  if (!len) return 0;
  for (int tries = 0; tries < 16; ++tries) {
    int r = kiln_plat_protect(reinterpret_cast<void*>(a), len, static_cast<unsigned>(prot & kProtMask));
    if (r == -ENOSYS) {
      static bool logged;
      if (!logged) kiln_warn("mm: this platform cannot change page rights; PROT_* is not enforced");
      logged = true;
      return 0;
    }
    if (r != -ENOMEM) return r;
    void* pg = kiln_palloc(1);
    if (!pg) return -ENOMEM;
    if (kiln_plat_paging_donate(pg) < 0) {
      kiln_pfree(pg, 1);
      return -ENOMEM;
    }
  }
  return -ENOMEM;
}

Chunk* chunk_of(uintptr_t s, uintptr_t e) {
  for (Chunk* c = space.chunks; c; c = c->next)
    if (s >= c->base && e <= c->base + c->len) return c;
  return nullptr;
}

bool overlaps_any(uintptr_t s, uintptr_t e) {
  for (Vma* v = space.vmas; v && v->start < e; v = v->next)
    if (v->end > s) return true;
  return false;
}

void insert(Vma* n) {
  Vma** pp = &space.vmas;
  while (*pp && (*pp)->start < n->start) pp = &(*pp)->next;
  n->next = *pp;
  *pp = n;  // one store publishes it (the fault hint walks without the lock)
  ++space.nvmas;
  space.mapped += n->end - n->start;
  n->chunk->live += n->end - n->start;
}

void free_chunk(Chunk* c) {
  for (Chunk** pp = &space.chunks; *pp; pp = &(*pp)->next) {
    if (*pp == c) {
      *pp = c->next;
      break;
    }
  }
  if (c->reprotected) set_rights(c->base, c->len, kRW);  // the heap's own rights again
  --space.nchunks;
  space.chunk_bytes -= c->len;
  kiln_pfree(reinterpret_cast<void*>(c->base), c->len / kPage);
  kiln_free(c);
}

// Make [s, e) of v readable for the kernel (write-back, copies) while f runs.
template <typename F>
long with_rights(const Vma* v, uintptr_t s, uintptr_t e, int need, F f) {
  bool change = (v->prot & need) != need;
  if (change) {
    long r = set_rights(s, e - s, v->prot | need);
    if (r < 0) return r;
  }
  long r = f();
  if (change) set_rights(s, e - s, v->prot);
  return r;
}

long store_back(const Vma* v, uintptr_t s, uintptr_t e) {
  if (!v->shared || !v->file || !v->file_writable) return 0;
  return with_rights(v, s, e, PROT_READ, [&] {
    return file_store(v->file, reinterpret_cast<void*>(s), e - s, v->off + static_cast<off_t>(s - v->start));
  });
}

// Fill [s, e) of v with what a fresh mapping holds there (zeros, or the file).
long fill(const Vma* v, uintptr_t s, uintptr_t e) {
  return with_rights(v, s, e, kRW, [&]() -> long {
    if (v->file) return file_fill(v->file, reinterpret_cast<void*>(s), e - s, v->off + static_cast<off_t>(s - v->start));
    memset(reinterpret_cast<void*>(s), 0, e - s);
    return 0;
  });
}

// Splits v at a (start < a < end): v keeps [start, a), spare becomes [a, end).
void split(Vma* v, uintptr_t a, Vma* spare) {
  *spare = *v;
  spare->start = a;
  spare->off = v->off + static_cast<off_t>(a - v->start);
  v->end = a;
  if (spare->file) file_ref(spare->file);
  spare->next = v->next;
  v->next = spare;
  ++space.nvmas;
}

// Splits at s and e so that mappings lie wholly in or out of [s, e).
// Needs up to two spares (*spares are taken and set to nullptr as used).
void split_at(uintptr_t s, uintptr_t e, Vma** spares) {
  for (Vma* v = space.vmas; v && v->start < e; v = v->next) {
    for (uintptr_t a : {s, e}) {
      if (a > v->start && a < v->end) {
        Vma*& slot = spares[0] ? spares[0] : spares[1];
        KILN_ASSERT(slot);
        Vma* sp = slot;
        slot = nullptr;
        split(v, a, sp);
        break;  // v now ends at a; the second cut (if any) is in the next one
      }
    }
  }
}

// Removes every mapping in [s, e) (shared files written back first); the
// pages stay in their chunks, inaccessible, until a chunk is unused.
long unmap_range(uintptr_t s, uintptr_t e, Vma** spares, bool write_back) {
  split_at(s, e, spares);
  long err = 0;
  Vma** pp = &space.vmas;
  while (*pp && (*pp)->start < e) {
    Vma* v = *pp;
    if (v->end <= s) {
      pp = &v->next;
      continue;
    }
    if (write_back) {
      long r = store_back(v, v->start, v->end);
      if (r < 0 && !err) err = r;
    }
    *pp = v->next;
    --space.nvmas;
    size_t n = v->end - v->start;
    space.mapped -= n;
    Chunk* c = v->chunk;
    c->live -= n;
    if (v->file) file_unref(v->file);
    if (!c->live) {
      free_chunk(c);
    } else {
      set_rights(v->start, n, 0);  // a hole: touching it faults
      c->reprotected = true;
    }
    kiln_free(v);
  }
  return err;
}

// The mappings over [s, e) cover it without a gap.
bool covered(uintptr_t s, uintptr_t e) {
  uintptr_t at = s;
  for (Vma* v = space.vmas; v && v->start < e; v = v->next) {
    if (v->end <= at) continue;
    if (v->start > at) return false;
    at = v->end;
    if (at >= e) return true;
  }
  return at >= e;
}

Vma* find(uintptr_t a) {
  for (Vma* v = space.vmas; v && v->start <= a; v = v->next)
    if (a < v->end) return v;
  return nullptr;
}

// Two spare Vmas for the splits one call may need, freed if unused.
struct Spares {
  Vma* v[2] = {nullptr, nullptr};
  bool get() {
    for (auto& s : v)
      if (!s && !(s = static_cast<Vma*>(kiln_malloc(sizeof(Vma))))) return false;
    return true;
  }
  ~Spares() {
    for (auto* s : v) kiln_free(s);
  }
};

// The page-rounded end of [addr, addr + len), or false if it wraps.
bool range_end(unsigned long addr, size_t len, uintptr_t* e) {
  uintptr_t end;
  if (__builtin_add_overflow(addr, len, &end) || end > ~uintptr_t{0} - kPage) return false;
  *e = page_up(end);
  return true;
}

long check_range(unsigned long addr, size_t len, uintptr_t* s, uintptr_t* e) {
  if (addr & (kPage - 1)) return -EINVAL;
  if (!len) return -EINVAL;
  if (!range_end(addr, len, e)) return -ENOMEM;
  *s = addr;
  return 0;
}

bool reclaim_holes();

long do_mmap(unsigned long addr, size_t len, int prot, int flags, int fd, off_t off) {
  static bool reclaimer;
  if (!reclaimer) {
    kiln_alloc_set_reclaim(reclaim_holes);
    reclaimer = true;
  }
  int type = flags & MAP_TYPE;
  if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE) return -EINVAL;
  constexpr int kKnown = MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_32BIT | MAP_GROWSDOWN | MAP_DENYWRITE |
                         MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK |
                         MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE | MAP_UNINITIALIZED;
  if (type == MAP_SHARED_VALIDATE && (flags & ~kKnown)) return -EOPNOTSUPP;
  if (!len) return -EINVAL;
  if (prot & ~(kProtMask | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
  if (off & static_cast<off_t>(kPage - 1)) return -EINVAL;
  if (len > (uintptr_t{1} << 47)) return -ENOMEM;
  const bool anon = flags & MAP_ANONYMOUS;
  const bool shared = type != MAP_PRIVATE;
  const bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
  const size_t size = page_up(len);
  if (fixed && (addr & (kPage - 1))) return -EINVAL;
  if (!anon && off < 0) return -EINVAL;

  MapFile* file = nullptr;
  bool file_writable = false;
  if (!anon) {
    long r = file_get(fd, shared && (prot & PROT_WRITE), &file, &file_writable);
    if (r < 0) return r;
  }
  auto* v = static_cast<Vma*>(kiln_malloc(sizeof(Vma)));
  Spares sp;
  if (!v || !sp.get()) {
    kiln_free(v);
    if (file) file_unref(file);
    return -ENOMEM;
  }
  *v = Vma{0, 0, prot & kProtMask, shared, anon, file_writable, nullptr, file, anon ? 0 : off, nullptr};
  auto fail = [&](long err) {
    kiln_free(v);
    if (file) file_unref(file);
    return err;
  };

  Busy g;
  Chunk* fresh = nullptr;
  if (fixed) {
    uintptr_t s = addr, e = addr + size;
    if (e < s) return fail(-ENOMEM);
    if ((flags & MAP_FIXED_NOREPLACE) && overlaps_any(s, e)) return fail(-EEXIST);
    // Only where this library's memory is: over (parts of) one earlier
    // mmap's block, mapped or unmapped (docs/libc.md).
    Chunk* c = chunk_of(s, e);
    if (!c) return fail(-ENOMEM);
    c->live += 1;  // hold it while its old mappings go
    unmap_range(s, e, sp.v, true);
    c->live -= 1;
    v->start = s;
    v->end = e;
    v->chunk = c;
  } else {
    auto* c = static_cast<Chunk*>(kiln_malloc(sizeof(Chunk)));
    void* mem = c ? kiln_palloc(size / kPage) : nullptr;
    if (!mem) {
      kiln_free(c);
      return fail(-ENOMEM);
    }
    *c = Chunk{reinterpret_cast<uintptr_t>(mem), size, 0, false, space.chunks};
    space.chunks = c;
    ++space.nchunks;
    space.chunk_bytes += size;
    fresh = c;
    v->start = c->base;
    v->end = c->base + size;
    v->chunk = c;
  }
  // The pages are read/write here: fresh from the heap, or (MAP_FIXED in
  // a hole) made so by fill.
  Vma tmp = *v;
  tmp.prot = fixed ? 0 : kRW;
  long r = fill(&tmp, v->start, v->end);
  if (r >= 0 && (v->prot != kRW || fixed)) {
    r = set_rights(v->start, size, v->prot);
    if (v->prot != kRW) v->chunk->reprotected = true;
  }
  if (r < 0) {
    Chunk* c = v->chunk;
    if (fresh || !c->live) {
      free_chunk(c);
    } else {
      set_rights(v->start, size, 0);
    }
    return fail(r);
  }
  insert(v);
  return static_cast<long>(v->start);
}

// The first page range of c at or after from that no mapping covers.
bool first_hole(const Chunk* c, uintptr_t from, uintptr_t* hs, uintptr_t* he) {
  const uintptr_t end = c->base + c->len;
  uintptr_t at = from;
  for (Vma* v = space.vmas; v && at < end; v = v->next) {
    if (v->chunk != c || v->end <= at) continue;
    if (v->start > at) {
      *hs = at;
      *he = v->start;
      return true;
    }
    at = v->end;
  }
  if (at >= end) return false;
  *hs = at;
  *he = end;
  return true;
}

// The heap ran out (kiln_alloc_set_reclaim): give it the pages of munmap
// holes, splitting their chunks (after that, MAP_FIXED into such a hole
// fails with ENOMEM, as an address outside mm's memory). Not while mm
// itself is changing its lists (an allocation of its own failed).
bool reclaim_holes() {
  if (busy) return false;
  Busy g;
  bool gave = false;
  for (Chunk* c = space.chunks; c; c = c->next) {
    uintptr_t from = c->base, hs, he;
    while (first_hole(c, from, &hs, &he)) {
      const uintptr_t end = c->base + c->len;
      const bool tail = he < end;
      // The record for the part after the hole, when there is one: taken
      // before (there may be room), else after the pages are back.
      Chunk* nc = tail ? static_cast<Chunk*>(kiln_malloc(sizeof(Chunk))) : nullptr;
      if (set_rights(hs, he - hs, kRW) < 0 ||
          !kiln_prelease(reinterpret_cast<void*>(c->base), hs - c->base, he - hs)) {
        set_rights(hs, he - hs, 0);
        kiln_free(nc);
        from = he;
        continue;
      }
      gave = true;
      space.chunk_bytes -= he - hs;
      if (tail && !nc) nc = static_cast<Chunk*>(kiln_malloc(sizeof(Chunk)));
      KILN_ASSERT(!tail || nc);  // the pages just given back hold it
      if (hs == c->base) {  // the hole was the start: c is what follows it
        c->base = he;
        c->len = end - he;
        kiln_free(nc);
        from = he;
        continue;
      }
      c->len = hs - c->base;
      if (!tail) break;
      *nc = Chunk{he, end - he, 0, c->reprotected, c->next};
      for (Vma* v = space.vmas; v; v = v->next) {
        if (v->chunk != c || v->start < he) continue;
        v->chunk = nc;
        nc->live += v->end - v->start;
      }
      c->live -= nc->live;
      c->next = nc;
      ++space.nchunks;
      break;  // nc is next in the list: its holes come next
    }
  }
  return gave;
}

long do_munmap(unsigned long addr, size_t len) {
  uintptr_t s, e;
  if (long r = check_range(addr, len, &s, &e); r < 0) return r;
  Spares sp;
  if (!sp.get()) return -ENOMEM;
  Busy g;
  return unmap_range(s, e, sp.v, true);
}

long do_mprotect(unsigned long addr, size_t len, int prot) {
  uintptr_t s, e;
  if (long r = check_range(addr, len, &s, &e); r < 0) return r;
  if (prot & ~(kProtMask | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
  prot &= kProtMask;
  Spares sp;
  if (!sp.get()) return -ENOMEM;
  Busy g;
  if (!covered(s, e)) return -ENOMEM;
  for (Vma* v = space.vmas; v && v->start < e; v = v->next)
    if (v->end > s && v->shared && v->file && (prot & PROT_WRITE) && !v->file_writable) return -EACCES;
  split_at(s, e, sp.v);
  long r = set_rights(s, e - s, prot);
  if (r < 0) return r;
  for (Vma* v = space.vmas; v && v->start < e; v = v->next) {
    if (v->end <= s) continue;
    v->prot = prot;
    if (prot != kRW) v->chunk->reprotected = true;
  }
  return 0;
}

long do_mremap(unsigned long old, size_t old_len, size_t new_len, int flags) {
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) return -EINVAL;
  if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) return -EINVAL;  // not supported (docs/libc.md)
  if (old & (kPage - 1)) return -EINVAL;
  if (!old_len || !new_len) return -EINVAL;
  if (new_len > (uintptr_t{1} << 47) || old_len > (uintptr_t{1} << 47)) return -ENOMEM;
  const uintptr_t s = old, e = old + page_up(old_len), ne = old + page_up(new_len);
  Spares sp;
  if (!sp.get()) return -ENOMEM;
  Busy g;
  Vma* v = find(s);
  if (!v || e > v->end) return -EFAULT;
  if (ne <= e) {  // shrink (or the same size)
    if (ne < e) unmap_range(ne, e, sp.v, true);
    return static_cast<long>(s);
  }
  // Grow in place: the pages after it are a hole of its own chunk.
  if (e == v->end && ne <= v->chunk->base + v->chunk->len && !overlaps_any(e, ne)) {
    Vma tmp = *v;
    tmp.prot = 0;
    long r = fill(&tmp, e, ne);
    if (r >= 0) r = set_rights(e, ne - e, v->prot);
    if (r < 0) return r;
    v->end = ne;
    v->chunk->live += ne - e;
    space.mapped += ne - e;
    return static_cast<long>(s);
  }
  if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
  // Move: a new chunk with the old bytes and the new part filled.
  const size_t size = ne - s;
  auto* c = static_cast<Chunk*>(kiln_malloc(sizeof(Chunk)));
  auto* nv = static_cast<Vma*>(kiln_malloc(sizeof(Vma)));
  void* mem = c && nv ? kiln_palloc(size / kPage) : nullptr;
  if (!mem) {
    kiln_free(c);
    kiln_free(nv);
    return -ENOMEM;
  }
  const uintptr_t base = reinterpret_cast<uintptr_t>(mem);
  *c = Chunk{base, size, 0, false, space.chunks};
  space.chunks = c;
  ++space.nchunks;
  space.chunk_bytes += size;
  *nv = *v;
  nv->start = base;
  nv->end = base + size;
  nv->off = v->off + static_cast<off_t>(s - v->start);
  nv->chunk = c;
  nv->next = nullptr;
  if (nv->file) file_ref(nv->file);
  long r = with_rights(v, s, e, PROT_READ, [&] {
    memcpy(mem, reinterpret_cast<void*>(s), e - s);
    return 0L;
  });
  Vma tmp = *nv;
  tmp.prot = kRW;
  if (r >= 0) r = fill(&tmp, base + (e - s), base + size);
  if (r >= 0 && nv->prot != kRW) {
    r = set_rights(base, size, nv->prot);
    c->reprotected = true;
  }
  if (r < 0) {
    if (nv->file) file_unref(nv->file);
    kiln_free(nv);
    free_chunk(c);
    return r;
  }
  insert(nv);
  unmap_range(s, e, sp.v, false);  // its bytes live on in the new mapping
  return static_cast<long>(base);
}

long do_madvise(unsigned long addr, size_t len, int advice) {
  if (addr & (kPage - 1)) return -EINVAL;
  switch (advice) {
    case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED: case MADV_FREE:
    case MADV_DONTFORK: case MADV_DOFORK: case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK: case MADV_KEEPONFORK:
    case MADV_COLD: case MADV_PAGEOUT: case MADV_POPULATE_READ: case MADV_POPULATE_WRITE: case MADV_DONTNEED:
      break;
    default:
      return -EINVAL;
  }
  if (!len) return 0;
  uintptr_t s = addr, e;
  if (!range_end(addr, len, &e)) return -ENOMEM;
  Busy g;
  if (!covered(s, e)) return -ENOMEM;
  if (advice != MADV_DONTNEED) return 0;
  // As Linux: a private mapping's pages are dropped and read as new ones
  // again (zeros, or the file); a shared mapping keeps its bytes.
  for (Vma* v = space.vmas; v && v->start < e; v = v->next) {
    if (v->end <= s || v->shared) continue;
    long r = fill(v, s > v->start ? s : v->start, e < v->end ? e : v->end);
    if (r < 0) return r;
  }
  return 0;
}

long do_msync(unsigned long addr, size_t len, int flags) {
  if (addr & (kPage - 1)) return -EINVAL;
  if (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) return -EINVAL;
  if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return -EINVAL;
  uintptr_t s = addr, e;
  if (!range_end(addr, len, &e)) return -ENOMEM;
  Busy g;
  if (len && !covered(s, e)) return -ENOMEM;
  for (Vma* v = space.vmas; v && v->start < e; v = v->next) {
    if (v->end <= s) continue;
    long r = store_back(v, s > v->start ? s : v->start, e < v->end ? e : v->end);
    if (r < 0) return r;
  }
  return 0;
}

long do_mlock(unsigned long addr, size_t len) {
  // Every page is resident: locking only checks the range.
  uintptr_t e;
  return range_end(addr & ~(kPage - 1), len + (addr & (kPage - 1)), &e) ? 0 : -ENOMEM;
}

void prot_name(char* out, size_t n, int prot) {
  if (!prot) {
    kiln_snprintf(out, n, "PROT_NONE");
    return;
  }
  kiln_snprintf(out, n, "%s%s%s%s%s", prot & PROT_READ ? "PROT_READ" : "",
                (prot & PROT_READ) && (prot & (PROT_WRITE | PROT_EXEC)) ? "|" : "", prot & PROT_WRITE ? "PROT_WRITE" : "",
                (prot & PROT_WRITE) && (prot & PROT_EXEC) ? "|" : "", prot & PROT_EXEC ? "PROT_EXEC" : "");
}

// Crash reports: which mapping a faulting address is in (no locks).
const char* mapping_hint(uintptr_t addr) {
  static char buf[160];
  char p[40];
  for (Vma* v = space.vmas; v; v = v->next) {
    if (addr < v->start || addr >= v->end) continue;
    prot_name(p, sizeof p, v->prot);
    kiln_snprintf(buf, sizeof buf, "in mmap mapping %#lx-%#lx (%s %s, %s)%s", static_cast<unsigned long>(v->start),
                  static_cast<unsigned long>(v->end), v->file ? "file" : "anonymous", v->shared ? "shared" : "private",
                  p, !v->prot ? ": no access is allowed" : (v->prot & PROT_WRITE) ? "" : ": the mapping is not writable");
    return buf;
  }
  for (Chunk* c = space.chunks; c; c = c->next) {
    if (addr >= c->base && addr < c->base + c->len) {
      kiln_snprintf(buf, sizeof buf, "in an unmapped part (munmap) of the mmap block %#lx-%#lx",
                    static_cast<unsigned long>(c->base), static_cast<unsigned long>(c->base + c->len));
      return buf;
    }
  }
  return nullptr;
}

}  // namespace
}  // namespace kiln::mm

// The hint is linked only with mmap (mappings exist only then): its entry
// is in a section the linker script does not KEEP, and kiln_sys_mmap's
// body refers to it with a no-op relocation (which follows the code where
// it is inlined), so an image without mmap carries neither.
extern "C" const kiln_fault_hint_entry kiln_mm_fault_hint;
// KILN_USED: LTO does not see the asm reference below and would drop it
// (the linker still drops the section when nothing refers to it).
extern "C" const kiln_fault_hint_entry kiln_mm_fault_hint KILN_USED KILN_SECTION(".kiln_fault_hints.on_use")
    __attribute__((aligned(8))) = {kiln::mm::mapping_hint, "mm"};

extern "C" {

long kiln_sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags, unsigned long fd,
                   unsigned long off) {
  // Links the fault hint (above) with this code, inlined or not.
  __asm__ volatile(".reloc ., BFD_RELOC_NONE, kiln_mm_fault_hint");
  return kiln::mm::do_mmap(addr, len, static_cast<int>(prot), static_cast<int>(flags), static_cast<int>(fd),
                           static_cast<off_t>(off));
}
KILN_SYSCALL(mmap);

long kiln_sys_munmap(unsigned long addr, size_t len) {
  return kiln::mm::do_munmap(addr, len);
}
KILN_SYSCALL(munmap);

long kiln_sys_mprotect(unsigned long addr, size_t len, unsigned long prot) {
  return kiln::mm::do_mprotect(addr, len, static_cast<int>(prot));
}
KILN_SYSCALL(mprotect);

long kiln_sys_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len, unsigned long flags,
                     unsigned long) {
  return kiln::mm::do_mremap(addr, old_len, new_len, static_cast<int>(flags));
}
KILN_SYSCALL(mremap);

long kiln_sys_madvise(unsigned long addr, size_t len, int advice) {
  return kiln::mm::do_madvise(addr, len, advice);
}
KILN_SYSCALL(madvise);

long kiln_sys_msync(unsigned long addr, size_t len, int flags) {
  return kiln::mm::do_msync(addr, len, flags);
}
KILN_SYSCALL(msync);

long kiln_sys_mlock(unsigned long addr, size_t len) {
  return kiln::mm::do_mlock(addr, len);
}
KILN_SYSCALL(mlock);

long kiln_sys_munlock(unsigned long addr, size_t len) {
  return kiln::mm::do_mlock(addr, len);
}
KILN_SYSCALL(munlock);

long kiln_sys_mlockall(int flags) {
  return flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) || !flags ? -EINVAL : 0;
}
KILN_SYSCALL(mlockall);

long kiln_sys_munlockall(void) {
  return 0;
}
KILN_SYSCALL(munlockall);

void* mmap(void* addr, size_t len, int prot, int flags, int fd, off_t off) {
  long r = kiln_sys_ret(kiln_sys_mmap(reinterpret_cast<unsigned long>(addr), len, static_cast<unsigned long>(prot),
                                      static_cast<unsigned long>(flags), static_cast<unsigned long>(fd),
                                      static_cast<unsigned long>(off)));
  return r == -1 ? MAP_FAILED : reinterpret_cast<void*>(r);
}

int munmap(void* addr, size_t len) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_munmap(reinterpret_cast<unsigned long>(addr), len)));
}

int mprotect(void* addr, size_t len, int prot) {
  return static_cast<int>(
      kiln_sys_ret(kiln_sys_mprotect(reinterpret_cast<unsigned long>(addr), len, static_cast<unsigned long>(prot))));
}

void* mremap(void* old, size_t old_len, size_t new_len, int flags, ...) {
  unsigned long new_addr = 0;
  if (flags & MREMAP_FIXED) {
    va_list ap;
    va_start(ap, flags);
    new_addr = reinterpret_cast<unsigned long>(va_arg(ap, void*));
    va_end(ap);
  }
  long r = kiln_sys_ret(kiln_sys_mremap(reinterpret_cast<unsigned long>(old), old_len, new_len,
                                        static_cast<unsigned long>(flags), new_addr));
  return r == -1 ? MAP_FAILED : reinterpret_cast<void*>(r);
}

int madvise(void* addr, size_t len, int advice) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_madvise(reinterpret_cast<unsigned long>(addr), len, advice)));
}

// posix_madvise returns the error instead of setting errno; its
// POSIX_MADV_DONTNEED is advice only (Linux's glibc ignores it too).
int posix_madvise(void* addr, size_t len, int advice) {
  if (advice == POSIX_MADV_DONTNEED) return 0;
  long r = kiln_sys_madvise(reinterpret_cast<unsigned long>(addr), len, advice);
  return r < 0 ? static_cast<int>(-r) : 0;
}

int msync(void* addr, size_t len, int flags) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_msync(reinterpret_cast<unsigned long>(addr), len, flags)));
}

int mlock(const void* addr, size_t len) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_mlock(reinterpret_cast<unsigned long>(addr), len)));
}

int munlock(const void* addr, size_t len) {
  return static_cast<int>(kiln_sys_ret(kiln_sys_munlock(reinterpret_cast<unsigned long>(addr), len)));
}

int mlockall(int flags) { return static_cast<int>(kiln_sys_ret(kiln_sys_mlockall(flags))); }
int munlockall(void) { return static_cast<int>(kiln_sys_ret(kiln_sys_munlockall())); }

void kiln_mm_get_stats(struct kiln_mm_stats* out) {
  kiln::LockGuard g(kiln::mm::lock);
  *out = kiln_mm_stats{kiln::mm::space.nvmas, kiln::mm::space.mapped, kiln::mm::space.nchunks,
                       kiln::mm::space.chunk_bytes};
}

}  // extern "C"
