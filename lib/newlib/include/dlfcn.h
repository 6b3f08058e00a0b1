/* Dynamic loading (Kiln, lib/newlib/src/dlfcn.cpp). A Kiln image is one
 * statically linked program: dlopen always fails, and dlerror says why. */
#ifndef _KILN_DLFCN_H
#define _KILN_DLFCN_H
#ifdef __cplusplus
extern "C" {
#endif
#define RTLD_LAZY 0x1
#define RTLD_NOW 0x2
#define RTLD_NOLOAD 0x4
#define RTLD_NODELETE 0x1000
#define RTLD_GLOBAL 0x100
#define RTLD_LOCAL 0
#define RTLD_NEXT ((void*)-1l)
#define RTLD_DEFAULT ((void*)0)
typedef struct {
  const char* dli_fname;
  void* dli_fbase;
  const char* dli_sname;
  void* dli_saddr;
} Dl_info;
void* dlopen(const char* file, int mode);
void* dlsym(void* __restrict handle, const char* __restrict name);
int dlclose(void* handle);
char* dlerror(void);
int dladdr(const void* addr, Dl_info* info);
#ifdef __cplusplus
}
#endif
#endif
