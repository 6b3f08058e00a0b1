// Host file descriptors watched by the linuxu platform (the tap device
// today): when the image is idle it sleeps in ppoll on them and on the
// timer deadline, so a packet wakes it like an interrupt would.
//
//   kiln_linuxu_watch_fd(fd, on_readable, dev);
//
// The callback runs with events masked (idle loop or timer-signal
// context): it must not block; it may wake threads (Semaphore::up,
// WaitQueue::wake_*). It is called while the fd is readable each time the
// platform looks, so it should hand the work to a thread that drains the
// fd (the fd is level-triggered). Busy images look at the watched fds at
// each timer event as well (zero-timeout ppoll).
#pragma once

namespace linuxu {
constexpr int kMaxWatchedFds = 8;
// 0, or -ENOSPC when kMaxWatchedFds are watched already.
int watch_fd(int fd, void (*on_readable)(void*), void* arg);
// Turns a watch off (ppoll skips the fd) or on again. For fds that are
// readable for long stretches nobody waits on (stdin at end of input),
// which a level-triggered watch would turn into a busy idle loop: the
// console watches stdin only while a reader waits (one-shot).
void set_watch(int fd, bool on);
}  // namespace linuxu
