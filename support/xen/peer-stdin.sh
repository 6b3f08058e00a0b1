#!/bin/sh
# dom0 peer for the console input test (tests/xen.cmake, crash_stdin):
# types a line on the guest's console. xenconsoled connects the guest's
# PV console ring to a pty whose slave is named in xenstore
# (console/tty); what is written to that slave reaches the guest's input
# ring. Runs in the rig's dom0:  sh peer-stdin.sh DOMID
home=/local/domain/$1
i=0
while [ $i -lt 200 ]; do
  tty=$(xenstore-read "$home/console/tty" 2>/dev/null) && [ -n "$tty" ] && break
  usleep 50000
  i=$((i + 1))
done
[ -n "$tty" ] || { echo "no console tty in xenstore"; exit 1; }
stty -F "$tty" raw -echo 2>/dev/null
printf 'typed on the xen console\n' >"$tty"
echo "typed a line on $tty"
