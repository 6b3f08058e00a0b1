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
  if ! xl create $paused "$g/xl.cfg" >/tmp/create.log 2>&1; then
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
