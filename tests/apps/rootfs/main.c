// The initrd served as files (docs/initrd.md, docs/vfs.md), checked the way
// an app sees it: opendir/readdir, open/read, stat, write.
//
//   (no argument)  list      list "/" (sorted, one line: "rootfs: / = a b c"),
//                            print every regular file under / and /boot
//                            ("rootfs: cat /etc/motd: embedded motd")
//   write                    write to /etc/motd (an initrd file), read back
//                            the new data, check /etc/other is untouched,
//                            and that the archive's own bytes still hold
//                            the old text (copy on write)
//   at DIR                   the initrd appears under DIR (initrd.at=DIR):
//                            list DIR and "/"
//   mount DIR                DIR is a separate mount (vfs.mount=): its
//                            st_dev differs from "/", a file written there
//                            reads back, statvfs shows its limit
//   links                    /etc/motd and /etc/motd.hard (a hard link in the
//                            embedded folder) are one inode: same st_ino,
//                            st_nlink 2, same data; a write through one
//                            name is read through the other
// Each check prints "ok: ..." or "FAIL: ..."; the last line is
// "rootfs: N passed, M failed"; the status is 1 if any failed.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

// The platform contract kiln/plat/initrd.h (its header is C++-minded about
// the embedded archive's symbols): the archive's address and length.
size_t kiln_plat_initrd(const void** base);

static int passed, failed;
static void check(int ok, const char* what) {
  printf("%s: %s\n", ok ? "ok" : "FAIL", what);
  if (ok) ++passed;
  else ++failed;
}

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

// "rootfs: DIR = a b c" (sorted, without . and ..)
static void list(const char* dir) {
  DIR* d = opendir(dir);
  if (!d) {
    printf("rootfs: %s: cannot open\n", dir);
    return;
  }
  char* names[64];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) && n < 64) {
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp);
  printf("rootfs: %s =", dir);
  for (int i = 0; i < n; ++i) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

static int read_file(const char* path, char* buf, size_t n) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  ssize_t got = read(fd, buf, n - 1);
  close(fd);
  if (got < 0) return -1;
  buf[got] = 0;
  return (int)got;
}

static void cat(const char* path) {
  char buf[256];
  if (read_file(path, buf, sizeof buf) < 0) {
    printf("rootfs: cat %s: cannot read\n", path);
    return;
  }
  buf[strcspn(buf, "\n")] = 0;
  printf("rootfs: cat %s: %s\n", path, buf);
}

static void show_mode(const char* path) {
  struct stat st;
  if (lstat(path, &st) < 0) {
    printf("rootfs: stat %s: missing\n", path);
    return;
  }
  printf("rootfs: stat %s: %c %04o %lld bytes, %lld blocks\n", path,
         S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : 'f', (unsigned)(st.st_mode & 07777),
         (long long)st.st_size, (long long)st.st_blocks);
}

// Whether the archive the platform has still contains text.
static int archive_has(const char* text) {
  const void* base;
  size_t size = kiln_plat_initrd(&base), n = strlen(text);
  for (size_t i = 0; size >= n && i <= size - n; ++i) {
    if (!memcmp((const char*)base + i, text, n)) return 1;
  }
  return 0;
}

static void do_list(void) {
  list("/");
  if (access("/etc", F_OK) == 0) {
    list("/etc");
    cat("/etc/motd");
    cat("/motd-link");
    show_mode("/etc/motd");
    show_mode("/bin/tool");
    show_mode("/motd-link");
  }
  if (access("/boot", F_OK) == 0) {
    list("/boot");
    cat("/boot/message.txt");
    cat("/boot/link");
    show_mode("/boot/big.bin");
  }
}

static void do_write(void) {
  int fd = open("/etc/motd", O_WRONLY | O_TRUNC);
  check(fd >= 0 && write(fd, "rewritten\n", 10) == 10 && close(fd) == 0, "write an initrd file");
  char buf[64];
  check(read_file("/etc/motd", buf, sizeof buf) == 10 && !strcmp(buf, "rewritten\n"), "it reads back the new data");
  check(read_file("/etc/other", buf, sizeof buf) == 11 && !strcmp(buf, "left alone\n"), "the other file is untouched");
  check(archive_has("embedded motd\n") && !archive_has("rewritten\n"), "the archive still holds the old bytes");
  fd = open("/etc/other", O_WRONLY | O_APPEND);
  check(fd >= 0 && write(fd, "more\n", 5) == 5 && close(fd) == 0 && read_file("/etc/other", buf, sizeof buf) == 16 &&
            !strcmp(buf, "left alone\nmore\n"),
        "append to an initrd file keeps its start");
  check(unlink("/etc/other") == 0 && access("/etc/other", F_OK) < 0 && archive_has("left alone\n"),
        "unlink an initrd file");
}

static void do_at(const char* dir) {
  list(dir);
  list("/");
  char path[256];
  snprintf(path, sizeof path, "%s/etc/motd", dir);
  cat(path);
}

static void do_mount(const char* dir) {
  struct stat a, b;
  check(stat("/", &a) == 0 && stat(dir, &b) == 0 && S_ISDIR(b.st_mode) && a.st_dev != b.st_dev,
        "the mount point is another filesystem");
  char path[256], buf[16];
  snprintf(path, sizeof path, "%s/f", dir);
  int fd = open(path, O_CREAT | O_WRONLY, 0644);
  check(fd >= 0 && write(fd, "scratch", 7) == 7 && close(fd) == 0 && read_file(path, buf, sizeof buf) == 7 &&
            !strcmp(buf, "scratch"),
        "a file there reads back");
  struct statvfs v;
  if (statvfs(dir, &v) == 0) printf("rootfs: %s: %lu KiB\n", dir, (unsigned long)(v.f_blocks * v.f_frsize / 1024));
}

static void do_links(void) {
  struct stat a, b;
  check(stat("/etc/motd", &a) == 0 && stat("/etc/motd.hard", &b) == 0, "stat both names");
  printf("rootfs: /etc/motd ino %lu nlink %u, /etc/motd.hard ino %lu nlink %u\n", (unsigned long)a.st_ino,
         (unsigned)a.st_nlink, (unsigned long)b.st_ino, (unsigned)b.st_nlink);
  check(a.st_ino == b.st_ino && a.st_dev == b.st_dev, "a hard link: the same st_ino");
  check(a.st_nlink == 2 && b.st_nlink == 2, "st_nlink 2");
  char x[64] = {0}, y[64] = {0};
  int f = open("/etc/motd", O_RDONLY), g = open("/etc/motd.hard", O_RDONLY);
  check(read(f, x, sizeof x - 1) == 14 && read(g, y, sizeof y - 1) == 14 && !strcmp(x, y) &&
            !strcmp(x, "embedded motd\n"),
        "both names read the same data");
  close(f);
  close(g);
  f = open("/etc/motd.hard", O_WRONLY | O_TRUNC);
  check(write(f, "changed\n", 8) == 8, "write through one name");
  close(f);
  memset(x, 0, sizeof x);
  f = open("/etc/motd", O_RDONLY);
  check(read(f, x, sizeof x - 1) == 8 && !strcmp(x, "changed\n"), "read through the other");
  close(f);
  check(unlink("/etc/motd.hard") == 0 && stat("/etc/motd", &a) == 0 && a.st_nlink == 1, "unlink one: nlink 1");
}

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "list";
  if (!strcmp(what, "write")) do_write();
  else if (!strcmp(what, "at") && argc > 2) do_at(argv[2]);
  else if (!strcmp(what, "mount") && argc > 2) do_mount(argv[2]);
  else if (!strcmp(what, "links")) do_links();
  else do_list();
  printf("rootfs: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
