/* What the folder-sharing test apps (tests/apps/hostfs, tests/apps/ninep)
 * print about a path, one line per fact, prefixed with the app's tag:
 *   <tag>: ls <path> = <names sorted, without . and ..>
 *   <tag>: cat <path>: <first line>        (or: <tag>: cat <path>: <error>) */
#pragma once
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fsprint_cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

static void fsprint_list(const char* tag, const char* path) {
  DIR* d = opendir(path);
  if (!d) {
    printf("%s: opendir %s: %s\n", tag, path, strerror(errno));
    return;
  }
  char* names[300];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) && n < 300)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], fsprint_cmp);
  printf("%s: ls %s =", tag, path);
  for (int i = 0; i < n; ++i) printf(" %s", names[i]), free(names[i]);
  printf("\n");
}

static void fsprint_cat(const char* tag, const char* path) {
  char buf[256];
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("%s: cat %s: %s\n", tag, path, strerror(errno));
    return;
  }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  buf[strcspn(buf, "\n")] = 0;
  printf("%s: cat %s: %s\n", tag, path, buf);
}
