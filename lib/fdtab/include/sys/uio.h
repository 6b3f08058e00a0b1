/* Scatter/gather vectors (Kiln, lib/fdtab): readv and writev work on every
 * descriptor (kiln::File::readv/writev; sockets use lwIP's own). */
#if defined(__GLIBC__)
/* Built for the host (host unit tests): the host C library's own. */
#include_next <sys/uio.h>
#elif !defined(_KILN_SYS_UIO_H)
#define _KILN_SYS_UIO_H
#include <stddef.h>
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif
struct iovec {
  void* iov_base;
  size_t iov_len;
};
#ifndef IOV_MAX
#define IOV_MAX 0xFFFF
#endif
ssize_t readv(int fd, const struct iovec* iov, int n);
ssize_t writev(int fd, const struct iovec* iov, int n);
#ifdef __cplusplus
}
#endif
#endif
