# The linuxu runner (sourced by support/run.sh): run the image as a
# process; its exit status is the app's.
[ ${#disks[@]} -eq 0 ] || die "--disk: virtio-blk disks are kvm's (this is linuxu; docs/storage.md)"
[ "$net" = user ] && die "--net user is QEMU user networking, for kvm images; a linuxu image needs --net tap:IF"
[ "$net_model" = auto ] || die "--net-model is for kvm images (linuxu uses the tap directly)"
# The same "options -- args" split as the kernel command line.
words=()
if [ -n "$append" ]; then eval "words=($append)"; fi
# Network options go first, in front of the options part: without a
# `--` every word is the app's, so one is added after them.
net_opts=()
[[ $net == tap:* ]] && net_opts+=("net.tap=${net#tap:}")
[ -n "$mac" ] && net_opts+=("net.mac=$mac")
if [ ${#net_opts[@]} -gt 0 ]; then
  has_sep=0
  for w in "${words[@]}"; do [ "$w" = "--" ] && has_sep=1; done
  if [ $has_sep = 1 ]; then words=("${net_opts[@]}" "${words[@]}"); else words=("${net_opts[@]}" -- "${words[@]}"); fi
fi
if [ ${#app_args[@]} -gt 0 ]; then
  has_sep=0
  for w in "${words[@]}"; do [ "$w" = "--" ] && has_sep=1; done
  [ $has_sep = 1 ] || words+=(--)
  words+=("${app_args[@]}")
fi
# --debug: under gdb, stopped at main; the .dbg twin (same code, with
# symbols) is the program gdb runs.
dbg=$image
[ -f "$image.dbg" ] && dbg=$image.dbg
[ $debug = 1 ] && exec gdb -q -ex "break main" -ex run --args "$dbg" "${words[@]}"
[ $gdb = 1 ] && exec gdb --args "$image" "${words[@]}"
exec "$image" "${words[@]}"
