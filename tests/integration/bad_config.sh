#!/usr/bin/env bash
# Bad input to the build: a malformed .config, an invalid value, a missing
# app. Each gives a one-line error and changes nothing.
source "$(dirname "$0")/lib.sh"
make -s -C "$SRC" O="$W" A="$SRC/apps/helloworld" defconfig >/dev/null

check_rejected() {  # <what> <expected text>
  local before after
  before=$(sha256sum "$W/.config")
  if make -s -C "$SRC" O="$W" syncconfig 2>"$W/err" >/dev/null; then fail "$1 accepted"; fi
  after=$(sha256sum "$W/.config")
  [ "$before" = "$after" ] || fail "$1: .config was modified"
  grep -q "$2" "$W/err" || fail "$1: unclear error: $(cat "$W/err")"
  [ "$(grep -c '^kiln: ' "$W/err")" -eq 1 ] || fail "$1: expected one error line, got: $(cat "$W/err")"
}

cp "$W/.config" "$W/good"
echo "CONFIG_PLAT_LINUXU=maybe" >> "$W/.config"
check_rejected "invalid bool value" "bad .*\.config: .*maybe"
cp "$W/good" "$W/.config"
echo "this is not a config line" >> "$W/.config"
check_rejected "malformed line" "bad .*\.config: .*malformed"
cp "$W/good" "$W/.config"
echo 'CONFIG_LIBDEBUG_LOG_LEVEL=9' >> "$W/.config"
check_rejected "out-of-range value" "bad .*\.config: .*LIBDEBUG_LOG_LEVEL"
cp "$W/good" "$W/.config"
make -s -C "$SRC" O="$W" syncconfig >/dev/null || fail "good config rejected"

if make -s -C "$SRC" A=/nonexistent/app O="$W/x" defconfig 2>"$W/err"; then fail "missing app accepted"; fi
grep -q "app folder /nonexistent/app does not exist" "$W/err" || fail "unclear error: $(cat "$W/err")"
echo "bad configurations rejected with one clear line each"
