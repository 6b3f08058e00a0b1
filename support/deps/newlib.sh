#!/usr/bin/env bash
# Build newlib for Kiln from Debian's newlib-source tarball, once per deps dir.
#   newlib.sh <deps-dir> <target triple> "<arch code flags>"
# The triple and flags come from the configured arch (arch/<arch>/arch.cmake,
# e.g. x86_64-elf and -mno-red-zone).
# Result: <deps-dir>/newlib/{include,lib/libc.a,lib/libm.a} and a stamp.
# The stamp holds a hash of this script, the tarball, the triple, the
# flags and the Kiln header the POSIX part is compiled against, so a change
# to any rebuilds; otherwise the cached copy is used.
#
# Configured fully (docs/libc.md): multibyte (C.UTF-8 and the other
# newlib locales), iconv (UTF-8, UTF-16/BE/LE, UCS-2/4, Latin-1, ASCII),
# long double in printf/scanf, C99 formats and long long.
# newlib's configure.host builds libc/posix and libc/unix only for hosted
# targets, not x86_64-elf; of those, the parts that need no OS are compiled
# here from the same tarball into libc.a (regex, fnmatch, glob,
# basename/dirname). Their OS sides are Kiln's: the directory
# calls are lib/vfs's (glob is compiled against its <dirent.h>), the
# process calls lib/newlib's ENOSYS ones.
set -euo pipefail
deps=$(realpath -m "$1")
triple=${2:?newlib.sh: give the target triple}
archflags=${3-}
tarball=/usr/src/newlib/newlib-3.3.0.tar.xz
here=$(cd "$(dirname "$0")" && pwd)
kiln=$(cd "$here/../.." && pwd)
out=$deps/newlib
[ -f "$tarball" ] || { echo "kiln: $tarball is missing (package newlib-source); run: make setup" >&2; exit 1; }
# The key: this script, the wrappers, the tarball, the flags and the POSIX
# headers glob is compiled against (lib/vfs's <dirent.h>, <sys/stat.h>, ...;
# not <kiln/vfs.h>, which newlib never sees).
key=$( (cat "$0" "$here/cross-wrappers.sh" $(find "$kiln/lib/vfs/include" -path "$kiln/lib/vfs/include/kiln" -prune -o -type f -print | sort); stat -c %s "$tarball"; echo "$triple $archflags") | sha256sum | cut -c1-16)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$key" ]; then exit 0; fi
# One build at a time per deps dir (several build trees may share it).
mkdir -p "$deps"
exec 9>"$deps/newlib.lock"
flock 9
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$key" ]; then exit 0; fi

work=$deps/newlib-build
rm -rf "$work" "$out"
mkdir -p "$work/src" "$work/obj" "$out"
echo "kiln: building newlib 3.3.0 for $triple (once per build tree, about a minute)"
tar -C "$work/src" -xf "$tarball" --strip-components=1
# ldtoa.c (long double printf) writes its exponents and NaN/Infinity with
# sprintf, which would link the whole floating-point string printf into
# every image that prints; siprintf (newlib's integer-only variant) formats
# those the same, for about 10 KiB less.
sed -i 's/\bsprintf (/siprintf (/' "$work/src/newlib/libc/stdlib/ldtoa.c"
# iconv's alias lookup (find_alias) has two bugs: a name found on the
# table's first line loses its first letter (with Kiln's encodings that
# line is ISO-8859-1's, so "latin1" failed), and a rejected partial match
# grows the length left to search past the table's end. Both fixed here.
sed -i -e 's/^      len -= table - p;$/      len = table_end - ptable;/' \
       -e 's/^  while(--p > table && \*p != \(.\\n.\));$/  while (p > table \&\& p[-1] != \1) --p;/' \
       -e 's/^  if (\*(++p) == \(.#.\))$/  if (*p == \1)/' "$work/src/newlib/libc/iconv/lib/aliasesi.c"
[ "$(grep -c 'p\[-1\] != \|len = table_end - ptable;\|if (\*p == .#.)$' "$work/src/newlib/libc/iconv/lib/aliasesi.c")" = 3 ] \
  || { echo "kiln: newlib: the iconv alias fix did not apply" >&2; exit 1; }
# strtof and strtof_l round twice (text to double to float): Kiln's
# (lib/newlib/src/strtof.cpp) round once. newlib's are renamed so the two
# do not collide when strtod's member is linked.
sed -i -e 's/^strtof_l (/__kiln_newlib_strtof_l (/' -e 's/^strtof (/__kiln_newlib_strtof (/' \
    "$work/src/newlib/libc/stdlib/strtod.c"
[ "$(grep -c '^__kiln_newlib_strtof' "$work/src/newlib/libc/stdlib/strtod.c")" = 2 ] \
  || { echo "kiln: newlib: the strtof rename did not apply" >&2; exit 1; }
# struct tm with tm_gmtoff and tm_zone (BSD/glibc, POSIX 2024): newlib's
# <time.h> has both members behind __TM_GMTOFF/__TM_ZONE, which only
# Cygwin and RTEMS define; strftime's %z/%Z then read them. localtime_r,
# gmtime_r and mktime are taught to fill them (newlib's offsets are
# seconds west, tm_gmtoff seconds east).
cat >>"$work/src/newlib/libc/include/sys/config.h" <<'EOF'
/* Kiln (support/deps/newlib.sh): struct tm has tm_gmtoff and tm_zone. */
#ifndef __TM_GMTOFF
#define __TM_GMTOFF tm_gmtoff
#endif
#ifndef __TM_ZONE
#define __TM_ZONE tm_zone
#endif
EOF
# iconv_open of an encoding newlib does not have fails without setting
# errno; POSIX says EINVAL. Every failure but ENOMEM is that one.
ic=$work/src/newlib/libc/iconv/lib/iconv.c
sed -i 's|^  return _iconv_open_r (_REENT, to, from);$|  int e = errno;\n  iconv_t cd;\n  errno = 0;\n  cd = _iconv_open_r (_REENT, to, from);\n  if (cd == (iconv_t)-1 \&\& errno != ENOMEM)\n    errno = EINVAL;\n  else if (cd != (iconv_t)-1)\n    errno = e;\n  return cd;|' "$ic"
grep -q 'errno = EINVAL;' "$ic" || { echo "kiln: newlib: the iconv_open errno fix did not apply" >&2; exit 1; }
# open_memstream after a seek back: newlib writes a NUL at the position
# (keeping the byte it hid, to put back on the next seek), so the caller's
# buffer reads as cut there; glibc and musl leave the bytes after the
# position as written, the NUL staying at the end. Kiln does as they do:
# the NUL is written only at the end of the data (the hidden byte newlib
# puts back is then the same byte).
ms=$work/src/newlib/libc/stdio/open_memstream.c
sed -i -e 's/^  cbuf\[c->pos\] = .\\0.;$/  if (c->pos >= c->eof)\n    cbuf[c->pos] = '"'"'\\0'"'"';/' \
       -e '/^\t      \*(wchar_t \*)((\*c->pbuf) + c->pos) = L.\\0.;$/d' \
       -e '/^\t      (\*c->pbuf)\[c->pos\] = .\\0.;$/d' "$ms"
[ "$(grep -c "c->pos] = '\\\\0';\|c->pos) = L'\\\\0';" "$ms")" = 1 ] \
  || { echo "kiln: newlib: the open_memstream fix did not apply" >&2; exit 1; }
# UTF-8 decoding (mbrtowc and the rest) as RFC 3629 has it: 0xc0 and 0xc1
# can only start overlong forms, so they are invalid at once (newlib
# waited for a second byte, returning -2), and 0xed 0xa0..0xbf would
# encode a UTF-16 surrogate (newlib accepted those).
mb=$work/src/newlib/libc/stdlib/mbtowc_r.c
sed -i -e 's/^  if (ch >= 0xc0 \&\& ch <= 0xdf)$/  if (ch >= 0xc2 \&\& ch <= 0xdf)/' \
       -e 's/^      if (state->__value.__wchb\[0\] == 0xe0 \&\& ch < 0xa0)$/      if ((state->__value.__wchb[0] == 0xe0 \&\& ch < 0xa0) || (state->__value.__wchb[0] == 0xed \&\& ch >= 0xa0))/' "$mb"
[ "$(grep -c 'ch >= 0xc2 && ch <= 0xdf\|__wchb\[0\] == 0xed && ch >= 0xa0' "$mb")" = 2 ] \
  || { echo "kiln: newlib: the UTF-8 decoder fix did not apply" >&2; exit 1; }
# The *rand48 functions before any seed48/srand48: newlib starts from
# X = 0x1234abcd330e, glibc and musl from X = 0 (POSIX leaves the initial
# X to the implementation); Kiln takes glibc's, so programs (and
# libc-test's lrand48-signextend) see glibc's sequence.
sed -i -e 's/^#define        _RAND48_SEED_0  (0x330e)$/#define        _RAND48_SEED_0  (0)/' \
       -e 's/^#define        _RAND48_SEED_1  (0xabcd)$/#define        _RAND48_SEED_1  (0)/' \
       -e 's/^#define        _RAND48_SEED_2  (0x1234)$/#define        _RAND48_SEED_2  (0)/' \
    "$work/src/newlib/libc/include/sys/reent.h"
[ "$(grep -c '_RAND48_SEED_[012]  (0)$' "$work/src/newlib/libc/include/sys/reent.h")" = 3 ] \
  || { echo "kiln: newlib: the rand48 seed change did not apply" >&2; exit 1; }
# longjmp(env, 0) must make setjmp return 1 (C: "if val is 0, setjmp
# returns 1"); newlib's x86_64 longjmp returned the 0 (and the whole
# 64-bit register where val is an int).
sed -i 's|^  movq    rsi, rax        /\* Return value \*/$|  movl    esi, eax        /* Return value: val, or 1 for 0 */\n  testl   eax, eax\n  jnz     1f\n  movl    $1, eax\n1:|' \
    "$work/src/newlib/libc/machine/x86_64/setjmp.S"
grep -q 'or 1 for 0' "$work/src/newlib/libc/machine/x86_64/setjmp.S" \
  || { echo "kiln: newlib: the longjmp fix did not apply" >&2; exit 1; }
t=$work/src/newlib/libc/time
sed -i 's/^    : tz->__tzrule\[0\].offset);$/&\n  res->tm_gmtoff = -offset;\n  res->tm_zone = _tzname[res->tm_isdst == 1];/' "$t/lcltime_r.c"
sed -i 's/^  res->tm_isdst = 0;$/&\n  res->tm_gmtoff = 0;\n  res->tm_zone = "GMT";/' "$t/gmtime_r.c"
sed -i 's/^  tim_p->tm_isdst = isdst;$/&\n  tim_p->tm_gmtoff = -tz->__tzrule[isdst == 1].offset;\n  tim_p->tm_zone = _tzname[isdst == 1];/' "$t/mktime.c"
# strptime's %z (POSIX 2024, glibc): +hh, +hhmm, +hh:mm or Z, into
# tm_gmtoff; newlib's strptime has no %z.
cat >"$work/strptime-z.c" <<'EOF'
	    case 'z' : {	/* Kiln: UTC offset into tm_gmtoff */
		long sign = 1, hh, mm = 0;
		if (*buf == 'Z') {
		    ++buf;
		    timeptr->tm_gmtoff = 0;
		    break;
		}
		if (*buf == '-')
		    sign = -1;
		else if (*buf != '+')
		    return NULL;
		++buf;
		if (buf[0] < '0' || buf[0] > '9' || buf[1] < '0' || buf[1] > '9')
		    return NULL;
		hh = (buf[0] - '0') * 10 + (buf[1] - '0');
		buf += 2;
		if (buf[0] == ':' && buf[1] >= '0' && buf[1] <= '9')
		    ++buf;
		if (buf[0] >= '0' && buf[0] <= '9' && buf[1] >= '0' && buf[1] <= '9') {
		    mm = (buf[0] - '0') * 10 + (buf[1] - '0');
		    buf += 2;
		}
		if (hh > 24 || mm > 59)
		    return NULL;
		timeptr->tm_gmtoff = sign * (hh * 3600 + mm * 60);
		break;
	    }
EOF
awk -v f="$work/strptime-z.c" '/^\t    case .Z. :$/ { while ((getline l < f) > 0) print l } { print }' \
    "$t/strptime.c" >"$t/strptime.c.kiln" && mv "$t/strptime.c.kiln" "$t/strptime.c"
# strptime's %C with %y in either order is the century and the year in it
# (POSIX); newlib let the later one replace the year ("%y %C" lost the
# %y). Both are remembered and combined.
sed -i -e 's/^    int ymd = 0;$/&\n    int kiln_century = -1, kiln_yy = -1;/' \
       -e 's/^		timeptr->tm_year = (ret \* 100) - tm_year_base;$/&\n		kiln_century = ret;\n		if (kiln_yy >= 0)\n		    timeptr->tm_year = ret * 100 + kiln_yy - tm_year_base;/' \
       -e 's/^		    timeptr->tm_year = ret;$/&\n		kiln_yy = ret;\n		if (kiln_century >= 0)\n		    timeptr->tm_year = kiln_century * 100 + ret - tm_year_base;/' \
    "$t/strptime.c"
[ "$(grep -c 'kiln_century' "$t/strptime.c")" = 4 ] || { echo "kiln: newlib: the strptime %C fix did not apply" >&2; exit 1; }
[ "$(cat "$t/lcltime_r.c" "$t/gmtime_r.c" "$t/mktime.c" | grep -c 'tm_gmtoff = ')" = 3 ] && grep -q "case 'z'" "$t/strptime.c" \
  || { echo "kiln: newlib: the tm_gmtoff patch did not apply" >&2; exit 1; }
# strto*/wcsto* integer conversions (C, POSIX): an invalid base is
# EINVAL with *endptr = the string (newlib checked it in strtol and
# wcstoull only, leaving *endptr unset), and "0x" not followed by a hex
# digit is the number 0, *endptr at the 'x' (newlib skipped the "0x").
sd=$work/src/newlib/libc/stdlib
for f in strtol strtoul strtoll strtoull wcstol wcstoul wcstoll wcstoull; do
  sed -i -E -e '/^\tif ?\(base < 0 +\|\| +base == 1 +\|\| +base > 36\) +\{$/,/^\t\}$/d' \
      -e 's/^\tif \(\(base == 0 \|\| base == 16\) &&$/\tif (base < 0 || base == 1 || base > 36) {\n\t\trptr->_errno = EINVAL;\n\t\tif (endptr != 0)\n\t\t\t*endptr = (void *) nptr;\n\t\treturn 0;\n\t}\n&/' "$sd/$f.c"
done
for f in strtol strtoul strtoll strtoull strtoimax strtoumax wcstol wcstoul wcstoll wcstoull wcstoimax wcstoumax; do
  sed -i -E "s/^(\t    c == (L?)'0' && \(\*s == L?'x' \|\| \*s == L?'X'\))\) \{$/\1 \&\&\n\t    ((s[1] >= \2'0' \&\& s[1] <= \2'9') || (s[1] >= \2'a' \&\& s[1] <= \2'f') || (s[1] >= \2'A' \&\& s[1] <= \2'F'))) {/" "$sd/$f.c"
done
[ "$(cat "$sd"/strto*.c "$sd"/wcsto*.c | grep -c '\*endptr = (void \*) nptr;$')" = 8 ] \
  && [ "$(cat "$sd"/strto*.c "$sd"/wcsto*.c | grep -c "s\[1\] <= L\?'F'))) {$")" = 12 ] \
  && ! grep -q 'return(0ULL);' "$sd/wcstoull.c" \
  || { echo "kiln: newlib: the strto* base/0x fix did not apply" >&2; exit 1; }
# regcomp: a backslash before a byte that starts no valid character of
# the locale (in C.UTF-8, "\\\xfc") is REG_BADPAT, as musl and glibc
# have it; newlib's byte-wise parser took the byte as an ordinary one.
rc=$work/src/newlib/libc/posix/regcomp.c
cat >"$work/regcomp-mb.c" <<'EOF'
/* Kiln: does the escaped byte at p start a valid character? */
#include <wchar.h>
static int
kiln_escaped_bad(const char *p, const char *end)
{
	mbstate_t st;
	size_t n;
	if ((unsigned char)*p < 0x80 || MB_CUR_MAX == 1)
		return 0;
	memset(&st, 0, sizeof st);
	n = mbrtowc(NULL, p, (size_t)(end - p), &st);
	return n == (size_t)-1 || n == (size_t)-2;
}
EOF
awk -v f="$work/regcomp-mb.c" '{ print } /^#include "cname.h"$/ { while ((getline l < f) > 0) print l }' "$rc" >"$rc.kiln" && mv "$rc.kiln" "$rc"
sed -i -e 's/^\t\tc = BACKSL | GETNEXT();$/\t\t(void)REQUIRE(!MORE() || !kiln_escaped_bad(p->next, p->end), REG_BADPAT);\n&/' \
       -e '/^\tcase .\\\\.:$/{n;s/^\t\t(void)REQUIRE(MORE(), REG_EESCAPE);$/&\n\t\t(void)REQUIRE(!MORE() || !kiln_escaped_bad(p->next, p->end), REG_BADPAT);/}' "$rc"
[ "$(grep -c 'kiln_escaped_bad' "$rc")" = 3 ] || { echo "kiln: newlib: the regcomp escaped-byte fix did not apply" >&2; exit 1; }
# printf's %a of a long double went through double (frexp ((double) x)):
# digits past double's 53 bits and every value outside double's range
# were lost (0x1p-16382 printed as 0x0p+0), and an invalid x87 encoding
# (an unnormal, pseudo-infinity or pseudo-NaN: exponent not 0, integer
# bit clear) became a double NaN whose (int) indexed the digit table:
# a crash. Kiln formats %a from the 80-bit encoding itself (exact, the
# leading digit 1, rounding half to even), and prints the invalid
# encodings as nan, as the x87 unit classifies them.
vf=$work/src/newlib/libc/stdio/vfprintf.c
cat >"$work/vfprintf-a.c" <<'EOF'
# if !defined(_NO_LONGDBL) && __LDBL_MANT_DIG__ == 64
	/* Kiln: %a from the x87 encoding (value is not negative here). */
	if (ch == 'a' || ch == 'A') {
		unsigned char kb[sizeof (_LONG_DOUBLE)];
		unsigned long long km = 0, kr;
		int ke, kn, ki, kd;
		const char *kx = ch == 'a' ? "0123456789abcdef" : "0123456789ABCDEF";
		memcpy (kb, &value, sizeof kb);
		for (ki = 7; ki >= 0; ki--)
			km = km << 8 | kb[ki];
		ke = (kb[8] | kb[9] << 8) & 0x7fff;
		bp = buf;
		if (km == 0) {
			*decpt = 1;
			*bp++ = '0';
			for (ki = 0; ki < ndigits; ki++)
				*bp++ = '0';
			*length = bp - buf;
			return buf;
		}
		ke = (ke ? ke : 1) - 16383;
		while (!(km >> 63)) {
			km <<= 1;
			ke--;
		}
		kr = km << 1;		/* the 63 bits after the leading 1 */
		kd = 1;			/* the leading digit */
		kn = 16;		/* hex digits in kr */
		if (ndigits < 0) {
			while (kn > 0 && !(kr & 0xf)) {
				kr >>= 4;
				kn--;
			}
			kr <<= 4 * (16 - kn);
		} else if (ndigits < 16) {
			unsigned long long kh = 1ULL << (63 - 4 * ndigits);
			unsigned long long kl = ndigits ? kr & ((kh << 1) - 1) : kr;
			unsigned long long kq = ndigits ? kr >> (64 - 4 * ndigits) : 0;
			if (kl > kh || (kl == kh && ((ndigits ? kq : (unsigned long long) kd) & 1))) {
				kq++;
				if (ndigits == 0 || kq >> (4 * ndigits)) {
					kd++;
					kq = 0;
				}
			}
			kn = ndigits;
			kr = ndigits ? kq << (64 - 4 * ndigits) : 0;
		}
		*bp++ = kx[kd];
		for (ki = 0; ki < kn && ki < 16; ki++) {
			*bp++ = kx[kr >> 60];
			kr <<= 4;
		}
		for (; ki < ndigits; ki++)
			*bp++ = '0';
		*decpt = ke + 1;
		*length = bp - buf;
		return buf;
	}
# endif
EOF
awk -v f="$work/vfprintf-a.c" '/^# ifdef _WANT_IO_C99_FORMATS$/ { getline nx; if (nx ~ /^\tif \(ch == .a. \|\| ch == .A.\) \{$/ && !done) { while ((getline l < f) > 0) print l; done = 1 } print; print nx; next } { print }' "$vf" >"$vf.kiln" && mv "$vf.kiln" "$vf"
sed -i 's/^\t\t\texpt = _ldcheck (&_fpvalue);$/&\n#if __LDBL_MANT_DIG__ == 64\n\t\t\t{ \/* Kiln: exponent set, integer bit clear: invalid, nan *\/\n\t\t\t\tunsigned char kb[10];\n\t\t\t\tmemcpy (kb, \&_fpvalue, sizeof kb);\n\t\t\t\tif (((kb[8] | kb[9] << 8) \& 0x7fff) \&\& !(kb[7] \& 0x80))\n\t\t\t\t\texpt = 1;\n\t\t\t}\n#endif/' "$vf"
[ "$(grep -c 'Kiln: %a from the x87\|Kiln: exponent set, integer bit clear' "$vf")" = 2 ] || { echo "kiln: newlib: the printf %La fix did not apply" >&2; exit 1; }
# uselocale (POSIX): the thread's locale. newlib keeps it in the
# thread's struct _reent (Kiln gives each thread its own) only when
# __HAVE_LOCALE_INFO__ (Cygwin's full locale objects) is defined, and
# otherwise ignored uselocale's argument: uselocale(0) did not return the
# locale set. Kiln keeps the per-thread pointer without the rest of
# __HAVE_LOCALE_INFO__: the functions that read the current locale
# (mbrtowc, MB_CUR_MAX, strtod's decimal point, ...) read the thread's.
sl=$work/src/newlib/libc/locale/setlocale.h
sed -i -e '/^__get_locale_r (struct _reent \*r)$/,/^}$/{/^#ifdef __HAVE_LOCALE_INFO__$/d;/^#else$/,/^#endif$/d}' \
       -e '/^__get_current_locale (void)$/,/^}$/{/^#ifdef __HAVE_LOCALE_INFO__$/d;/^#else$/,/^#endif$/d}' "$sl"
[ "$(sed -n '/^__get_locale_r (struct _reent \*r)$/,/^}$/p;/^__get_current_locale (void)$/,/^}$/p' "$sl" | grep -c '_locale;$\|_locale ?: __get_global_locale ();$\|#')" = 2 ] \
  || { echo "kiln: newlib: the per-thread locale fix did not apply" >&2; exit 1; }
# fnmatch's bracket expressions as POSIX 2018 has them (those of
# regular expressions): a backslash in one is itself ("[[?*\]" matches
# "\"), and character classes ([:alpha:] and the rest) are recognised
# (a "[:" with no ":]" after it makes the bracket invalid: its '['
# then matches itself);
# newlib took the backslash as an escape and had no classes.
fm=$work/src/newlib/libc/posix/fnmatch.c
sed -i -e 's/^#include <fnmatch.h>$/&\n#include <wchar.h>\n#include <wctype.h>/' \
       -e '/^\t\tif (c == .\\\\. && !(flags & FNM_NOESCAPE))$/{N;/\n\t\t\tc = \*pattern++;$/d}' \
       -e '/^\t\t\tif (c2 == .\\\\. && !(flags & FNM_NOESCAPE))$/{N;/\n\t\t\t\tc2 = \*pattern++;$/d}' \
       -e 's/^\t\tif (c == .\/. && (flags & FNM_PATHNAME))$/\t\tif (c == '"'"'['"'"' \&\& *pattern == '"'"':'"'"') {\t\/* Kiln: [:class:] *\/\n\t\t\tconst char *ce = strstr(pattern + 1, ":]");\n\t\t\tchar nm[16];\n\t\t\tif (ce \&\& (size_t)(ce - pattern - 1) < sizeof nm) {\n\t\t\t\twctype_t wt;\n\t\t\t\tmemcpy(nm, pattern + 1, ce - pattern - 1);\n\t\t\t\tnm[ce - pattern - 1] = EOS;\n\t\t\t\twt = wctype(nm);\n\t\t\t\tif (wt \&\& iswctype(btowc((unsigned char)test), wt))\n\t\t\t\t\tok = 1;\n\t\t\t\tpattern = ce + 2;\n\t\t\t\tcontinue;\n\t\t\t}\n\t\t\tif (!ce)\n\t\t\t\treturn (RANGE_ERROR);\n\t\t}\n&/' "$fm"
[ "$(sed -n '/^rangematch/,/^}$/p' "$fm" | grep -c 'FNM_NOESCAPE\|Kiln: \[:class:\]')" = 1 ] \
  || { echo "kiln: newlib: the fnmatch bracket fix did not apply" >&2; exit 1; }
# printf's %e/%f/%g with long double support on converted every value
# with _ldtoa_r, whose digits stop at about 40 significant ones (%.1022f
# of 0x1p-1021 was not its exact expansion). A value a double holds
# exactly (every double, and most long doubles printed) goes through
# _dtoa_r, which is exact at any precision; the others still _ldtoa_r.
# (_dtoa_r's small-integer path keeps trailing zeros %g must drop:
# %.12g of 1000000000005 is 1e+12.)
sed -i -e 's/^extern int _ldcheck (_LONG_DOUBLE \*);$/&\nextern char *_dtoa_r (struct _reent *, double, int, int, int *, int *, char **);/' \
       -e 's/^\tdigits = _DTOA_R (data, value, mode, ndigits, decpt, &dsgn, &rve);$/# ifndef _NO_LONGDBL\n\tif ((double) value == value) {\t\/* Kiln: exact digits *\/\n\t\tdigits = _dtoa_r (data, (double) value, mode, ndigits, decpt, \&dsgn, \&rve);\n\t\twhile ((ch == '"'"'g'"'"' || ch == '"'"'G'"'"') \&\& rve > digits + 1 \&\& rve[-1] == '"'"'0'"'"')\n\t\t\t--rve;\n\t} else\n# endif\n&/' "$vf"
[ "$(grep -c '_dtoa_r (data, (double) value\|^extern char \*_dtoa_r (struct _reent \*, double, int, int,' "$vf")" = 2 ] \
  || { echo "kiln: newlib: the printf exact-digits fix did not apply" >&2; exit 1; }
# strftime and strftime_l are Kiln's (lib/newlib/src/strftime.cpp: the
# year conversions with POSIX's flags and widths); newlib's are renamed
# and do each other conversion for them. wcsftime (the same source built
# for wchar_t) keeps its name.
st=$work/src/newlib/libc/time/strftime.c
sed -i -e 's/^strftime (CHAR \*__restrict s,$/__kiln_newlib_strftime (CHAR *__restrict s,/' \
       -e 's/^strftime_l (CHAR \*__restrict s, size_t maxsize, const CHAR \*__restrict format,$/__kiln_newlib_strftime_l (CHAR *__restrict s, size_t maxsize, const CHAR *__restrict format,/' \
       -e 's/^#  define strftime_l\twcsftime_l\t\/\* Alternate function name \*\/$/&\n#  define __kiln_newlib_strftime wcsftime\n#  define __kiln_newlib_strftime_l wcsftime_l/' "$st"
[ "$(grep -c '^__kiln_newlib_strftime\(_l\)\? (\|define __kiln_newlib_strftime' "$st")" = 4 ] \
  || { echo "kiln: newlib: the strftime rename did not apply" >&2; exit 1; }
# The C locale as POSIX 2018 has it: one byte a character, every byte
# valid. newlib's gave the bytes 0x80-0xff the code points U+0080-U+00FF,
# so iswalpha and the rest classified them as Latin-1 letters; like musl,
# Kiln maps them to U+DF80-U+DFFF (surrogates: no character of any
# class), and back. C.UTF-8 and the other locales are unchanged.
mbc=$work/src/newlib/libc/stdlib/mbtowc_r.c
wcc=$work/src/newlib/libc/stdlib/wctomb_r.c
sed -i '/^__ascii_mbtowc (struct _reent \*r,$/,/^}$/s/^  \*pwc = (wchar_t)\*t;$/  *pwc = *t >= 0x80 ? (wchar_t)(0xdf00 + *t) : (wchar_t)*t;\t\/* Kiln *\//' "$mbc"
sed -i '/^__ascii_wctomb (struct _reent \*r,$/,/^}$/{s/^  if ((size_t)wchar >= 0x100)$/  if (wchar >= 0xdf80 \&\& wchar <= 0xdfff)\t\/* Kiln: the bytes 0x80-0xff *\/\n    wchar -= 0xdf00;\n  else if ((size_t)wchar >= 0x80)/}' "$wcc"
[ "$(grep -c '0xdf00' "$mbc" "$wcc" | awk -F: '{s+=$2} END {print s}')" = 2 ] \
  || { echo "kiln: newlib: the C locale byte mapping did not apply" >&2; exit 1; }
# fgetwc/fputwc's single-byte fast paths took every byte as its own code
# point: ASCII only now, the rest through the locale's conversion.
sed -i 's/^  if (MB_CUR_MAX == 1)$/  if (MB_CUR_MAX == 1 \&\& *fp->_p < 0x80)/' "$work/src/newlib/libc/stdio/fgetwc.c"
sed -i 's/^  if (MB_CUR_MAX == 1 \&\& wc > 0 \&\& wc <= UCHAR_MAX)$/  if (MB_CUR_MAX == 1 \&\& wc > 0 \&\& wc < 0x80)/' "$work/src/newlib/libc/stdio/fputwc.c"
grep -q '_p < 0x80)$' "$work/src/newlib/libc/stdio/fgetwc.c" && grep -q 'wc < 0x80)$' "$work/src/newlib/libc/stdio/fputwc.c" \
  || { echo "kiln: newlib: the wide stdio fast-path fix did not apply" >&2; exit 1; }
"$here/cross-wrappers.sh" "$work/bin" "$triple"
export PATH=$work/bin:$PATH
cd "$work/obj"
# Flags every Kiln object uses: no PIC, the arch's code flags (x86_64: no
# red zone: interrupts share the stack on kvm), sections for --gc-sections,
# frame pointers for backtraces.
cflags="-O2 -g -fno-pie -fno-pic $archflags -fno-stack-protector -ffunction-sections -fdata-sections -fno-omit-frame-pointer"
"$work/src/configure" --target="$triple" --prefix="$work/install" \
    --disable-multilib --disable-nls --disable-newlib-supplied-syscalls \
    --enable-newlib-retargetable-locking --enable-newlib-global-stdio-streams \
    --enable-newlib-io-long-long \
    --enable-newlib-io-c99-formats --enable-newlib-io-long-double \
    --disable-newlib-fvwrite-in-streamio \
    --enable-newlib-mb --enable-newlib-iconv \
    --enable-newlib-iconv-encodings=us_ascii,utf_8,utf_16,utf_16be,utf_16le,ucs_2,ucs_2be,ucs_2le,ucs_4,ucs_4be,ucs_4le,iso_8859_1 \
    --disable-libgloss \
    CFLAGS_FOR_TARGET="$cflags" >"$work/configure.log" 2>&1 \
  || { echo "kiln: newlib configure failed, see $work/configure.log" >&2; exit 1; }
make -j"$(nproc)" all-target-newlib >"$work/build.log" 2>&1 \
  || { echo "kiln: newlib build failed, see $work/build.log" >&2; tail -20 "$work/build.log" >&2; exit 1; }
make install-target-newlib >>"$work/build.log" 2>&1
# The OS-free parts of libc/posix and libc/unix (see the top), with the
# flags newlib's own Makefiles give them.
inc=$work/install/$triple/include
mkdir -p "$work/extra"
for f in posix/regcomp posix/regerror posix/regexec posix/regfree posix/collate posix/collcmp \
         posix/fnmatch posix/glob unix/basename unix/dirname; do
  o=$work/extra/$(basename "$f").o
  # newlib's glob is 4.4BSD's (no GLOB_NOMATCH, quoting only with
  # GLOB_QUOTE): it is compiled under another name and lib/newlib's glob
  # (src/glob.cpp) gives it POSIX's interface.
  extra=; [ "$f" = posix/glob ] && extra=-Dglob=__kiln_bsd_glob
  $triple-gcc $cflags $extra -D_GNU_SOURCE -I "$work/src/newlib/libc/posix" -isystem "$kiln/lib/vfs/include" -isystem "$inc" \
      -c "$work/src/newlib/libc/$f.c" -o "$o" >>"$work/build.log" 2>&1 \
    || { echo "kiln: newlib: compiling libc/$f.c failed, see $work/build.log" >&2; tail -20 "$work/build.log" >&2; exit 1; }
done
ar rcs "$work/install/$triple/lib/libc.a" "$work"/extra/*.o
cp -r "$work/install/$triple/include" "$out/include"
mkdir -p "$out/lib"
cp "$work/install/$triple/lib/libc.a" "$work/install/$triple/lib/libm.a" "$out/lib/"
rm -rf "$work"
echo "$key" > "$out/.stamp"
