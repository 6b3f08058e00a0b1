#!/bin/bash
# Kiln runner: boot an image under QEMU (kvm platform), run it directly
# (linuxu) or as a PVH domU under the Xen test rig (xen: support/xen/run-xen.py,
# a real Xen in QEMU), and exit with the app's status. See docs/kvm.md, docs/xen.md.
#
#   support/run.sh [options] [-- app args...]
#     --build DIR        build folder holding the images (default: build)
#     --app NAME         app whose image to run (default: the only one in DIR)
#     --image PATH       run this image instead (kvm, linuxu or xen, by name)
#     --platform P       with --app or none: kvm | linuxu | xen (default: the
#                        first image found in that order)
#     --machine M        microvm (default) | pc | q35
#     --boot B           pvh (default) | multiboot
#     --accel A          auto (default) | kvm | tcg
#     --mem SIZE         guest RAM, QEMU syntax (default 64M)
#     --append "OPTS"    kernel command line: "kiln-options -- app args";
#                        args after the runner's own `--` are appended as app args
#     --initrd FILE      first module / initrd
#     --gdb              wait for gdb on :1234 (QEMU -s -S)
#     --qemu-arg ARG     extra QEMU argument (repeatable)
#     --print-cmd DIR    prepare the kernel copy in DIR, print the QEMU command
#                        (one argument per line) and exit (for benchmarks)
#     -h, --help
#   network (one interface; docs/network.md):
#     --net none|user|tap:IF
#                        none (default): no network device;
#                        user: QEMU user networking (kvm only, no root needed;
#                          the guest gets 10.0.2.15 by DHCP, gateway 10.0.2.2,
#                          DNS 10.0.2.3);
#                        tap:IF: host tap IF (kvm: QEMU -netdev tap with
#                          script=no,downscript=no,vhost=off; linuxu: the
#                          image's net.tap=IF option)
#     --hostfwd [tcp:|udp:]HOSTPORT[:GUESTPORT]
#                        user net: forward 127.0.0.1:HOSTPORT on the host to
#                        GUESTPORT (default: the same) in the guest (repeatable)
#     --mac MAC          the interface's MAC (kvm: -device mac=; linuxu: net.mac=)
#     --net-model M      auto (default: mmio on microvm, pci on pc/q35) | mmio
#                        (virtio-net-device) | pci (virtio-net-pci, transitional)
#                        | pci-legacy (disable-modern=on) | pci-modern
#                        (disable-legacy=on)
#
# Exit status: the app's. QEMU's isa-debug-exit makes QEMU exit with
# (v << 1) | 1 for a guest write of v; odd statuses are mapped back to v.
# Anything else (QEMU failed to start, was killed, or the guest powered
# off without the device) is reported on stderr and gives status 2.
set -u

die() { echo "kiln-run: $*" >&2; exit 2; }

build=build app= image= platform= machine=microvm boot=pvh accel=auto mem=64M append= initrd= gdb=0 print_dir=
net=none mac= net_model=auto
hostfwd=()
qemu_extra=()
app_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=${2:?}; shift 2 ;;
    --app) app=${2:?}; shift 2 ;;
    --image) image=${2:?}; shift 2 ;;
    --platform) platform=${2:?}; shift 2 ;;
    --machine) machine=${2:?}; shift 2 ;;
    --boot) boot=${2:?}; shift 2 ;;
    --accel) accel=${2:?}; shift 2 ;;
    --mem) mem=${2:?}; shift 2 ;;
    --append) append=${2?}; shift 2 ;;
    --initrd) initrd=${2:?}; shift 2 ;;
    --gdb) gdb=1; shift ;;
    --qemu-arg) qemu_extra+=("${2?}"); shift 2 ;;
    --print-cmd) print_dir=${2:?}; shift 2 ;;
    --net) net=${2:?}; shift 2 ;;
    --hostfwd) hostfwd+=("${2:?}"); shift 2 ;;
    --mac) mac=${2:?}; shift 2 ;;
    --net-model) net_model=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,/^set -u$/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; app_args=("$@"); break ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
case $platform in ""|kvm|linuxu|xen) ;; *) die "--platform must be kvm, linuxu or xen" ;; esac
case $machine in microvm|pc|q35) ;; *) die "--machine must be microvm, pc or q35" ;; esac
case $boot in pvh|multiboot) ;; *) die "--boot must be pvh or multiboot" ;; esac
case $accel in auto|kvm|tcg) ;; *) die "--accel must be auto, kvm or tcg" ;; esac
case $net in
  none|user) ;;
  tap:?*) [[ ${net#tap:} =~ ^[A-Za-z0-9_.-]{1,15}$ ]] || die "--net tap:IF: '${net#tap:}' is not an interface name" ;;
  *) die "--net must be none, user or tap:IFNAME" ;;
esac
case $net_model in auto|mmio|pci|pci-legacy|pci-modern) ;;
  *) die "--net-model must be auto, mmio, pci, pci-legacy or pci-modern" ;; esac
[ -z "$mac" ] || [[ $mac =~ ^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$ ]] || die "--mac '$mac' is not a MAC (aa:bb:cc:dd:ee:ff)"
[ ${#hostfwd[@]} -eq 0 ] || [ "$net" = user ] || die "--hostfwd needs --net user"
[ -z "$mac" ] || [ "$net" != none ] || die "--mac needs --net user or --net tap:IF"
[ "$net_model" = auto ] || [ "$net" != none ] || die "--net-model needs --net user or --net tap:IF"

# --- which image ----------------------------------------------------------
plats=(kvm linuxu xen)
[ -n "$platform" ] && plats=("$platform")
if [ -z "$image" ]; then
  [ -d "$build" ] || die "build folder '$build' does not exist (build first: make)"
  shopt -s nullglob
  for p in "${plats[@]}"; do
    if [ -z "$app" ]; then
      imgs=("$build"/*_"$p"-x86_64)
      [ ${#imgs[@]} -gt 1 ] && die "cannot tell which image to run in $build; give --app NAME or --image PATH"
      [ ${#imgs[@]} -eq 1 ] && { image=${imgs[0]}; break; }
    elif [ -f "$build/${app}_$p-x86_64" ]; then
      image=$build/${app}_$p-x86_64
      break
    fi
  done
  shopt -u nullglob
  [ -n "$image" ] || die "no ${platform:-kvm, linuxu or xen} image${app:+ for app '$app'} in $build (build first: make)"
fi
[ -f "$image" ] || die "image '$image' does not exist"

# Quote one word for kiln_cmdline_split: backslash before blanks, quotes
# and backslashes; '' for an empty word.
quote() {
  local s=$1 out= c i
  [ -z "$s" ] && { printf "''"; return; }
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in [[:space:]]|\"|\'|\\) out+="\\$c" ;; *) out+=$c ;; esac
  done
  printf '%s' "$out"
}

# --- linuxu: run the process directly -------------------------------------
case $image in
  *_linuxu-*)
    [ "$net" = user ] && die "--net user is QEMU user networking, for kvm images; a linuxu image needs --net tap:IF"
    [ "$net_model" = auto ] || die "--net-model is for kvm images (linuxu uses the tap directly)"
    words=()
    # The same "options -- args" split as the kernel command line.
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
    [ $gdb = 1 ] && exec gdb --args "$image" "${words[@]}"
    exec "$image" "${words[@]}"
    ;;
esac

# --- xen: a PVH domU under the Xen test rig --------------------------------
case $image in
  *_xen-*)
    [ "$net" = none ] || die "--net is not supported for xen images yet (no netfront)"
    [ $gdb = 1 ] && die "--gdb is for kvm and linuxu images"
    words=()
    if [ -n "$append" ]; then eval "words=($append)"; fi
    if [ ${#app_args[@]} -gt 0 ]; then
      has_sep=0
      for w in "${words[@]}"; do [ "$w" = "--" ] && has_sep=1; done
      [ $has_sep = 1 ] || words+=(--)
      words+=("${app_args[@]}")
    fi
    echo "kiln-run: xen: booting Xen 4.17 + a Debian dom0 under QEMU TCG (about 20 s), then the image as a PVH domU" >&2
    exec /usr/bin/python3 "$(dirname "$0")/xen/run-xen.py" "$image" -- "${words[@]}"
    ;;
esac

# --- kvm: QEMU --------------------------------------------------------------
cmdline=$append
if [ ${#app_args[@]} -gt 0 ]; then
  case " $cmdline " in *" -- "*) ;; *) cmdline+="${cmdline:+ }--" ;; esac
  for a in "${app_args[@]}"; do cmdline+=" $(quote "$a")"; done
fi

# --- network (kvm) ---------------------------------------------------------
net_args=()
if [ "$net" != none ]; then
  model=$net_model
  [ "$model" = auto ] && { [ "$machine" = microvm ] && model=mmio || model=pci; }
  case $machine:$model in
    microvm:pci*) die "--net-model $model: microvm has no PCI bus here; use --net-model mmio (or --machine pc|q35)" ;;
    pc:mmio|q35:mmio) die "--net-model mmio: virtio-mmio is microvm's transport; use pci, pci-legacy or pci-modern on $machine" ;;
  esac
  case $model in
    mmio) dev=virtio-net-device ;;
    pci) dev=virtio-net-pci ;;
    pci-legacy) dev=virtio-net-pci,disable-modern=on ;;
    pci-modern) dev=virtio-net-pci,disable-legacy=on ;;
  esac
  if [ "$net" = user ]; then
    nd=user,id=kn0
    for f in "${hostfwd[@]}"; do
      [[ $f =~ ^((tcp|udp):)?([0-9]{1,5})(:([0-9]{1,5}))?$ ]] ||
        die "--hostfwd '$f': expected [tcp:|udp:]HOSTPORT[:GUESTPORT], e.g. tcp:8080:80"
      proto=${BASH_REMATCH[2]:-tcp} hp=${BASH_REMATCH[3]} gp=${BASH_REMATCH[5]:-${BASH_REMATCH[3]}}
      [ "$hp" -ge 1 ] && [ "$hp" -le 65535 ] && [ "$gp" -ge 1 ] && [ "$gp" -le 65535 ] ||
        die "--hostfwd '$f': ports must be 1..65535"
      nd+=",hostfwd=$proto:127.0.0.1:$hp-:$gp"
    done
  else
    nd=tap,id=kn0,ifname=${net#tap:},script=no,downscript=no,vhost=off
  fi
  dev+=",netdev=kn0${mac:+,mac=$mac}"
  net_args=(-netdev "$nd" -device "$dev")
fi
if [ "$accel" = auto ]; then
  if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    accel=tcg why="/dev/kvm not usable"
  elif ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
    accel=tcg why="cpu has no vmx/svm"
  else
    accel=kvm why="/dev/kvm and vmx/svm present"
  fi
  echo "kiln-run: accel $accel ($why)" >&2
fi

qemu=${QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null || die "$qemu not found (apt-get install qemu-system-x86)"
if [ -n "$print_dir" ]; then
  mkdir -p "$print_dir" && tmp=$print_dir || die "cannot make $print_dir"
else
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiln-run.XXXXXX") || die "cannot make a temp folder"
  trap 'rm -rf "$tmp"' EXIT
fi

# The image carries both a PVH note and a Multiboot header. QEMU 7.2 tries
# Multiboot first when both are there, so the runner boots a copy with the
# other protocol's marker disabled: for PVH, the Multiboot magic zeroed;
# for Multiboot, the PVH note's type changed from 18 to 0.
kernel=$tmp/${image##*/}
cp "$image" "$kernel" || die "cannot copy $image"
patch_at() {  # patch_at FILE OFFSET BYTES(printf escapes)
  printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
if [ $boot = pvh ]; then
  off=$(LC_ALL=C grep -m1 -obUaP '\x02\xb0\xad\x1b' "$kernel")
  off=${off%%:*}
  [ -n "$off" ] && [ "$off" -lt 8192 ] || die "$image has no Multiboot header in its first 8 KiB; is it a kvm image?"
  patch_at "$kernel" "$off" '\0\0\0\0'
else
  off=$(LC_ALL=C grep -m1 -obUaP '\x04\x00\x00\x00\x04\x00\x00\x00\x12\x00\x00\x00Xen\x00' "$kernel" | cut -d: -f1)
  off=${off%%:*}
  [ -n "$off" ] || die "$image has no PVH note; is it a kvm image?"
  patch_at "$kernel" $((off + 8)) '\0'
fi

args=(-machine "$machine" -accel "$accel" -nodefaults -no-user-config -display none
      -serial stdio -m "$mem" -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$kernel")
if [ $accel = kvm ]; then
  # The TSC frequency in CPUID 0x40000010 (no calibration at boot).
  args+=(-cpu host,migratable=no,+invtsc,vmware-cpuid-freq=on)
else
  args+=(-cpu max)
fi
args+=(-append "$cmdline")
[ -n "$initrd" ] && args+=(-initrd "$initrd")
[ $gdb = 1 ] && { args+=(-s -S); echo "kiln-run: waiting for gdb: gdb ${image}.dbg -ex 'target remote :1234'" >&2; }
args+=("${net_args[@]}")
args+=("${qemu_extra[@]}")

if [ -n "$print_dir" ]; then
  printf '%s\n' "$qemu" "${args[@]}"
  exit 0
fi
# QEMU runs as a child the runner waits for, so that a runner ended by a
# signal (a test's timeout, a supervisor) ends QEMU too instead of leaving
# it running (with its forwarded ports). The console stays on our stdin.
"$qemu" "${args[@]}" 2>"$tmp/qemu.err" <&0 &
qpid=$!
ended_by=
trap 'ended_by=1; kill -TERM $qpid 2>/dev/null' TERM INT HUP
wait $qpid
s=$?
while [ -n "$ended_by" ] && kill -0 $qpid 2>/dev/null; do wait $qpid; s=$?; done
[ -n "$ended_by" ] && { wait $qpid; s=$?; }
# QEMU's own messages (warnings, errors) come after the run.
qerr=
[ -s "$tmp/qemu.err" ] && { qerr=$(<"$tmp/qemu.err"); printf '%s\n' "$qerr" >&2; }
if [ $s -eq 1 ] && [[ $qerr == *"${qemu##*/}:"* ]]; then
  echo "kiln-run: QEMU failed (status 1; see its message above)" >&2
  exit 2
fi
if [ $((s & 1)) -eq 1 ]; then
  exit $((s >> 1))
elif [ $s -eq 0 ]; then
  echo "kiln-run: QEMU exited with status 0: the guest powered off or stopped without isa-debug-exit; app status unknown" >&2
  exit 2
elif [ $s -gt 128 ]; then
  echo "kiln-run: QEMU killed by signal $((s - 128))" >&2
  exit 2
else
  echo "kiln-run: QEMU exited with status $s (not an isa-debug-exit status)" >&2
  exit 2
fi
