/* files: the vfs as an app sees it through newlib (issue 13). One line per
 * check ("ok: ..." or "FAIL: ..."), then "files: N passed, M failed";
 * exit status 0 only if every check held.
 *
 *   files            every check below
 *   files emfile     open files until EMFILE (run with fd.max=)
 *   files enospc     fill the ramfs until ENOSPC (run with ramfs.max=)
 *   files locks      flock between opens and threads, fcntl and OFD locks, lockf
 *   files fifo       mkfifo/mknod: opens share one pipe, blocking and O_NONBLOCK opens
 *   files poll       poll/select/epoll over files, directories and /dev
 *   files proc       /proc: meminfo, cpuinfo, self/fd with a pipe, a file
 *                    and a directory open (VFS_PROCFS)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <pthread.h>
#include <sys/file.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static int passed, failed;

static void check(int ok, const char* what) {
  if (ok) {
    ++passed;
    printf("ok: %s\n", what);
  } else {
    ++failed;
    printf("FAIL: %s (errno %d: %s)\n", what, errno, strerror(errno));
  }
}

static int write_file(const char* path, const char* s) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  ssize_t n = write(fd, s, strlen(s));
  close(fd);
  return n == (ssize_t)strlen(s) ? 0 : -1;
}

static int file_is(const char* path, const char* s) {
  char buf[256];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 0) return 0;
  buf[n] = 0;
  return !strcmp(buf, s);
}

static void basics(void) {
  check(write_file("/tmp/a.txt", "hello, files\n") == 0, "open O_CREAT + write");
  check(file_is("/tmp/a.txt", "hello, files\n"), "read back what was written");
  int fd = open("/tmp/a.txt", O_RDWR);
  check(lseek(fd, 7, SEEK_SET) == 7 && write(fd, "vfs!!", 5) == 5, "lseek + overwrite");
  check(lseek(fd, 0, SEEK_END) == 13, "lseek SEEK_END is the size");
  char b[4] = {0};
  check(pread(fd, b, 3, 7) == 3 && !memcmp(b, "vfs", 3), "pread at an offset");
  close(fd);
  check(file_is("/tmp/a.txt", "hello, vfs!!\n"), "the overwrite landed");
  fd = open("/tmp/a.txt", O_WRONLY | O_APPEND);
  check(write(fd, "tail\n", 5) == 5, "O_APPEND write");
  close(fd);
  check(file_is("/tmp/a.txt", "hello, vfs!!\ntail\n"), "O_APPEND wrote at the end");

  struct stat st;
  check(stat("/tmp/a.txt", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 18 && st.st_nlink == 1 &&
            st.st_mtime > 1600000000,
        "stat: a regular file, its size, one link, a real mtime");
  check(rename("/tmp/a.txt", "/tmp/b.txt") == 0 && access("/tmp/a.txt", F_OK) < 0 && errno == ENOENT &&
            file_is("/tmp/b.txt", "hello, vfs!!\ntail\n"),
        "rename moves the file");
  check(write_file("/tmp/c.txt", "other") == 0 && rename("/tmp/c.txt", "/tmp/b.txt") == 0 &&
            file_is("/tmp/b.txt", "other"),
        "rename over an existing file replaces it");
  check(link("/tmp/b.txt", "/tmp/hard") == 0 && stat("/tmp/b.txt", &st) == 0 && st.st_nlink == 2, "link: two links");
  check(unlink("/tmp/b.txt") == 0 && file_is("/tmp/hard", "other"), "unlink one name, the other stays");
  check(symlink("/tmp/hard", "/tmp/sym") == 0 && file_is("/tmp/sym", "other") && lstat("/tmp/sym", &st) == 0 &&
            S_ISLNK(st.st_mode),
        "symlink: followed by open, not by lstat");
  char t[64];
  ssize_t tn = readlink("/tmp/sym", t, sizeof t);
  check(tn == 9 && !memcmp(t, "/tmp/hard", 9), "readlink");
  check(unlink("/tmp/hard") == 0 && unlink("/tmp/sym") == 0 && open("/tmp/hard", O_RDONLY) < 0 && errno == ENOENT,
        "unlink: gone (ENOENT)");
  check(open("/tmp/nonexistent/x", O_RDONLY) < 0 && errno == ENOENT, "ENOENT for a missing directory");
  check(write_file("/tmp/f", "x") == 0 && open("/tmp/f/x", O_RDONLY) < 0 && errno == ENOTDIR,
        "ENOTDIR through a file");
  check(open("/tmp", O_WRONLY) < 0 && errno == EISDIR, "EISDIR writing a directory");
  check(open("/tmp/f", O_CREAT | O_EXCL | O_WRONLY, 0600) < 0 && errno == EEXIST, "O_EXCL: EEXIST");
  check(ftruncate(fd = open("/tmp/f", O_RDWR), 8192) == 0 && lseek(fd, 8000, SEEK_SET) == 8000 &&
            read(fd, b, 4) == 4 && !memcmp(b, "\0\0\0\0", 4),
        "ftruncate grows with zeros");
  close(fd);
  unlink("/tmp/f");
}

static void directories(void) {
  check(mkdir("/tmp/d", 0755) == 0 && mkdir("/tmp/d", 0755) < 0 && errno == EEXIST, "mkdir, then EEXIST");
  check(mkdir("/tmp/d/sub", 0755) == 0 && write_file("/tmp/d/one", "1") == 0 && write_file("/tmp/d/two", "2") == 0,
        "fill a directory");
  DIR* d = opendir("/tmp/d");
  int seen = 0, dots = 0;
  struct dirent* e;
  while (d && (e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) ++dots;
    else if (!strcmp(e->d_name, "one") && e->d_type == DT_REG) seen |= 1;
    else if (!strcmp(e->d_name, "two") && e->d_type == DT_REG) seen |= 2;
    else if (!strcmp(e->d_name, "sub") && e->d_type == DT_DIR) seen |= 4;
    else seen |= 8;
  }
  if (d) closedir(d);
  check(d && seen == 7 && dots == 2, "opendir/readdir lists . .. one two sub with their types");
  check(rmdir("/tmp/d") < 0 && errno == ENOTEMPTY, "rmdir of a full directory: ENOTEMPTY");
  char cwd[64];
  check(chdir("/tmp/d/sub") == 0 && getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/tmp/d/sub"), "chdir + getcwd");
  check(file_is("../one", "1") && chdir("..") == 0 && getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/tmp/d"),
        "relative paths and ..");
  char* rp = realpath("sub/../two", NULL);
  check(rp && !strcmp(rp, "/tmp/d/two"), "realpath");
  free(rp);
  chdir("/");
  check(unlink("/tmp/d/one") == 0 && unlink("/tmp/d/two") == 0 && rmdir("/tmp/d/sub") == 0 && rmdir("/tmp/d") == 0,
        "empty it and rmdir");
  struct statvfs sv;
  check(statvfs("/", &sv) == 0 && sv.f_bsize == 4096 && sv.f_namemax == 255, "statvfs");
}

static void big_file(void) {
  const size_t total = 16u << 20, piece = 65536;
  unsigned char* buf = malloc(piece);
  int fd = open("/tmp/big", O_RDWR | O_CREAT | O_TRUNC, 0600);
  uint32_t sum = 2166136261u, x = 12345;
  int ok = fd >= 0 && buf;
  for (size_t done = 0; ok && done < total; done += piece) {
    for (size_t i = 0; i < piece; ++i) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;  /* xorshift32 */
      buf[i] = (unsigned char)x;
      sum = (sum ^ buf[i]) * 16777619u;          /* FNV-1a */
    }
    ok = write(fd, buf, piece) == (ssize_t)piece;
  }
  check(ok, "write a 16 MiB file");
  uint32_t back = 2166136261u;
  ok = ok && lseek(fd, 0, SEEK_SET) == 0;
  size_t got = 0;
  for (ssize_t n; ok && (n = read(fd, buf, piece)) > 0; got += (size_t)n) {
    for (ssize_t i = 0; i < n; ++i) back = (back ^ buf[i]) * 16777619u;
  }
  check(ok && got == total && back == sum, "read it back: same size, same checksum");
  printf("files: 16 MiB checksum %08x\n", (unsigned)back);
  close(fd);
  unlink("/tmp/big");
  free(buf);
}

static void stdio_and_dev(void) {
  FILE* f = fopen("/tmp/s.txt", "w");
  check(f && fprintf(f, "%d %s %.2f\n", 42, "answer", 3.5) > 0 && fclose(f) == 0, "fopen + fprintf + fclose");
  int n = 0;
  char word[16] = {0};
  float v = 0;
  f = fopen("/tmp/s.txt", "r");
  check(f && fscanf(f, "%d %15s %f", &n, word, &v) == 3 && n == 42 && !strcmp(word, "answer") && v == 3.5f,
        "fopen + fscanf read it back");
  if (f) fclose(f);
  unlink("/tmp/s.txt");

  char tmpl[] = "/tmp/fileXXXXXX", dtmpl[] = "/tmp/dirXXXXXX";
  int tfd = mkstemp(tmpl);
  struct stat tst;
  check(tfd >= 0 && strcmp(tmpl, "/tmp/fileXXXXXX") && fstat(tfd, &tst) == 0 && S_ISREG(tst.st_mode) &&
            close(tfd) == 0 && unlink(tmpl) == 0,
        "mkstemp");
  check(mkdtemp(dtmpl) && stat(dtmpl, &tst) == 0 && S_ISDIR(tst.st_mode) && rmdir(dtmpl) == 0, "mkdtemp");
  FILE* tf = tmpfile();
  char tb[8] = {0};
  check(tf && fputs("tmp", tf) >= 0 && fseek(tf, 0, SEEK_SET) == 0 && fread(tb, 1, 3, tf) == 3 && !strcmp(tb, "tmp"),
        "tmpfile");
  if (tf) fclose(tf);

  int fd = open("/dev/null", O_RDWR);
  char b[16];
  check(fd >= 0 && write(fd, "x", 1) == 1 && read(fd, b, sizeof b) == 0, "/dev/null");
  close(fd);
  fd = open("/dev/zero", O_RDONLY);
  memset(b, 1, sizeof b);
  check(fd >= 0 && read(fd, b, sizeof b) == sizeof b && !memcmp(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16),
        "/dev/zero");
  close(fd);
  unsigned char r1[32], r2[32];
  fd = open("/dev/urandom", O_RDONLY);
  check(fd >= 0 && read(fd, r1, 32) == 32 && read(fd, r2, 32) == 32 && memcmp(r1, r2, 32), "/dev/urandom");
  close(fd);
  fd = open("/dev/full", O_WRONLY);
  check(fd >= 0 && write(fd, "x", 1) < 0 && errno == ENOSPC, "/dev/full: ENOSPC");
  close(fd);
  fd = open("/dev/fd/1", O_WRONLY);
  check(fd >= 0 && write(fd, "files: via /dev/fd/1\n", 21) == 21, "/dev/fd/1 is stdout");
  close(fd);
  struct stat st;
  check(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "stat /dev/null: a character device");
  check(open("/dev/newfile", O_CREAT | O_WRONLY, 0600) < 0 && errno == EROFS, "devfs: EROFS");
}

static void emfile(void) {
  int n = 0, fd, last = -1;
  while ((fd = open("/dev/null", O_RDONLY)) >= 0) last = fd, ++n;
  int e = errno;
  printf("files: %d opened, last fd %d\n", n, last);
  errno = e;
  check(e == EMFILE, "open until EMFILE");
  for (int i = 3; i <= last; ++i) close(i);
  check((fd = open("/dev/null", O_RDONLY)) == 3, "after closing, the lowest fd again");
  close(fd);
}

static void enospc(void) {
  check(write_file("/tmp/keep1", "first file, written before the ramfs filled up\n") == 0 &&
            write_file("/tmp/keep2", "second\n") == 0,
        "write two small files");
  static char buf[65536];
  memset(buf, 'z', sizeof buf);
  int fd = open("/tmp/filler", O_WRONLY | O_CREAT, 0600);
  long total = 0;
  ssize_t w;
  while ((w = write(fd, buf, sizeof buf)) > 0) total += w;
  int e = errno;
  printf("files: the ramfs took %ld bytes of filler\n", total);
  errno = e;
  check(w < 0 && e == ENOSPC && total > 0, "write until ENOSPC");
  struct stat st;
  check(fstat(fd, &st) == 0 && st.st_size == total, "the full file's size is what was reported written");
  close(fd);
  check(file_is("/tmp/keep1", "first file, written before the ramfs filled up\n") && file_is("/tmp/keep2", "second\n"),
        "earlier files intact");
  check(unlink("/tmp/filler") == 0 && write_file("/tmp/after", "room again\n") == 0 &&
            file_is("/tmp/after", "room again\n"),
        "unlink frees the space");
}

// The whole of a small file (procfs files report size 0: read to the end).
static int slurp(const char* path, char* buf, size_t n) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  size_t at = 0;
  ssize_t r;
  while (at + 1 < n && (r = read(fd, buf + at, n - 1 - at)) > 0) at += (size_t)r;
  buf[at] = 0;
  close(fd);
  return (int)at;
}

static long meminfo_kb(const char* text, const char* key) {
  const char* p = strstr(text, key);
  if (!p) return -1;
  return strtol(p + strlen(key), NULL, 10);
}

// What readlink says of /proc/self/fd/N ("" on failure).
static const char* fd_link(int fd, char* buf, size_t n) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t k = readlink(path, buf, n - 1);
  buf[k < 0 ? 0 : k] = 0;
  return buf;
}

static int listed(int fd) {  // whether /proc/self/fd lists fd
  DIR* d = opendir("/proc/self/fd");
  if (!d) return 0;
  int found = 0;
  struct dirent* e;
  char want[16];
  snprintf(want, sizeof want, "%d", fd);
  while ((e = readdir(d))) found |= !strcmp(e->d_name, want) && e->d_type == DT_LNK;
  closedir(d);
  return found;
}

static void proc(void) {
  static char text[1024];
  check(slurp("/proc/meminfo", text, sizeof text) > 0, "read /proc/meminfo");
  long total = meminfo_kb(text, "MemTotal:"), mfree = meminfo_kb(text, "MemFree:"),
       avail = meminfo_kb(text, "MemAvailable:");
  printf("files: meminfo: MemTotal %ld kB, MemFree %ld kB, MemAvailable %ld kB\n", total, mfree, avail);
  check(total > 0 && mfree > 0 && mfree <= total && avail >= 0 && avail <= total, "meminfo: MemTotal >= MemFree > 0");
  // Allocate 4 MiB: MemFree drops by at least that.
  char* big = malloc(4 << 20);
  if (big) memset(big, 1, 4 << 20);
  static char text2[1024];
  slurp("/proc/meminfo", text2, sizeof text2);
  long mfree2 = meminfo_kb(text2, "MemFree:");
  check(big && mfree2 >= 0 && mfree - mfree2 >= 4096, "meminfo: MemFree follows the heap (4 MiB malloc)");
  free(big);
  check(slurp("/proc/cpuinfo", text, sizeof text) > 0 && !strncmp(text, "processor\t: 0\n", 14) &&
            strstr(text, "model name\t: "),
        "read /proc/cpuinfo: one processor entry");
  char buf[256];
  ssize_t k = readlink("/proc/self", buf, sizeof buf - 1);
  buf[k < 0 ? 0 : k] = 0;
  check(k == 1 && buf[0] == '1', "readlink /proc/self is 1");

  int p[2];
  check(pipe(p) == 0, "pipe");
  check(write_file("/tmp/procfile", "x\n") == 0, "write /tmp/procfile");
  int f = open("/tmp/procfile", O_RDONLY);
  int d = open("/tmp", O_RDONLY | O_DIRECTORY);
  int n = open("/dev/null", O_WRONLY);
  check(f >= 0 && d >= 0 && n >= 0, "open a file, a directory and /dev/null");
  check(listed(0) && listed(1) && listed(2) && listed(p[0]) && listed(p[1]) && listed(f) && listed(d) && listed(n),
        "/proc/self/fd lists fds 0-2, both pipe ends, the file, the directory, /dev/null");
  char a[256], b[256];
  printf("files: fd %d -> %s, fd %d -> %s\n", p[0], fd_link(p[0], a, sizeof a), p[1], fd_link(p[1], b, sizeof b));
  check(!strncmp(fd_link(p[0], a, sizeof a), "pipe:[", 6) && a[strlen(a) - 1] == ']' &&
            !strncmp(fd_link(p[1], b, sizeof b), "pipe:[", 6),
        "readlink of a pipe end: pipe:[N]");
  check(!strcmp(fd_link(f, a, sizeof a), "/tmp/procfile"), "readlink of a file: its path");
  check(!strcmp(fd_link(d, a, sizeof a), "/tmp"), "readlink of a directory: its path");
  check(!strcmp(fd_link(n, a, sizeof a), "/dev/null"), "readlink of /dev/null");
  check(!strcmp(fd_link(1, a, sizeof a), "/dev/console"), "readlink of fd 1: /dev/console");
  // readlink truncates to the buffer (no NUL), as Linux.
  check(readlink("/proc/self/fd/1", buf, 4) == 4 && !memcmp(buf, "/dev", 4), "readlink into a short buffer truncates");
  close(p[0]);
  close(p[1]);
  close(f);
  // (opendir takes the lowest free fd, p[0]'s: check the others.)
  check(!listed(p[1]) && !listed(f) && listed(d), "closed descriptors leave the listing");
  errno = 0;
  check(readlink("/proc/self/fd/999", buf, sizeof buf) < 0 && errno == ENOENT, "a closed fd: ENOENT");
  close(d);
  close(n);
  errno = 0;
  check(open("/proc/meminfo", O_WRONLY) < 0 && errno == EACCES, "open /proc/meminfo for writing: EACCES");
  errno = 0;
  check(open("/proc/newfile", O_CREAT | O_WRONLY, 0600) < 0 && errno == EROFS, "create in /proc: EROFS");
  errno = 0;
  check(mkdir("/proc/1/x", 0700) < 0 && errno == EROFS, "mkdir in /proc/1: EROFS");
  DIR* dir = opendir("/proc");
  int seen = 0;
  struct dirent* e;
  while (dir && (e = readdir(dir))) {
    seen |= !strcmp(e->d_name, "self") ? 1 : !strcmp(e->d_name, "meminfo") ? 2 : !strcmp(e->d_name, "cpuinfo") ? 4 : 0;
  }
  if (dir) closedir(dir);
  check(seen == 7, "ls /proc: self meminfo cpuinfo");
}

/* Linux's answers: poll and select find files and directories always
 * ready; epoll_ctl(ADD) refuses them, and /dev/null, with EPERM. */
static void polling(void) {
  check(write_file("/tmp/p.txt", "x") == 0, "a file to poll");
  int f = open("/tmp/p.txt", O_RDONLY), w = open("/tmp/p.txt", O_WRONLY), d = open("/tmp", O_RDONLY),
      n = open("/dev/null", O_RDWR), u = open("/dev/urandom", O_RDONLY);
  check(f >= 0 && w >= 0 && d >= 0 && n >= 0 && u >= 0, "open a file (twice), a directory, /dev/null, /dev/urandom");
  struct pollfd p[3] = {{f, POLLIN | POLLOUT, 0}, {w, POLLIN | POLLOUT, 0}, {d, POLLIN, 0}};
  check(poll(p, 3, 0) == 3 && p[0].revents == (POLLIN | POLLOUT) && p[1].revents == (POLLIN | POLLOUT) &&
            p[2].revents == POLLIN,
        "poll: files and directories always ready (POLLIN|POLLOUT whatever the access mode)");
  fd_set r, wr;
  FD_ZERO(&r);
  FD_ZERO(&wr);
  FD_SET(f, &r);
  FD_SET(d, &r);
  FD_SET(w, &wr);
  struct timeval tv = {0, 0};
  check(select(d > w ? d + 1 : (w > f ? w + 1 : f + 1), &r, &wr, NULL, &tv) == 3, "select: the same");
  int ep = epoll_create1(0);
  struct epoll_event ev = {EPOLLIN, {0}};
  errno = 0;
  check(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev) == -1 && errno == EPERM, "epoll_ctl ADD of a regular file: EPERM");
  errno = 0;
  check(epoll_ctl(ep, EPOLL_CTL_ADD, d, &ev) == -1 && errno == EPERM, "epoll_ctl ADD of a directory: EPERM");
  errno = 0;
  check(epoll_ctl(ep, EPOLL_CTL_ADD, n, &ev) == -1 && errno == EPERM, "epoll_ctl ADD of /dev/null: EPERM");
  check(epoll_ctl(ep, EPOLL_CTL_ADD, u, &ev) == 0, "epoll_ctl ADD of /dev/urandom works");
  struct epoll_event out[2];
  check(epoll_wait(ep, out, 2, 0) == 1 && out[0].events == EPOLLIN, "epoll_wait: /dev/urandom readable");
  close(ep);
  close(f);
  close(w);
  close(d);
  close(n);
  close(u);
}

/* Advisory locks: flock's between two opens of one file (a thread blocked
 * on one, the others running), fcntl's POSIX locks (never a conflict in
 * one process), OFD locks (per open), lockf. */
static volatile int unlocked_at, locked_by_thread;
static void* flock_waiter(void* arg) {
  int fd = *(int*)arg;
  if (flock(fd, LOCK_EX) == 0) locked_by_thread = unlocked_at ? 1 : -1;  /* not before the unlock */
  flock(fd, LOCK_UN);
  return NULL;
}

static void locks(void) {
  check(write_file("/tmp/lock", "0123456789") == 0, "a file to lock");
  int a = open("/tmp/lock", O_RDWR), b = open("/tmp/lock", O_RDWR), r = open("/tmp/lock", O_RDONLY);
  check(flock(a, LOCK_EX) == 0, "flock LOCK_EX");
  errno = 0;
  check(flock(b, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK, "flock of another open: EWOULDBLOCK");
  int d = dup(a);
  check(flock(d, LOCK_EX | LOCK_NB) == 0, "a dup shares the lock");
  pthread_t t;
  pthread_create(&t, NULL, flock_waiter, &b);
  struct timespec ms = {0, 1000000};
  int spins = 0;
  for (int i = 0; i < 50; ++i, ++spins) nanosleep(&ms, NULL); /* the thread is blocked, we run */
  unlocked_at = spins;
  close(d);
  check(flock(a, LOCK_NB | LOCK_SH) == 0, "still held after closing the dup (converted to shared)");
  check(flock(a, LOCK_UN) == 0, "LOCK_UN");
  pthread_join(t, NULL);
  check(locked_by_thread == 1 && spins == 50, "a blocked flock waits in its thread only, until the unlock");
  check(flock(b, LOCK_EX | LOCK_NB) == 0, "flock after the unlock");
  close(b);
  check(flock(a, LOCK_EX | LOCK_NB) == 0, "released at the last close");
  check(flock(a, 3) == -1 && errno == EINVAL, "flock bad operation: EINVAL");
  flock(a, LOCK_UN);

  struct flock l = {F_WRLCK, SEEK_SET, 0, 5, 0, 0};
  check(fcntl(a, F_SETLK, &l) == 0, "fcntl F_SETLK write lock");
  b = open("/tmp/lock", O_RDWR);
  l.l_type = F_WRLCK;
  check(fcntl(b, F_SETLKW, &l) == 0, "F_SETLKW from another open: one process, no conflict");
  l.l_type = F_WRLCK;
  check(fcntl(b, F_GETLK, &l) == 0 && l.l_type == F_UNLCK, "F_GETLK: F_UNLCK");
  l.l_type = F_WRLCK;
  errno = 0;
  check(fcntl(r, F_SETLK, &l) == -1 && errno == EBADF, "write lock on a read-only open: EBADF");
  l.l_type = 9;
  errno = 0;
  check(fcntl(a, F_SETLK, &l) == -1 && errno == EINVAL, "bad l_type: EINVAL");
  struct flock w = {F_WRLCK, 7, 0, 1, 0, 0};
  errno = 0;
  check(fcntl(a, F_SETLK, &w) == -1 && errno == EINVAL, "bad l_whence: EINVAL");
  struct flock o = {F_WRLCK, SEEK_SET, 2, 1, 0, 0};
  errno = 0;
  check(fcntl(b, F_OFD_SETLK, &o) == -1 && errno == EAGAIN, "F_OFD_SETLK against the process's lock: EAGAIN");
  o.l_start = 6;
  check(fcntl(b, F_OFD_SETLK, &o) == 0, "F_OFD_SETLK beside it");
  struct flock q = {F_RDLCK, SEEK_SET, 0, 5, 0, 0};
  check(fcntl(a, F_OFD_GETLK, &q) == 0 && q.l_type == F_WRLCK && q.l_start == 0 && q.l_len == 5 && q.l_pid == 1,
        "F_OFD_GETLK names the process's lock");
  check(lseek(r, 6, SEEK_SET) == 6 && lockf(r, F_TEST, 1) == -1 && errno == EACCES, "lockf F_TEST sees the OFD lock");
  close(b); /* drops the process's POSIX locks (any close) and b's OFD lock */
  check(lockf(r, F_TEST, 0) == 0, "nothing left after closing");
  check(lseek(a, 0, SEEK_SET) == 0 && lockf(a, F_TLOCK, 3) == 0 && lockf(a, F_ULOCK, 3) == 0, "lockf F_TLOCK, F_ULOCK");
  close(a);
  close(r);
}

/* FIFOs: a blocked read-only open in a thread until the main thread opens
 * for writing, data through, EOF, O_NONBLOCK's rules, mknod's. */
static volatile int reader_opened;
static char fifo_got[32];
static void* fifo_reader(void* arg) {
  (void)arg;
  int fd = open("/tmp/fifo", O_RDONLY); /* blocks until a writer opens */
  reader_opened = 1;
  size_t got = 0;
  ssize_t r;
  while ((r = read(fd, fifo_got + got, sizeof fifo_got - 1 - got)) > 0) got += (size_t)r;
  close(fd);
  return NULL;
}

static void fifos(void) {
  check(mkfifo("/tmp/fifo", 0640) == 0, "mkfifo");
  struct stat st;
  check(stat("/tmp/fifo", &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0640, "stat: S_IFIFO 0640");
  check(mkfifo("/tmp/fifo", 0640) == -1 && errno == EEXIST, "mkfifo again: EEXIST");
  errno = 0;
  check(open("/tmp/fifo", O_WRONLY | O_NONBLOCK) == -1 && errno == ENXIO, "O_WRONLY|O_NONBLOCK, no reader: ENXIO");
  int nr = open("/tmp/fifo", O_RDONLY | O_NONBLOCK);
  char b[8];
  check(nr >= 0 && read(nr, b, sizeof b) == 0, "O_RDONLY|O_NONBLOCK opens at once; no writer: EOF");
  int nw = open("/tmp/fifo", O_WRONLY | O_NONBLOCK);
  check(nw >= 0 && write(nw, "abc", 3) == 3 && read(nr, b, sizeof b) == 3 && !memcmp(b, "abc", 3),
        "a writer now opens; the two opens share one pipe");
  close(nw);
  close(nr);
  pthread_t t;
  pthread_create(&t, NULL, fifo_reader, NULL);
  struct timespec ms = {0, 20000000};
  nanosleep(&ms, NULL);
  check(!reader_opened, "a blocking O_RDONLY open waits for a writer");
  int w = open("/tmp/fifo", O_WRONLY);
  check(w >= 0, "the writer's open (a reader is waiting)");
  check(write(w, "through the fifo", 16) == 16, "write");
  close(w); /* the reader then sees EOF */
  pthread_join(t, NULL);
  check(reader_opened && !strcmp(fifo_got, "through the fifo"), "the reader got it all, then EOF");
  int rw = open("/tmp/fifo", O_RDWR);
  struct pollfd p = {rw, POLLIN | POLLOUT, 0};
  check(rw >= 0 && poll(&p, 1, 0) == 1 && p.revents == POLLOUT, "O_RDWR opens at once; poll: writable, not readable");
  close(rw);
  DIR* d = opendir("/tmp");
  struct dirent* e;
  int type = -1;
  while (d && (e = readdir(d)))
    if (!strcmp(e->d_name, "fifo")) type = e->d_type;
  if (d) closedir(d);
  check(type == DT_FIFO, "readdir: DT_FIFO");
  check(mknod("/tmp/fifo2", S_IFIFO | 0600, 0) == 0 && stat("/tmp/fifo2", &st) == 0 && S_ISFIFO(st.st_mode),
        "mknod S_IFIFO");
  errno = 0;
  check(mknod("/tmp/dev", S_IFCHR | 0600, 0x0103) == -1 && errno == EPERM, "mknod S_IFCHR: EPERM");
  check(mknod("/tmp/plain", S_IFREG | 0600, 0) == 0 && stat("/tmp/plain", &st) == 0 && S_ISREG(st.st_mode),
        "mknod S_IFREG: a regular file");
  check(unlink("/tmp/fifo") == 0 && unlink("/tmp/fifo2") == 0, "unlink the FIFOs");
}

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "all";
  if (!strcmp(what, "emfile")) emfile();
  else if (!strcmp(what, "enospc")) enospc();
  else if (!strcmp(what, "proc")) proc();
  else if (!strcmp(what, "poll")) polling();
  else if (!strcmp(what, "locks")) locks();
  else if (!strcmp(what, "fifo")) fifos();
  else {
    basics();
    directories();
    big_file();
    stdio_and_dev();
  }
  printf("files: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
