#!/bin/sh
# dom0 peer for the xenstore round-trip test (plat/xen/tests,
# xen.xenstore_round_trip_with_dom0): waits for the guest to write
# data/ping, answers data/pong = ping + 1. Runs in the rig's dom0:
#   sh peer-pong.sh DOMID
home=/local/domain/$1
i=0
while [ $i -lt 600 ]; do
  if v=$(xenstore-read "$home/data/ping" 2>/dev/null); then
    xenstore-write "$home/data/pong" "$((v + 1))"
    echo "answered ping $v with pong $((v + 1))"
    exit 0
  fi
  usleep 50000
  i=$((i + 1))
done
echo "no ping within 30 s"
