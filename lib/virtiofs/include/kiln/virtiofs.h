// virtio-fs devices for the "virtiofs" filesystem (lib/virtiofs).
//
// A device driver (lib/virtio/src/fs.cpp) registers each device's FUSE
// channel under its tag at boot; `vfs.mount=virtiofs:/mnt:TAG[,ro]` finds
// it by tag, sends FUSE INIT and serves the host folder as a vfs
// filesystem. See docs/storage.md.
#pragma once
#include <stddef.h>
#include <kiln/fuse.h>

namespace kiln::virtiofs {

constexpr size_t kTagMax = 36;  // the config space's tag field
constexpr unsigned kMaxChannels = 8;

// ENOSPC: kMaxChannels already; EEXIST: the tag is taken (the second
// device is not used).
Result<void> register_channel(fuse::Channel* ch);
fuse::Channel* find_channel(const char* tag);
unsigned channel_count();
fuse::Channel* channel_at(unsigned i);

}  // namespace kiln::virtiofs
