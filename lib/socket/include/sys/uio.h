/* Scatter/gather vectors (Kiln, lib/socket). */
#ifndef _KILN_SYS_UIO_H
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
#ifdef __cplusplus
}
#endif
#endif
