#!/bin/busybox sh
# dom0 /init for the Kiln Xen test rig (support/xen/run-xen.py puts it in
# the initramfs). Brings up the xl toolstack, then boots each guest in
# /guests/<n>/ (xl.cfg, made by run-xen.py) one after the other: waits for
# it to shut down, prints its console log, its shutdown reason and the exit
# status it wrote to xenstore (data/kiln-exit-status), then powers off.
# Everything meant for the host is on lines starting with "@@KILN-XEN".
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin:/usr/sbin:/usr/lib/xen-4.17/bin
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmp /run
ln -sfn /run /var/run
mkdir -p /run/xen /run/xenstored /var/lib/xen /var/lib/xenstored /var/log/xen/console /etc/xen /tmp
say() { echo "@@KILN-XEN $*"; }
fail() { say "FATAL $*"; say DONE; sleep 1; poweroff -f; }
for m in xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs; do
  insmod "$(find /lib/modules -name "$m.ko" | head -1)" 2>/dev/null || say "note: insmod $m failed (built in?)"
done
mount -t xenfs xenfs /proc/xen || fail "cannot mount xenfs"
xenstored --pid-file /run/xenstored.pid || fail "xenstored did not start"
xen-init-dom0 >/dev/null 2>&1 || fail "xen-init-dom0 failed"
xenconsoled --log=guest --log-dir=/var/log/xen/console --pid-file=/run/xenconsoled.pid || fail "xenconsoled did not start"
: >/etc/xen/xl.conf
say READY

# Bench mode (run-xen.py --bench): a guest whose directory has a "bench"
# file is created with `xl create -F` in the background and timed by dom0:
# from just before xl starts to xenconsoled opening the guest's console log
# (the domain is built), to the log's first complete line, and to xl -F
# exiting (it exits once it has seen the domain shut down; on_poweroff is
# "preserve"). Times are kernel trace_marker timestamps (1 us); the poll
# loop uses only shell builtins (a fork costs ~15 ms here) and sleeps 2 ms
# between polls in `read -t` on an empty fifo, so a time is late by at most
# one poll, ~3 ms. Prints "@@KILN-XEN TIMES <name> built_ms=... first_ms=...
# down_ms=..." ("-" for what did not happen).
exec 3>&1
xl_create() {  # xl_create <guest dir>: xl create, timed when <dir>/bench exists
  [ -f "$1/bench" ] || { xl create "$1/xl.cfg"; return; }
  local n log tm=/sys/kernel/tracing i=0 built=0 first=0 down=0 rc=0 line
  n=$(cat "$1/name")
  log=/var/log/xen/console/guest-$n.log
  [ -d $tm/instances ] || mount -t tracefs tracefs $tm || { echo "@@KILN-XEN TIMES $n error=no-tracefs" >&3; xl create "$1/xl.cfg"; return; }
  [ -p /tmp/tick ] || { mkfifo /tmp/tick && exec 4<>/tmp/tick; }
  : >$tm/trace
  echo "kiln t0" >$tm/trace_marker
  xl create -F "$1/xl.cfg" &
  local pid=$!
  while [ $i -lt 30000 ]; do  # ~75 s at most; then the wait below goes on
    i=$((i + 1))
    [ $built = 0 ] && [ -e "$log" ] && built=1 && echo "kiln built" >$tm/trace_marker
    [ $first = 0 ] && [ -s "$log" ] && read -r line <"$log" && first=1 && echo "kiln first" >$tm/trace_marker
    if [ $down = 0 ] && ! kill -0 $pid 2>/dev/null; then
      echo "kiln down" >$tm/trace_marker; down=$i
      wait $pid; rc=$?
      [ $rc = 0 ] || break
    fi
    [ $down != 0 ] && { [ $first = 1 ] || [ $((i - down)) -gt 100 ]; } && break  # output may lag the shutdown
    read -t 0.002 line <&4
  done
  [ $down = 0 ] && kill $pid 2>/dev/null
  awk -v n="$n" '/tracing_mark_write: kiln / { sub(/:$/, "", $(NF - 3)); t[$NF] = $(NF - 3) }
    function ms(k) { return (k in t) ? sprintf("%.3f", (t[k] - t["t0"]) * 1000) : "-" }
    END { printf "@@KILN-XEN TIMES %s built_ms=%s first_ms=%s down_ms=%s\n", n, ms("built"), ms("first"), ms("down") }' $tm/trace >&3
  return $rc
}

state() {  # xl list state flags of domain $1, or empty
  xl list "$1" 2>/dev/null | awk 'NR==2 {print $5}'
}

for g in /guests/*/; do
  [ -f "$g/xl.cfg" ] || continue
  name=$(cat "$g/name")
  timeout=$(cat "$g/timeout" 2>/dev/null || echo 60)
  say "BEGIN $name"
  paused=
  [ -f "$g/peer.sh" ] && paused=-p
  if [ -n "$paused" ]; then
    xl create -p "$g/xl.cfg" >/tmp/create.log 2>&1
  else
    xl_create "$g" >/tmp/create.log 2>&1
  fi
  if [ $? != 0 ]; then
    sed "s/^/@@KILN-XEN|$name|xl: /" /tmp/create.log
    say "END $name reason=create-failed status=-"
    continue
  fi
  domid=$(xl domid "$name")
  peer=
  if [ -n "$paused" ]; then
    # A dom0 peer: mark it in the guest's xenstore home, start it, unpause.
    xenstore-write "/local/domain/$domid/data/kiln-peer" 1
    sh "$g/peer.sh" "$domid" >/tmp/peer.log 2>&1 &
    peer=$!
    xl unpause "$name"
  fi
  reason=timeout
  i=0
  while [ $i -lt $((timeout * 10)) ]; do
    s=$(state "$name")
    case "$s" in
      *c*) reason=crash; break ;;
      *s*) reason=shutdown; break ;;
      "") reason=gone; break ;;
    esac
    usleep 100000
    i=$((i + 1))
  done
  if [ "$reason" = shutdown ]; then
    # xl list shows "s" for every shutdown reason; the verbose listing has
    # the reason code (SHUTDOWN_*: 0 poweroff, 1 reboot, 3 crash, 4 watchdog).
    case "$(xl list -v "$name" 2>/dev/null | awk 'NR==2 {print $8}')" in
      0) reason=poweroff ;; 1) reason=reboot ;; 3) reason=crash ;; 4) reason=watchdog ;; *) reason=shutdown ;;
    esac
  fi
  cpu=$(xl list "$name" 2>/dev/null | awk 'NR==2 {print $6}')
  status=$(xenstore-read "/local/domain/$domid/data/kiln-exit-status" 2>/dev/null || echo -)
  usleep 300000  # let xenconsoled write the last output
  log=/var/log/xen/console/guest-$name.log
  [ -f "$log" ] && sed "s/\r\$//; s/^/@@KILN-XEN|$name|/" "$log"
  xl destroy "$name" >/dev/null 2>&1
  if [ -n "$peer" ]; then
    kill "$peer" 2>/dev/null
    sed "s/^/@@KILN-XEN|$name|peer: /" /tmp/peer.log
  fi
  say "END $name reason=$reason status=$status cpu=${cpu:--}"
done
say DONE
sync
poweroff -f
