// Lookup in the symbol table embedded by support/gensyms.py.
#include <kiln/symbols.h>
#include <string.h>

namespace {
struct Entry {
  uint64_t addr;
  uint32_t name;
  uint32_t size;
};
static_assert(sizeof(Entry) == 16, "matches gensyms.py");
}  // namespace

// Set by the linker script around section .kiln_symtab (empty without it).
extern "C" const char __kiln_symtab_start[], __kiln_symtab_end[];

namespace {
bool table(const Entry** entries, uint64_t* count, const char** names) {
  if (__kiln_symtab_end - __kiln_symtab_start < 8) return false;
  uint64_t n;
  memcpy(&n, __kiln_symtab_start, 8);
  *entries = reinterpret_cast<const Entry*>(__kiln_symtab_start + 8);
  *count = n;
  *names = reinterpret_cast<const char*>(*entries + n);
  return true;
}
}  // namespace

extern "C" const char* kiln_symbol_lookup(uintptr_t addr, uintptr_t* offset) {
  const Entry* e;
  uint64_t n;
  const char* names;
  if (!table(&e, &n, &names) || n == 0 || addr < e[0].addr) return nullptr;
  uint64_t lo = 0, hi = n;  // find the last entry with e.addr <= addr
  while (hi - lo > 1) {
    uint64_t mid = (lo + hi) / 2;
    if (e[mid].addr <= addr) lo = mid;
    else hi = mid;
  }
  uintptr_t off = addr - e[lo].addr;
  // Past the end of a sized function and not the last one: not ours.
  if (e[lo].size && off >= e[lo].size && lo + 1 == n) return nullptr;
  if (offset) *offset = off;
  return names + e[lo].name;
}

extern "C" uintptr_t kiln_symbol_address(const char* name) {
  const Entry* e;
  uint64_t n;
  const char* names;
  if (!table(&e, &n, &names)) return 0;
  for (uint64_t i = 0; i < n; ++i)
    if (strcmp(names + e[i].name, name) == 0) return e[i].addr;
  return 0;
}
