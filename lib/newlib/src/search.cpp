// The POSIX <search.h> functions newlib lacks (lib/newlib/include/search.h):
// doubly linked queues (insque/remque) and linear search (lsearch/lfind).
// An element of a queue starts with two pointers, forward then backward,
// as POSIX describes; a NULL pred starts a new linear (NULL-ended) list.
#include <search.h>
#include <string.h>

namespace {
struct Link {
  Link* next;
  Link* prev;
};
}  // namespace

extern "C" {

void insque(void* element, void* pred) {
  Link* e = static_cast<Link*>(element);
  Link* p = static_cast<Link*>(pred);
  if (!e) return;
  if (!p) {
    e->next = e->prev = nullptr;
    return;
  }
  e->next = p->next;
  e->prev = p;
  if (p->next) p->next->prev = e;
  p->next = e;
}

void remque(void* element) {
  Link* e = static_cast<Link*>(element);
  if (!e) return;
  if (e->next) e->next->prev = e->prev;
  if (e->prev) e->prev->next = e->next;
}

void* lfind(const void* key, const void* base, size_t* nelp, size_t width,
            int (*compar)(const void*, const void*)) {
  if (!nelp || !compar) return nullptr;
  const char* p = static_cast<const char*>(base);
  for (size_t i = 0; i < *nelp; ++i, p += width)
    if (compar(key, p) == 0) return const_cast<char*>(p);
  return nullptr;
}

// Not found: the key is appended (the caller's array has room, POSIX).
void* lsearch(const void* key, void* base, size_t* nelp, size_t width,
              int (*compar)(const void*, const void*)) {
  if (void* found = lfind(key, base, nelp, width, compar)) return found;
  if (!nelp || !compar) return nullptr;
  char* slot = static_cast<char*>(base) + *nelp * width;
  memcpy(slot, key, width);
  ++*nelp;
  return slot;
}

}  // extern "C"
