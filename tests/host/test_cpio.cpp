// lib/cpio: the newc reader on archives made by support/mkcpio.py, by the
// host's cpio (when installed), by hand with each malformation, and a
// seeded random-mutation loop (also built with ASan/UBSan:
// host_cpio_asan_tests) that checks nothing is read outside the archive.
#include <gtest/gtest.h>
#include <kiln/cpio.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using kiln::cpio::Entry;
using kiln::cpio::Fault;
using kiln::cpio::Reader;

std::string hex8(uint32_t v) {
  char b[9];
  std::snprintf(b, sizeof b, "%08x", v);
  return b;
}

// One newc entry, as a writer that may get things wrong.
struct Spec {
  std::string name;
  uint32_t mode = 0100644;
  std::string data;
  bool crc = false;
  uint32_t ino = 1, uid = 0, gid = 0, nlink = 1, mtime = 0;
  long namesize = -1;  // default: name + NUL
  long filesize = -1;  // default: data.size()
  long check = -1;     // default: the sum (crc) or 0
  bool pad = true;
};

std::string entry(const Spec& s) {
  std::string h = s.crc ? "070702" : "070701";
  uint32_t sum = 0;
  for (unsigned char c : s.data) sum += c;
  uint32_t f[13] = {s.ino, s.mode, s.uid, s.gid, s.nlink, s.mtime,
                    static_cast<uint32_t>(s.filesize < 0 ? s.data.size() : s.filesize), 0, 0, 0, 0,
                    static_cast<uint32_t>(s.namesize < 0 ? s.name.size() + 1 : s.namesize),
                    static_cast<uint32_t>(s.check >= 0 ? s.check : (s.crc ? sum : 0))};
  for (uint32_t v : f) h += hex8(v);
  h += s.name;
  h.push_back('\0');
  if (s.pad) h.append((4 - h.size() % 4) % 4, '\0');
  h += s.data;
  if (s.pad) h.append((4 - s.data.size() % 4) % 4, '\0');
  return h;
}

std::string trailer(bool crc = false) {
  Spec t;
  t.name = "TRAILER!!!";
  t.mode = 0;
  t.crc = crc;
  return entry(t);
}

std::string file(const std::string& name, const std::string& data, bool crc = false) {
  Spec s;
  s.name = name;
  s.data = data;
  s.crc = crc;
  return entry(s);
}

std::string dir(const std::string& name) {
  Spec s;
  s.name = name;
  s.mode = 040755;
  s.nlink = 2;
  return entry(s);
}

struct Parsed {
  std::vector<std::string> names;
  std::vector<std::string> data;
  std::vector<Entry> entries;
  bool ok = false;
  int code = 0;
  Fault fault;
};

Parsed parse(const std::string& a) {
  Parsed p;
  Reader r(a.data(), a.size());
  Entry e;
  for (;;) {
    auto more = r.next(&e);
    if (more.is_error()) {
      p.code = more.error().code();
      p.fault = r.fault();
      return p;
    }
    if (!more.value()) break;
    p.names.emplace_back(e.name, e.name_len);
    p.data.emplace_back(static_cast<const char*>(e.data), e.size);
    p.entries.push_back(e);
  }
  p.ok = true;
  return p;
}

// The archive must be refused at `offset` with a reason containing `why`.
void expect_fault(const std::string& a, size_t offset, const char* why, int code = EINVAL) {
  Parsed p = parse(a);
  ASSERT_FALSE(p.ok) << "accepted; expected: " << why;
  EXPECT_EQ(p.code, code) << p.fault.reason;
  EXPECT_EQ(p.fault.offset, offset) << p.fault.reason;
  EXPECT_NE(std::strstr(p.fault.reason, why), nullptr) << "reason: " << p.fault.reason << "; expected: " << why;
}

constexpr size_t H = kiln::cpio::kHeaderSize;

TEST(Cpio, ReadsEntriesInOrderWithoutCopying) {
  Spec link;
  link.name = "etc/link";
  link.mode = 0120777;
  link.data = "hosts";
  Spec dev;
  dev.name = "dev/null";
  dev.mode = 020666;
  std::string a = dir(".") + dir("etc") + file("etc/hosts", "127.0.0.1 localhost\n") + entry(link) +
                  file("empty", "") + dir("dev") + entry(dev) + trailer() + std::string(300, '\0');
  Parsed p = parse(a);
  ASSERT_TRUE(p.ok) << p.fault.reason;
  EXPECT_EQ(p.names, (std::vector<std::string>{"etc", "etc/hosts", "etc/link", "empty", "dev", "dev/null"}));
  EXPECT_EQ(p.data[1], "127.0.0.1 localhost\n");
  EXPECT_EQ(p.data[2], "hosts");
  EXPECT_TRUE(p.entries[0].is_dir());
  EXPECT_TRUE(p.entries[1].is_file());
  EXPECT_TRUE(p.entries[2].is_symlink());
  EXPECT_EQ(p.entries[5].type(), kiln::cpio::kChar);
  EXPECT_EQ(p.entries[1].mode, 0100644u);
  EXPECT_EQ(p.entries[0].nlink, 2u);
  // Pointers into the archive: nothing copied; names NUL-terminated there.
  const char* lo = a.data();
  for (const Entry& e : p.entries) {
    EXPECT_GE(e.name, lo);
    EXPECT_LT(e.name + e.name_len, lo + a.size());
    EXPECT_EQ(e.name[e.name_len], '\0');
    if (e.size) {
      EXPECT_GE(static_cast<const char*>(e.data), lo);
    }
  }
  EXPECT_EQ(p.entries[1].offset, dir(".").size() + dir("etc").size());
  EXPECT_EQ(kiln::cpio::validate(a.data(), a.size(), nullptr).value(), 6u);
}

TEST(Cpio, AfterTheTrailerNextKeepsSayingEnd) {
  std::string a = file("a", "x") + trailer() + "garbage after the trailer";
  Reader r(a.data(), a.size());
  Entry e;
  EXPECT_TRUE(r.next(&e).value());
  EXPECT_FALSE(r.next(&e).value());
  EXPECT_FALSE(r.next(&e).value());
  EXPECT_EQ(r.offset(), file("a", "x").size() + trailer().size());
}

TEST(Cpio, TrailerMayEndWithoutItsPadding) {
  std::string t = trailer();
  std::string a = file("a", "x") + t.substr(0, H + 11);  // "TRAILER!!!\0", no padding
  EXPECT_TRUE(parse(a).ok) << parse(a).fault.reason;
}

TEST(Cpio, NormalisesPaths) {
  std::string a = dir("./") + dir("/") + dir(".") + file("./a", "1") + file("/b", "2") + file(".//./c", "3") +
                  file("//d/e", "4") + file(".hidden", "5") + file("..dots", "6") + trailer();
  Parsed p = parse(a);
  ASSERT_TRUE(p.ok) << p.fault.reason;
  EXPECT_EQ(p.names, (std::vector<std::string>{"a", "b", "c", "d/e", ".hidden", "..dots"}));
}

TEST(Cpio, RefusesDotDotWithTheName) {
  std::string a = file("a", "1") + file("x/../../etc/passwd", "evil") + trailer();
  size_t at = file("a", "1").size();
  expect_fault(a, at + H + 2, "\"..\" component: x/../../etc/passwd");
  expect_fault(file("./../up", "") + trailer(), H + 2, "\"..\" component");
  expect_fault(file("..", "") + trailer(), H, "\"..\" component");
  expect_fault(file("a/..", "") + trailer(), H + 2, "\"..\" component");
}

TEST(Cpio, RefusesEmptyAndDotComponents) {
  expect_fault(file("a//b", "") + trailer(), H + 2, "empty or \".\" component");
  expect_fault(dir("a/") + trailer(), H + 2, "empty or \".\" component");
  expect_fault(file("a/./b", "") + trailer(), H + 2, "empty or \".\" component");
}

TEST(Cpio, RootEntryMustBeADirectory) { expect_fault(file(".", "x") + trailer(), H, "root entry"); }

TEST(Cpio, EmptyOrMissingTrailer) {
  expect_fault("", 0, "without a TRAILER!!!");
  std::string a = file("a", "hello");
  expect_fault(a, a.size(), "without a TRAILER!!!");
}

TEST(Cpio, TruncatedHeader) {
  std::string a = file("a", "hello");
  std::string t = trailer();
  for (size_t cut : {size_t{1}, size_t{6}, size_t{50}, H - 1}) expect_fault(a + t.substr(0, cut), a.size(), "truncated header");
}

TEST(Cpio, BadMagic) {
  std::string a = file("a", "1");
  for (const char* m : {"070707", "070700", "171701", "07070x", "\0\0\0\0\0\0"}) {
    std::string b = a + a + trailer();
    std::memcpy(&b[a.size()], m, 6);
    expect_fault(b, a.size(), "bad magic");
  }
}

TEST(Cpio, NonHexDigitNamesTheField) {
  std::string a = file("a", "hello") + trailer();
  const char* fields[] = {"c_ino", "c_mode", "c_uid", "c_gid", "c_nlink", "c_mtime", "c_filesize",
                          "c_devmajor", "c_devminor", "c_rdevmajor", "c_rdevminor", "c_namesize", "c_check"};
  for (size_t i = 0; i < 13; ++i) {
    for (char bad : {'g', ' ', '-', 'x', '\0'}) {
      std::string b = a;
      size_t at = 6 + i * 8 + (i % 8);
      b[at] = bad;
      expect_fault(b, at, (std::string("non-hex digit in ") + fields[i]).c_str());
    }
  }
  // Upper-case hex is fine.
  std::string up = a;
  std::memcpy(&up[6 + 1 * 8], "000081A4", 8);
  EXPECT_TRUE(parse(up).ok);
}

TEST(Cpio, NameOverflows) {
  Spec s;
  s.name = "abc";
  s.namesize = 0;
  expect_fault(entry(s) + trailer(), 6 + 11 * 8, "c_namesize is 0");
  s.namesize = 4097;
  expect_fault(entry(s) + trailer(), 6 + 11 * 8, "longer than 4096");
  // namesize past the end of the archive.
  s.namesize = 3000;
  expect_fault(entry(s) + trailer(), H, "name runs past the end");
  // A name of exactly 4096 bytes with its NUL is accepted (then checked).
  Spec big;
  big.name = std::string(4095, 'n');
  EXPECT_TRUE(parse(entry(big) + trailer()).ok);
}

TEST(Cpio, NameNotNulTerminated) {
  Spec s;
  s.name = "abcdef";
  s.namesize = 4;  // covers "abcd": its last byte is 'd', not NUL
  expect_fault(entry(s) + trailer(), H + 3, "not NUL-terminated");
  Spec inner;
  inner.name = std::string("ab\0cd", 5);
  expect_fault(entry(inner) + trailer(), H + 2, "NUL before its end");
}

TEST(Cpio, SizePastTheEnd) {
  Spec s;
  s.name = "big";
  s.data = "short";
  s.filesize = 1 << 20;
  expect_fault(entry(s) + trailer(), 6 + 6 * 8, "file data runs past the end");
  s.filesize = 0xffffffff;
  expect_fault(entry(s) + trailer(), 6 + 6 * 8, "file data runs past the end");
  // Data that ends exactly at the archive's end but lacks its padding.
  std::string a = file("a", "12345");
  expect_fault(a.substr(0, a.size() - 3), a.size() - 3, "padding after the file data runs past");
}

TEST(Cpio, MisalignedPadding) {
  // A writer that forgot the padding after the name: the data's first
  // bytes land where the padding should be NUL.
  Spec s;
  s.name = "ab";  // 110 + 3 = 113: 3 padding bytes expected
  s.data = "DATA";
  s.pad = false;
  expect_fault(entry(s) + trailer(), H + 3, "non-zero padding after the name");
  // The data's padding: a filesize one short leaves a data byte as padding.
  Spec t;
  t.name = "abc";  // 110 + 4 = 114 -> data at 116
  t.data = "12345678";
  t.filesize = 7;
  expect_fault(entry(t) + trailer(), 116 + 7, "non-zero padding after the file data");
}

TEST(Cpio, ChecksumsOf070702) {
  std::string ok = file("a", "hello world", true) + trailer(true);
  Parsed p = parse(ok);
  ASSERT_TRUE(p.ok) << p.fault.reason;
  EXPECT_EQ(p.data[0], "hello world");
  Spec s;
  s.name = "a";
  s.data = "hello world";
  s.crc = true;
  s.check = 1;
  expect_fault(entry(s) + trailer(true), 6 + 12 * 8, "checksum mismatch", EBADMSG);
  // 070701 does not check c_check.
  s.crc = false;
  EXPECT_TRUE(parse(entry(s) + trailer()).ok);
}

TEST(Cpio, FileTypes) {
  Spec s;
  s.name = "x";
  s.mode = 0170644;
  expect_fault(entry(s) + trailer(), 6 + 8, "unknown file type");
  s.mode = 0;
  expect_fault(entry(s) + trailer(), 6 + 8, "unknown file type");
  Spec d;
  d.name = "d";
  d.mode = 040755;
  d.data = "xyz";
  expect_fault(entry(d) + trailer(), 6 + 6 * 8, "not a file or a symlink");
  Spec l;
  l.name = "l";
  l.mode = 0120777;
  expect_fault(entry(l) + trailer(), 6 + 6 * 8, "empty target");
  l.data = std::string("a\0b", 3);
  expect_fault(entry(l) + trailer(), H + 2 + 1, "target contains a NUL");
}

TEST(Cpio, ErrorsAreSticky) {
  std::string a = file("a", "1") + "070701zz" + std::string(200, '0');
  Reader r(a.data(), a.size());
  Entry e;
  EXPECT_TRUE(r.next(&e).value());
  auto first = r.next(&e);
  ASSERT_TRUE(first.is_error());
  size_t off = r.fault().offset;
  auto again = r.next(&e);
  ASSERT_TRUE(again.is_error());
  EXPECT_EQ(r.fault().offset, off);
  Fault f;
  EXPECT_TRUE(kiln::cpio::validate(a.data(), a.size(), &f).is_error());
  EXPECT_EQ(f.offset, off);
  EXPECT_STREQ(f.reason, "non-hex digit in c_ino");
}

// --- archives made by tools --------------------------------------------------

struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/kiln-cpio-XXXXXX";
    path = mkdtemp(t);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  void write(const std::string& rel, const std::string& data, mode_t mode = 0644) {
    std::ofstream(path + "/" + rel, std::ios::binary) << data;
    chmod((path + "/" + rel).c_str(), mode);
  }
  void mkdir(const std::string& rel) { ::mkdir((path + "/" + rel).c_str(), 0755); }
};

std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string binary_blob() {
  std::string b;
  for (int i = 0; i < 5000; ++i) b.push_back(static_cast<char>((i * 131 + 7) & 0xff));
  return b;
}

void make_tree(TempDir& t) {
  t.mkdir("src");
  t.mkdir("src/etc");
  t.mkdir("src/etc/empty.d");
  t.mkdir("src/bin");
  t.write("src/etc/hosts", "127.0.0.1 localhost\n");
  t.write("src/bin/tool", "#!/bin/sh\necho hi\n", 0755);
  t.write("src/data.bin", binary_blob());
  t.write("src/zero", "");
  ASSERT_EQ(symlink("etc/hosts", (t.path + "/src/hosts").c_str()), 0);
}

TEST(CpioTools, MkcpioArchiveIsReproducibleAndReadsBack) {
  TempDir t;
  make_tree(t);
  const std::string py = "/usr/bin/python3 " KILN_SRC "/support/mkcpio.py ";
  ASSERT_EQ(std::system((py + t.path + "/src " + t.path + "/a.cpio").c_str()), 0);
  // Touch a file (new mtime) and run again: the same bytes.
  t.write("src/zero", "");
  ASSERT_EQ(std::system((py + t.path + "/src " + t.path + "/b.cpio").c_str()), 0);
  std::string a = slurp(t.path + "/a.cpio");
  EXPECT_EQ(a, slurp(t.path + "/b.cpio"));
  Parsed p = parse(a);
  ASSERT_TRUE(p.ok) << p.fault.reason;
  EXPECT_EQ(p.names, (std::vector<std::string>{"bin", "bin/tool", "data.bin", "etc", "etc/empty.d", "etc/hosts",
                                               "hosts", "zero"}));
  EXPECT_EQ(p.entries[1].mode, 0100755u);
  EXPECT_EQ(p.data[1], "#!/bin/sh\necho hi\n");
  EXPECT_EQ(p.data[2], binary_blob());
  EXPECT_EQ(p.entries[4].mode, 040755u);
  EXPECT_EQ(p.entries[5].mode, 0100644u);
  EXPECT_TRUE(p.entries[6].is_symlink());
  EXPECT_EQ(p.data[6], "etc/hosts");
  for (const Entry& e : p.entries) {
    EXPECT_EQ(e.uid, 0u);
    EXPECT_EQ(e.gid, 0u);
    EXPECT_EQ(e.mtime, 0u);
  }
  ASSERT_EQ(std::system((py + "--crc --mtime 1700000000 " + t.path + "/src " + t.path + "/c.cpio").c_str()), 0);
  std::string c = slurp(t.path + "/c.cpio");
  EXPECT_EQ(c.substr(0, 6), "070702");
  Parsed q = parse(c);
  ASSERT_TRUE(q.ok) << q.fault.reason;
  EXPECT_EQ(q.names, p.names);
  EXPECT_EQ(q.entries[0].mtime, 1700000000u);
  // A flipped data byte breaks the checksum.
  size_t at = c.find("echo hi");
  c[at] ^= 1;
  EXPECT_EQ(parse(c).code, EBADMSG);
}

// Hard links in the folder become newc hard links: one inode number for all
// names, nlink the number of names, the data only with the last of them.
TEST(CpioTools, MkcpioStoresHardLinksAsNewcDoes) {
  TempDir t;
  t.mkdir("src");
  t.mkdir("src/etc");
  t.write("src/etc/a", "shared data\n");
  t.write("src/etc/single", "one name\n");
  ASSERT_EQ(link((t.path + "/src/etc/a").c_str(), (t.path + "/src/b").c_str()), 0);
  ASSERT_EQ(link((t.path + "/src/etc/a").c_str(), (t.path + "/src/etc/c").c_str()), 0);
  const std::string py = "/usr/bin/python3 " KILN_SRC "/support/mkcpio.py ";
  ASSERT_EQ(std::system((py + t.path + "/src " + t.path + "/l.cpio").c_str()), 0);
  Parsed p = parse(slurp(t.path + "/l.cpio"));
  ASSERT_TRUE(p.ok) << p.fault.reason;
  ASSERT_EQ(p.names, (std::vector<std::string>{"b", "etc", "etc/a", "etc/c", "etc/single"}));
  const Entry &b = p.entries[0], &a = p.entries[2], &c = p.entries[3], &single = p.entries[4];
  EXPECT_EQ(a.ino, b.ino);
  EXPECT_EQ(c.ino, b.ino);
  EXPECT_NE(single.ino, b.ino);
  EXPECT_NE(p.entries[1].ino, b.ino);
  for (const Entry* e : {&a, &b, &c}) EXPECT_EQ(e->nlink, 3u) << e->name;
  EXPECT_EQ(single.nlink, 1u);
  EXPECT_EQ(b.size, 0u) << "data only with the last name";
  EXPECT_EQ(a.size, 0u);
  EXPECT_EQ(p.data[3], "shared data\n");
  EXPECT_EQ(p.data[4], "one name\n");
  // The same through the host's cpio, when there is one: it reads the
  // links back as links.
  if (std::system("command -v cpio >/dev/null 2>&1") == 0) {
    t.mkdir("out");
    ASSERT_EQ(std::system(("cd '" + t.path + "/out' && cpio -id --quiet < ../l.cpio").c_str()), 0);
    struct stat s1, s2;
    ASSERT_EQ(stat((t.path + "/out/b").c_str(), &s1), 0);
    ASSERT_EQ(stat((t.path + "/out/etc/c").c_str(), &s2), 0);
    EXPECT_EQ(s1.st_ino, s2.st_ino);
    EXPECT_EQ(s1.st_nlink, 3u);
    EXPECT_EQ(slurp(t.path + "/out/b"), "shared data\n");
  }
}

TEST(CpioTools, HostCpioArchiveReadsBack) {
  if (std::system("command -v cpio >/dev/null 2>&1") != 0) GTEST_SKIP() << "no cpio on this host";
  TempDir t;
  make_tree(t);
  std::string cmd = "cd " + t.path + "/src && find . | LC_ALL=C sort | cpio --quiet -o -H newc > ../host.cpio";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string a = slurp(t.path + "/host.cpio");
  Parsed p = parse(a);
  ASSERT_TRUE(p.ok) << "offset " << p.fault.offset << ": " << p.fault.reason;
  EXPECT_EQ(p.names, (std::vector<std::string>{"bin", "bin/tool", "data.bin", "etc", "etc/empty.d", "etc/hosts",
                                               "hosts", "zero"}));
  EXPECT_EQ(p.data[2], binary_blob());
  EXPECT_EQ(p.data[6], "etc/hosts");
}

// --- fuzz ----------------------------------------------------------------------

// Walks a copy of `a` in a buffer of exactly its size (so ASan sees any
// read past it) and checks what the reader says about it.
void walk_checked(const std::string& a) {
  std::unique_ptr<char[]> buf(new char[a.size() ? a.size() : 1]);
  std::memcpy(buf.get(), a.data(), a.size());
  const char* lo = buf.get();
  const char* hi = lo + a.size();
  Reader r(lo, a.size());
  Entry e;
  size_t n = 0;
  for (;;) {
    auto more = r.next(&e);
    if (more.is_error()) {
      ASSERT_LE(r.fault().offset, a.size());
      ASSERT_NE(r.fault().reason[0], '\0');
      ASSERT_TRUE(more.error().code() == EINVAL || more.error().code() == EBADMSG);
      return;
    }
    if (!more.value()) break;
    ASSERT_LE(++n, a.size() / kiln::cpio::kHeaderSize);
    ASSERT_GE(e.name, lo);
    ASSERT_GE(e.name_len, 1u);
    ASSERT_LT(e.name + e.name_len, hi);
    ASSERT_EQ(std::strlen(e.name), e.name_len);
    ASSERT_EQ(std::strstr(e.name, "/../"), nullptr);
    if (e.size) {
      ASSERT_GE(static_cast<const char*>(e.data), lo);
      ASSERT_LE(static_cast<const char*>(e.data) + e.size, hi);
    }
    ASSERT_LE(r.offset(), a.size());
  }
  ASSERT_LE(r.offset(), a.size());
}

TEST(CpioFuzz, RandomMutationsNeverReadOutOfBounds) {
  Spec link;
  link.name = "l";
  link.mode = 0120777;
  link.data = "target";
  std::vector<std::string> seeds = {
      dir(".") + dir("etc") + file("etc/hosts", "127.0.0.1 localhost\n") + entry(link) + file("z", "") + trailer(),
      file("./a", binary_blob().substr(0, 300), true) + file("b/c", "xyz", true) + trailer(true),
      file("x", "1") + trailer() + std::string(512, '\0'),
  };
  const char* hexchars = "0123456789abcdefABCDEF";
  std::mt19937_64 rng(20261201);
  auto pick = [&](size_t n) { return n ? static_cast<size_t>(rng() % n) : 0; };
  int refused = 0, accepted = 0;
  const int kIterations = 200000;
  for (int it = 0; it < kIterations; ++it) {
    std::string a = seeds[pick(seeds.size())];
    int muts = 1 + static_cast<int>(pick(4));
    for (int m = 0; m < muts && !a.empty(); ++m) {
      switch (pick(7)) {
        case 0: a[pick(a.size())] = static_cast<char>(rng()); break;                 // any byte
        case 1: a[pick(a.size())] = hexchars[pick(22)]; break;                       // a plausible digit
        case 2: a.resize(pick(a.size() + 1)); break;                                 // truncate
        case 3: a.erase(pick(a.size()), 1 + pick(8)); break;                         // delete
        case 4: a.insert(pick(a.size() + 1), std::string(1 + pick(8), static_cast<char>(rng()))); break;
        case 5: {  // a whole field (of the first few headers) with random hex
          size_t hdr = pick(4) * 4 * (1 + pick(40));
          size_t at = hdr + 6 + pick(13) * 8;
          if (at + 8 <= a.size()) std::memcpy(&a[at], hex8(static_cast<uint32_t>(rng() >> pick(32))).data(), 8);
          break;
        }
        case 6: a[pick(a.size())] ^= static_cast<char>(1 << pick(8)); break;        // one bit
      }
    }
    walk_checked(a);
    if (testing::Test::HasFatalFailure()) {
      ADD_FAILURE() << "iteration " << it;
      return;
    }
    (kiln::cpio::validate(a.data(), a.size(), nullptr).ok() ? accepted : refused)++;
  }
  // Both outcomes are exercised.
  EXPECT_GT(refused, kIterations / 10);
  EXPECT_GT(accepted, 100);
}

}  // namespace
