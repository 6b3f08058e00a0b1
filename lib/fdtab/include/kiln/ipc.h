// Pipes, socketpair, eventfd and epoll as kiln::Files (lib/fdtab): the
// C++ side of pipe/pipe2/socketpair/eventfd/epoll_* (src/ipc_calls.cpp
// has the C calls). docs/ipc.md describes the behaviour and limits.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <kiln/file.h>
#include <kiln/result.h>

struct epoll_event;

namespace kiln {

constexpr size_t kPipeBuf = 4096;  // PIPE_BUF: writes up to it are atomic

// A pipe: fds[0] reads, fds[1] writes. flags: O_NONBLOCK, O_CLOEXEC
// (accepted: no exec), else EINVAL. ENOMEM without heap, EMFILE at the
// descriptor limit (nothing is left open on failure).
Result<void> pipe_open(int fds[2], int flags);
// Two connected byte streams (two pipes crossed). type: SOCK_STREAM plus
// SOCK_NONBLOCK / SOCK_CLOEXEC. EAFNOSUPPORT unless AF_UNIX, EOPNOTSUPP
// for other types (EPROTONOSUPPORT for a protocol other than 0).
Result<void> socketpair_open(int domain, int type, int protocol, int fds[2]);
// FIFOs (named pipes, for lib/vfs's FIFO inodes): the shared state of one
// inode (one reference, the inode's), dropped with fifo_put; fifo_open gives
// a new open of it (one reference for the caller) with Linux's rules:
// O_RDONLY blocks until a writer opens (not with O_NONBLOCK), O_WRONLY until
// a reader does (O_NONBLOCK: ENXIO without one), O_RDWR never blocks.
struct Fifo;
Result<Fifo*> fifo_new();
void fifo_put(Fifo* f);
Result<File*> fifo_open(Fifo* f, int flags);
// eventfd(initval, flags): EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC.
Result<int> eventfd_open(unsigned initval, int flags);
// epoll_create1(flags): EPOLL_CLOEXEC or EINVAL.
Result<int> epoll_open(int flags);
Result<void> epoll_control(int epfd, int op, int fd, struct epoll_event* ev);
// timeout_ns < 0: for ever.
Result<int> epoll_wait_ns(int epfd, struct epoll_event* out, int max, int64_t timeout_ns);

}  // namespace kiln
