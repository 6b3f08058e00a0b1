#!/usr/bin/env bash
# `make bench`: benchmarks (not tests). Each part builds what it measures,
# runs it several times in this one run, and reports median and minimum.
# Prints a table and writes build/bench/results.json. Usage:
#   support/bench.sh [part...]     parts: boot sched net xen vfs libc sqlite storage (default: all)
set -uo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${KILN_BENCH_DIR:-$SRC/build/bench}
REPS=${REPS:-5}
unset MAKEFLAGS MAKELEVEL MFLAGS KCONFIG_CONFIG srctree KILN_APP_DIR O A V
"$SRC/support/setup.sh" || exit 1
mkdir -p "$B"
RESULTS=$B/results.tsv
: > "$RESULTS"
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(boot sched net xen vfs libc sqlite storage)

pending() {  # pending <part> <metric> <what it needs>: a row not measured yet
  printf '%s\t%s\t%s\t-\t-\n' "$1" "$2" "$3" >> "$RESULTS"
}

record() {  # record <part> <metric> <unit> <values...>: median and min
  local part=$1 metric=$2 unit=$3; shift 3
  local sorted med min
  sorted=$(printf '%s\n' "$@" | sort -g)
  min=$(head -1 <<<"$sorted")
  med=$(sed -n "$(( ($# + 1) / 2 ))p" <<<"$sorted")
  printf '%s\t%s\t%s\t%s\t%s\n' "$part" "$metric" "$unit" "$med" "$min" >> "$RESULTS"
}

build_app() {  # build_app <app dir> <build dir>: a Kiln app with its defconfig
  make -s -C "$SRC" O="$2" A="$1" defconfig >/dev/null &&
    make -s -C "$SRC" O="$2" A="$1" >/dev/null
}

build_app_with() {  # build_app_with <app dir> <build dir> <PLAT_...>: its defconfig plus that platform
  local cfg=$2.defconfig
  mkdir -p "$2"
  { grep -v "CONFIG_$3" "$1/defconfig"; echo "CONFIG_$3=y"; } > "$cfg"
  make -s -C "$SRC" O="$2" A="$1" DEFCONFIG="$cfg" defconfig >/dev/null &&
    make -s -C "$SRC" O="$2" A="$1" >/dev/null
}

bench_sched() {
  local app=$SRC/tests/bench/schedbench out=$B/schedbench
  echo "bench: building schedbench (Kiln and host)"
  build_app "$app" "$out" || { echo "bench: schedbench did not build"; return 1; }
  gcc -O2 -pthread -o "$B/schedbench_host" "$app/main.c" || return 1
  declare -A vals
  run_variant() {  # run_variant <label> <command...>
    local label=$1; shift
    for _ in $(seq "$REPS"); do
      while read -r _ name v; do vals["$label/$name"]+="$v "; done < <("$@" | grep '^result ')
    done
  }
  run_variant host "$B/schedbench_host"
  run_variant linuxu "$out/schedbench_linuxu-x86_64"
  if [ -x "$out/schedbench_kvm-x86_64" ] && [ -x "$SRC/support/run.sh" ]; then
    run_variant kvm-tcg "$SRC/support/run.sh" --accel tcg --image "$out/schedbench_kvm-x86_64" -- 1
  fi
  for key in "${!vals[@]}"; do
    # shellcheck disable=SC2086
    record "sched/${key%%/*}" "${key#*/}" ns ${vals[$key]}
  done
}

bench_boot() {
  local out=$B/hello
  echo "bench: building helloworld (kvm and linuxu)"
  build_app "$SRC/apps/helloworld" "$out" || { echo "bench: helloworld did not build"; return 1; }
  echo "bench: booting helloworld and the floor image ($((REPS * 4)) runs each)"
  /usr/bin/python3 "$SRC/support/bench_boot.py" "$SRC" "$out" "$B/boot" "$RESULTS" $((REPS * 4))
}

bench_net() {
  local out=$B/httpserver
  echo "bench: building httpserver (linuxu and kvm)"
  build_app_with "$SRC/apps/httpserver" "$out" PLAT_KVM || { echo "bench: httpserver did not build"; return 1; }
  mkdir -p "$B/net"
  /usr/bin/python3 "$SRC/support/bench_net.py" "$SRC" "$out/httpserver_linuxu-x86_64" "$B/net" "$RESULTS" \
      "${NET_REPS:-3}" "${NET_SECONDS:-5}" "$out/httpserver_kvm-x86_64"
}

bench_xen() {
  local out=$B/hello-xen w=$B/xen
  local img=$B/hello-xen/helloworld_xen-x86_64
  echo "bench: building helloworld (kvm and xen) and the xen floor guest"
  build_app_with "$SRC/apps/helloworld" "$out" PLAT_XEN || { echo "bench: helloworld (xen) did not build"; return 1; }
  mkdir -p "$w"
  { as --64 "$SRC/tests/bench/floor/xen-floor.S" -o "$w/floor.o" &&
    ld -m elf_x86_64 -Ttext-segment=0x100000 -e _start "$w/floor.o" -o "$w/floor"; } ||
    { echo "bench: cannot build the xen floor guest"; return 1; }
  local size
  size=$(stat -c %s "$img")
  record xen/image helloworld_xen_stripped_bytes bytes "$size"
  # One Xen boot: floor and helloworld guests interleaved, timed by dom0,
  # after XEN_WARM unmeasured pairs (QEMU TCG translates xl's and Xen's
  # domain-building code on first use: the first creates are seconds slower).
  local args=() i warm=${XEN_WARM:-3}
  for i in $(seq "$warm"); do args+=(--guest "warmfloor$i=$w/floor" --guest "warmhello$i=$img"); done
  for i in $(seq "$REPS"); do args+=(--guest "floor$i=$w/floor" --guest "hello$i=$img"); done
  echo "bench: one Xen boot under QEMU TCG with $warm warm-up pairs, then $REPS floor and $REPS helloworld guests (~$((20 + (REPS + warm) * 12)) s)"
  local times rc
  times=$(/usr/bin/python3 "$SRC/support/xen/run-xen.py" --bench --batch "$w/rig" --timeout 30 "${args[@]}")
  rc=$?
  declare -A v down
  local name rest kv k x kind built
  while read -r name rest; do
    kind=${name%%[0-9]*} built=
    for kv in $rest; do
      k=${kv%%=*} x=${kv#*=}
      [ "$x" = - ] && continue
      [ "$k" = built_ms ] && built=$x
      [ "$k" = down_ms ] && down[$name]=$x
      v[$kind/$k]+="$x "
    done
    # From the console opening (domain built) to shutdown: the guest's run
    # plus xl noticing, without most of the toolstack's domain building.
    [ -n "$built" ] && [ -n "${down[$name]:-}" ] &&
      v[$kind/run]+="$(awk "BEGIN { printf \"%.3f\", ${down[$name]} - $built }") "
  done <<<"$times"
  [ -n "${v[floor/first_ms]:-}" ] && echo "bench: the floor guest printed something (it should not)"
  for i in $(seq "$REPS"); do
    [ -n "${down[floor$i]:-}" ] && [ -n "${down[hello$i]:-}" ] &&
      v[diff]+="$(awk "BEGIN { printf \"%.3f\", ${down[hello$i]} - ${down[floor$i]} }") "
  done
  if [ $rc -ne 0 ] || [ -z "${v[hello/down_ms]:-}" ] || [ -z "${v[floor/down_ms]:-}" ]; then
    echo "bench: the Xen rig gave no (or partial) times; see $w/rig/serial.log"
  fi
  # shellcheck disable=SC2086
  {
    [ -n "${v[hello/first_ms]:-}" ] && record xen/tcg create_to_first_line_hello_ms ms ${v[hello/first_ms]}
    [ -n "${v[hello/down_ms]:-}" ] && record xen/tcg create_to_shutdown_hello_ms ms ${v[hello/down_ms]}
    [ -n "${v[floor/down_ms]:-}" ] && record xen/tcg create_to_shutdown_floor_ms ms ${v[floor/down_ms]}
    [ -n "${v[diff]:-}" ] && record xen/tcg shutdown_hello_minus_floor_ms ms ${v[diff]}
    [ -n "${v[hello/built_ms]:-}" ] && record xen/tcg create_to_console_hello_ms ms ${v[hello/built_ms]}
    [ -n "${v[floor/built_ms]:-}" ] && record xen/tcg create_to_console_floor_ms ms ${v[floor/built_ms]}
    [ -n "${v[hello/run]:-}" ] && record xen/tcg console_to_shutdown_hello_ms ms ${v[hello/run]}
    [ -n "${v[floor/run]:-}" ] && record xen/tcg console_to_shutdown_floor_ms ms ${v[floor/run]}
  }
  [ $rc -eq 0 ]
}

bench_vfs() {
  local app=$SRC/tests/bench/vfsbench out=$B/vfsbench
  echo "bench: building vfsbench (Kiln and host)"
  build_app "$app" "$out" || { echo "bench: vfsbench did not build"; return 1; }
  gcc -O2 -o "$B/vfsbench_host" "$app/main.c" || return 1
  # The host side on a tmpfs: /dev/shm if it is one, else a tmpfs mounted
  # for this run (root only), else /tmp (whatever it is; said below).
  local hostdir mnt= where
  if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && hostdir=$(mktemp -d /dev/shm/vfsbench.XXXXXX); then
    where="tmpfs (/dev/shm)"
  elif [ "$(id -u)" = 0 ] && mnt=$(mktemp -d) && mount -t tmpfs -o size=256m tmpfs "$mnt"; then
    hostdir=$mnt where="tmpfs (mounted at $mnt)"
  else
    hostdir=$(mktemp -d /tmp/vfsbench.XXXXXX) where="/tmp ($(stat -f -c %T /tmp), not a tmpfs)"
  fi
  echo "bench: host side on $where; Kiln side on the image's ramfs (/tmp), linuxu and kvm under TCG"
  declare -A vals
  run_variant() {  # run_variant <label> <command...>
    local label=$1; shift
    for _ in $(seq "$REPS"); do
      while read -r _ name v; do vals["$label/$name"]+="$v "; done < <("$@" | grep '^result ')
    done
  }
  run_variant host "$B/vfsbench_host" "$hostdir"
  run_variant linuxu "$out/vfsbench_linuxu-x86_64"
  if [ -x "$out/vfsbench_kvm-x86_64" ]; then
    run_variant kvm-tcg "$SRC/support/run.sh" --accel tcg --mem 256M --image "$out/vfsbench_kvm-x86_64"
  fi
  rm -rf "$hostdir"/vfsbench.* 2>/dev/null
  if [ -n "$mnt" ]; then umount "$mnt" && rmdir "$mnt"; else rmdir "$hostdir"; fi
  local key unit
  for key in "${!vals[@]}"; do
    case $key in *MBps) unit=MB/s ;; *) unit=ops/s ;; esac
    # shellcheck disable=SC2086
    record "vfs/${key%%/*}" "${key#*/}" "$unit" ${vals[$key]}
  done
  # What the vfs costs in an image: helloworld without and with LIBVFS
  # (the images are stripped), on linuxu and kvm.
  local base=$B/vfs-size cfg plat with without
  mkdir -p "$base"
  for v in without with; do
    cfg=$base/$v.defconfig
    { cat "$SRC/apps/helloworld/defconfig"; echo CONFIG_PLAT_KVM=y; [ $v = with ] && echo CONFIG_LIBVFS=y; } > "$cfg"
    make -s -C "$SRC" O="$base/$v" A="$SRC/apps/helloworld" DEFCONFIG="$cfg" defconfig >/dev/null &&
      make -s -C "$SRC" O="$base/$v" A="$SRC/apps/helloworld" >/dev/null ||
      { echo "bench: helloworld ($v LIBVFS) did not build"; return 1; }
  done
  for plat in linuxu kvm; do
    without=$(stat -c %s "$base/without/helloworld_$plat-x86_64") with=$(stat -c %s "$base/with/helloworld_$plat-x86_64")
    record vfs/size "helloworld_${plat}_stripped_bytes_without_vfs" bytes "$without"
    record vfs/size "helloworld_${plat}_stripped_bytes_with_vfs" bytes "$with"
    record vfs/size "helloworld_${plat}_vfs_cost_bytes" bytes $((with - without))
  done
}

bench_libc() {
  local app=$SRC/tests/bench/libcbench out=$B/libcbench
  echo "bench: building libcbench (Kiln linuxu and host glibc, one source)"
  build_app "$app" "$out" || { echo "bench: libcbench did not build"; return 1; }
  gcc -O2 -o "$B/libcbench_host" "$app/main.c" || return 1
  local variant
  variant=$("$out/libcbench_linuxu-x86_64" log.level=info -- 0 2>&1 | sed -n 's/^kiln: string functions: //p')
  echo "bench: Kiln's string functions here: ${variant:-newlib (LIBSTRING off)}; each measurement >= ${LIBC_MIN_MS:-20} ms, runs interleaved"
  declare -A vals
  local name v
  # Interleaved host / Kiln runs: the machine's load changes both alike.
  for _ in $(seq "$REPS"); do
    while read -r _ name v; do vals["host/$name"]+="$v "; done < <("$B/libcbench_host" "${LIBC_MIN_MS:-20}" | grep '^result ')
    while read -r _ name v; do vals["linuxu/$name"]+="$v "; done < <("$out/libcbench_linuxu-x86_64" -- "${LIBC_MIN_MS:-20}" | grep '^result ')
  done
  local key
  for key in "${!vals[@]}"; do
    # shellcheck disable=SC2086
    case $key in
      *_MBps) record "libc/${key%%/*}" "${key#*/}" MB/s ${vals[$key]} ;;
      *_ns) record "libc/${key%%/*}" "${key#*/}" ns ${vals[$key]} ;;
      *) record "libc/${key%%/*}" "${key#*/}_ns" ns ${vals[$key]} ;;
    esac
  done
}

bench_sqlite() {
  # SQLite's speedtest1 (Debian's sqlite3 source: amalgamation + test/speedtest1.c,
  # tests/bench/speedtest1/sqlite-src.sh) for Kiln linuxu and for the host
  # (glibc), same files, same definitions (defines.txt), Kiln's app flags.
  local app=$SRC/tests/bench/speedtest1 out=$B/speedtest1 size=${SQLITE_SIZE:-50} sq defs=()
  echo "bench: building speedtest1 (Kiln linuxu and host; fetches SQLite's source once)"
  sq=$("$app/sqlite-src.sh" "$SRC/build/deps" | tail -1) || { echo "bench: no SQLite sources"; return 1; }
  build_app "$app" "$out" 2>"$B/speedtest1.build.log" ||
    { echo "bench: speedtest1 did not build; see $B/speedtest1.build.log"; return 1; }
  while read -r d; do defs+=("-D$d"); done < <(grep -v '^#' "$app/defines.txt" | grep .)
  # The flags Kiln compiles an app with (support/cmake/kiln.cmake), for glibc.
  gcc -O2 -g -fno-pie -no-pie -mno-red-zone -fno-stack-protector -ffunction-sections -fdata-sections \
      -fno-omit-frame-pointer -std=gnu17 "${defs[@]}" -I"$sq" -o "$B/speedtest1_host" \
      "$sq/speedtest1.c" "$sq/sqlite3.c" -lpthread -lm 2>>"$B/speedtest1.build.log" ||
    { echo "bench: speedtest1 (host) did not build; see $B/speedtest1.build.log"; return 1; }
  echo "bench: speedtest1 --memdb --size $size, host and Kiln linuxu interleaved, $REPS runs each"
  declare -A vals
  local label log cpu total TIMEFORMAT='%3U %3S' u s
  for _ in $(seq "$REPS"); do
    for label in host linuxu; do
      log=$B/speedtest1.$label.log
      if [ $label = host ]; then
        { time "$B/speedtest1_host" --memdb --size "$size" >"$log" 2>&1; } 2>"$B/speedtest1.time"
      else
        { time "$out/speedtest1_linuxu-x86_64" -- --memdb --size "$size" >"$log" 2>&1; } 2>"$B/speedtest1.time"
      fi
      total=$(sed -n 's/^ *TOTAL\.*  *\([0-9.]*\)s$/\1/p' "$log")
      [ -n "$total" ] || { echo "bench: speedtest1 ($label) gave no TOTAL; see $log"; return 1; }
      read -r u s < "$B/speedtest1.time"
      vals[$label/total_ms]+="$(awk "BEGIN { print $total * 1000 }") "
      vals[$label/cpu_ms]+="$(awk "BEGIN { print ($u + $s) * 1000 }") "
    done
  done
  local key
  for key in "${!vals[@]}"; do
    # shellcheck disable=SC2086
    record "sqlite/${key%%/*}" "speedtest1_size${size}_${key#*/}" ms ${vals[$key]}
  done
}

bench_storage() {
  # tests/bench/storebench (one source) as Kiln images (linuxu over hostfs;
  # kvm over each filesystem the tree has), as the host program and as the
  # static program of the Linux guest (support/linuxguest.py). docs/bench.md.
  local app=$SRC/tests/bench/storebench out=$B/storebench w=$B/storage kit fs sym extra kvm=()
  mkdir -p "$w"
  echo "bench: building storebench (Kiln linuxu + kvm, host, static for the Linux guest)"
  build_app "$app" "$out" || { echo "bench: storebench did not build"; return 1; }
  gcc -O2 -pthread -o "$B/storebench_host" "$app/main.c" &&
    gcc -O2 -static -pthread -o "$w/storebench" "$app/main.c" || { echo "bench: storebench (host/static) did not build"; return 1; }
  kit=$(/usr/bin/python3 "$SRC/support/linuxguest.py" kit "$SRC/build/deps" | tail -1) ||
    { echo "bench: no Linux guest kit (Debian's kernel and busybox-static; see above)"; return 1; }
  /usr/bin/python3 "$SRC/support/linuxguest.py" initramfs "$kit" "$w/initrd.cpio" --bin "$w/storebench" || return 1
  # Kiln kvm images for the filesystems that exist in this tree (their
  # Kconfig symbols; the others are listed as not measured).
  for fs in ext4:LIBEXTFS:LIBVIRTIO_BLK 9p:LIB9PFS:LIBVIRTIO_9P virtiofs:LIBVIRTIOFS:LIBVIRTIO_FS; do
    IFS=: read -r fs sym extra <<<"$fs"
    grep -qsx "config $sym" "$SRC"/lib/*/Kconfig || continue
    { grep -v LIBHOSTFS "$app/defconfig"; echo "CONFIG_$sym=y"; echo "CONFIG_$extra=y"; } > "$w/kvm-$fs.defconfig"
    if make -s -C "$SRC" O="$w/kvm-$fs" A="$app" DEFCONFIG="$w/kvm-$fs.defconfig" defconfig >/dev/null &&
       make -s -C "$SRC" O="$w/kvm-$fs" A="$app" >"$w/kvm-$fs.build.log" 2>&1; then
      kvm+=("$w/kvm-$fs/storebench_kvm-x86_64:$fs")
    else
      echo "bench: storebench with $sym did not build (see $w/kvm-$fs.build.log): no Kiln $fs row"
    fi
  done
  /usr/bin/python3 "$SRC/support/bench_storage.py" "$SRC" "$w" "$RESULTS" "${STORAGE_REPS:-3}" "$kit" \
    "$w/initrd.cpio" "$B/storebench_host" "$out/storebench_linuxu-x86_64" "${kvm[@]}"
}

for p in "${parts[@]}"; do
  case $p in
    boot) bench_boot ;;
    sched) bench_sched ;;
    net) bench_net ;;
    xen) bench_xen ;;
    vfs) bench_vfs ;;
    libc) bench_libc ;;
    sqlite) bench_sqlite ;;
    storage) bench_storage ;;
    *) echo "bench: unknown part $p (known: boot sched net xen vfs libc sqlite storage)"; exit 2 ;;
  esac
done

/usr/bin/python3 "$SRC/support/bench_report.py" "$RESULTS" "$B/results.json"
