# The kvm runner (sourced by support/run.sh): boot the image under QEMU
# (KVM where the CPU has vmx/svm, TCG otherwise); the app's status comes
# back through isa-debug-exit. docs/kvm.md.
case $machine in microvm|pc|q35) ;; *) die "--machine must be microvm, pc or q35" ;; esac
case $boot in pvh|multiboot) ;; *) die "--boot must be pvh or multiboot" ;; esac
case $accel in auto|kvm|tcg) ;; *) die "--accel must be auto, kvm or tcg" ;; esac
case $net_model in auto|mmio|pci|pci-legacy|pci-modern) ;;
  *) die "--net-model must be auto, mmio, pci, pci-legacy or pci-modern" ;; esac

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
# --- disks (kvm): virtio-blk on the machine's transport ---------------------
i=0
for d in "${disks[@]}"; do
  f=${d%,ro} ro=
  [ "$f" != "$d" ] && ro=,readonly=on
  case $f in *,*) die "--disk '$d': expected FILE or FILE,ro (no commas in the file name)" ;; esac
  [ -f "$f" ] || die "--disk '$f': no such file (make one: truncate -s 64M disk.img, or mke2fs -d)"
  [ -z "$ro" ] && [ ! -w "$f" ] && die "--disk '$f': not writable (give FILE,ro for a read-only disk)"
  [ "$machine" = microvm ] && bdev=virtio-blk-device || bdev=virtio-blk-pci
  args+=(-drive "file=$f,if=none,id=kd$i,format=raw$ro" -device "$bdev,drive=kd$i")
  i=$((i + 1))
done
# --- shared folders (kvm): support/run.sh's share_start -------------------
if [ ${#shares[@]} -gt 0 ]; then
  [ -n "$print_dir" ] && die "--share cannot be used with --print-cmd (the runner starts the daemons)"
  trap 'share_stop; rm -rf "$tmp"' EXIT
  share_start
  args+=("${share_args[@]}")
fi
args+=("${qemu_extra[@]}")

if [ -n "$print_dir" ]; then
  printf '%s\n' "$qemu" "${args[@]}"
  exit 0
fi
# --debug (make debug): QEMU waits on :1234, gdb attaches with the
# image's symbols and stops at the entry; QEMU ends when gdb quits.
if [ $debug = 1 ]; then
  "$qemu" "${args[@]}" &
  qpid=$!
  sleep 0.5
  gdb -q "${image}.dbg" -ex "target remote :1234" \
    -ex "hbreak _kiln_pvh_start" -ex "hbreak _kiln_multiboot_start" -ex continue
  kill $qpid 2>/dev/null
  wait $qpid 2>/dev/null
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
[ ${#shares[@]} -gt 0 ] && share_stop
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
