#!/usr/bin/env bash
# support/check_ctors.py, the link-time rule "kernel globals are constinit":
# it fails, naming the object, the source file and the global, on an object
# with a dynamic initialiser (at -O0 and -O2, for a class with a
# constructor and for a plain call), and passes constinit and constant
# globals. The image links run it on every kernel object (kiln.cmake).
source "$(dirname "$0")/lib.sh"
CHECK="/usr/bin/python3 $SRC/support/check_ctors.py"

cat >"$W/dynamic.cpp" <<'CPP'
int now();
namespace kiln {
namespace {
struct Table { int* slot; Table() : slot(new int(now())) {} };
Table table;  // needs Table() at run time
}  // namespace
int read_table() { return *table.slot; }
}  // namespace kiln
int boot_time = now();  // a plain call
CPP
cat >"$W/constant.cpp" <<'CPP'
struct Table { int* slot = nullptr; constexpr Table() = default; };
constinit Table table;
Table* self = &table;              // an address: constant
const char* greeting = "kiln";
int read_table() { return table.slot ? *table.slot : 0; }
CPP

for opt in -O0 -O2; do
  flags="-std=gnu++20 $opt -ffunction-sections -fdata-sections -fno-exceptions -c"
  g++ $flags "$W/dynamic.cpp" -o "$W/dynamic.o"
  g++ $flags "$W/constant.cpp" -o "$W/constant.o"
  $CHECK "$W/constant.o" || fail "$opt: constant-initialised globals rejected"
  if $CHECK "$W/constant.o" "$W/dynamic.o" 2>"$W/err"; then fail "$opt: a static constructor passed the check"; fi
  [ "$(wc -l <"$W/err")" -eq 1 ] || fail "$opt: expected one line, got: $(cat "$W/err")"
  grep -q "^check_ctors: $W/dynamic.o (from dynamic.cpp): static constructor .* in .init_array" "$W/err" ||
    fail "$opt: unclear message: $(cat "$W/err")"
  grep -q "kiln::(anonymous namespace)::table" "$W/err" || fail "$opt: the global is not named: $(cat "$W/err")"
  grep -q "boot_time" "$W/err" || fail "$opt: the global is not named: $(cat "$W/err")"
  grep -q "constinit" "$W/err" || fail "$opt: the rule is not named: $(cat "$W/err")"
done

# An old-style .ctors entry counts too, and an unreadable input is an error.
printf 'void f();\n__attribute__((section(".ctors"))) void (*entry)() = f;\n' >"$W/ctors.cpp"
g++ -c "$W/ctors.cpp" -o "$W/ctors.o"
if $CHECK "$W/ctors.o" 2>"$W/err"; then fail ".ctors entry passed the check"; fi
grep -q "in .ctors" "$W/err" || fail "unclear .ctors message: $(cat "$W/err")"
echo "not an object" >"$W/junk.o"
if $CHECK "$W/junk.o" 2>"$W/err"; then fail "a non-ELF input passed"; fi
grep -q "junk.o: cannot read" "$W/err" || fail "unclear message for a non-ELF input: $(cat "$W/err")"

# Every kernel object of the test images passes (the images link only then).
# (All of them, in as many runs as xargs needs: `| head -N` would end find
# with SIGPIPE, which pipefail turns into a failure, once there are more.)
find_objs() { find "$KILN_TEST_IMAGES" -path '*/obj/*CMakeFiles/kiln_*' -name '*.o' ! -path '*kiln_app.dir*' "$@" 2>/dev/null; }
[ -n "$(find_objs -print -quit)" ] || fail "no kernel objects under $KILN_TEST_IMAGES (build the test images first)"
# shellcheck disable=SC2086
find_objs -print0 | xargs -0 $CHECK || fail "kernel objects of the test images have static constructors"
echo "check_ctors: static constructors rejected with one clear line, constant globals and kernel objects pass"
