/* Kiln (lib/newlib/src/search.cpp): newlib's <search.h> (hash and tree
 * search) plus the POSIX queue and linear-search functions newlib does
 * not have: insque, remque, lsearch, lfind. */
#ifndef KILN_SEARCH_H
#define KILN_SEARCH_H
#include_next <search.h>
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void insque(void* element, void* pred);
void remque(void* element);
void* lsearch(const void* key, void* base, size_t* nelp, size_t width, int (*compar)(const void*, const void*));
void* lfind(const void* key, const void* base, size_t* nelp, size_t width, int (*compar)(const void*, const void*));
#ifdef __cplusplus
}
#endif
#endif
