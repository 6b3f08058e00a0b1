#!/usr/bin/env bash
# Drive `make menuconfig` in a real terminal (tmux): jump to LIBKTEST,
# enable it, save, quit; the saved config must build an image that runs
# the (empty) in-image test runner.
source "$(dirname "$0")/lib.sh"
S=kiln-menuconfig-$$
make -s -C "$SRC" O="$W" A="$SRC/apps/helloworld" defconfig >/dev/null
tmux kill-session -t "$S" 2>/dev/null || true
tmux new-session -d -s "$S" -x 120 -y 40 "make -C '$SRC' O='$W' menuconfig; echo MENUCONFIG-EXITED; sleep 30"
trap "tmux kill-session -t '$S' 2>/dev/null; rm -rf '$W'" EXIT
screen() { tmux capture-pane -p -t "$S"; }
wait_for() {
  for _ in $(seq 1 100); do
    screen | grep -q "$1" && return 0
    sleep 0.1
  done
  echo "--- screen ---"; screen; fail "menuconfig never showed '$1'"
}
wait_for "Kiln configuration"
wait_for "Platforms"
tmux send-keys -t "$S" /
wait_for "narrow the search"
tmux send-keys -t "$S" "LIBKTEST"
sleep 0.3
tmux send-keys -t "$S" Enter
wait_for "ktest: in-image test runner"
tmux send-keys -t "$S" Space
sleep 0.3
tmux send-keys -t "$S" S
sleep 0.5
tmux send-keys -t "$S" Enter
wait_for "saved to"
tmux send-keys -t "$S" Enter
sleep 0.3
tmux send-keys -t "$S" Q
wait_for "MENUCONFIG-EXITED"
grep -qx "CONFIG_LIBKTEST=y" "$W/.config" || fail "saved .config does not enable LIBKTEST"
make -s -C "$SRC" O="$W" >/dev/null || fail "the saved config does not build"
out=$("$W/helloworld_linuxu-x86_64")
grep -qx "ktest: 0 passed, 0 failed" <<<"$out" || fail "image from saved config: unexpected output: $out"
grep -qx "Hello world!" <<<"$out" || fail "image from saved config did not print Hello world!"
echo "menuconfig: saved config builds and runs"
