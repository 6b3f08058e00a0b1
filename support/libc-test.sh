#!/usr/bin/env bash
# Measure Kiln's C library with musl's libc-test (docs/libc.md, "Measuring
# with musl's libc-test"). The suite is not part of Kiln: pass its folder.
#
#   support/libc-test.sh <libc-test dir> [--platform linuxu|kvm] [--out DIR]
#                        [--parts "functional regression math"] [-j N]
#                        [--helper-builtins] [--report]
#
# Every test of the suite's src/functional, src/regression and src/math is
# built twice from the same sources: for the host (system gcc + glibc, as the
# suite's Makefile and config.mak.def build it, run through the suite's own
# runtest with a 10 s timeout) and as a Kiln image (one image built with make,
# then its app compile flags and its final link command reused for each test,
# the app's object replaced by the test's; run with a 30 s timeout; kvm: via
# support/run.sh under QEMU TCG). A test passes when it exits 0.
# Results: DIR/results-<platform>.tsv (one line per test: part, name, host
# status and first error line, Kiln status and first error line),
# DIR/summary-<platform>.txt (the table), DIR/causes-<platform>.txt (the
# ranked causes, each with its tests), and every log under DIR/host
# (src/<part>/<test>.{log,out,status}) and DIR/kiln-<platform>/<part>/<test>/.
# --helper-builtins: compile the suite's helpers (src/common, not the tests)
# for Kiln with -Dcopysignl=__builtin_copysignl -Dscalbnl=__builtin_scalbnl:
# src/common/mtest.c, which
# every math test links, calls copysignl and scalbnl, which newlib's <math.h> does not
# declare on x86_64; without it no math test links and the math part says
# nothing about the functions it tests. A workaround of the measurement,
# so the strict run (without it) is the one to quote.
# --report: only print the table and causes again from an earlier run's files.
set -uo pipefail
{ # read whole before running: editing this file during a run cannot break the run
SRC=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '5,7p' "$0" | sed 's/^# *//' >&2; exit 2; }

suite= platform=linuxu out=$SRC/build/libc-test parts="functional regression math" jobs=2 hb= report_only=
while [ $# -gt 0 ]; do
  case $1 in
    --platform) platform=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --parts) parts=${2:?}; shift 2 ;;
    -j) jobs=${2:?}; shift 2 ;;
    --report) report_only=1; shift ;;
    --helper-builtins) hb="-Dcopysignl=__builtin_copysignl -Dscalbnl=__builtin_scalbnl"; shift ;;
    -h|--help) usage ;;
    -*) echo "libc-test.sh: unknown option $1" >&2; usage ;;
    *) [ -z "$suite" ] || usage; suite=$1; shift ;;
  esac
done
[ -n "$suite" ] || usage
suite=$(cd "$suite" && pwd) || exit 2
[ -f "$suite/src/common/runtest.c" ] || { echo "libc-test.sh: $suite is not libc-test (no src/common/runtest.c)" >&2; exit 2; }
case $platform in linuxu|kvm) ;; *) echo "libc-test.sh: --platform linuxu|kvm" >&2; exit 2 ;; esac
mkdir -p "$out"; out=$(cd "$out" && pwd)
# Nothing of an outer make may leak into the Kiln build.
unset MAKEFLAGS MAKELEVEL MFLAGS KCONFIG_CONFIG srctree KILN_APP_DIR O A V
export LC_ALL=C   # plain quotes in gcc's messages (the causes are parsed from them)
start=$(date +%s)
NICE="nice -n 10"

# The suite's flags (config.mak.def, Makefile). -D_FILE_OFFSET_BITS=64 and the
# extra libraries are its "glibc specific settings": host only.
SUITE_CFLAGS="-pipe -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wno-unused-function -Wno-missing-braces
 -Wno-unused -Wno-overflow -Wno-unknown-pragmas -fno-builtin -frounding-math
 -Werror=implicit-function-declaration -Werror=implicit-int -Werror=pointer-sign -Werror=pointer-arith -g"
HOST_CFLAGS="$SUITE_CFLAGS -D_FILE_OFFSET_BITS=64"
HOST_LDLIBS="-lpthread -lm -lrt -lcrypt -ldl -lresolv -lutil -lpthread"

# The tests: every src/<part>/*.c except the *_dso.c helpers (shared objects
# other tests load or link; not tests of their own, as in the suite's .mk files).
list=$out/tests.txt; : >"$list"
for p in $parts; do
  for f in "$suite"/src/$p/*.c; do
    n=$(basename "$f" .c)
    case $n in *_dso) continue ;; esac
    echo "$p/$n" >>"$list"
  done
done
echo "libc-test: $(wc -l <"$list") tests in: $parts (the _dso.c helpers are built, not counted)"

H=$out/host K=$out/kiln; R=$K-$platform
if [ -z "$report_only" ]; then
# ---------------------------------------------------------------- host
mkdir -p "$H/src/common"
cd "$H" || exit 1
echo "libc-test: host: building libtest.a and runtest (gcc $(gcc -dumpversion), $(ldd --version | head -1 | sed 's/.* //'))"
hobjs=()
for c in "$suite"/src/common/*.c; do
  o=src/common/$(basename "$c" .c).o
  $NICE gcc $HOST_CFLAGS -I"$suite/src/common" -c -o "$o" "$c" 2>"$o.err" && [ "$(basename "$c")" != runtest.c ] && hobjs+=("$o")
done
rm -f src/common/libtest.a; ar rc src/common/libtest.a "${hobjs[@]}"
gcc $HOST_CFLAGS -o src/common/runtest.exe src/common/runtest.o src/common/libtest.a $HOST_LDLIBS || exit 1
# The shared objects some tests need (paths relative to the run folder, as the tests expect).
for d in "$suite"/src/functional/*_dso.c "$suite"/src/regression/*_dso.c; do
  [ -f "$d" ] || continue
  rel=${d#"$suite"/}; rel=${rel%.c}; mkdir -p "$(dirname "$rel")"
  gcc $HOST_CFLAGS -I"$suite/src/common" -fPIC -DSHARED -shared -o "$rel.so" "$d" 2>"$rel.so.err"
  gcc $HOST_CFLAGS -I"$suite/src/common" -c -o "$rel.o" "$d" 2>>"$rel.so.err"
done

export suite H HOST_CFLAGS HOST_LDLIBS
host_one() { # <part/name>: build, run; writes src/<t>.status ("status<TAB>first line")
  local t=$1 n=${1#*/} p=${1%%/*} extra=()
  cd "$H" && mkdir -p "src/$p"
  local b=src/$t st line
  case $t in
    functional/dlopen) extra=(-rdynamic) ;;
    functional/tls_align) extra=(src/functional/tls_align_dso.so) ;;
    regression/tls_get_new-dtv) extra=(-Wl,-rpath='$ORIGIN') ;;
  esac
  if ! gcc $HOST_CFLAGS -I"$suite/src/common" -c -o "$b.o" "$suite/$b.c" >"$b.log" 2>&1; then
    printf 'compile\t%s\n' "$(grep -m1 -E 'error' "$b.log")" >"$b.status"; return
  fi
  if ! gcc -o "$b.exe" "$b.o" "${extra[@]}" src/common/libtest.a $HOST_LDLIBS >>"$b.log" 2>&1; then
    printf 'link\t%s\n' "$(grep -m1 -E 'undefined reference|error' "$b.log")" >"$b.status"; return
  fi
  src/common/runtest.exe -t 10 "$b.exe" >"$b.out" 2>&1 </dev/null
  if [ $? -eq 0 ]; then st=pass; line=
  else
    line=$(grep -m1 -v '^FAIL ' "$b.out"); [ -n "$line" ] || line=$(head -1 "$b.out")
    case $(grep -m1 '^FAIL ' "$b.out") in
      *'[timed out]'*) st=timeout ;; *'[signal '*) st=crash ;; *) st=fail ;;
    esac
  fi
  printf '%s\t%s\n' "$st" "$line" >"$b.status"
}
export -f host_one
echo "libc-test: host: building and running $(wc -l <"$list") tests (-j$jobs)"
hstart=$(date +%s)
$NICE xargs -P"$jobs" -I{} bash -c 'host_one "$1"' _ {} <"$list"
echo "libc-test: host: $(( $(date +%s) - hstart )) s"

# ---------------------------------------------------------------- Kiln
# One image built the normal way, with what the tests need; then its app
# compile command and link commands are reused for every test.
KB=$K/build; app=$out/app
mkdir -p "$app"
echo 'int main(void) { return 0; }' >"$app/main.c"
echo main.c >"$app/sources.txt"
cat >"$app/defconfig" <<EOF
CONFIG_PLAT_LINUXU=y
CONFIG_PLAT_KVM=y
CONFIG_LIBPTHREAD=y
CONFIG_SCHED_PREEMPT=y
CONFIG_LIBVFS=y
CONFIG_LIBSOCKET=y
CONFIG_LIBSIGNAL=y
EOF
[ -n "$hb" ] && echo "libc-test: kiln: the suite's helpers are compiled with $hb (--helper-builtins)"
echo "libc-test: kiln: building the base image (make O=$KB A=$app; commit $(git -C "$SRC" rev-parse --short HEAD)$(git -C "$SRC" diff --quiet HEAD || echo ', dirty'))"
if ! { $NICE make -s -C "$SRC" O="$KB" A="$app" defconfig && $NICE make -s -C "$SRC" O="$KB" A="$app"; } >"$K.build.log" 2>&1; then
  echo "libc-test: the Kiln base image did not build; last lines of $K.build.log:"; tail -20 "$K.build.log"; exit 1
fi
img=app_$platform-x86_64
cmds=$K/$platform.commands; ninja -C "$KB/obj" -t commands "$KB/$img.dbg" >"$cmds" || exit 1
# The app's compile command: without its dependency-file and output
# arguments, with the app's folder as include path replaced by the suite's
# src/common; the suite's own flags after Kiln's (so its -std=c99 wins).
KCC=$(grep -F -- "-c $app/main.c" "$cmds" | head -1 |
  sed -E "s# -MD##; s# -MT [^ ]+##; s# -MF [^ ]+##; s# -o [^ ]+##; s# -c [^ ]+\$##; s#-I$app( |\$)#-I$suite/src/common #")
[ -n "$KCC" ] || { echo "libc-test: no compile command for $app/main.c in $cmds" >&2; exit 1; }
KCC="$KCC $SUITE_CFLAGS"
# The link commands: pass 1 (no symbol table), the symbol table, the final link.
appobj=$(grep -oE '[^ ]*kiln_app\.dir[^ ]*main\.c\.o' "$cmds" | head -1)
pass1=$(grep -F "$img.pass1.map" "$cmds" | head -1 | sed 's/^: && //; s/ && :$//')
final=$(grep -F "Map=$KB/$img.map" "$cmds" | head -1 | sed -E 's/.*&& (\/usr\/bin\/c\+\+ [^&]*) &&.*/\1/; s/.*(\/usr\/bin\/c\+\+ )/\1/' | sed 's/ && .*//')
symobj=$(grep -oE "[^ ]*$img\.syms\.S\.o" <<<"$final" | head -1)
symcc=$(grep -E "^/usr/bin/cc .*$img\.syms\.S\.o " "$cmds" | head -1)
for v in appobj pass1 final symobj symcc; do
  [ -n "${!v}" ] || { echo "libc-test: could not read the $v command from $cmds (the build's link steps changed?)" >&2; exit 1; }
done
printf 'compile: %s\npass1: %s\nfinal: %s\n' "$KCC" "$pass1" "$final" >"$K/commands.used"

mkdir -p "$K/common"; : >"$K/common/missing-helpers.tsv"
kobjs=()
for c in "$suite"/src/common/*.c; do
  b=$(basename "$c" .c); [ "$b" = runtest ] && continue
  o=$K/common/$b.o
  if $NICE $KCC $hb -c -o "$o" "$c" >"$o.log" 2>&1; then kobjs+=("$o")
  else
    echo "libc-test: kiln: src/common/$b.c does not compile: $(grep -m1 error "$o.log")"
    # the helpers it would have defined (from the host's object), for the causes
    nm -g --defined-only "$H/src/common/$b.o" 2>/dev/null | awk -v f="$b.c" -v e="$(grep -m1 error "$o.log" | sed 's/.*error: //')" \
      '{print $3 "\t" f ": " e}' >>"$K/common/missing-helpers.tsv"
  fi
done
rm -f "$K/common/libtest.a"; ar rc "$K/common/libtest.a" "${kobjs[@]}"
# tls_align links its dso's object, as the suite's static build does.
$KCC -c -o "$K/common/tls_align_dso.o" "$suite/src/functional/tls_align_dso.c" >/dev/null 2>&1

mkdir -p "$R"
export hb K R KB KCC appobj pass1 final symobj symcc img platform SRC
kiln_one() { # <part/name>
  local t=$1 d="$R/$1" o="$K/obj/$1.o" extra="" st line rc
  mkdir -p "$d" "$(dirname "$o")"
  [ "$t" = functional/tls_align ] && extra=$K/common/tls_align_dso.o
  rm -f "$o" "$d"/t_* "$d/status"
  if ! $KCC -c -o "$o" "$suite/src/$t.c" >"$d/compile.log" 2>&1; then
    printf 'compile\t%s\n' "$(grep -m1 -E 'error' "$d/compile.log")" >"$d/status"; return
  fi
  local objs="$o $extra $K/common/libtest.a" im=$d/t_${img#app_}
  local l1=${pass1//"$appobj"/"$objs"} l2=${final//"$appobj"/"$objs"}
  l1=$(sed -E "s#-Wl,-Map=[^ ]+#-Wl,-Map=$d/pass1.map#; s# -o [^ ]+# -o $d/pass1#" <<<"$l1")
  l2=$(sed -E "s#-Wl,-Map=[^ ]+#-Wl,-Map=$d/image.map#; s# -o [^ ]+# -o $im.dbg#" <<<"$l2")
  l2=${l2//"$symobj"/"$d/syms.S.o"}
  if ! (cd "$KB/obj" && eval "$l1") >"$d/link.log" 2>&1; then
    printf 'link\t%s\n' "$(grep -m1 -E 'undefined reference|error|multiple definition' "$d/link.log")" >"$d/status"; return
  fi
  if ! { (cd "$KB/obj" && python3 "$SRC/support/gensyms.py" table "$d/pass1" "$d/syms.S" &&
          /usr/bin/cc -c -o "$d/syms.S.o" "$d/syms.S" && eval "$l2" &&
          python3 "$SRC/support/gensyms.py" verify "$d/pass1" "$im.dbg" &&
          objcopy --strip-all "$im.dbg" "$im"); } >>"$d/link.log" 2>&1; then
    printf 'link\t%s\n' "(final link) $(grep -m1 -E 'error|undefined' "$d/link.log")" >"$d/status"; return
  fi
  rm -f "$d/pass1" "$d/pass1.map" "$d/syms.S"
  (cd "$d" && if [ "$platform" = kvm ]; then
     timeout -s KILL 30 "$SRC/support/run.sh" --image "$im" --accel tcg --mem 256M
   else
     timeout -s KILL 30 "$im"
   fi) >"$d/out" 2>&1 </dev/null
  rc=$?
  case $rc in
    0) st=pass; line= ;;
    137|124) st=timeout; line="no exit within 30 s" ;;
    125) st=crash; line=$(grep -m1 -E 'CRASH|PANIC|critical|Assertion|assert' "$d/out") ;;
    *) st=fail; line=$(grep -m1 -v -E '^kiln: (warning|info)' "$d/out") ;;
  esac
  [ -n "$line" ] || [ "$st" = pass ] || line="exit status $rc"
  printf '%s\t%s\n' "$st" "$line" >"$d/status"
}
export -f kiln_one
echo "libc-test: kiln: building and running $(wc -l <"$list") tests on $platform (-j$jobs)"
kstart=$(date +%s)
$NICE xargs -P"$jobs" -I{} bash -c 'kiln_one "$1"' _ {} <"$list"
echo "libc-test: kiln: $(( $(date +%s) - kstart )) s"

fi # report_only

# ---------------------------------------------------------------- report
res=$out/results-$platform.tsv
printf 'part\ttest\thost\thost_first_line\tkiln\tkiln_first_line\n' >"$res"
while read -r t; do
  hs=$(cat "$H/src/$t.status" 2>/dev/null || printf 'missing\t')
  ks=$(cat "$R/$t/status" 2>/dev/null || printf 'missing\t')
  printf '%s\t%s\t%s\t%s\n' "${t%%/*}" "${t#*/}" "$hs" "$ks" | tr -d '\r'
done <"$list" >>"$res"
python3 - "$res" "$R" "$platform" "$out" "$K/common/missing-helpers.tsv" <<'EOF'
import collections, os, re, sys
res, rdir, plat, out, mh = sys.argv[1:]
helpers = dict(l.rstrip('\n').split('\t', 1) for l in open(mh) if '\t' in l)
rows = [l.rstrip('\n').split('\t') for l in open(res)][1:]
parts = []
for r in rows:
    if r[0] not in parts: parts.append(r[0])
hdr = f"{'part':<12}{'total':>7}{'glibc':>7}{'kiln':>7}{'no-cc':>7}{'no-ld':>7}{'crash/to':>9}{'fail':>6}"
lines = [f"libc-test on Kiln {plat} vs host glibc" + (" (helpers with --helper-builtins)" if os.environ.get('hb') else ''), hdr]
def row(name, rs):
    c = collections.Counter(r[4] for r in rs)
    return (f"{name:<12}{len(rs):>7}{sum(r[2]=='pass' for r in rs):>7}{c['pass']:>7}{c['compile']:>7}"
            f"{c['link']:>7}{c['crash']+c['timeout']:>9}{c['fail']:>6}")
for p in parts: lines.append(row(p, [r for r in rows if r[0] == p]))
fr = [r for r in rows if r[0] in ('functional', 'regression')]
if fr: lines.append(row('func+regr', fr))
open(os.path.join(out, f'summary-{plat}.txt'), 'w').write('\n'.join(lines) + '\n')
print('\n'.join(lines))

# Causes: every distinct reason a test is blocked, counted once per test.
causes = collections.defaultdict(set)
for part, name, hs, hl, ks, kl in rows:
    t = f"{part}/{name}"
    d = os.path.join(rdir, t)
    if ks == 'compile':
        log = open(os.path.join(d, 'compile.log'), errors='replace').read()
        for m in re.finditer(r"fatal error: ([^:]+): No such file", log):
            causes[f"missing header <{m.group(1)}>"].add(t)
        for m in re.finditer(r"error: implicit declaration of function '([^']+)'", log):
            f = m.group(1)
            if part == 'math' and (f.endswith('l') or f.startswith('nexttoward')):
                causes["long double math functions (acosl ... nexttoward) undeclared: newlib's <math.h> "
                       "declares them only where long double is double"].add(t)
            else:
                causes[f"undeclared function {f}()"].add(t)
        for m in re.finditer(r"error: '([^']+)' undeclared", log):
            causes[f"undeclared name {m.group(1)}"].add(t)
        for m in re.finditer(r"(?:([^ :]+\.h):\d+:\d+: )?error: unknown type name '([^']+)'", log):
            hdr = m.group(1)
            causes[f"unknown type {m.group(2)}" + (f" (used by {os.path.basename(hdr)}, which does not define it)"
                                                   if hdr and '/newlib/' in hdr else '')].add(t)
        for m in re.finditer(r"error: (?:storage size of|field) '[^']+' (?:isn't known|has incomplete type)", log):
            pass
        for m in re.finditer(r"error: '(?:struct )?([^']+)' has no member named '([^']+)'", log):
            causes[f"missing member {m.group(1)}.{m.group(2)}"].add(t)
        for m in re.finditer(r"error: (?:variable|storage size of) '[^']+' (?:has initializer but incomplete type|isn't known)", log):
            causes["incomplete struct type (see compile.log)"].add(t)
        if not any(t in s for s in causes.values()):
            first = next((l for l in log.splitlines() if 'error' in l), '?')
            causes["other compile error: " + re.sub(r'^.*?error: ', '', first)[:80]].add(t)
    elif ks == 'link':
        log = open(os.path.join(d, 'link.log'), errors='replace').read()
        syms = set(re.findall(r"undefined reference to `([^']+)'", log))
        hs_ = {helpers[s] for s in syms if s in helpers}
        for h in hs_: causes[f"the suite's helper src/common/{h} (does not compile on Kiln)"].add(t)
        for s in syms:
            if s not in helpers: causes[f"undefined symbol {s}"].add(t)
        if not syms: causes["other link error: " + kl[:80]].add(t)
    elif ks in ('crash', 'timeout'):
        causes[f"{ks}: {name}: {kl[:100]}"].add(t)
    elif ks == 'fail':
        causes[f"wrong result: {name}: {kl[:100]}"].add(t)
ranked = sorted(causes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
with open(os.path.join(out, f'causes-{plat}.txt'), 'w') as f:
    for c, ts in ranked:
        f.write(f"{len(ts):4d}  {c}\n      {' '.join(sorted(ts))}\n")
print(f"\nTop causes (all in {os.path.join(out, f'causes-{plat}.txt')}):")
for c, ts in ranked[:30]:
    print(f"{len(ts):4d}  {c}")
EOF
echo "libc-test: results in $res; took $(( $(date +%s) - start )) s"
exit 0
}
