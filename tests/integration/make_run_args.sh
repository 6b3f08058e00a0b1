#!/usr/bin/env bash
# `make run ARGS="kiln options -- app args"` (docs/running.md): the words
# before `--` reach Kiln as options, those after it reach main, on linuxu
# and kvm; without `--` every word is the app's. Exit status: make exits 2
# when the app fails and names the app's status; support/run.sh exits with
# it.
source "$(dirname "$0")/lib.sh"
make -s -C "$SRC" O="$W" A="$SRC/apps/helloworld" defconfig >/dev/null
make -s -C "$SRC" O="$W" >/dev/null 2>&1 || fail "build failed"
for plat in linuxu kvm; do
  out=$(make -s -C "$SRC" O="$W" run PLAT=$plat ARGS="log.level=info -- a 'b c'" 2>&1) ||
    fail "$plat: make run failed: $out"
  grep -qx "argv\[1\] = a" <<<"$out" || fail "$plat: argv[1] is not 'a': $out"
  grep -qx "argv\[2\] = b c" <<<"$out" || fail "$plat: argv[2] is not 'b c': $out"
  grep -q "argv\[3\]" <<<"$out" && fail "$plat: the options reached the app: $out"
  grep -q "= log.level=info" <<<"$out" && fail "$plat: log.level=info reached the app: $out"
  grep -qE "kiln: heap: [a-z]+, [0-9]+ KiB" <<<"$out" || fail "$plat: log.level=info did not apply (no info lines): $out"
  out=$(make -s -C "$SRC" O="$W" run PLAT=$plat ARGS="x --y" 2>&1) || fail "$plat: make run without -- failed: $out"
  grep -qx "argv\[1\] = x" <<<"$out" && grep -qx "argv\[2\] = --y" <<<"$out" ||
    fail "$plat: without --, every word should be the app's: $out"
  # An unknown option ends the image with status 64.
  set +e
  out=$(make -s -C "$SRC" O="$W" run PLAT=$plat ARGS="bogus=1 -- a" 2>&1)
  s=$?
  "$SRC/support/run.sh" --build "$W" --app helloworld --platform $plat --append "bogus=1 --" -- a >/dev/null 2>&1
  rs=$?
  set -e
  [ $s -eq 2 ] || fail "$plat: make run of a failing app exited $s, expected 2: $out"
  grep -q "kiln: make run: the app exited with status 64" <<<"$out" ||
    fail "$plat: make run did not name the app's status 64: $out"
  grep -q "unknown option 'bogus'" <<<"$out" || fail "$plat: bogus=1 was not taken as an option: $out"
  [ $rs -eq 64 ] || fail "$plat: support/run.sh exited $rs, expected the app's 64"
  echo "$plat: make run ARGS splits options from app args; status 64 -> make 2 (named), run.sh 64"
done
