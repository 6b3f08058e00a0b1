// The system-call table's functions (kiln/syscall.h): one declaration per
// implemented call, Linux's name and argument types, grouped by the library
// that implements it. Each returns the result or a negative errno.
#pragma once
#include <stddef.h>
#include <sys/types.h>
#include <kiln/compiler.h>

struct stat;
struct iovec;

#ifdef __cplusplus
extern "C" {
#endif

// lib/fdtab: every kind of descriptor.
long kiln_sys_read(int fd, void* buf, size_t n);
long kiln_sys_write(int fd, const void* buf, size_t n);
long kiln_sys_close(int fd);
long kiln_sys_fstat(int fd, struct stat* st);
long kiln_sys_lseek(int fd, off_t off, int whence);
long kiln_sys_dup(int fd);
long kiln_sys_dup2(int fd, int to);
long kiln_sys_readv(int fd, const struct iovec* iov, int n);
long kiln_sys_writev(int fd, const struct iovec* iov, int n);

// lib/mm: memory mappings and the program break.
long kiln_sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags, unsigned long fd,
                   unsigned long off);
long kiln_sys_munmap(unsigned long addr, size_t len);
long kiln_sys_mprotect(unsigned long addr, size_t len, unsigned long prot);
long kiln_sys_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len, unsigned long flags,
                     unsigned long new_addr);
long kiln_sys_madvise(unsigned long addr, size_t len, int advice);
long kiln_sys_msync(unsigned long addr, size_t len, int flags);
long kiln_sys_mlock(unsigned long addr, size_t len);
long kiln_sys_munlock(unsigned long addr, size_t len);
long kiln_sys_mlockall(int flags);
long kiln_sys_munlockall(void);
long kiln_sys_brk(unsigned long addr);

#ifdef __cplusplus
}
#endif
