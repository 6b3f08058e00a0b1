// virtio-mmio devices announced on the kernel command line, in the form
// QEMU's microvm machine appends (and Linux reads):
//
//   virtio_mmio.device=<size>@<base>:<irq>[:<id>]     e.g. 512@0xfeb00e00:12
//
// Numbers are decimal or 0x-hex; size may end in K, M or G. QEMU appends
// these words after everything given with -append, that is after the
// app's arguments, so the platform takes them out of the whole line before
// the line is split. Pure code: host tests feed it malformed lines.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/plat/device.h>

namespace kiln::kvm {

constexpr char kVirtioMmioKey[] = "virtio_mmio.device=";

// Parses the value after the '='. False for anything malformed (missing
// parts, trailing junk, size 0, overflow, base + size wrapping).
bool parse_virtio_mmio(const char* value, size_t len, kiln_mmio_device* out);

struct MmioTake {
  size_t count = 0;      // devices stored in out
  size_t malformed = 0;  // words with the key but a bad value (removed too)
  size_t dropped = 0;    // well-formed words beyond max
};

// Blanks out (with spaces) every unquoted word of `line` that starts with
// the key, storing up to `max` parsed devices in out.
MmioTake take_virtio_mmio(char* line, kiln_mmio_device* out, size_t max);

}  // namespace kiln::kvm
