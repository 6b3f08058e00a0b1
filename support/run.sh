#!/bin/bash
# Kiln runner: run an image on its platform and exit with the app's status.
# The platforms are the folders plat/<name>/ with a run.sh (today: kvm boots
# the image under QEMU, linuxu runs the process directly, xen boots it as a
# PVH domU under the Xen test rig, support/xen/run-xen.py). This script reads
# the options and picks the image; plat/<platform>/run.sh (sourced) runs it.
# See docs/running.md, docs/kvm.md, docs/xen.md.
#
#   support/run.sh [options] [-- app args...]
#     --build DIR        build folder holding the images (default: build)
#     --app NAME         app whose image to run (default: the only one in DIR)
#     --image PATH       run this image instead (its platform from its name,
#                        <app>_<platform>-<arch>)
#     --platform P       with --app or none: a platform folder of plat/ (kvm,
#                        linuxu, xen; default: the first image found in that
#                        order)
#     --machine M        microvm (default) | pc | q35
#     --boot B           pvh (default) | multiboot
#     --accel A          auto (default) | kvm | tcg
#     --mem SIZE         guest RAM, QEMU syntax (default 64M)
#     --append "OPTS"    kernel command line: "kiln-options -- app args";
#                        args after the runner's own `--` are appended as app args
#     --initrd FILE      first module / initrd
#     --gdb              kvm: wait for gdb on :1234 (QEMU -s -S); linuxu: run
#                        under gdb
#     --debug            as --gdb, and start gdb on the image's symbols,
#                        stopped at the entry (kvm) or main (linuxu): make debug
#     --qemu-arg ARG     extra QEMU argument (repeatable)
#     --disk FILE[,ro]   kvm: attach a raw disk image as a virtio-blk device
#                        (repeatable: vda, vdb, ... in order; ro: read-only;
#                        docs/storage.md)
#     --share TYPE:TAG:DIR[,ro]
#                        kvm: share the host folder DIR with the guest under
#                        the mount tag TAG (repeatable). TYPE 9p: virtio-9p
#                        (QEMU -fsdev local,security_model=none +
#                        virtio-9p-device on microvm, virtio-9p-pci on pc/q35);
#                        the guest mounts it with vfs.mount=9p:/PATH:TAG;
#                        ro: QEMU refuses writes (docs/storage.md).
#                        TYPE virtiofs: a virtiofsd on a private socket (root
#                        needed; its log: $TMPDIR/kiln-virtiofsd-TAG.log),
#                        guest RAM in a shared memfd, vhost-user-fs-device
#                        (microvm) or vhost-user-fs-pci (pc, q35); mount it
#                        with vfs.mount=virtiofs:/PATH:TAG[,ro]
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

build=build app= image= platform= machine=microvm boot=pvh accel=auto mem=64M append= initrd= gdb=0 debug=0 print_dir=
net=none mac= net_model=auto
hostfwd=()
qemu_extra=()
disks=()
shares=()
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
    --debug) gdb=1 debug=1; shift ;;
    --qemu-arg) qemu_extra+=("${2?}"); shift 2 ;;
    --disk) disks+=("${2:?}"); shift 2 ;;
    --share) shares+=("${2:?}"); shift 2 ;;
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
# The platforms: every plat/<name>/ with a runner (run.sh).
SRC=$(cd "$(dirname "$0")/.." && pwd)
plats=()
for r in "$SRC"/plat/*/run.sh; do [ -f "$r" ] && plats+=("$(basename "$(dirname "$r")")"); done
[ ${#plats[@]} -gt 0 ] || die "no platform runners (plat/*/run.sh) in $SRC"
if [ -n "$platform" ]; then
  case " ${plats[*]} " in *" $platform "*) ;; *) die "--platform must be one of: ${plats[*]}" ;; esac
fi
case $net in
  none|user) ;;
  tap:?*) [[ ${net#tap:} =~ ^[A-Za-z0-9_.-]{1,15}$ ]] || die "--net tap:IF: '${net#tap:}' is not an interface name" ;;
  *) die "--net must be none, user or tap:IFNAME" ;;
esac
[ -z "$mac" ] || [[ $mac =~ ^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$ ]] || die "--mac '$mac' is not a MAC (aa:bb:cc:dd:ee:ff)"
[ ${#hostfwd[@]} -eq 0 ] || [ "$net" = user ] || die "--hostfwd needs --net user"
[ -z "$mac" ] || [ "$net" != none ] || die "--mac needs --net user or --net tap:IF"
[ "$net_model" = auto ] || [ "$net" != none ] || die "--net-model needs --net user or --net tap:IF"

# Started by plat/kvm/run.sh before QEMU: one virtiofsd per virtiofs share
# on a socket in $tmp, the guest RAM as a shared memfd (vhost-user maps
# it), and the device; sets share_args. share_stop ends the daemons.
share_pids=()
share_start() {
  share_args=()
  local sh i=0 tag d ro sock log dev v
  for sh in "${shares[@]}"; do
    case $sh in
      virtiofs:*)
        [[ $sh =~ ^virtiofs:([^:,]{1,36}):(.+)$ ]]
        tag=${BASH_REMATCH[1]} d=${BASH_REMATCH[2]} ro=0
        [ "${d%,ro}" != "$d" ] && { ro=1; d=${d%,ro}; }
        d=$(cd "$d" && pwd)
        sock=$tmp/virtiofs$i.sock log=${TMPDIR:-/tmp}/kiln-virtiofsd-$tag.log
        v=${VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
        if [ $ro = 1 ]; then
          # virtiofsd has no read-only mode: a read-only bind mount of the
          # folder in a private mount namespace.
          unshare -m --propagation private sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && exec "$2" --socket-path="$3" -o source="$1" -o cache=auto' \
            sh "$d" "$v" "$sock" >"$log" 2>&1 &
        else
          "$v" --socket-path="$sock" -o source="$d" -o cache=auto >"$log" 2>&1 &
        fi
        share_pids+=($!)
        local n=0
        while [ ! -S "$sock" ] && [ $n -lt 100 ] && kill -0 $! 2>/dev/null; do sleep 0.05; n=$((n + 1)); done
        [ -S "$sock" ] || { share_stop; cat "$log" >&2; die "--share '$sh': virtiofsd did not start (log: $log)"; }
        [ "$machine" = microvm ] && dev=vhost-user-fs-device || dev=vhost-user-fs-pci
        share_args+=(-chardev "socket,id=kfs$i,path=$sock" -device "$dev,chardev=kfs$i,tag=$tag")
        # vhost-user devices are virtio 1.x only: modern virtio-mmio (v2).
        [ "$machine" = microvm ] && share_args+=(-global virtio-mmio.force-legacy=false)
        share_memfd=1
        ;;
    esac
    i=$((i + 1))
  done
  if [ -n "${share_memfd:-}" ]; then
    share_args+=(-object "memory-backend-memfd,id=kmem,size=$mem,share=on" -machine memory-backend=kmem)
  fi
}
share_stop() {
  local p
  for p in "${share_pids[@]}"; do kill $p 2>/dev/null; wait $p 2>/dev/null; done
  share_pids=()
}

# --- which image ----------------------------------------------------------
[ -n "$platform" ] && plats=("$platform")
if [ -z "$image" ]; then
  [ -d "$build" ] || die "build folder '$build' does not exist (build first: make)"
  shopt -s nullglob
  for p in "${plats[@]}"; do
    imgs=()
    if [ -z "$app" ]; then cands=("$build"/*_"$p"-*); else cands=("$build/${app}_$p"-*); fi
    for f in "${cands[@]}"; do  # <app>_<plat>-<arch>, not its .dbg or .map
      [[ ${f##*/} =~ _${p}-[A-Za-z0-9_]+$ ]] && imgs+=("$f")
    done
    [ ${#imgs[@]} -gt 1 ] && die "cannot tell which image to run in $build; give --app NAME or --image PATH"
    [ ${#imgs[@]} -eq 1 ] && { image=${imgs[0]}; break; }
  done
  shopt -u nullglob
  [ -n "$image" ] || die "no ${platform:-${plats[*]}} image${app:+ for app '$app'} in $build (build first: make)"
fi
[ -f "$image" ] || die "image '$image' does not exist"
# The platform is in the image's name: <app>_<platform>-<arch>.
plat=
name=${image##*/}
for p in $(cd "$SRC/plat" && ls -d */ | tr -d /); do
  [[ $name == *_"$p"-* ]] && [ -f "$SRC/plat/$p/run.sh" ] && plat=$p
done
[ -n "$plat" ] || die "cannot tell the platform of '$image' (an image is named <app>_<platform>-<arch>, with a runner in plat/<platform>/run.sh)"

# --- shared host folders (--share TYPE:TAG:DIR[,ro]) ------------------------
# Each type is one branch of the case; what it needs goes to qemu_extra.
si=0
for s in "${shares[@]}"; do
  stype=${s%%:*} rest=${s#*:}
  [ "$stype" != "$s" ] && [[ $rest == *:* ]] || die "--share '$s': expected TYPE:TAG:DIR[,ro] (TYPE: 9p or virtiofs)"
  stag=${rest%%:*} sdir=${rest#*:} sro=
  [ "$sdir" != "${sdir%,ro}" ] && { sro=1; sdir=${sdir%,ro}; }
  [[ $stag =~ ^[A-Za-z0-9_.-]{1,31}$ ]] || die "--share '$s': the tag '$stag' must be 1-31 letters, digits, '_', '.' or '-'"
  case $sdir in *,*) die "--share '$s': no commas in the folder name (QEMU cannot take them)" ;; esac
  [ -d "$sdir" ] || die "--share '$s': no such folder '$sdir'"
  [ "$plat" = kvm ] || die "--share: only the kvm platform has shared folders (linuxu: vfs.mount=hostfs:...)"
  case $stype in
    9p)
      [ "$machine" = microvm ] && sdev=virtio-9p-device || sdev=virtio-9p-pci
      qemu_extra+=(-fsdev "local,id=ks$si,path=$(cd "$sdir" && pwd),security_model=none${sro:+,readonly=on}"
                   -device "$sdev,fsdev=ks$si,mount_tag=$stag") ;;
    virtiofs)  # started by share_start (plat/kvm/run.sh), just before QEMU
      [ "$(id -u)" = 0 ] || die "--share virtiofs needs root (virtiofsd sandboxes itself with namespaces): run the runner as root"
      [ -x "${VIRTIOFSD:-/usr/lib/qemu/virtiofsd}" ] || die "--share virtiofs: no virtiofsd at ${VIRTIOFSD:-/usr/lib/qemu/virtiofsd} (Debian: qemu-system-common; or set VIRTIOFSD)" ;;
    *) die "--share '$s': unknown type '$stype' (one of: 9p, virtiofs)" ;;
  esac
  si=$((si + 1))
done

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

# The image's words: --append split as the image splits its command line,
# then the runner's app arguments (after a `--` if --append had none).
image_words() {
  words=()
  if [ -n "$append" ]; then eval "words=($append)"; fi
  if [ ${#app_args[@]} -gt 0 ]; then
    local has_sep=0 w
    for w in "${words[@]}"; do [ "$w" = "--" ] && has_sep=1; done
    [ $has_sep = 1 ] || words+=(--)
    words+=("${app_args[@]}")
  fi
}

[ ${#shares[@]} -eq 0 ] || [ "$plat" = kvm ] || die "--share: shared folders are kvm's (this is $plat; docs/storage.md)"
# shellcheck source=/dev/null
source "$SRC/plat/$plat/run.sh"
