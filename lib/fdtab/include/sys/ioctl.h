/* ioctl() for Kiln apps (lib/fdtab): FIONBIO on every descriptor, FIONREAD on
 * sockets and pipes. The values are lwIP's (lib/socket/src/abi_check.c). */
#ifndef _KILN_SYS_IOCTL_H
#define _KILN_SYS_IOCTL_H
#ifdef __cplusplus
extern "C" {
#endif
#define FIONREAD 0x4008667fL
#define FIONBIO 0x8008667eL
int ioctl(int fd, unsigned long request, ...);
#ifdef __cplusplus
}
#endif
#endif
