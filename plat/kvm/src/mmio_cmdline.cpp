// Parsing of virtio_mmio.device= words (see kiln/kvm/mmio_cmdline.h).
#include <kiln/kvm/mmio_cmdline.h>

namespace kiln::kvm {
namespace {

// Reads a number at s[*i..len): decimal or 0x-hex. False on no digits or
// overflow.
bool number(const char* s, size_t len, size_t* i, uint64_t* out) {
  uint64_t v = 0;
  size_t p = *i;
  unsigned base = 10;
  if (p + 1 < len && s[p] == '0' && (s[p + 1] == 'x' || s[p + 1] == 'X')) {
    base = 16;
    p += 2;
  }
  size_t start = p;
  for (; p < len; ++p) {
    char c = s[p];
    unsigned d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else break;
    if (v > (~0ull - d) / base) return false;
    v = v * base + d;
  }
  if (p == start) return false;
  *i = p;
  *out = v;
  return true;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

}  // namespace

bool parse_virtio_mmio(const char* s, size_t len, kiln_mmio_device* out) {
  size_t i = 0;
  uint64_t size, base, irq, id;
  if (!number(s, len, &i, &size)) return false;
  if (i < len && (s[i] == 'K' || s[i] == 'k' || s[i] == 'M' || s[i] == 'm' || s[i] == 'G' || s[i] == 'g')) {
    unsigned shift = (s[i] == 'K' || s[i] == 'k') ? 10 : (s[i] == 'M' || s[i] == 'm') ? 20 : 30;
    if (size >> (64 - shift)) return false;
    size <<= shift;
    ++i;
  }
  if (i >= len || s[i++] != '@') return false;
  if (!number(s, len, &i, &base)) return false;
  if (i >= len || s[i++] != ':') return false;
  if (!number(s, len, &i, &irq)) return false;
  if (i < len && s[i] == ':') {  // optional platform device id, ignored
    ++i;
    if (!number(s, len, &i, &id)) return false;
  }
  if (i != len || size == 0 || base + size < base || irq > 0xffff) return false;
  *out = kiln_mmio_device{base, size, static_cast<unsigned>(irq)};
  return true;
}

MmioTake take_virtio_mmio(char* line, kiln_mmio_device* out, size_t max) {
  MmioTake t;
  constexpr size_t klen = sizeof kVirtioMmioKey - 1;
  char quote = 0;
  size_t i = 0;
  while (line[i]) {
    if (space(line[i])) {
      ++i;
      continue;
    }
    // A word starts at i; quoted words are never taken.
    size_t start = i;
    bool quoted = false;
    while (line[i] && (quote || !space(line[i]))) {
      if (quote) {
        if (line[i] == quote) quote = 0;
      } else if (line[i] == '"' || line[i] == '\'') {
        quote = line[i];
        quoted = true;
      } else if (line[i] == '\\' && line[i + 1]) {
        quoted = true;
        ++i;
      }
      ++i;
    }
    size_t n = i - start;
    if (quoted || n < klen) continue;
    bool match = true;
    for (size_t k = 0; k < klen; ++k) match &= line[start + k] == kVirtioMmioKey[k];
    if (!match) continue;
    kiln_mmio_device d;
    if (!parse_virtio_mmio(line + start + klen, n - klen, &d)) ++t.malformed;
    else if (t.count < max) out[t.count++] = d;
    else ++t.dropped;
    for (size_t k = start; k < i; ++k) line[k] = ' ';
  }
  return t;
}

}  // namespace kiln::kvm
